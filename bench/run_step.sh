#!/usr/bin/env bash
# One [784,100,10] training step at batch 64, float64, one thread: tapegrad's autodiff,
# tapegrad's hand-written BP1–BP4, and PyTorch (Debian's python3-torch), measured in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
{ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTG_BUILD_BENCH=ON &&
  cmake --build "$build" -j"$(nproc)" --target bench_step; } > "$out" 2>&1 || { cat "$out"; exit 1; }
OPENBLAS_NUM_THREADS=1 "./$build/bench/bench_step" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_format=json > "$out"
torch_json=$(OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_step.py 2>/dev/null || echo '{}')
/usr/bin/python3 - "$out" "$torch_json" <<'PY'
import json, sys
runs = {b["run_name"]: b["real_time"] for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"}
torch = json.loads(sys.argv[2])
ad, bp = runs["BM_step_autodiff"], runs["BM_step_backprop"]
print(f"one step of [784,100,10], batch 64, float64, one thread (medians)")
print(f"  tapegrad autodiff      {ad:9.1f} us")
print(f"  tapegrad BP1-BP4       {bp:9.1f} us")
if "us_per_step" in torch:
    t = torch["us_per_step"]
    print(f"  PyTorch {torch['torch_version']:<14} {t:9.1f} us")
print(f"autodiff / BP1-BP4 = {ad / bp:.3f}   (target <= 1.2)")
if "us_per_step" in torch:
    print(f"autodiff / PyTorch = {ad / t:.3f}")
else:
    print("PyTorch: python3-torch is not installed (apt-get install python3-torch)")
PY
