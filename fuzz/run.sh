#!/usr/bin/env bash
# Fuzzes tapegrad's parsers: configures build-fuzz with clang (TG_BUILD_FUZZ=ON), builds the
# libFuzzer targets and runs each for SECONDS seconds (default 60) on a copy of its seed corpus:
#
#   fuzz_idx         the IDX reader (nn/data/idx.cpp)                  fuzz/corpus/idx
#   fuzz_checkpoint  the checkpoint loader and the .npy reader         fuzz/corpus/checkpoint
#   fuzz_cli         the command line, run end to end on tiny data      fuzz/corpus/cli
#   fuzz_epoch_csv   the per-epoch CSV reader (cli/epoch_csv.cpp)       fuzz/corpus/epoch_csv
#   fuzz_npy         the .npy reader alone (nn/npy.cpp)                 fuzz/corpus/npy
#
#   fuzz/run.sh [SECONDS [TARGET...]]      (SECONDS per target; default: all five, one after the other)
#
# New corpus items go to build-fuzz/corpus/<name>, never into
# the checked-in seeds. A crash leaves its input in build-fuzz/artifacts/ (named after the
# target), the other targets still run, and this script exits non-zero; replay it with
#   build-fuzz/fuzz/fuzz_idx build-fuzz/artifacts/fuzz_idx-crash-...
# and turn it into a regression test: tests/nn/data/test_idx.cpp, tests/nn/test_checkpoint.cpp
# or tests/nn/test_npy.cpp, tests/cli/test_app.cpp.
set -euo pipefail

seconds="${1:-60}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(fuzz_idx fuzz_checkpoint fuzz_cli fuzz_epoch_csv fuzz_npy)
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-fuzz"
jobs="${JOBS:-2}"

# Every tapegrad library in this build is compiled with coverage instrumentation and ASan/UBSan
# (fuzz/CMakeLists.txt); fuzz_checkpoint and fuzz_cli link nn and cli, so the first build
# compiles xtensor code with sanitizers: several minutes.
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTG_BUILD_FUZZ=ON -DTG_BUILD_TESTS=OFF -DTG_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

# fuzz_checkpoint writes its checkpoint directory under $TMPDIR: keep it in the build directory.
export TMPDIR="$build/tmp"
mkdir -p "$TMPDIR" "$build/artifacts"

# Per target: its corpus name and libFuzzer's options. -malloc_limit_mb: one allocation above
# 512 MB is a crash (a header must not make a reader allocate what the input does not hold);
# -max_len: the seeds are tiny (a checkpoint seed is < 4 KB), gzip needs some room;
# -timeout: one input taking 10 s is a hang, reported as a crash.
common=(-max_total_time="$seconds" -timeout=10 -malloc_limit_mb=512 -print_final_stats=1)
failed=()
for target in "${targets[@]}"; do
  case "$target" in
    fuzz_idx) name=idx options=(-max_len=8192) ;;
    fuzz_checkpoint) name=checkpoint options=(-max_len=8192) ;;
    fuzz_cli) name=cli options=(-max_len=2048) ;;
    fuzz_epoch_csv) name=epoch_csv options=(-max_len=4096) ;;
    fuzz_npy) name=npy options=(-max_len=4096) ;;
    *) echo "fuzz/run.sh: unknown target '$target' (fuzz_idx, fuzz_checkpoint, fuzz_cli, fuzz_epoch_csv, fuzz_npy)" >&2; exit 2 ;;
  esac
  corpus="$build/corpus/$name"
  mkdir -p "$corpus"
  for seed in "$root/fuzz/corpus/$name"/*; do
    [ -e "$corpus/$(basename "$seed")" ] || cp "$seed" "$corpus/"
  done
  echo "== $target: $seconds s from $corpus"
  if "$build/fuzz/$target" "${common[@]}" "${options[@]}" -artifact_prefix="$build/artifacts/$target-" "$corpus"; then
    echo "$target: no crash in $seconds s"
  else
    status=$?
    echo "$target: crashed (exit $status); the input is in $build/artifacts/" >&2
    failed+=("$target")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz/run.sh: ${failed[*]} crashed" >&2
  exit 1
fi
