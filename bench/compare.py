#!/usr/bin/python3
"""The speed comparison: tapegrad against PyTorch (float64, one thread and two) and against the
roofline (the bare cblas_dgemm calls the work needs), on the workloads of docs/benchmarks.md, side
by side in one run. Prints the table and writes it, with the machine's description, the command,
the commit measured and the run's start, end and load average, to docs/benchmarks.md
(bench/benchmark_page.py). Run it through bench/compare.sh, which builds what it needs first.

Every measurement is a separate process; tapegrad, PyTorch and the roofline take turns, round
after round (--rounds), and the table gives medians, so that load from elsewhere on a shared
machine falls on all of them alike. Ratios are of medians from this one run."""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchmark_figures
import benchmark_page
from benchmark_figures import BATCHES, LENET_BATCH, LENET_IMAGES, Figures

ROOT = Path(__file__).resolve().parent.parent
PYTHON = "/usr/bin/python3"  # Debian's, with python3-torch and python3-numpy
FASHION = Path("/usr/share/datasets/fashion-mnist")
UMASK = os.umask(0o022)  # os.umask sets it to read it: put back at once, while one thread runs
os.umask(UMASK)
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


# What compare.py reads of each bench/workloads line; the smoke test (tests/bench/run_bench_program.py)
# checks that the program prints these.
WORKLOAD_KEYS = {
    "xor-step": ("us_per_step",),
    "chain": ("ns_per_op", "heap_bytes_per_op", "value_bytes_per_op", "node_bytes", "tensor_bytes"),
    "wide-step": ("ms_per_step",),
    "wide-roofline": ("ms_per_step",),
    "grad-ratio": ("autodiff_ratio", "backprop_ratio"),
    "epoch-roofline": ("seconds_per_epoch",),
    "conv": ("first_layer_ms", "first_layer_roofline_ms", "layer_ms", "layer_roofline_ms"),
    "sgd-update": ("seconds_per_epoch",),
    "gather": ("gatherer_ms_per_epoch", "reference_ms_per_epoch", "copy_ms", "bytes_gatherer_ms_per_epoch"),
}


def json_line(text):
    return json.loads(text.strip().splitlines()[-1])


def workload_figures(name, text):
    """bench/workloads NAME's JSON line, with the keys compare.py reads; what is missing is named."""
    try:
        line = json_line(text)
    except (ValueError, IndexError):
        raise ValueError(f"workloads {name} printed no JSON line: {text.strip()[-200:]!r}") from None
    missing = [k for k in WORKLOAD_KEYS[name] if k not in line]
    if missing:
        raise ValueError(f"workloads {name} printed no {', '.join(missing)}: {line}")
    return line


class Runner:
    def __init__(self, build, have_torch, tmp):
        self.workloads = build / "bench" / "workloads"
        self.tapegrad = build / "cli" / "tapegrad"
        self.have_torch = have_torch
        self.tmp = tmp

    def tg(self, name, threads, *args):
        try:
            return workload_figures(name, run([self.workloads, name, *map(str, args)], threads))
        except ValueError as e:
            sys.exit(f"compare: {e}")

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


def measure_epochs(r, f, threads):
    """Row 1 at `threads` BLAS threads: the epoch's steps and the test accuracy, and the roofline."""
    for b in BATCHES:
        t = r.tg_epoch(b, threads)
        f.epoch[b].add("tapegrad", threads, t["seconds"])
        f.accuracy[b].add("tapegrad", threads, t["accuracy"])
        p = r.torch_epoch(b, threads)
        if p:
            f.epoch[b].add("PyTorch", threads, p["seconds"])
            f.accuracy[b].add("PyTorch", threads, p["accuracy"])
        f.epoch[b].add("roofline", threads, r.tg("epoch-roofline", threads, b)["seconds_per_epoch"])


