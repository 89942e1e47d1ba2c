#!/usr/bin/env bash
# `tapegrad info` and train's kernel hint, in fresh processes: the thread policy is read once per
# process from the environment, so each case needs its own.
#   tests/cli/blas_info.sh TAPEGRAD
set -euo pipefail
tapegrad=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect WHAT FILE PATTERN: FILE has a line matching PATTERN (grep -E).
expect() { if grep -qE "$3" "$2"; then echo "ok: $1"; else fail "$1: no line matches '$3' in:"; cat "$2"; fi; }

env -u OPENBLAS_NUM_THREADS -u GOTO_NUM_THREADS -u OMP_NUM_THREADS -u OPENBLAS_CORETYPE "$tapegrad" info >"$dir/info"
expect "info names OpenBLAS" "$dir/info" '^BLAS library: +OpenBLAS [0-9.]+$'
expect "info names the kernel" "$dir/info" '^kernel: +[A-Za-z0-9]+$'
expect "info gives the build" "$dir/info" '^build: +OpenBLAS .*MAX_THREADS='
expect "info counts the cores" "$dir/info" '^CPU: +[0-9]+ cores'
expect "info gives the policy, or one thread on one core" "$dir/info" \
  '^threads: +(per product: 1 thread below m·n·k = [0-9]+, (both cores|2) from it.*|1 thread \(one core\))$'

OPENBLAS_NUM_THREADS=1 "$tapegrad" info >"$dir/user"
expect "the user's OPENBLAS_NUM_THREADS wins" "$dir/user" \
  '^threads: +as OPENBLAS_NUM_THREADS=1 says \(the per-product policy is off\)$'
env -u OPENBLAS_NUM_THREADS OMP_NUM_THREADS=1 "$tapegrad" --version >"$dir/version"
expect "--version says so too, in one line" "$dir/version" '^BLAS: OpenBLAS [0-9.]+, [A-Za-z0-9]+ kernel; threads: as OMP_NUM_THREADS=1 says'

# A generic kernel forced on a CPU with AVX2: info and train say how to choose the fast one, train once.
if grep -qw avx2 /proc/cpuinfo; then
  OPENBLAS_CORETYPE=Prescott "$tapegrad" info >"$dir/prescott"
  expect "info: the hint for a generic kernel" "$dir/prescott" '^note: .*Prescott kernel.*OPENBLAS_CORETYPE=(Haswell|SkylakeX)'
  OPENBLAS_CORETYPE=Prescott "$tapegrad" train --data xor --epochs 2 --progress never >"$dir/out" 2>"$dir/err"
  [ "$(grep -c OPENBLAS_CORETYPE= "$dir/err")" -eq 1 ] && echo "ok: train says it once" ||
    { fail "train: the hint not said exactly once:"; cat "$dir/err"; }
  if ! grep -q '^note:' "$dir/info"; then  # OpenBLAS's own kernel is a fast one: no hint
    env -u OPENBLAS_CORETYPE "$tapegrad" train --data xor --epochs 2 --progress never >"$dir/out" 2>"$dir/err"
    if grep -q OPENBLAS_CORETYPE "$dir/err"; then fail "train: a hint with a fast kernel:"; cat "$dir/err"; fi
  fi
else
  echo "skipped: this CPU has no AVX2, so no kernel is generic for it"
fi
[ "$failures" -eq 0 ]
