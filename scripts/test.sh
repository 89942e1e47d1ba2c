#!/usr/bin/env bash
# Every test: install what is missing, build, run the doctest suite through CTest; then build
# and run the same suite again under AddressSanitizer, UndefinedBehaviorSanitizer and
# LeakSanitizer, so that a memory error or a leak fails the run; then fuzz the IDX reader for a
# minute (fuzz/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"

cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTG_SANITIZE=address,undefined -DTG_BUILD_BENCH=OFF
cmake --build build-sanitize -j"$(nproc)"
ctest --test-dir build-sanitize --output-on-failure -j"$(nproc)"

# The IDX reader's fuzz target (clang, libFuzzer + ASan/UBSan), a minute from the seed corpus.
fuzz/run.sh 60
