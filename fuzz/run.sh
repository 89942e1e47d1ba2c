#!/usr/bin/env bash
# Fuzzes the IDX reader: configures build-fuzz with clang (TG_BUILD_FUZZ=ON), builds fuzz_idx
# and runs it for SECONDS seconds (default 60) on a copy of the seed corpus fuzz/corpus/idx.
#
#   fuzz/run.sh [SECONDS]
#
# New corpus items go to build-fuzz/corpus/idx, never into the checked-in seeds. A crash leaves
# its input in build-fuzz/artifacts/ and makes this script exit non-zero; replay it with
#   build-fuzz/fuzz/fuzz_idx build-fuzz/artifacts/crash-...
# and turn it into a regression test in tests/nn/data/test_idx.cpp.
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-fuzz"
jobs="${JOBS:-2}"

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTG_BUILD_FUZZ=ON -DTG_BUILD_TESTS=OFF -DTG_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target fuzz_idx

corpus="$build/corpus/idx"
mkdir -p "$corpus" "$build/artifacts"
for seed in "$root"/fuzz/corpus/idx/*; do
  [ -e "$corpus/$(basename "$seed")" ] || cp "$seed" "$corpus/"
done

# -malloc_limit_mb: one allocation above 512 MB is a crash (a header must not make the reader
# allocate what the file does not hold); -max_len: the seeds are tiny, gzip needs some room.
if "$build/fuzz/fuzz_idx" -max_total_time="$seconds" -malloc_limit_mb=512 -max_len=8192 -print_final_stats=1 \
     -artifact_prefix="$build/artifacts/" "$corpus"; then
  echo "fuzz_idx: no crash in $seconds s"
else
  status=$?
  echo "fuzz_idx: crashed (exit $status); the input is in $build/artifacts/" >&2
  exit "$status"
fi
