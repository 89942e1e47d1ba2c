#!/usr/bin/python3
"""The speed comparison: tapegrad against PyTorch (float64, one thread and two) and against the
roofline (the bare cblas_dgemm calls the work needs), on the workloads below, side by side in one run.
Prints the table and writes it, with the machine's description and the command, to
docs/benchmarks.md. Run it through bench/compare.sh, which builds what it needs first.

Every measurement is a separate process; tapegrad, PyTorch and the roofline take turns, round
after round (--rounds), and the table gives medians, so that load from elsewhere on a shared
machine falls on all of them alike. Ratios are of medians from this one run."""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = "/usr/bin/python3"  # Debian's, with python3-torch and python3-numpy
FASHION = Path("/usr/share/datasets/fashion-mnist")
LENET_BATCH, LENET_IMAGES = 64, 12000  # row 11: a fifth of an epoch, scaled (compare.sh's time)
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def run(cmd, threads):
    """Runs cmd with `threads` BLAS threads and returns its stdout (a failure stops everything)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads))
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"compare: {' '.join(map(str, cmd))} failed (exit {p.returncode}):\n{p.stderr.strip()}")
    return p.stdout


def run_process(cmd, threads=None):
    """Runs cmd as a user would, with no thread variable set (or with `threads` BLAS threads), and
    returns its whole time (start to exit), its peak resident memory (getrusage of the child) and
    its stdout."""
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    if threads:
        env["OPENBLAS_NUM_THREADS"] = str(threads)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        seconds = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            err.seek(0)
            sys.exit(f"compare: {' '.join(map(str, cmd))} failed (exit {p.returncode}):\n{err.read().decode().strip()}")
        out.seek(0)
        return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024, "stdout": out.read().decode()}


def json_line(text):
    return json.loads(text.strip().splitlines()[-1])


class Runner:
    def __init__(self, build, have_torch, tmp):
        self.workloads = build / "bench" / "workloads"
        self.tapegrad = build / "cli" / "tapegrad"
        self.have_torch = have_torch
        self.tmp = tmp

    def tg(self, name, threads, *args):
        return json_line(run([self.workloads, name, *map(str, args)], threads))

    def torch(self, name, threads):
        if not self.have_torch:
            return None
        return json_line(run([PYTHON, ROOT / "bench/torch_workloads.py", name, "--threads", str(threads)], threads))

    def tg_epoch(self, batch, threads):
        """Seconds of the epoch's steps, from `tapegrad train`'s CSV, and the test accuracy."""
        csv = self.tmp / f"epoch-{batch}-{threads}.csv"
        run([self.tapegrad, "train", "--data", "fashion-mnist", "--sizes", "784,100,10", "--hidden", "sigmoid",
             "--output", "softmax", "--cost", "log_likelihood", "--optimizer", "sgd", "--lr", "0.1",
             "--batch-size", str(batch), "--epochs", "1", "--progress", "never", "--csv", str(csv)], threads)
        lines = csv.read_text().splitlines()
        row = dict(zip(lines[0].split(","), lines[-1].split(",")))
        return {"seconds": float(row["seconds"]), "accuracy": float(row["test_accuracy"])}

    def tg_process(self, batch, epochs=1, extra=()):
        """`tapegrad train` on Fashion-MNIST as a user runs it (default threads): the whole process,
        its peak RSS, and the steps' seconds of its last epoch from the CSV."""
        csv = self.tmp / f"process-{batch}-{epochs}.csv"
        csv.unlink(missing_ok=True)
        p = run_process([self.tapegrad, "train", "--data", "fashion-mnist", "--batch-size", str(batch), "--epochs",
                         str(epochs), "--progress", "never", "--csv", str(csv), *extra])
        lines = csv.read_text().splitlines()
        p["steps"] = float(dict(zip(lines[0].split(","), lines[-1].split(",")))["seconds"])
        return p

    def tg_main_job(self):
        """The main job's training (scripts/run.sh: `tapegrad train --csv FILE --save DIR`, its
        defaults: 5 epochs of Fashion-MNIST at batch 10), start to exit."""
        save = self.tmp / "main-job"
        if save.exists():
            for f in save.iterdir():
                f.unlink()
            save.rmdir()
        return run_process([self.tapegrad, "train", "--progress", "never", "--csv", str(self.tmp / "main-job.csv"),
                            "--save", str(save)])

    def torch_process(self, batch):
        """bench/torch_epoch.py with PyTorch's default threads: the whole process and its peak RSS."""
        if not self.have_torch:
            return None
        return run_process([PYTHON, ROOT / "bench/torch_epoch.py", "--batch", str(batch), "--threads", "0"])

    def lenet(self):
        """Row 11: `tapegrad train --model lenet` and bench/torch_epoch.py --model lenet, one thread,
        on the first LENET_IMAGES images: the steps' seconds scaled to 60,000 images, and each
        process's peak RSS. (None, None) for PyTorch when it is not installed."""
        csv = self.tmp / "lenet.csv"
        csv.unlink(missing_ok=True)
        common = ["--batch-size", str(LENET_BATCH), "--train-size", str(LENET_IMAGES)]
        t = run_process([self.tapegrad, "train", "--data", "fashion-mnist", "--model", "lenet", "--optimizer", "sgd",
                         "--lr", "0.1", "--epochs", "1", "--test-size", "2000", "--progress", "never", "--csv",
                         str(csv), *common], threads=1)
        lines = csv.read_text().splitlines()
        row = dict(zip(lines[0].split(","), lines[-1].split(",")))
        scale = 60000 / LENET_IMAGES
        tg = {"seconds": float(row["seconds"]) * scale, "rss_mb": t["rss_mb"]}
        if not self.have_torch:
            return tg, None
        p = run_process([PYTHON, ROOT / "bench/torch_epoch.py", "--model", "lenet", "--batch", str(LENET_BATCH),
                         "--train-size", str(LENET_IMAGES), "--test-size", "2000", "--threads", "1"], threads=1)
        return tg, {"seconds": json_line(p["stdout"])["seconds_per_epoch"] * scale, "rss_mb": p["rss_mb"]}

    def torch_epoch(self, batch, threads):
        if not self.have_torch:
            return None
        j = json_line(run([PYTHON, ROOT / "bench/torch_epoch.py", "--batch", str(batch), "--threads", str(threads)],
                          threads))
        return {"seconds": j["seconds_per_epoch"], "accuracy": j["test_accuracy"]}


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class Row:
    """One line of the table: a quantity measured for tapegrad, PyTorch and the roofline."""

    def __init__(self, workload, unit):
        self.workload, self.unit = workload, unit
        self.samples = {}  # (who, threads) -> [values]

    def add(self, who, threads, value):
        self.samples.setdefault((who, threads), []).append(value)

    def get(self, who, threads):
        return median(self.samples.get((who, threads), []))


