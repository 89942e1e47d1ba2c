#!/usr/bin/env bash
# Builds the lab (docs/lab.md): tapegrad's engine and nn layer compiled to WebAssembly with
# Debian's emscripten, and the page around them, into one folder of static files that opens
# from file:// or any web server:
#   scripts/lab.sh [OUT [WORK]]      OUT: the folder (default build/lab/)
#                                    WORK: emscripten's build tree (default build/lab-wasm/)
# Exit status 77 (and one line saying why) when emscripten is not installed: scripts/install-deps.sh
# installs it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/lab}
work=${2:-$root/build/lab-wasm}
if ! command -v emcmake > /dev/null; then
  echo "scripts/lab.sh: emscripten is not installed (apt-get install emscripten, or scripts/install-deps.sh)"
  exit 77
fi
# Debian's emscripten finds its node modules (acorn, ...) there when node comes from elsewhere.
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
mkdir -p "$(dirname "$work")"
emcmake cmake -S "$root/lab" -B "$work" -G Ninja -DCMAKE_BUILD_TYPE=Release > "$work.configure.log" 2>&1 ||
  { cat "$work.configure.log"; exit 1; }
cmake --build "$work"
# The folder is made beside OUT and then put in its place: never a half-written lab.
mkdir -p "$(dirname "$out")"
next=$(mktemp -d "$out.new.XXXXXX")
trap 'rm -rf "$next" "$out.old.$$"' EXIT
cp "$root"/lab/web/* "$work/tapegrad_lab.js" "$next/"
chmod 755 "$next"
if [ -e "$out" ]; then mv "$out" "$out.old.$$"; fi
mv "$next" "$out"
echo "scripts/lab.sh: the lab is in $out (open $out/index.html)"