def measure_steps(r, f, threads):
    """Rows 2, 4 and 5 at `threads` BLAS threads: the XOR step, the wide step, gradient / forward."""
    f.xor.add("tapegrad", threads, r.tg("xor-step", threads)["us_per_step"])
    p = r.torch("xor-step", threads)
    if p:
        f.xor.add("PyTorch", threads, p["us_per_step"])
        f.torch_version = p["torch_version"]
    f.wide.add("tapegrad", threads, r.tg("wide-step", threads)["ms_per_step"])
    p = r.torch("wide-step", threads)
    if p:
        f.wide.add("PyTorch", threads, p["ms_per_step"])
    f.wide.add("roofline", threads, r.tg("wide-roofline", threads)["ms_per_step"])
    g = r.tg("grad-ratio", threads)
    f.grad_ratio.add("tapegrad", threads, g["autodiff_ratio"])
    f.bp_ratio.add("tapegrad", threads, g["backprop_ratio"])
    p = r.torch("grad-ratio", threads)
    if p:
        f.grad_ratio.add("PyTorch", threads, p["autodiff_ratio"])


def measure_conv(r, f, threads):
    """Row 6 at `threads` BLAS threads: conv2d as a first layer and as a later one, and its gemms."""
    c = r.tg("conv", threads, 64)
    f.conv_first.add("tapegrad", threads, c["first_layer_ms"])
    f.conv_first.add("roofline", threads, c["first_layer_roofline_ms"])
    f.conv_layer.add("tapegrad", threads, c["layer_ms"])
    f.conv_layer.add("roofline", threads, c["layer_roofline_ms"])
    p = r.torch("conv", threads)
    if p:
        f.conv_first.add("PyTorch", threads, p["first_layer_ms"])
        f.conv_layer.add("PyTorch", threads, p["layer_ms"])


def measure_processes(r, f):
    """Rows 7–10: whole processes as a user runs them (threads 0: no thread variable set)."""
    for b in BATCHES:
        t = r.tg_process(b)
        f.whole[b].add("tapegrad", 0, t["seconds"])
        f.rss[b].add("tapegrad", 0, t["rss_mb"])
        f.own_steps[b].add("tapegrad", 0, t["steps"])
        if b == 10:
            f.default_steps.add("tapegrad", 0, t["steps"])
        p = r.torch_process(b)
        if p:
            f.whole[b].add("PyTorch", 0, p["seconds"])
            f.rss[b].add("PyTorch", 0, p["rss_mb"])
    f.main_job.add("tapegrad", 0, r.tg_main_job()["seconds"])


def measure_lenet(r, f):
    """Row 11: a LeNet epoch, scaled, and each process's peak RSS (one thread)."""
    t, p = r.lenet()
    f.lenet.add("tapegrad", 1, t["seconds"])
    f.lenet_rss.add("tapegrad", 1, t["rss_mb"])
    if p:
        f.lenet.add("PyTorch", 1, p["seconds"])
        f.lenet_rss.add("PyTorch", 1, p["rss_mb"])


def measure_parts(r, f):
    """What limits row 1 (no BLAS, one thread): gathering the batches and the SGD update, alone."""
    for b in BATCHES:
        g = r.tg("gather", 1, b)
        f.gather[b].add("gatherer", 1, g["gatherer_ms_per_epoch"])
        f.gather[b].add("reference", 1, g["reference_ms_per_epoch"])
        f.gather[b].add("copy", 1, g["copy_ms"])
        f.gather[b].add("bytes", 1, g["bytes_gatherer_ms_per_epoch"])
        f.update[b].add("tapegrad", 1, r.tg("sgd-update", 1, b)["seconds_per_epoch"])


def measure_chain(r, f):
    """Row 3: scalar ops use no BLAS, so one thread only (PyTorch takes about ten seconds a round)."""
    c = r.tg("chain", 1)
    f.chain_time.add("tapegrad", 1, c["ns_per_op"])
    f.chain_mem.add("tapegrad", 1, c["heap_bytes_per_op"] - c["value_bytes_per_op"])
    f.chain_parts = {k: c[k] for k in ("node_bytes", "tensor_bytes")}  # fixed by the build
    p = r.torch("chain", 1)
    if p:
        f.chain_time.add("PyTorch", 1, p["ns_per_op"])
        f.chain_mem.add("PyTorch", 1, p["heap_bytes_per_op"] - p["value_bytes_per_op"])


