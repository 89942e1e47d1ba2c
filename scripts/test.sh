#!/usr/bin/env bash
# Every test: install what is missing, build, run the doctest suite through CTest, build the API
# pages (Doxygen; a warning fails); then build and run the same suite again under
# AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer, so that a memory error or a
# leak fails the run; then fuzz the IDX reader for a minute (fuzz/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DTG_EXERCISE_SOLUTIONS=ON   # exercises/: solutions pass, stubs must fail
ctest --test-dir build --output-on-failure -j"$(nproc)"
# The API pages: Doxygen over the headers (about 10 s); any Doxygen warning fails the run.
cmake --build build --target docs

cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTG_SANITIZE=address,undefined -DTG_BUILD_BENCH=OFF -DTG_EXERCISE_SOLUTIONS=ON
cmake --build build-sanitize -j"$(nproc)"
ctest --test-dir build-sanitize --output-on-failure -j"$(nproc)"

# The IDX reader's fuzz target (clang, libFuzzer + ASan/UBSan), a minute from the seed corpus.
fuzz/run.sh 60
