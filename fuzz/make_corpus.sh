#!/usr/bin/env bash
# Writes the seed corpora under fuzz/corpus/. The files are checked in; run this again only to
# change them.
#   idx/          tiny valid IDX files of every element type, plain and gzipped (gzip -n: no
#                 name or time stamp, so the bytes are the same on every run)
#   cli/          realistic command lines, the words after "tapegrad" separated by '\0'
#   checkpoint/   small checkpoints saved by tapegrad itself, framed as
#                 fuzz/checkpoint_files.hpp says; written by make_checkpoint_corpus, built in
#                 build-fuzz as fuzz/run.sh builds the fuzz targets
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

(
out="$root/fuzz/corpus/idx"
mkdir -p "$out"
cd "$out"

# name, then the file's bytes as printf escapes: 00 00, the type, the rank, the dims (big-endian u32), the data
put() { printf "$2" >"$1"; }
put u8_labels  '\x00\x00\x08\x01\x00\x00\x00\x05\x03\x00\x09\x01\x07'
put u8_images  '\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00\x03\x00\x10\x20\x80\xfe\xff\x01\x02\x03\x04\x05\x06'
put u8_empty   '\x00\x00\x08\x03\x00\x00\x00\x00\x00\x00\x00\x1c\x00\x00\x00\x1c'
put i8         '\x00\x00\x09\x01\x00\x00\x00\x04\x80\xff\x00\x7f'
put i16        '\x00\x00\x0b\x02\x00\x00\x00\x02\x00\x00\x00\x02\x80\x00\xff\xfe\x01\x02\x7f\xff'
put i32        '\x00\x00\x0c\x01\x00\x00\x00\x03\x80\x00\x00\x00\xff\xff\xff\xff\x01\x02\x03\x04'
put f32        '\x00\x00\x0d\x01\x00\x00\x00\x02\xbf\xc0\x00\x00\x7f\x80\x00\x00'
put f64        '\x00\x00\x0e\x02\x00\x00\x00\x01\x00\x00\x00\x02\x40\x09\x21\xfb\x54\x44\x2d\x18\x80\x00\x00\x00\x00\x00\x00\x00'

for f in u8_labels u8_images i16 f64; do gzip -9 -n -c "$f" >"$f.gz"; done
# two gzip members, cut inside the header: read as one stream
head -c 6 u8_images | gzip -n -c >u8_images_two_members.gz
tail -c +7 u8_images | gzip -n -c >>u8_images_two_members.gz
)

(
out="$root/fuzz/corpus/cli"
rm -rf "$out"
mkdir -p "$out"
cd "$out"
# name, then the words (no '\0' after the last: that would be one more, empty, word)
line() {
  local name="$1"
  shift
  local first=1
  for word in "$@"; do
    [ "$first" = 1 ] || printf '\0'
    printf '%s' "$word"
    first=0
  done >"$name"
}
line train             train
line train_moons       train --data moons --sizes 2,16,2 --hidden tanh --output softmax --cost log_likelihood \
                             --epochs 3 --batch-size 10 --seed 7 --train-size 200 --test-size 100
line train_adam        train --data spirals --optimizer adam --lr 0.01 --l2 0.001 --l2-form total --reduction sum \
                             --init he --hidden relu
line train_resume      train --optimizer momentum --momentum 0.5 --resume . --save . --csv epochs.csv --progress never
line train_seed003     train --data xor --sizes 2,2,1 --output sigmoid --cost quadratic --stop-epsilon 1e-6 \
                             --max-iterations 1000 --gradients backprop --batch-size 0
line train_equals      train --lr=0.1 --epochs=2 --data=sine --output=identity --progress=always
line verify_numeric    verify --data xor --sizes 2,3,2 --numeric --eps 1e-7 --tolerance 1e-9 --numeric-tolerance 1e-5 \
                              --batch 4
line verify_checkpoint verify --checkpoint . --dump dump --cost cross_entropy
line eval              eval --checkpoint . --data fashion-mnist --cost quadratic --reduction mean
line demo_dot          demo --dot graph.dot
line help              --help
line train_help        train --help
line version           --version
line wrong_value       train --lr -1 --sizes 2,x,2
line wrong_flag        train --bogus
)

build="$root/build-fuzz"
# The same configuration as fuzz/run.sh's
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTG_BUILD_FUZZ=ON -DTG_BUILD_TESTS=OFF -DTG_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target make_checkpoint_corpus
rm -rf "$root/fuzz/corpus/checkpoint"
"$build/fuzz/make_checkpoint_corpus" "$root/fuzz/corpus/checkpoint"
