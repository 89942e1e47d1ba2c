#!/usr/bin/env bash
# Configures and builds tapegrad in build/ (Release). Extra arguments go to cmake's configure step.
# The bench/ programs are off unless an argument turns them on (scripts/test.sh does): CMake keeps
# an option in build/'s cache, so without the explicit OFF a build after test.sh, and
# scripts/run.sh, would compile them too.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DTG_BUILD_BENCH=OFF "$@"
cmake --build build -j"$(nproc)"
