#!/usr/bin/env bash
# Builds bench_engine (Release), runs it with repetitions, and prints a summary:
# ns per op call (forward + backward) for each op on one-element tensors, and the 256×256
# matmul forward+backward time of tapegrad against the three bare cblas_dgemm calls.
#
#   bench/run_engine.sh                          # from anywhere; extra arguments go to the program,
#   bench/run_engine.sh --benchmark_filter=chain # e.g. only the per-op chains
#
# Environment: BUILD_DIR (default build), REPS (default 5).
# The program sets OpenBLAS to one thread itself; everything runs single-threaded.
# Repetitions run in random interleaved order, so that no benchmark always runs just after the
# same neighbour (with a fixed order, identical chains measured up to 40% apart); the summary
# takes the median and shows the coefficient of variation (cv) across repetitions.
set -euo pipefail

cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
reps=${REPS:-5}
json="$build_dir/bench_engine.json"

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTG_BUILD_BENCH=ON
cmake --build "$build_dir" -j2 --target bench_engine

"$build_dir/bench/bench_engine" \
  --benchmark_repetitions="$reps" \
  --benchmark_enable_random_interleaving=true \
  --benchmark_report_aggregates_only=true \
  --benchmark_out="$json" --benchmark_out_format=json \
  "$@"

python3 - "$json" <<'EOF'
import json, sys

with open(sys.argv[1]) as f:
    runs = json.load(f)["benchmarks"]

# Median over the repetitions when there are aggregates, else the single run; and the cv.
by_name, cv = {}, {}
for r in runs:
    name = r.get("run_name", r["name"])
    if r.get("run_type") == "aggregate":
        if r.get("aggregate_name") == "median":
            by_name[name] = r
        elif r.get("aggregate_name") == "cv":
            cv[name] = r
    else:
        by_name.setdefault(name, r)

def cv_str(name, key):
    return f"cv {100 * cv[name][key]:4.1f}%" if name in cv and key in cv[name] else ""

# The program's registration order (the JSON lists interleaved runs in run order).
order = {}
for r in runs:
    order.setdefault(r.get("run_name", r["name"]), r.get("family_index", len(order)))

def get(name):
    return by_name.get(name) or by_name.get(name + "/real_time")

print()
print("Per op call on one-element tensors, forward + backward (median CPU ns; nodes recorded per call)")
chains = sorted((n for n in by_name if n.startswith("chain/")), key=lambda n: order.get(n, 0))
ns = {n[len("chain/"):]: by_name[n]["ns_per_op"] for n in chains}
for n in chains:
    op = n[len("chain/"):]
    print(f"  {op:<12} {by_name[n]['ns_per_op']:8.0f} ns   {by_name[n]['nodes_per_op']:.0f} node(s)"
          f"   {cv_str(n, 'ns_per_op')}")

# exp and log only iterate finitely in alternation with a partner (see bench_engine.cpp).
derived = [("exp", "exp_neg", "neg"), ("log", "log_add", "add_scalar")]
for op, pair, partner in derived:
    if pair in ns and partner in ns:
        print(f"  {op:<12} {2 * ns[pair] - ns[partner]:8.0f} ns   (derived: 2·{pair} − {partner};"
              " a difference of two noisy figures)")

full, fwd, nograd = get("chain/mul"), get("chain_fwd/mul"), get("chain_nograd/mul")
if full and fwd:
    f, b = fwd["ns_per_op"], full["ns_per_op"]
    print()
    print(f"mul split: forward (recorded) {f:.0f} ns = {100 * f / b:.0f}% of forward+backward {b:.0f} ns;"
          f" backward {b - f:.0f} ns")
    if nograd:
        print(f"           forward under no_grad (values only) {nograd['ns_per_op']:.0f} ns")

tape, bare = get("matmul256/tapegrad"), get("matmul256/bare_gemm")
if tape and bare:
    unit = tape["time_unit"]
    print()
    print("256×256 matmul forward + backward (median time per iteration, one OpenBLAS thread)")
    print(f"  {'':10} {'CPU':>9}    {'wall':>9}")
    for label, r, note in (("tapegrad", tape, ""), ("bare gemm", bare, "   (3 × cblas_dgemm)")):
        print(f"  {label:<10} {r['cpu_time']:9.1f} {unit} {r['real_time']:9.1f} {unit}"
              f"   {r['flops'] / 1e9:5.1f} GFLOP/s   {cv_str(r.get('run_name', ''), 'cpu_time')}{note}")
    print(f"  ratio tapegrad / bare gemm = {tape['cpu_time'] / bare['cpu_time']:.3f} (CPU time),"
          f" {tape['real_time'] / bare['real_time']:.3f} (wall)")
EOF
