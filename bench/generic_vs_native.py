#!/usr/bin/python3
"""What the package's generic x86-64 build costs against a -march=native one, workload by workload.

  bench/generic_vs_native.py NATIVE_BUILD GENERIC_BUILD [--rounds N]

Each build directory must hold cli/tapegrad and bench/workloads (configure both with
-DTG_BUILD_BENCH=ON, and the second also with -DTG_NATIVE=OFF, as scripts/package.sh does). The two take turns,
round after round, on one BLAS thread: bench/compare.py's tapegrad workloads (seed 002's XOR
step, the chain of 10^6 scalar ops, the wide [784,1024,1024,10] step, the gradient/forward
ratio) and, when both builds hold the program, a Fashion-MNIST epoch at batch 64 by `tapegrad
train`. Prints each workload's median time for both and their ratio, generic / native (above 1:
the generic build is slower).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

WORKLOADS = [("xor-step", "us_per_step", "µs"), ("chain", "ns_per_op", "ns/op"), ("wide-step", "ms_per_step", "ms"),
             ("grad-ratio", "autodiff_ratio", "×")]
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1")


def workload(build, name, key):
    out = subprocess.run([build / "bench" / "workloads", name], env=ENV, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])[key]


def epoch(build, tmp):
    csv = Path(tmp) / "epoch.csv"
    subprocess.run([build / "cli" / "tapegrad", "train", "--data", "fashion-mnist", "--sizes", "784,100,10",
                    "--hidden", "sigmoid", "--output", "softmax", "--cost", "log_likelihood", "--lr", "0.1",
                    "--batch-size", "64", "--epochs", "1", "--progress", "never", "--csv", str(csv)],
                   env=ENV, capture_output=True, check=True)
    lines = csv.read_text().splitlines()
    return float(dict(zip(lines[0].split(","), lines[-1].split(",")))["seconds"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("native", type=Path)
    parser.add_argument("generic", type=Path)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with_epoch = all((b / "cli" / "tapegrad").exists() for b in (args.native, args.generic))
    rows = [(n, unit) for n, _, unit in WORKLOADS] + [("Fashion-MNIST epoch, batch 64", "s")] * with_epoch
    times = {(r, b): [] for r, _ in rows for b in ("native", "generic")}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for build_name, build in (("native", args.native), ("generic", args.generic)):
                for (name, key, _), (row, _) in zip(WORKLOADS, rows):
                    times[(row, build_name)].append(workload(build, name, key))
                if with_epoch:
                    times[(rows[-1][0], build_name)].append(epoch(build, tmp))
    print(f"| workload | unit | native | generic | generic / native |\n|---|---|---:|---:|---:|")
    for row, unit in rows:
        n, g = statistics.median(times[(row, "native")]), statistics.median(times[(row, "generic")])
        print(f"| {row} | {unit} | {n:.4g} | {g:.4g} | {g / n:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
