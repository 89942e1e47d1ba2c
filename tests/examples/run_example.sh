#!/usr/bin/env bash
# Runs a program and checks both its exit status and its output, for CTest.
#
#   run_example.sh [--fail] PROGRAM [ARG...] --expect PATTERN [PATTERN...]
#
# Passes when PROGRAM exits with 0 (with --fail: with anything but 0; a crash counts as a
# failure too, so give a pattern that only the expected failure prints) and every PATTERN, an
# extended regular expression (grep -E), matches a line of its output, stdout and stderr
# together. The output is printed either way, so `ctest --output-on-failure` shows it.
# (CTest's PASS_REGULAR_EXPRESSION alone ignores the exit status.)
set -uo pipefail
want_fail=0
if [[ ${1:-} == --fail ]]; then
  want_fail=1
  shift
fi
command=()
while [[ $# -gt 0 && $1 != --expect ]]; do
  command+=("$1")
  shift
done
if [[ ${#command[@]} -eq 0 || $# -lt 2 ]]; then
  echo "usage: run_example.sh [--fail] PROGRAM [ARG...] --expect PATTERN [PATTERN...]" >&2
  exit 2
fi
shift  # --expect

out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
status=0
"${command[@]}" >"$out" 2>&1 || status=$?
cat "$out"
echo "---- run_example.sh: ${command[0]##*/} exited with status $status"

ok=1
if [[ $want_fail == 1 && $status == 0 ]]; then
  echo "FAIL: expected a non-zero exit status"
  ok=0
elif [[ $want_fail == 0 && $status != 0 ]]; then
  echo "FAIL: expected exit status 0"
  ok=0
fi
for pattern in "$@"; do
  if grep -Eq -- "$pattern" "$out"; then
    echo "found:   $pattern"
  else
    echo "MISSING: $pattern"
    ok=0
  fi
done
[[ $ok == 1 ]]
