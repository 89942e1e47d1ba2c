"""The figures of one run of bench/compare.py: every row's samples (tapegrad, PyTorch and the
roofline, by thread count), and what the page says about the run. bench/compare.py measures them;
bench/benchmark_page.py writes the page from them; `compare.py --record FILE` keeps them as JSON
and `compare.py --replay FILE` writes the page again from such a file, measuring nothing."""
import datetime
import json
import math
import re
import statistics

BATCHES = (10, 64, 256)
LENET_BATCH, LENET_IMAGES = 64, 12000  # row 11: a fifth of an epoch, scaled (compare.sh's time)


# What the page's header says about the run (bench/compare.py's measure_run).
RUN_KEYS = ("command", "rounds", "commit", "start", "end", "load_start", "load_end", "machine")


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


def per_batch(workload, unit):
    """A row for each batch size of row 1; `workload` names the batch as {b}."""
    return {b: Row(workload.format(b=b), unit) for b in BATCHES}


class Figures:
    """Every row of one run (threads 0: no thread variable set, as a user runs the program), the
    sizes of a chain node's parts, PyTorch's version, and `run`: the command, the rounds, the
    machine, and where and when the run was measured (bench/compare.py's run_place)."""

    def __init__(self):
        self.epoch = per_batch("1. Fashion-MNIST epoch [784,100,10], batch {b}", "s")
        self.accuracy = per_batch("", "")
        self.xor = Row("2. XOR 2-2-1, one full-batch step", "µs")
        self.chain_time = Row("3. chain of 10⁶ scalar ops, forward + backward", "ns/op")
        self.chain_mem = Row("3. chain: heap held per op (values: 8 B)", "B/op")
        self.wide = Row("4. wide [784,1024,1024,10], batch 256, one step", "ms")
        self.grad_ratio = Row("5. gradient / forward cost, [784,100,10] batch 64", "×")
        self.bp_ratio = Row("5. the same by hand-written BP1–BP4", "×")
        self.conv_first = Row("6. conv2d forward + backward, x (64,1,28,28), w (20,1,5,5), a first layer", "ms")
        self.conv_layer = Row("6. the same with ∂C/∂x (a later layer)", "ms")
        self.lenet = Row(f"11. LeNet (`--model lenet`) epoch, batch {LENET_BATCH} (scaled from {LENET_IMAGES:,} "
                         f"images)", "s")
        self.lenet_rss = Row("11. its whole process's peak resident memory", "MB")
        self.gather = per_batch("batch {b}", "ms")  # ColumnGatherer against select_columns
        self.update = per_batch("the SGD updates of an epoch at batch {b}", "s")  # what limits row 1
        self.whole = per_batch("7. `train`, one epoch at batch {b}: the whole process, start to exit", "s")
        self.rss = per_batch("8. its peak resident memory, batch {b}", "MB")
        self.main_job = Row("9. the main job's training (`scripts/run.sh`: 5 epochs, batch 10), start to exit", "s")
        self.default_steps = Row("10. the epoch's steps at batch 10, default threads (the CSV's seconds)", "s")
        self.own_steps = per_batch("the steps of row 7's process at batch {b}", "s")  # for row 7's limit
        self.chain_parts = {}  # node_bytes, tensor_bytes: fixed by the build, the same every round
        self.torch_version = None
        self.have_torch = False
        self.run = {}

    def rows(self):
        """(name, batch or None, Row) for every row."""
        for name, value in vars(self).items():
            if isinstance(value, Row):
                yield name, None, value
            elif isinstance(value, dict) and value and all(isinstance(r, Row) for r in value.values()):
                yield from ((name, b, r) for b, r in value.items())

    def to_json(self):
        rows = {}
        for name, b, row in self.rows():
            samples = {f"{who} {threads}": values for (who, threads), values in row.samples.items()}
            rows[name if b is None else f"{name} {b}"] = samples
        return {"rows": rows, "chain_parts": self.chain_parts, "torch_version": self.torch_version,
                "have_torch": self.have_torch, "run": self.run}

    @classmethod
    def from_json(cls, data, source):
        """Figures from to_json's form, checked: every sample a finite number, the run's keys of the
        right kind. A row or a key this version does not know, or a value of the wrong kind, is an
        error naming `source` and the key. A row that is missing is not measured: the page says so."""
        f = cls()
        rows = {name if b is None else f"{name} {b}": row for name, b, row in f.rows()}
        recorded = expect(data, dict, source, "the file")
        recorded_rows = expect(recorded.get("rows", {}), dict, source, "rows")
        unknown = sorted(set(recorded_rows) - set(rows))
        if unknown:
            raise ValueError(f"{source}: rows this version of compare.py does not have: {', '.join(unknown)}")
        for name, samples in recorded_rows.items():
            for key, values in expect(samples, dict, source, f"row {name}").items():
                who, _, threads = key.rpartition(" ")
                if not (who and threads.isdigit()):
                    raise ValueError(f"{source}: row {name}: {key!r} is not a program and a thread count")
                rows[name].samples[(who, int(threads))] = numbers(values, source, f"row {name}, {key!r}")
        f.chain_parts = {k: number(v, source, f"chain_parts {k}")
                         for k, v in expect(recorded.get("chain_parts", {}), dict, source, "chain_parts").items()}
        f.torch_version = recorded.get("torch_version")
        if f.torch_version is not None:
            expect(f.torch_version, str, source, "torch_version")
        f.have_torch = expect(recorded.get("have_torch", False), bool, source, "have_torch")
        f.run = run_of(recorded.get("run", {}), source)
        return f


