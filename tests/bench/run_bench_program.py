#!/usr/bin/python3
"""The bench/ programs' smoke pass (CTest label "bench"): runs one program once, with its
smallest arguments, and checks the shape of what it prints, the figures the bench/ scripts read
(bench/compare.py, run_engine.sh, run_step.sh) being there and numbers: not its speed.

  run_bench_program.py BUILD_DIR/bench/workloads NAME [ARG]   the JSON line compare.py reads
  run_bench_program.py BUILD_DIR/bench/bench_engine           Google Benchmark's JSON, each benchmark once
  run_bench_program.py BUILD_DIR/bench/bench_step
  run_bench_program.py BUILD_DIR/bench/chain_million          its two lines, and no node left alive
  run_bench_program.py BUILD_DIR/bench/gemm_threads           a table of one round
"""
import json
import math
import re
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import compare  # noqa: E402  (WORKLOAD_KEYS, workload_figures: what compare.py reads)

NUMBER = r"[0-9]+(?:\.[0-9]+)?"
# What bench/run_engine.sh and bench/run_step.sh read of each benchmark, beside its times.
BENCHMARKS = {
    "bench_engine": {"chain/mul": ("ns_per_op", "nodes_per_op"), "chain_fwd/mul": ("ns_per_op",),
                     "chain_nograd/mul": ("ns_per_op",), "matmul256/tapegrad": ("flops",),
                     "matmul256/bare_gemm": ("flops",)},
    "bench_step": {"BM_step_autodiff": (), "BM_step_backprop": ()},
}


def run(cmd):
    """The program's stdout; a non-zero exit is a failure with its stderr."""
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))}: exit {p.returncode}\n{p.stderr.strip()}")
    return p.stdout


def positive_numbers(where, figures, keys):
    bad = [k for k in keys if not (isinstance(figures.get(k), (int, float)) and math.isfinite(figures[k])
                                   and figures[k] > 0)]
    if bad:
        sys.exit(f"{where}: not a positive number: {', '.join(f'{k}={figures.get(k)!r}' for k in bad)}")


def check_workload(program, name, *args):
    try:
        line = compare.workload_figures(name, run([program, name, *args]))
    except ValueError as e:
        sys.exit(str(e))
    if line.get("workload") != name:
        sys.exit(f"workloads {name}: its line names the workload {line.get('workload')!r}")
    positive_numbers(f"workloads {name}", line, compare.WORKLOAD_KEYS[name])
    return f"workloads {name}: {line}"


def check_google_benchmark(program):
    expected = BENCHMARKS[Path(program).name]
    out = run([program, "--benchmark_min_time=0.001", "--benchmark_format=json"])
    runs = {r["name"]: r for r in json.loads(out)["benchmarks"]}
    missing = [n for n in expected if n not in runs]
    if missing:
        sys.exit(f"{program}: no benchmark {', '.join(missing)} (ran: {', '.join(runs)})")
    for name, r in runs.items():
        positive_numbers(f"{program} {name}", r, ("iterations", "real_time", "cpu_time", *expected.get(name, ())))
    return f"{Path(program).name}: {len(runs)} benchmarks, {', '.join(expected)} among them"


def check_chain_million(program):
    out = run([program])
    pattern = (rf"chain of 1000000 ops: forward {NUMBER} ms, backward {NUMBER} ms, teardown {NUMBER} ms "
               rf"\({NUMBER} ns/op in all\)\nnodes alive in the graph: [0-9]+; after: 0; dx = \S+; "
               rf"peak RSS {NUMBER} MB\n")
    if not re.fullmatch(pattern, out):
        sys.exit(f"chain_million printed, unexpectedly:\n{out}")
    return out.strip()


def check_gemm_threads(program):
    lines = run([program, "--rounds", "1"]).splitlines()
    row = rf"\S.{{14}} +\d+ +\d+ +\d+ +\d+ +{NUMBER} +{NUMBER} +{NUMBER}"
    shapes = lines[2:-1]
    problems = [] if re.fullmatch(r"OpenBLAS core \S+, \d+ cores; µs per cblas_dgemm, median of 1 rounds", lines[0]) \
        else [lines[0]]
    problems += [line for line in shapes if not re.fullmatch(row, line)]
    if not re.fullmatch(rf"openblas_set_num_threads, alternating 1 and \d+: {NUMBER} µs a call", lines[-1]):
        problems.append(lines[-1])
    if problems or not shapes:
        sys.exit("gemm_threads printed, unexpectedly:\n" + "\n".join(problems or lines))
    return f"gemm_threads: {len(shapes)} shapes"


def main():
    program, args = Path(sys.argv[1]).resolve(), sys.argv[2:]
    if program.name == "workloads":
        print(check_workload(program, *args))
    elif program.name in BENCHMARKS:
        print(check_google_benchmark(program))
    elif program.name == "chain_million":
        print(check_chain_million(program))
    elif program.name == "gemm_threads":
        print(check_gemm_threads(program))
    else:
        sys.exit(f"run_bench_program.py: no check for {program.name}")


if __name__ == "__main__":
    main()
