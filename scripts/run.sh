#!/usr/bin/env bash
# The main job: install what is missing, build, and run tapegrad.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
./build/cli/tapegrad "$@"