def expect(value, kind, source, key):
    """`value` when it is a `kind`; else an error naming the file and the key."""
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ValueError(f"{source}: {key} is {json.dumps(value)[:60]}, not {KINDS[kind]}")
    return value


KINDS = {dict: "an object", list: "a list", str: "a string", bool: "true or false", int: "a whole number"}


def number(value, source, key):
    """`value` when it is a finite number (JSON's NaN and Infinity are not measurements)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{source}: {key} is {json.dumps(value)[:60]}, not a finite number")
    return value


def numbers(values, source, key):
    """A list of samples, each a finite number."""
    return [number(v, source, f"{key} sample {i}") for i, v in enumerate(expect(values, list, source, key), 1)]


def run_of(run, source):
    """The run's description (RUN_KEYS), each of the kind the page's header reads."""
    missing = [k for k in RUN_KEYS if k not in expect(run, dict, source, "run")]
    if missing:
        raise ValueError(f"{source}: the run has no {', '.join(missing)} (recorded by an older compare.py?)")
    for key in ("command", "commit", "machine"):
        expect(run[key], str, source, f"run {key}")
    if expect(run["rounds"], int, source, "run rounds") < 1:
        raise ValueError(f"{source}: run rounds is {run['rounds']}, not a positive number")
    for key in ("start", "end"):
        try:
            when = datetime.datetime.fromisoformat(expect(run[key], str, source, f"run {key}"))
        except ValueError:
            when = None
        if when is None or when.utcoffset() is None:
            raise ValueError(f"{source}: run {key} is {run[key]!r}, not a time with its UTC offset (ISO 8601)")
    for key in ("load_start", "load_end"):
        if len(numbers(run[key], source, f"run {key}")) != 3:
            raise ValueError(f"{source}: run {key} has {len(run[key])} load averages, not 3 (1, 5 and 15 minutes)")
    return run


def to_text(figures):
    """The figures as JSON, each row's samples of one program on one line."""
    text = json.dumps(figures.to_json(), ensure_ascii=False, indent=1)
    return re.sub(r"\[\s+([^][]*?)\s+\]", lambda m: "[" + ", ".join(re.split(r",\s+", m[1])) + "]", text) + "\n"


def load(path):
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise ValueError(f"{path}: cannot read recorded figures: {e}") from None
    try:
        return Figures.from_json(data, path)
    except (AttributeError, TypeError, KeyError) as e:
        raise ValueError(f"{path}: not figures bench/compare.py --record wrote ({type(e).__name__}: {e})") from None
