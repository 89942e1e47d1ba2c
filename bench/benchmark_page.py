"""docs/benchmarks.md from the figures of one run (bench/benchmark_figures.py): the tables, the
targets with their verdicts (met/missed), and for each miss what limits it, from the same run's
figures. Nothing here measures; bench/compare.py does, and tests/bench/test_benchmark_page.py
feeds recorded figures."""
import datetime

from benchmark_figures import BATCHES, LENET_BATCH, LENET_IMAGES

LIMIT_OF_TORCH = {64: 0.75, 10: 0.3}  # row 1's targets against PyTorch
TARGETS_HEAD = ["| target | measured | limit | | what limits a miss (from this run) |", "|---|---:|---:|---|---|"]


def fmt(value, digits=3):
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}g}"


def ratio(a, b):
    return a / b if a is not None and b else None


def check(name, value, limit, why=None):
    """A target's row; for a miss, why() says what limits it, from this run's own figures."""
    state = "–" if value is None else "met" if value <= limit else "missed"
    reason = (why() if why else "not analysed") if state == "missed" else ""
    return f"| {name} | {fmt(value)} | ≤ {limit:g} | {state} | {reason} |"


def main_table(f):
    """Rows 1–6 and 11: tapegrad, PyTorch and the roofline at one and two threads."""
    rows = [*f.epoch.values(), f.xor, f.chain_time, f.chain_mem, f.wide, f.grad_ratio, f.bp_ratio, f.conv_first,
            f.conv_layer, f.lenet, f.lenet_rss]
    table = ["| workload | unit | tapegrad 1T | PyTorch 1T | roofline 1T | tapegrad 2T | PyTorch 2T | roofline 2T "
             "| tapegrad / PyTorch (1T) | tapegrad / roofline (1T) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        cells = [fmt(row.get(who, th)) for th in (1, 2) for who in ("tapegrad", "PyTorch", "roofline")]
        vs_torch = ratio(row.get("tapegrad", 1), row.get("PyTorch", 1)) if row.unit != "×" else None
        vs_roof = ratio(row.get("tapegrad", 1), row.get("roofline", 1))
        table.append(f"| {row.workload} | {row.unit} | " + " | ".join(cells) +
                     f" | {fmt(vs_torch)} | {fmt(vs_roof)} |")
    return table


def vs_torch_limit(f, b):
    """Row 1 against PyTorch: the best a program making row 1's gemms could reach."""
    r, p = f.epoch[b].get("roofline", 1), f.epoch[b].get("PyTorch", 1)
    floor, own = ratio(r, p), ratio(f.epoch[b].get("tapegrad", 1), r)
    if floor is None or own is None:
        return "not analysed (a figure is missing)"
    if floor > LIMIT_OF_TORCH[b]:
        return (f"the roofline alone is {fmt(floor)}× PyTorch's epoch, above the limit: no implementation "
                f"that makes these gemms gets below that; tapegrad is {fmt(own)}× the roofline")
    return (f"the roofline is {fmt(floor)}× PyTorch's epoch, within the limit; tapegrad's work beside the "
            f"gemms ({fmt(own)}× the roofline) makes the miss")


def vs_roofline_limit(f, b):
    """Row 1 against the roofline: the work a step does beside the roofline's gemms."""
    r, t = f.epoch[b].get("roofline", 1), f.epoch[b].get("tapegrad", 1)
    g, u = ratio(f.gather[b].get("bytes", 1), 1000), f.update[b].get("tapegrad", 1)
    if None in (r, t, g, u):
        return "not analysed (a figure is missing)"
    rest = t - r - g - u  # each part timed in a process of its own: the remainder carries their noise
    return (f"beside the gemms ({fmt(r)} s), gathering the batches ({fmt(g)} s) and the SGD update's pass "
            f"over θ and ∂C/∂θ ({fmt(u)} s), each timed alone, make {fmt((r + g + u) / r)}× the roofline; "
            + (f"the other {fmt(rest)} s are the recorded ops between the gemms (σ, softmax, the graph)"
               if rest > 0 else "the rest is within the noise of timing the parts apart"))


def chain_heap_limit(f):
    """Row 3's heap per op: what a node is made of."""
    c = f.chain_parts
    if not {"node_bytes", "tensor_bytes"} <= set(c):
        return "not analysed (the sizes of a node's parts were not measured)"
    return (f"the node alone is {c['node_bytes']} B (sizeof, with the edges and derivatives of up to two inputs inline), "
            f"{c['tensor_bytes']} B of them its value's Tensor (an xt::xarray: shape, strides and back-strides "
            f"held inline); with its count and its value's own heap block, "
            f"{fmt(f.chain_mem.get('tapegrad', 1))} B an op. Below 200 B needs a smaller value type in the node")


def gain_limit(row, unit):
    """A slower row against its own roofline: the time beside the gemms."""
    t, rf = row.get("tapegrad", 1), row.get("roofline", 1)
    return f"{fmt(t - rf)} {unit} beside the gemms ({fmt(rf)} {unit})" if None not in (t, rf) else "–"


def whole_limit(f, b):
    """Row 7: what of the process is not the epoch's steps."""
    steps, t = f.own_steps[b].get("tapegrad", 0), f.whole[b].get("tapegrad", 0)
    return (f"its epoch's steps (its CSV's seconds) take {fmt(steps)} s of its {fmt(t)} s; the rest is "
            f"start-up, reading the data and evaluating")


def vs_own_roofline(row):
    return ratio(row.get("tapegrad", 1), row.get("roofline", 1))


def targets(f):
    """The targets of rows 1–6 and 11 (issues 7 and 18)."""
    t64, p64, r64 = f.epoch[64].get("tapegrad", 1), f.epoch[64].get("PyTorch", 1), f.epoch[64].get("roofline", 1)
    t10, p10 = f.epoch[10].get("tapegrad", 1), f.epoch[10].get("PyTorch", 1)
    w1, w2, wr = f.wide.get("tapegrad", 1), f.wide.get("tapegrad", 2), f.wide.get("roofline", 1)
    return TARGETS_HEAD + [
        check("1. epoch, batch 64: tapegrad / PyTorch (1 thread)", ratio(t64, p64), LIMIT_OF_TORCH[64],
              lambda: vs_torch_limit(f, 64)),
        check("1. epoch, batch 64: tapegrad / roofline (1 thread)", ratio(t64, r64), 1.25,
              lambda: vs_roofline_limit(f, 64)),
        check("1. epoch, batch 10: tapegrad / PyTorch (1 thread)", ratio(t10, p10), LIMIT_OF_TORCH[10],
              lambda: vs_torch_limit(f, 10)),
        check("2. XOR step, tapegrad µs (1 thread)", f.xor.get("tapegrad", 1), 10),
        check("3. chain, tapegrad µs per op", ratio(f.chain_time.get("tapegrad", 1), 1000), 0.5),
        check("3. chain, tapegrad heap bytes per op beyond the values", f.chain_mem.get("tapegrad", 1), 200,
              lambda: chain_heap_limit(f)),
        check("4. wide step: tapegrad / roofline (1 thread)", ratio(w1, wr), 1.15, lambda: gain_limit(f.wide, "ms")),
        check("4. wide step: tapegrad 2 threads / 1 thread", ratio(w2, w1), 1.0,
              lambda: f"the roofline's own 2 threads / 1 thread: {fmt(ratio(f.wide.get('roofline', 2), wr))}"),
        check("5. gradient / forward cost (1 thread)", f.grad_ratio.get("tapegrad", 1), 2.0,
              lambda: f"the hand-written BP1–BP4 take {fmt(f.bp_ratio.get('tapegrad', 1))}×"),
        check("6. conv2d first layer: tapegrad / roofline (1 thread; issue 18)", vs_own_roofline(f.conv_first), 1.3,
              lambda: gain_limit(f.conv_first, "ms")),
        check("6. conv2d with ∂C/∂x: tapegrad / roofline (1 thread; issue 18)", vs_own_roofline(f.conv_layer), 1.3,
              lambda: gain_limit(f.conv_layer, "ms")),
        check("11. LeNet epoch: tapegrad / PyTorch (1 thread; issue 18)",
              ratio(f.lenet.get("tapegrad", 1), f.lenet.get("PyTorch", 1)), 0.8),
    ]


def default_table(f):
    """Rows 7–10: the whole program as a user runs it, no thread variable set."""
    table = ["| workload | unit | tapegrad | PyTorch | tapegrad / PyTorch |", "|---|---|---:|---:|---:|"]
    for row in [*f.whole.values(), *f.rss.values(), f.main_job, f.default_steps]:
        t, p = row.get("tapegrad", 0), row.get("PyTorch", 0)
        table.append(f"| {row.workload} | {row.unit} | {fmt(t)} | {fmt(p)} | {fmt(ratio(t, p))} |")
    return table


def whole_vs_torch(rows, b):
    return ratio(rows[b].get("tapegrad", 0), rows[b].get("PyTorch", 0))


def default_targets(f):
    """The targets of rows 7–10, and row 1 at batch 10 against the roofline."""
    best10 = min((v for v in (f.epoch[10].get("tapegrad", 1), f.epoch[10].get("tapegrad", 2)) if v is not None),
                 default=None)
    images_mb = 60000 * 784 / 2**20  # the training images as bytes
    return TARGETS_HEAD + [
        check("7. whole process, batch 64: tapegrad / PyTorch", whole_vs_torch(f.whole, 64), 0.5,
              lambda: whole_limit(f, 64)),
        check("7. whole process, batch 10: tapegrad / PyTorch", whole_vs_torch(f.whole, 10), 0.5,
              lambda: whole_limit(f, 10)),
        check("8. peak RSS, batch 64: tapegrad / PyTorch", whole_vs_torch(f.rss, 64), 0.4,
              lambda: f"the training images' bytes are {fmt(images_mb)} MB of its {fmt(f.rss[64].get('tapegrad', 0))} MB"),
        check("10. epoch at batch 10, default threads / the best of 1T and 2T",
              ratio(f.default_steps.get("tapegrad", 0), best10), 1.1,
              lambda: f"1T {fmt(f.epoch[10].get('tapegrad', 1))} s, 2T {fmt(f.epoch[10].get('tapegrad', 2))} s: "
                      f"the thread policy's choice"),
        check("1. epoch at batch 10: tapegrad / roofline (1 thread)", vs_own_roofline(f.epoch[10]), 1.3,
              lambda: vs_roofline_limit(f, 10)),
    ]


def gather_table(f):
    table = ["| batch | `ColumnGatherer` ms per epoch | `select_columns` ms per epoch | reference / gatherer "
             "| the gatherer's copy, ms |", "|---|---:|---:|---:|---:|"]
    for b, row in f.gather.items():
        fast, reference = row.get("gatherer", 1), row.get("reference", 1)
        table.append(f"| {b} | {fmt(fast)} | {fmt(reference)} | {fmt(ratio(reference, fast))} "
                     f"| {fmt(row.get('copy', 1))} |")
    return table


def tables(f):
    """The page's five tables, in its order."""
    return [main_table(f), targets(f), default_table(f), default_targets(f), gather_table(f)]


def percent(value):
    return "not measured" if value is None else f"{100 * value:.2f}%"


def accuracy(f):
    """Row 1's test accuracies, which show that both programs really train."""
    return ", ".join(f"batch {b}: tapegrad {percent(f.accuracy[b].get('tapegrad', 1))}"
                     + (f", PyTorch {percent(f.accuracy[b].get('PyTorch', 1))}" if f.have_torch else "")
                     for b in BATCHES)


def when_and_where(run):
    """The commit measured, the run's start and end (UTC) and the load average at both."""
    start, end = (datetime.datetime.fromisoformat(run[k]).astimezone(datetime.timezone.utc) for k in ("start", "end"))
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    loads = {k: ", ".join(f"{v:.2f}" for v in run[k]) for k in ("load_start", "load_end")}
    return (f"commit {run['commit']}, from {start:%Y-%m-%d %H:%M} to {until} UTC; load average {loads['load_start']} "
            f"at the start and {loads['load_end']} at the end")


def header(f):
    run = f.run
    rounds = f"{run['rounds']} round" + ("" if run["rounds"] == 1 else "s")
    return f"""# Benchmarks

Written by `{run['command']}` ({rounds}; medians). Do not edit by hand: run the command again, and it
rewrites this page.

**Run:** {when_and_where(run)}.

**Machine:** {run['machine']}.

The load average is over 1, 5 and 15 minutes (`os.getloadavg`, as `uptime` shows it): the processes running or
waiting for a core. The run's own processes count in it, one or two at a time (it measures with one BLAS thread and
with two), and at the start so does the build `bench/compare.sh` makes just before; well above that, other work
shared the machine, and the figures may be slower than a quiet machine's.
"""


def what_is_measured(f):
    """What rows 1–6 and 11 measure."""
    return f"""**What is measured.** Every row is float64 on the same machine in one run, tapegrad, PyTorch and the roofline taking
turns round after round. 1T/2T: one or two BLAS threads (`OPENBLAS_NUM_THREADS`, and `torch.set_num_threads` for
PyTorch). The roofline is the bare `cblas_dgemm` calls the work needs and nothing else (`bench/workloads.cpp`,
`step_gemms`): five a step for [784,100,10] (two forward, BP4 twice, BP2 once), eight for the wide network.

1. One training epoch on Fashion-MNIST's 60,000 examples: sigmoid hidden layer, softmax + log-likelihood, SGD η = 0.1,
   shuffled mini-batches; seconds of the steps only (gathering the batch, forward, backward, update), as `tapegrad
   train`'s CSV reports them (`bench/torch_epoch.py` times the same part of PyTorch's loop). The two shuffle with
   their own generators: the same batch sizes, not the same batches. Test accuracy after the epoch ({accuracy(f)}) shows that
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
"""


WHOLE_RUN = """## The whole run, as a user runs it

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
"""  # what rows 7–10 measure


def what_limits(f):
    """What limits rows 7–10, and row 1 at batch 10 against the roofline."""
    update_share = ratio(f.update[10].get("tapegrad", 1), f.epoch[10].get("roofline", 1))
    return f"""**What limits each row.**
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
  and ∂C/∂θ and writing θ, 1.3 MB a step, beyond the L2 cache) takes {fmt(update_share)}× the
  roofline's time at batch 10 in this run; only an update
  fused into the gemm that makes ∂C/∂W (θ ← θ − η δ aᵀ in blocks, while they are in cache) would remove it.
"""


GATHERER = """## The batch gatherer

`nn::ColumnGatherer` (`nn/column_gatherer.cpp`) gathers each mini-batch's columns, eight examples at a time. A
Fashion-MNIST run gives it the image bytes themselves (no copy: each batch is converted to doubles as it is
gathered); a matrix of doubles (the synthetic sets, `nn::train`'s Tensor overload) is copied once into rows, in
2 MB pages. The table is the matrix case. Against
`select_columns`, the plain reference it is tested equal to: one epoch's shuffled batches out of a
(784, 60000) matrix, one thread (`bench/workloads.cpp`, `gather`); and the copy, made once per
`train` call.
"""


def page(f, parts=None):
    """The whole page; `parts`: tables(f), when the caller has them already."""
    main, goals, default, default_goals, gathered = parts or tables(f)
    lines = "\n".join
    return (f"{header(f)}\n{what_is_measured(f)}\n{lines(main)}\n\n## Targets (issues 7 and 18)\n\n{lines(goals)}\n\n"
            f"{WHOLE_RUN}\n{lines(default)}\n\n{what_limits(f)}\n{lines(default_goals)}\n\n{GATHERER}\n"
            f"{lines(gathered)}\n")
