#!/usr/bin/env bash
# The whole speed comparison in one command: builds tapegrad and bench/workloads (Release), then
# runs bench/compare.py, which measures tapegrad, PyTorch (Debian's python3-torch) and the bare
# gemm roofline side by side, prints the table and writes docs/benchmarks.md.
#
#   bench/compare.sh [--rounds N]          (default 3 rounds: about 17 minutes on 2 cores)
#   bench/compare.sh --record FILE         also keeps the run's figures in FILE (JSON);
#                                          bench/compare.py --replay FILE writes the page again from
#                                          them without measuring (bench/benchmark_page.py)
#   env: BUILD_DIR (default build)
#
# Without python3-torch the PyTorch columns stay empty (apt-get install python3-torch).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
{ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTG_BUILD_BENCH=ON &&
  cmake --build "$build" -j"$(nproc)" --target tapegrad workloads; } > "$log" 2>&1 || { cat "$log"; exit 1; }
/usr/bin/python3 -c 'import torch, numpy' 2>/dev/null ||
  echo "compare: python3-torch is not installed; measuring tapegrad and the roofline only" >&2
quoted=()  # the command as the page quotes it, without --record's file (a path on this machine)
skip=
for a in "$@"; do
  if [[ -n $skip ]]; then skip=; elif [[ $a == --record ]]; then skip=1; elif [[ $a != --record=* ]]; then quoted+=("$a"); fi
done
exec /usr/bin/python3 bench/compare.py --build "$build" --command "bench/compare.sh${quoted[*]:+ ${quoted[*]}}" "$@"
