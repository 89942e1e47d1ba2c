#!/usr/bin/env bash
# The whole speed comparison in one command: builds tapegrad and bench/workloads (Release), then
# runs bench/compare.py, which measures tapegrad, PyTorch (Debian's python3-torch) and the bare
# gemm roofline side by side, prints the table and writes docs/benchmarks.md.
#
#   bench/compare.sh [--rounds N]          (default 3 rounds: about 11 minutes on 2 cores)
#   bench/compare.sh --record FILE         also keeps the run's figures in FILE (JSON);
#                                          bench/compare.py --replay FILE writes the page again from
#                                          them without measuring (bench/benchmark_page.py)
#   env: BUILD_DIR (default build; relative to the repository)
#
# A relative FILE of --record, --replay, --output or --build is the caller's directory's, as with
# any command: it is made absolute before this script changes to the repository's root.
#
# Without python3-torch the PyTorch columns stay empty (apt-get install python3-torch).
set -euo pipefail
quoted=()  # the command as the page quotes it, as typed, without --record's file
skip=
for a in "$@"; do
  if [[ -n $skip ]]; then skip=; elif [[ $a == --record ]]; then skip=1; elif [[ $a != --record=* ]]; then quoted+=("$a"); fi
done
absolute() { if [[ -z $1 || $1 == /* ]]; then printf '%s' "$1"; else printf '%s' "$PWD/$1"; fi; }
files='^(--record|--replay|--output|--build)'
arguments=()  # what compare.py gets: the same, each relative FILE made absolute
file_next=
for a in "$@"; do
  if [[ -n $file_next ]]; then
    arguments+=("$(absolute "$a")")
    file_next=
  elif [[ $a =~ $files=(.*)$ ]]; then
    arguments+=("${BASH_REMATCH[1]}=$(absolute "${BASH_REMATCH[2]}")")
  else
    arguments+=("$a")
    if [[ $a =~ $files$ ]]; then file_next=1; fi
  fi
done
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
{ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTG_BUILD_BENCH=ON &&
  cmake --build "$build" -j"$(nproc)" --target tapegrad workloads; } > "$log" 2>&1 || { cat "$log"; exit 1; }
/usr/bin/python3 -c 'import torch, numpy' 2>/dev/null ||
  echo "compare: python3-torch is not installed; measuring tapegrad and the roofline only" >&2
exec /usr/bin/python3 bench/compare.py --build "$build" --command "bench/compare.sh${quoted[*]:+ ${quoted[*]}}" \
  ${arguments[@]+"${arguments[@]}"}
