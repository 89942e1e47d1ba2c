#!/usr/bin/env bash
# Builds the Debian package build-package/tapegrad_VERSION_amd64.deb (cpack -G DEB): generic
# x86-64 code (no -march=native, so it runs on any x86-64 machine), installed under /usr. An
# instructor installs it with `sudo apt install ./build-package/tapegrad_0.1.0_amd64.deb`.
# Extra arguments go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-package -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DTG_NATIVE=OFF \
  -DTG_BUILD_TESTS=OFF -DTG_BUILD_BENCH=OFF -DTG_BUILD_EXAMPLES=OFF "$@"
cmake --build build-package -j"$(nproc)"
(cd build-package && cpack -G DEB)
ls build-package/tapegrad_*.deb