def fmt(value, digits=3):
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}g}"


def ratio(a, b):
    return a / b if a is not None and b else None


def machine_description(torch_version):
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    os_name = platform.system()
    try:
        os_name = re.search(r'PRETTY_NAME="([^"]*)"', Path("/etc/os-release").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    compiler = subprocess.run(["c++", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    blas = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libopenblas0-pthread"], capture_output=True,
                          text=True).stdout.strip() or "?"
    return (f"{cpu}, {os.cpu_count()} cores{mem}; {os_name}; {compiler}; OpenBLAS {blas} (pthread); "
            f"PyTorch {torch_version or 'not installed'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=str(ROOT / "build"), help="the build directory (Release)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every measurement (default 3)")
    parser.add_argument("--output", default=str(ROOT / "docs/benchmarks.md"), help="the Markdown page to write")
    parser.add_argument("--command", default="bench/compare.sh", help="the command line to quote on the page")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be positive")
    build = Path(args.build)
    for f in ("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"):
        if not (FASHION / f).is_file():
            sys.exit(f"compare: Fashion-MNIST is missing ({f}); apt-get install dataset-fashion-mnist")
    have_torch = subprocess.run([PYTHON, "-c", "import torch, numpy"], capture_output=True).returncode == 0
    with tempfile.TemporaryDirectory() as tmp:
        measure(Runner(build, have_torch, Path(tmp)), args)


def measure(r, args):

    batches = (10, 64, 256)
    epoch = {b: Row(f"1. Fashion-MNIST epoch [784,100,10], batch {b}", "s") for b in batches}
    accuracy = {b: Row("", "") for b in batches}
    xor = Row("2. XOR 2-2-1, one full-batch step", "µs")
    chain_time = Row("3. chain of 10⁶ scalar ops, forward + backward", "ns/op")
    chain_mem = Row("3. chain: heap held per op (values: 8 B)", "B/op")
    wide = Row("4. wide [784,1024,1024,10], batch 256, one step", "ms")
    ratio_row = Row("5. gradient / forward cost, [784,100,10] batch 64", "×")
    bp_ratio = Row("5. the same by hand-written BP1–BP4", "×")
    conv_first = Row("6. conv2d forward + backward, x (64,1,28,28), w (20,1,5,5), a first layer", "ms")
    conv_layer = Row("6. the same with ∂C/∂x (a later layer)", "ms")
    lenet = Row(f"11. LeNet (`--model lenet`) epoch, batch {LENET_BATCH} (scaled from {LENET_IMAGES:,} images)", "s")
    lenet_rss = Row("11. its whole process's peak resident memory", "MB")
    gather = {b: Row(f"batch {b}", "ms") for b in batches}  # ColumnGatherer against select_columns
    update = {b: Row(f"the SGD updates of an epoch at batch {b}", "s") for b in batches}  # what limits row 1
    # The whole run as a user has it: no thread variable set (who = "tapegrad" / "PyTorch").
    whole = {b: Row(f"7. `train`, one epoch at batch {b}: the whole process, start to exit", "s") for b in batches}
    rss = {b: Row(f"8. its peak resident memory, batch {b}", "MB") for b in batches}
    main_job = Row("9. the main job's training (`scripts/run.sh`: 5 epochs, batch 10), start to exit", "s")
    default_steps = Row("10. the epoch's steps at batch 10, default threads (the CSV's seconds)", "s")
    own_steps = {b: Row(f"the steps of row 7's process at batch {b}", "s") for b in batches}  # for its limit
    torch_version = None

    for rnd in range(1, args.rounds + 1):
        print(f"round {rnd}/{args.rounds}", file=sys.stderr, flush=True)
        for threads in (1, 2):
            for b in batches:
                t = r.tg_epoch(b, threads)
                epoch[b].add("tapegrad", threads, t["seconds"])
                accuracy[b].add("tapegrad", threads, t["accuracy"])
                p = r.torch_epoch(b, threads)
                if p:
                    epoch[b].add("PyTorch", threads, p["seconds"])
                    accuracy[b].add("PyTorch", threads, p["accuracy"])
                epoch[b].add("roofline", threads, r.tg("epoch-roofline", threads, b)["seconds_per_epoch"])
            xor.add("tapegrad", threads, r.tg("xor-step", threads)["us_per_step"])
            p = r.torch("xor-step", threads)
            if p:
                xor.add("PyTorch", threads, p["us_per_step"])
                torch_version = p["torch_version"]
            wide.add("tapegrad", threads, r.tg("wide-step", threads)["ms_per_step"])
            p = r.torch("wide-step", threads)
            if p:
                wide.add("PyTorch", threads, p["ms_per_step"])
            wide.add("roofline", threads, r.tg("wide-roofline", threads)["ms_per_step"])
            g = r.tg("grad-ratio", threads)
            ratio_row.add("tapegrad", threads, g["autodiff_ratio"])
            bp_ratio.add("tapegrad", threads, g["backprop_ratio"])
            p = r.torch("grad-ratio", threads)
            if p:
                ratio_row.add("PyTorch", threads, p["autodiff_ratio"])
            c = r.tg("conv", threads, 64)
            conv_first.add("tapegrad", threads, c["first_layer_ms"])
            conv_first.add("roofline", threads, c["first_layer_roofline_ms"])
            conv_layer.add("tapegrad", threads, c["layer_ms"])
            conv_layer.add("roofline", threads, c["layer_roofline_ms"])
            p = r.torch("conv", threads)
            if p:
                conv_first.add("PyTorch", threads, p["first_layer_ms"])
                conv_layer.add("PyTorch", threads, p["layer_ms"])
        for b in batches:
            t = r.tg_process(b)
            whole[b].add("tapegrad", 0, t["seconds"])
            rss[b].add("tapegrad", 0, t["rss_mb"])
            own_steps[b].add("tapegrad", 0, t["steps"])
            if b == 10:
                default_steps.add("tapegrad", 0, t["steps"])
            p = r.torch_process(b)
            if p:
                whole[b].add("PyTorch", 0, p["seconds"])
                rss[b].add("PyTorch", 0, p["rss_mb"])
        main_job.add("tapegrad", 0, r.tg_main_job()["seconds"])
        t, p = r.lenet()
        lenet.add("tapegrad", 1, t["seconds"])
        lenet_rss.add("tapegrad", 1, t["rss_mb"])
        if p:
            lenet.add("PyTorch", 1, p["seconds"])
            lenet_rss.add("PyTorch", 1, p["rss_mb"])
        for b in batches:  # no BLAS either
            g = r.tg("gather", 1, b)
            gather[b].add("gatherer", 1, g["gatherer_ms_per_epoch"])
            gather[b].add("reference", 1, g["reference_ms_per_epoch"])
            gather[b].add("copy", 1, g["copy_ms"])
            gather[b].add("bytes", 1, g["bytes_gatherer_ms_per_epoch"])
            update[b].add("tapegrad", 1, r.tg("sgd-update", 1, b)["seconds_per_epoch"])
        # Scalar ops use no BLAS: one thread only (PyTorch takes about ten seconds a round).
        c = r.tg("chain", 1)
        chain_time.add("tapegrad", 1, c["ns_per_op"])
        chain_mem.add("tapegrad", 1, c["heap_bytes_per_op"] - c["value_bytes_per_op"])
        chain_parts = c  # the sizes of a node's parts: fixed by the build, the same every round
        p = r.torch("chain", 1)
        if p:
            chain_time.add("PyTorch", 1, p["ns_per_op"])
            chain_mem.add("PyTorch", 1, p["heap_bytes_per_op"] - p["value_bytes_per_op"])

    rows = [*epoch.values(), xor, chain_time, chain_mem, wide, ratio_row, bp_ratio, conv_first, conv_layer, lenet,
            lenet_rss]
    table = ["| workload | unit | tapegrad 1T | PyTorch 1T | roofline 1T | tapegrad 2T | PyTorch 2T | roofline 2T "
             "| tapegrad / PyTorch (1T) | tapegrad / roofline (1T) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        cells = [fmt(row.get(who, th)) for th in (1, 2) for who in ("tapegrad", "PyTorch", "roofline")]
        vs_torch = ratio(row.get("tapegrad", 1), row.get("PyTorch", 1)) if row.unit != "×" else None
        vs_roof = ratio(row.get("tapegrad", 1), row.get("roofline", 1))
        table.append(f"| {row.workload} | {row.unit} | " + " | ".join(cells) +
                     f" | {fmt(vs_torch)} | {fmt(vs_roof)} |")

    def check(name, value, limit, why=None):
        """A target's row; for a miss, why() says what limits it, from this run's own figures."""
        state = "–" if value is None else "met" if value <= limit else "missed"
        reason = (why() if why else "not analysed") if state == "missed" else ""
        return f"| {name} | {fmt(value)} | ≤ {limit:g} | {state} | {reason} |"

    limit_of_torch = {64: 0.75, 10: 0.3}  # row 1's targets against PyTorch

    def vs_torch_limit(b):  # the best a program making row 1's gemms could reach against PyTorch
        r, p = epoch[b].get("roofline", 1), epoch[b].get("PyTorch", 1)
        floor, own = ratio(r, p), ratio(epoch[b].get("tapegrad", 1), r)
        if floor is None or own is None:
            return "not analysed (a figure is missing)"
        if floor > limit_of_torch[b]:
            return (f"the roofline alone is {fmt(floor)}× PyTorch's epoch, above the limit: no implementation "
                    f"that makes these gemms gets below that; tapegrad is {fmt(own)}× the roofline")
        return (f"the roofline is {fmt(floor)}× PyTorch's epoch, within the limit; tapegrad's work beside the "
                f"gemms ({fmt(own)}× the roofline) makes the miss")

    def vs_roofline_limit(b):  # row 1: the work a step does beside the roofline's gemms
        r, t = epoch[b].get("roofline", 1), epoch[b].get("tapegrad", 1)
        g, u = ratio(gather[b].get("bytes", 1), 1000), update[b].get("tapegrad", 1)
        if None in (r, t, g, u):
            return "not analysed (a figure is missing)"
        rest = t - r - g - u  # each part timed in a process of its own: the remainder carries their noise
        return (f"beside the gemms ({fmt(r)} s), gathering the batches ({fmt(g)} s) and the SGD update's pass "
                f"over θ and ∂C/∂θ ({fmt(u)} s), each timed alone, make {fmt((r + g + u) / r)}× the roofline; "
                + (f"the other {fmt(rest)} s are the recorded ops between the gemms (σ, softmax, the graph)"
                   if rest > 0 else "the rest is within the noise of timing the parts apart"))

    def chain_heap_limit():
        c = chain_parts
        return (f"the node alone is {c['node_bytes']} B (sizeof, with the edges and derivatives of up to two inputs inline), "
                f"{c['tensor_bytes']} B of them its value's Tensor (an xt::xarray: shape, strides and back-strides "
                f"held inline); with its count and its value's own heap block, "
                f"{fmt(chain_mem.get('tapegrad', 1))} B an op. Below 200 B needs a smaller value type in the node")

    def gain_limit(row, unit):  # a slower row against its own roofline
        t, rf = row.get("tapegrad", 1), row.get("roofline", 1)
        return f"{fmt(t - rf)} {unit} beside the gemms ({fmt(rf)} {unit})" if None not in (t, rf) else "–"

    t64, p64, r64 = epoch[64].get("tapegrad", 1), epoch[64].get("PyTorch", 1), epoch[64].get("roofline", 1)
    t10, p10 = epoch[10].get("tapegrad", 1), epoch[10].get("PyTorch", 1)
    w1, w2, wr = wide.get("tapegrad", 1), wide.get("tapegrad", 2), wide.get("roofline", 1)
    targets = [
        "| target | measured | limit | | what limits a miss (from this run) |", "|---|---:|---:|---|---|",
        check("1. epoch, batch 64: tapegrad / PyTorch (1 thread)", ratio(t64, p64), limit_of_torch[64],
              lambda: vs_torch_limit(64)),
        check("1. epoch, batch 64: tapegrad / roofline (1 thread)", ratio(t64, r64), 1.25,
              lambda: vs_roofline_limit(64)),
        check("1. epoch, batch 10: tapegrad / PyTorch (1 thread)", ratio(t10, p10), limit_of_torch[10],
              lambda: vs_torch_limit(10)),
        check("2. XOR step, tapegrad µs (1 thread)", xor.get("tapegrad", 1), 10),
        check("3. chain, tapegrad µs per op", ratio(chain_time.get("tapegrad", 1), 1000), 0.5),
        check("3. chain, tapegrad heap bytes per op beyond the values", chain_mem.get("tapegrad", 1), 200,
              chain_heap_limit),
        check("4. wide step: tapegrad / roofline (1 thread)", ratio(w1, wr), 1.15, lambda: gain_limit(wide, "ms")),
        check("4. wide step: tapegrad 2 threads / 1 thread", ratio(w2, w1), 1.0,
              lambda: f"the roofline's own 2 threads / 1 thread: {fmt(ratio(wide.get('roofline', 2), wr))}"),
        check("5. gradient / forward cost (1 thread)", ratio_row.get("tapegrad", 1), 2.0,
              lambda: f"the hand-written BP1–BP4 take {fmt(bp_ratio.get('tapegrad', 1))}×"),
        check("6. conv2d first layer: tapegrad / roofline (1 thread; issue 18)",
              ratio(conv_first.get("tapegrad", 1), conv_first.get("roofline", 1)), 1.3,
              lambda: gain_limit(conv_first, "ms")),
        check("6. conv2d with ∂C/∂x: tapegrad / roofline (1 thread; issue 18)",
              ratio(conv_layer.get("tapegrad", 1), conv_layer.get("roofline", 1)), 1.3,
              lambda: gain_limit(conv_layer, "ms")),
        check("11. LeNet epoch: tapegrad / PyTorch (1 thread; issue 18)",
              ratio(lenet.get("tapegrad", 1), lenet.get("PyTorch", 1)), 0.8),
    ]
    best10 = min(v for v in (epoch[10].get("tapegrad", 1), epoch[10].get("tapegrad", 2)) if v is not None)
    whole_rows = [*whole.values(), *rss.values(), main_job, default_steps]
    default_table = ["| workload | unit | tapegrad | PyTorch | tapegrad / PyTorch |", "|---|---|---:|---:|---:|"]
    for row in whole_rows:
        t, p = row.get("tapegrad", 0), row.get("PyTorch", 0)
        default_table.append(f"| {row.workload} | {row.unit} | {fmt(t)} | {fmt(p)} | {fmt(ratio(t, p))} |")
    def whole_limit(b):  # what of the process is not the epoch's steps
        steps, t = own_steps[b].get("tapegrad", 0), whole[b].get("tapegrad", 0)
        return (f"its epoch's steps (its CSV's seconds) take {fmt(steps)} s of its {fmt(t)} s; the rest is "
                f"start-up, reading the data and evaluating")

    images_mb = 60000 * 784 / 2**20  # the training images as bytes
    default_targets = [
        "| target | measured | limit | | what limits a miss (from this run) |", "|---|---:|---:|---|---|",
        check("7. whole process, batch 64: tapegrad / PyTorch", ratio(whole[64].get("tapegrad", 0),
                                                                       whole[64].get("PyTorch", 0)), 0.5,
              lambda: whole_limit(64)),
        check("7. whole process, batch 10: tapegrad / PyTorch", ratio(whole[10].get("tapegrad", 0),
                                                                       whole[10].get("PyTorch", 0)), 0.5,
              lambda: whole_limit(10)),
        check("8. peak RSS, batch 64: tapegrad / PyTorch", ratio(rss[64].get("tapegrad", 0), rss[64].get("PyTorch", 0)),
              0.4, lambda: f"the training images' bytes are {fmt(images_mb)} MB of its {fmt(rss[64].get('tapegrad', 0))} MB"),
        check("10. epoch at batch 10, default threads / the best of 1T and 2T", ratio(default_steps.get("tapegrad", 0),
                                                                                    best10), 1.1,
              lambda: f"1T {fmt(epoch[10].get('tapegrad', 1))} s, 2T {fmt(epoch[10].get('tapegrad', 2))} s: "
                      f"the thread policy's choice"),
        check("1. epoch at batch 10: tapegrad / roofline (1 thread)", ratio(t10, epoch[10].get("roofline", 1)), 1.3,
              lambda: vs_roofline_limit(10)),
    ]
    gather_table = ["| batch | `ColumnGatherer` ms per epoch | `select_columns` ms per epoch | reference / gatherer "
                    "| the gatherer's copy, ms |", "|---|---:|---:|---:|---:|"]
    for b, row in gather.items():
        fast, reference = row.get("gatherer", 1), row.get("reference", 1)
        gather_table.append(f"| {b} | {fmt(fast)} | {fmt(reference)} | {fmt(ratio(reference, fast))} "
                            f"| {fmt(row.get('copy', 1))} |")
    acc = ", ".join(f"batch {b}: tapegrad {100 * accuracy[b].get('tapegrad', 1):.2f}%"
                    + (f", PyTorch {100 * accuracy[b].get('PyTorch', 1):.2f}%" if r.have_torch else "")
                    for b in batches)

    page = f"""# Benchmarks

Written by `{args.command}` on {datetime.date.today().isoformat()} ({args.rounds} rounds; medians). Do not edit by
hand: run the command again, and it rewrites this page.

**Machine:** {machine_description(torch_version)}.

**What is measured.** Every row is float64 on the same machine in one run, tapegrad, PyTorch and the roofline taking
turns round after round. 1T/2T: one or two BLAS threads (`OPENBLAS_NUM_THREADS`, and `torch.set_num_threads` for
PyTorch). The roofline is the bare `cblas_dgemm` calls the work needs and nothing else (`bench/workloads.cpp`,
`step_gemms`): five a step for [784,100,10] (two forward, BP4 twice, BP2 once), eight for the wide network.

1. One training epoch on Fashion-MNIST's 60,000 examples: sigmoid hidden layer, softmax + log-likelihood, SGD η = 0.1,
   shuffled mini-batches; seconds of the steps only (gathering the batch, forward, backward, update), as `tapegrad
   train`'s CSV reports them (`bench/torch_epoch.py` times the same part of PyTorch's loop). The two shuffle with
   their own generators: the same batch sizes, not the same batches. Test accuracy after the epoch ({acc}) shows that
   both really train.
2. [Seed 002](seeds.md#seed-002--a-2-2-1-network-for-binary-classification)'s 2-2-1 sigmoid network on the four XOR examples, cross-entropy: one step (forward, backward, SGD).
3. 10⁶ recorded scalar ops `h = tanh(h) · w` (500,000 of each), forward then backward (which frees the graph);
   time per op, and the heap the graph holds per op (malloc's bytes in use before and after the forward pass) less
   the 8 bytes of the value itself.
4. [784,1024,1024,10] at batch 256 (sigmoid hidden layers, softmax + log-likelihood), one SGD step.
5. [784,100,10] at batch 64: the time of the gradient (the recorded forward pass and the backward pass) over the time
   of the forward pass alone (no recording). For tapegrad also by the hand-written BP1–BP4 (`nn/backprop.cpp`).
6. `conv2d` on the shape of the first layer of Nielsen's network3 at batch 64, forward then backward from a fixed
   random ∂C/∂y: as a first layer (the input needs no gradient) and as a later one (∂C/∂x too). Its roofline is the
   gemm calls `autodiff/conv_kernels.cpp` makes, one example at a time: y = W cols, ∂C/∂W += δ colsᵀ (and Wᵀ δ).

11. Nielsen's chapter-6 network, `tapegrad train --model lenet` (conv 20 5×5 relu, max pool 2, conv 40 5×5 relu, max
   pool 2, fc 100 relu, softmax 10; He's init, SGD η = 0.1, batch {LENET_BATCH}), against the same layers in PyTorch
   (`bench/torch_epoch.py --model lenet`), one thread: the steps' seconds on the first {LENET_IMAGES:,} training
   images, scaled to the 60,000 of an epoch (a whole epoch would add minutes to every round), and each whole
   process's peak resident memory (the data set, the network, one batch's activations; PyTorch's libraries).

{chr(10).join(table)}

## Targets (issues 7 and 18)

{chr(10).join(targets)}

## The whole run, as a user runs it

Rows 1–6 time parts of the work with the thread count set. A person runs the whole program with no environment
variable, so these rows do too: no `OPENBLAS_NUM_THREADS`, `OMP_NUM_THREADS` or `GOTO_NUM_THREADS` for either program
(tapegrad chooses the BLAS threads per product, [reference.md](reference.md#tapegrad-info); PyTorch uses its own
default). Each is a separate process timed from start to exit, with its peak resident memory from `getrusage`.

7. `tapegrad train --data fashion-mnist --batch-size B --epochs 1` against `bench/torch_epoch.py --batch B --threads 0`
   (the same network, cost, η and initialisation): reading the data set, training one epoch, evaluating; and for
   Python its interpreter and `import torch`. tapegrad also takes the loss over the first 1,000 training examples
   before the epoch and evaluates the test set after it, in chunks (its training figures are the running average over
   the epoch's batches: the figures its CSV and curves show); PyTorch's script evaluates the test set at the end.
8. The peak resident memory of the same processes.
9. What `scripts/run.sh` runs first: `tapegrad train --csv FILE --save DIR`, the data set's defaults (5 epochs of
   Fashion-MNIST at batch 10), with its checkpoint; tapegrad only.
10. The steps' seconds of row 7's batch-10 run (its CSV), against the better of row 1's one-thread and two-thread
    epochs: whether the default thread policy is as fast as the best setting a user could find by hand.

{chr(10).join(default_table)}

**What limits each row.**
- Row 7 at batch 10 and 64: for tapegrad, start-up and data: decompressing 60,000 images into bytes, and the
  evaluation of the 10,000 test images, beside one epoch of steps (row 1); for PyTorch, its interpreter and `import torch` before any work. At batch 256 the
  steps are few and cheap, so reading the data dominates both.
- Row 8: the data set (47 MB as bytes, 376 MB as doubles) and whatever copies of it a program holds, plus one batch
  and the network; PyTorch's floor is its libraries (239 MB resident after `import torch, numpy` alone, by
  `/usr/bin/time -f %M`, Debian's python3-torch 1.13) plus its float64 copy of the data.
- Row 9: five epochs of row 1's steps at batch 10 plus six evaluations and the checkpoint writes.
- Row 10: the thread policy's crossover (`bench/gemm_threads`, [design.md](design.md#blas-threads-per-product)):
  every product of a batch-10 step is below it, so the default must equal the one-thread epoch within noise.
- Row 1 against the roofline at batch 10: the work between the gemms (gathering the batch, σ, softmax, the update)
  over products that take only microseconds each. The update alone (`bench/workloads sgd-update`: a pass reading θ
  and ∂C/∂θ and writing θ, 1.3 MB a step, beyond the L2 cache) takes {fmt(ratio(update[10].get("tapegrad", 1), epoch[10].get("roofline", 1)))}× the
  roofline's time at batch 10 in this run; only an update
  fused into the gemm that makes ∂C/∂W (θ ← θ − η δ aᵀ in blocks, while they are in cache) would remove it.

{chr(10).join(default_targets)}

## The batch gatherer

`nn::ColumnGatherer` (`nn/column_gatherer.cpp`) gathers each mini-batch's columns, eight examples at a time. A
Fashion-MNIST run gives it the image bytes themselves (no copy: each batch is converted to doubles as it is
gathered); a matrix of doubles (the synthetic sets, `nn::train`'s Tensor overload) is copied once into rows, in
2 MB pages. The table is the matrix case. Against
`select_columns`, the plain reference it is tested equal to: one epoch's shuffled batches out of a
(784, 60000) matrix, one thread (`bench/workloads.cpp`, `gather`); and the copy, made once per
`train` call.

{chr(10).join(gather_table)}
"""
    print("\n".join(table))
    print()
    print("\n".join(targets))
    print()
    print("\n".join(default_table))
    print()
    print("\n".join(default_targets))
    print()
    print("\n".join(gather_table))
    # Whole or not at all: a new file beside the old one, then one rename.
    out = Path(args.output)
    part = out.with_name(out.name + ".part")
    part.write_text(page)
    os.replace(part, out)
    print(f"\nwritten to {os.path.relpath(args.output, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
