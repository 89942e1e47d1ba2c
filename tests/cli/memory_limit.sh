#!/usr/bin/env bash
# Requests larger than memory, run under an address-space limit (ulimit -v): each must end at
# once in a one-line error saying what it needs and what is available, never in std::bad_alloc,
# std::bad_array_new_length, a signal, or the OOM killer.
#   tests/cli/memory_limit.sh TAPEGRAD
set -euo pipefail
tapegrad=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
limit_kb=2000000  # 2 GB of address space: plenty for the runs that fit
failures=0

# expect_refusal DESCRIPTION ARGS...: exit 1, one line on stderr naming the need and the limit
expect_refusal() {
  local what=$1
  shift
  local code=0
  (ulimit -v "$limit_kb"; exec timeout 120 "$tapegrad" "$@") >"$dir/out" 2>"$dir/err" || code=$?
  if [ "$code" -ne 1 ] || [ "$(wc -l <"$dir/err")" -ne 1 ] || ! grep -q "needs .* but only .* is available (ulimit -v" "$dir/err" ||
     grep -q "bad_alloc\|bad_array_new_length" "$dir/err"; then
    echo "FAIL: $what: exit $code, stderr:"; cat "$dir/err"; failures=$((failures + 1))
  else
    echo "ok: $what: $(cat "$dir/err")"
  fi
}

expect_refusal "a 100,000,000-wide hidden layer" train --data moons --sizes 2,100000000,2 --epochs 1
expect_refusal "10^11 training examples" train --data moons --train-size 100000000000 --epochs 1
expect_refusal "2^64 - 1 sine examples" train --data sine --train-size 18446744073709551615 --epochs 1
expect_refusal "2^64 - 1 spiral examples" verify --data spirals --train-size 18446744073709551615

# a checkpoint whose note asks for 10^11 training examples
"$tapegrad" train --data moons --train-size 50 --test-size 20 --epochs 1 --save "$dir/ck" >/dev/null
sed -i 's/"train_size": "50"/"train_size": "100000000000"/' "$dir/ck/checkpoint.json"
grep -q '"train_size": "100000000000"' "$dir/ck/checkpoint.json"
expect_refusal "a checkpoint's note of 10^11 training examples" train --resume "$dir/ck" --epochs 1

# MNIST-format files whose header claims 4,000,000 images (3.1 GB of bytes) but whose .gz holds
# the first 100 only: refused, naming the file, what it claims and the memory available, before
# any data is read; --train-size 10 reads and decodes only ten.
mkdir "$dir/bomb"
/usr/bin/python3 - "$dir/bomb" <<'PY'
import gzip, struct, sys
d = sys.argv[1]
def write(name, header, size):
    with gzip.open(f"{d}/{name}.gz", "wb", compresslevel=9) as f:
        f.write(header)
        chunk = bytes(1 << 20)
        while size > 0:
            f.write(chunk[:min(size, len(chunk))])
            size -= len(chunk)
n = 4000000
write("train-images-idx3-ubyte", struct.pack(">BBBBIII", 0, 0, 8, 3, n, 28, 28), 100 * 784)
write("train-labels-idx1-ubyte", struct.pack(">BBBBI", 0, 0, 8, 1, n), 100)
write("t10k-images-idx3-ubyte", struct.pack(">BBBBIII", 0, 0, 8, 3, 20, 28, 28), 20 * 784)
write("t10k-labels-idx1-ubyte", struct.pack(">BBBBI", 0, 0, 8, 1, 20), 20)
PY
expect_refusal "4,000,000 images promised by a small .gz" train --data "$dir/bomb" --epochs 1
grep -q "load_mnist: '$dir/bomb/train-images-idx3-ubyte.gz': 4000000 images of 28×28 (1 byte a pixel) needs 3.1 GB" \
  "$dir/err" || { echo "FAIL: the refusal names neither the file nor its size"; failures=$((failures + 1)); }
code=0  # within 400 MB: only ten images are read
(ulimit -v 400000; exec timeout 120 "$tapegrad" train --data "$dir/bomb" --train-size 10 --epochs 1) \
  >"$dir/out" 2>"$dir/err" || code=$?
if [ "$code" -ne 0 ] || ! grep -q "(10 training, 20 test examples)" "$dir/out"; then
  echo "FAIL: --train-size 10 of the 4,000,000 images: exit $code"; cat "$dir/err"; failures=$((failures + 1))
else
  echo "ok: --train-size 10 of the 4,000,000 images trains within the limit"
fi

# A conv layer of 2000 maps 26×26 on 28×28 images: 1,352,000 numbers (10.8 MB) an example, and
# the estimate counts its activations several times over (nn/memory_estimate.cpp): the 200 test
# images of one chunk need 6.5 GB by it. Refused before any activation is allocated, naming the
# layer, by train, by verify, and by eval and report of a checkpoint trained on 2.
mkdir "$dir/wide"
/usr/bin/python3 - "$dir/wide" <<'PY'
import struct, sys
d = sys.argv[1]
for prefix, n in (("train", 200), ("t10k", 200)):
    with open(f"{d}/{prefix}-images-idx3-ubyte", "wb") as f:
        f.write(struct.pack(">BBBBIII", 0, 0, 8, 3, n, 28, 28) + bytes((i * 37) % 251 for i in range(n * 784)))
    with open(f"{d}/{prefix}-labels-idx1-ubyte", "wb") as f:
        f.write(struct.pack(">BBBBI", 0, 0, 8, 1, n) + bytes(i % 10 for i in range(n)))
PY
expect_refusal "a conv layer of 2000 maps" train --data "$dir/wide" --layers conv:2000x3x3,pool:2,softmax:10 --epochs 1
grep -q "the most of them in layer 2 (conv 2000 kernels 3×3, .*: 1352000 numbers an example)" "$dir/err" ||
  { echo "FAIL: the refusal does not name the conv layer"; failures=$((failures + 1)); }
expect_refusal "verify of a conv layer of 2000 maps" verify --data "$dir/wide" --layers conv:2000x3x3,pool:2,softmax:10 --batch-size 200
grep -q "checking the gradients of conv:2000x3x3:sigmoid,pool:2,softmax:10 on (1,28,28) on 200 examples" "$dir/err" ||
  { echo "FAIL: verify's refusal does not say what it checks"; failures=$((failures + 1)); }
"$tapegrad" train --data "$dir/wide" --train-size 2 --test-size 2 --batch-size 2 --layers conv:2000x3x3,pool:2,softmax:10 \
  --epochs 1 --save "$dir/wide-ck" >/dev/null
expect_refusal "eval of a conv layer of 2000 maps on 200 images" eval --checkpoint "$dir/wide-ck" --test-size 200
grep -q "evaluating conv:2000x3x3:sigmoid,pool:2,softmax:10 on (1,28,28) on 200 examples" "$dir/err" ||
  { echo "FAIL: eval's refusal does not name the network"; failures=$((failures + 1)); }
expect_refusal "report of a conv layer of 2000 maps on 200 images" report --checkpoint "$dir/wide-ck" --test-size 200 -o "$dir/wide.html"
[ ! -e "$dir/wide.html" ] || { echo "FAIL: report wrote a page it refused"; failures=$((failures + 1)); }

# Fashion-MNIST, full batch, a 3000-wide hidden layer: 60,000 columns of activations per step
if [ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  expect_refusal "full-batch [784,3000,10] on Fashion-MNIST" train --data fashion-mnist --batch-size 0 --sizes 784,3000,10 --epochs 1
fi

[ "$failures" -eq 0 ] || { echo "$failures failed"; exit 1; }
echo "every request larger than memory was refused with the numbers"