def measure(r, rounds):
    """Every row, `rounds` times, tapegrad, PyTorch and the roofline taking turns."""
    f = Figures()
    f.have_torch = r.have_torch
    for rnd in range(1, rounds + 1):
        print(f"round {rnd}/{rounds}", file=sys.stderr, flush=True)
        for threads in (1, 2):
            measure_epochs(r, f, threads)
            measure_steps(r, f, threads)
            measure_conv(r, f, threads)
        measure_processes(r, f)
        measure_lenet(r, f)
        measure_parts(r, f)
        measure_chain(r, f)
    return f


def write_whole(path, text):
    """Whole or not at all: a new file beside the old one, of a name no other run uses (mkstemp), on
    disk (fsync), then one rename. Two runs writing the same page leave one of theirs whole."""
    fd, part = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fchmod(out.fileno(), 0o666 & ~UMASK)  # mkstemp's 0600 is for a secret, not a page
            os.fsync(out.fileno())
        os.replace(part, path)
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise


def write_page(f, output):
    """Prints the tables and writes the page."""
    parts = benchmark_page.tables(f)
    print("\n\n".join("\n".join(table) for table in parts))
    write_whole(Path(output), benchmark_page.page(f, parts))
    shown = Path(output).resolve()
    print(f"\nwritten to {shown.relative_to(ROOT) if shown.is_relative_to(ROOT) else shown}", file=sys.stderr)


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=str(ROOT / "build"), help="the build directory (Release)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every measurement (default 3)")
    parser.add_argument("--output", default=str(ROOT / "docs/benchmarks.md"), help="the Markdown page to write")
    parser.add_argument("--command", default="bench/compare.sh", help="the command line to quote on the page")
    parser.add_argument("--record", metavar="FILE", help="also keep the run's figures in FILE (JSON)")
    parser.add_argument("--replay", metavar="FILE", help="measure nothing: write the page from figures --record kept")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be positive")
    return args


def run_place(root, page):
    """The commit measured (git rev-parse --short HEAD), with "+ uncommitted changes" when a tracked
    file differs from it; the page itself does not count, since each run rewrites it."""
    def git(*args):
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)

    try:
        head = git("rev-parse", "--short", "HEAD")
    except OSError:
        return "unknown (no git program)"
    if head.returncode != 0:
        return "unknown (not in a git checkout)"
    page, root = Path(page).resolve(), Path(root).resolve()
    not_page = [f":(exclude){page.relative_to(root)}"] if page.is_relative_to(root) else []
    changes = git("status", "--porcelain", "--untracked-files=no", "--", ".", *not_page).stdout
    return head.stdout.strip() + (" + uncommitted changes" if changes.strip() else "")


def now_and_load():
    """The time (UTC, ISO 8601) and the load average over 1, 5 and 15 minutes."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), list(os.getloadavg())


def measure_run(args):
    """Measures every row and returns the figures, with the run's command, rounds, commit, start
    and end, load average and machine."""
    start, load_start = now_and_load()
    commit = run_place(ROOT, args.output)
    for name in ("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"):
        if not (FASHION / name).is_file():
            sys.exit(f"compare: Fashion-MNIST is missing ({name}); apt-get install dataset-fashion-mnist")
    have_torch = subprocess.run([PYTHON, "-c", "import torch, numpy"], capture_output=True).returncode == 0
    with tempfile.TemporaryDirectory() as tmp:
        f = measure(Runner(Path(args.build), have_torch, Path(tmp)), args.rounds)
    end, load_end = now_and_load()
    f.run = {"command": args.command, "rounds": args.rounds, "commit": commit, "start": start, "end": end,
             "load_start": load_start, "load_end": load_end, "machine": machine_description(f.torch_version)}
    return f


def main():
    args = arguments()
    if args.replay:
        try:
            f = benchmark_figures.load(Path(args.replay))
        except ValueError as e:
            sys.exit(f"compare: {e}")
    else:
        f = measure_run(args)
        if args.record:
            write_whole(Path(args.record), benchmark_figures.to_text(f))
    write_page(f, args.output)


if __name__ == "__main__":
    main()
