#!/usr/bin/env bash
# Installs the Debian packages tapegrad builds with, if any is missing. Idempotent.
#
#   scripts/install-deps.sh            everything the full test run needs (scripts/test.sh)
#   scripts/install-deps.sh --minimal  only what building and using the library and the program
#                                      need (a student's machine): no clang, chromium, doxygen,
#                                      Google Benchmark, help2man, data sets
set -euo pipefail

minimal=(
  g++ cmake ninja-build pkg-config     # toolchain
  libxtensor-dev libxsimd-dev xtl-dev  # tensors (xsimd vectorises their loops)
  libopenblas-dev                      # BLAS: cblas_dgemm for matmul
  libfmt-dev                           # formatting
  nlohmann-json3-dev                   # JSON (checkpoint metadata)
  libcli11-dev                         # the tapegrad program's command line
  zlib1g-dev                           # .gz IDX files (MNIST, Fashion-MNIST)
  doctest-dev                          # tests (the student project template's too)
  graphviz                             # dot: renders the graphs tapegrad draws
)
full=(
  dataset-fashion-mnist                # the real data set (/usr/share/datasets/fashion-mnist)
  python3-numpy                        # tests: verify's dumps re-checked by scripts/recheck_dump.py
  clang libclang-rt-14-dev             # fuzz/: libFuzzer and the sanitizers' runtimes for clang
  clang-format                         # tests: the C++ files are formatted as .clang-format says
  libbenchmark-dev                     # bench/
  doxygen                              # docs/: the API pages (cmake --build build --target docs)
  chromium                             # tests: tapegrad report and the lab opened in a headless browser
  emscripten                           # the lab (scripts/lab.sh): the engine compiled to WebAssembly
  help2man                             # the man pages, from the program's --help
  dpkg-dev file                        # cpack -G DEB: dpkg-shlibdeps finds the program's libraries
)

case "${1:-}" in
  --minimal) packages=("${minimal[@]}") ;;
  "") packages=("${minimal[@]}" "${full[@]}") ;;
  *) echo "install-deps.sh: unknown option '$1' (--minimal, or nothing for everything)" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "tapegrad: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
