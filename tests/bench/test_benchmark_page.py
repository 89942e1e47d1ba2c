#!/usr/bin/python3
"""docs/benchmarks.md as bench/compare.py writes it, from recorded figures rather than a run:
the target rows, their verdicts (met/missed) and what limits each miss, the record's JSON round
trip, `compare.py --replay` and what it refuses, and writing a file whole. recorded_figures.json
is a fixture, not a record of a run (its commit is "fixture"): it holds the figures of the page's
quiet run of 2026-12-05 as its tables show them (one sample each, but row 1 at batch 10, which has
three for the median); the parts the page does not show (the gatherer on bytes, the SGD update at
batches 64 and 256, row 7's steps at 64 and 256) and the run's times and load averages, which that
page did not record, are invented, there to be computed with. Every expected string below is
worked out by hand from those figures."""
import copy
import datetime
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # nothing written into the source tree
ROOT = Path(__file__).resolve().parents[2]
RECORDED = Path(__file__).resolve().parent / "recorded_figures.json"
sys.path.insert(0, str(ROOT / "bench"))
import benchmark_figures  # noqa: E402
import benchmark_page  # noqa: E402
import compare  # noqa: E402


def recorded():
    return benchmark_figures.load(RECORDED)


def target_row(page, name):
    """The target table's row named `name`, whole."""
    rows = [line for line in page.splitlines() if line.startswith(f"| {name} |")]
    if len(rows) != 1:
        raise AssertionError(f"{len(rows)} rows named {name!r}")
    return rows[0]


class TargetsFromRecordedFigures(unittest.TestCase):
    def setUp(self):
        self.page = benchmark_page.page(recorded())

    def test_met_targets_have_no_reason(self):
        # 0.57 / 0.928 = 0.614; 0.57 / 0.457 = 1.247; 1.89 (gradient / forward)
        self.assertEqual(target_row(self.page, "1. epoch, batch 64: tapegrad / PyTorch (1 thread)"),
                         "| 1. epoch, batch 64: tapegrad / PyTorch (1 thread) | 0.614 | ≤ 0.75 | met |  |")
        self.assertEqual(target_row(self.page, "1. epoch, batch 64: tapegrad / roofline (1 thread)"),
                         "| 1. epoch, batch 64: tapegrad / roofline (1 thread) | 1.25 | ≤ 1.25 | met |  |")
        self.assertEqual(target_row(self.page, "5. gradient / forward cost (1 thread)"),
                         "| 5. gradient / forward cost (1 thread) | 1.89 | ≤ 2 | met |  |")

    def test_a_miss_under_the_roofline_floor_says_so(self):
        # median(0.95, 0.908, 0.9) = 0.908; 0.908 / 2.09 = 0.434; the roofline 0.714 / 2.09 = 0.342 > 0.3
        self.assertEqual(target_row(self.page, "1. epoch, batch 10: tapegrad / PyTorch (1 thread)"),
                         "| 1. epoch, batch 10: tapegrad / PyTorch (1 thread) | 0.434 | ≤ 0.3 | missed | the roofline "
                         "alone is 0.342× PyTorch's epoch, above the limit: no implementation that makes these gemms "
                         "gets below that; tapegrad is 1.27× the roofline |")

    def test_misses_name_their_limit(self):
        # conv with ∂C/∂x: 5.05 / 3.78 = 1.336, 5.05 − 3.78 = 1.27 ms beside the gemms
        self.assertEqual(target_row(self.page, "6. conv2d with ∂C/∂x: tapegrad / roofline (1 thread; issue 18)"),
                         "| 6. conv2d with ∂C/∂x: tapegrad / roofline (1 thread; issue 18) | 1.34 | ≤ 1.3 | missed "
                         "| 1.27 ms beside the gemms (3.78 ms) |")
        heap = target_row(self.page, "3. chain, tapegrad heap bytes per op beyond the values")
        self.assertTrue(heap.startswith("| 3. chain, tapegrad heap bytes per op beyond the values | 449 | ≤ 200 | "
                                        "missed | the node alone is 408 B "), heap)
        self.assertIn("240 B of them its value's Tensor", heap)
        self.assertIn("449 B an op. Below 200 B needs a smaller value type in the node |", heap)
        self.assertEqual(target_row(self.page, "3. chain, tapegrad µs per op"),
                         "| 3. chain, tapegrad µs per op | 0.627 | ≤ 0.5 | missed | not analysed |")

    def test_the_whole_run_targets(self):
        # 1.42 / 6.53 = 0.217; 85.2 / 673 = 0.127; 0.925 / min(0.908, 2.14) = 1.02; 0.908 / 0.714 = 1.27
        for name, row in [
            ("7. whole process, batch 10: tapegrad / PyTorch", "| 0.217 | ≤ 0.5 | met |  |"),
            ("8. peak RSS, batch 64: tapegrad / PyTorch", "| 0.127 | ≤ 0.4 | met |  |"),
            ("10. epoch at batch 10, default threads / the best of 1T and 2T", "| 1.02 | ≤ 1.1 | met |  |"),
            ("1. epoch at batch 10: tapegrad / roofline (1 thread)", "| 1.27 | ≤ 1.3 | met |  |"),
        ]:
            self.assertEqual(target_row(self.page, name), f"| {name} {row}")

    def test_the_text_below_the_tables_uses_the_run(self):
        # the update alone: 0.0778 / 0.714 = 0.109 of the roofline; accuracies as recorded
        self.assertIn("beyond the L2 cache) takes 0.109× the\n  roofline's time at batch 10", self.page)
        self.assertIn("(batch 10: tapegrad 82.31%, PyTorch 82.52%, batch 64: tapegrad 77.63%, PyTorch 77.97%, "
                      "batch 256: tapegrad 72.15%, PyTorch 73.44%)", self.page)


class LimitsOfChangedFigures(unittest.TestCase):
    """The branches the quiet run does not reach, from the same figures with one changed."""

    def test_a_slow_epoch_splits_its_time_beside_the_gemms(self):
        f = recorded()
        f.epoch[64].samples[("tapegrad", 1)] = [0.7]
        # 0.7 / 0.457 = 1.53; (0.457 + 0.035 + 0.012) / 0.457 = 1.10; 0.7 − 0.504 = 0.196 s left
        self.assertEqual(target_row(benchmark_page.page(f), "1. epoch, batch 64: tapegrad / roofline (1 thread)"),
                         "| 1. epoch, batch 64: tapegrad / roofline (1 thread) | 1.53 | ≤ 1.25 | missed | beside the "
                         "gemms (0.457 s), gathering the batches (0.035 s) and the SGD update's pass over θ and ∂C/∂θ "
                         "(0.012 s), each timed alone, make 1.1× the roofline; the other 0.196 s are the recorded ops "
                         "between the gemms (σ, softmax, the graph) |")
        f.gather[64].samples[("bytes", 1)] = [400.0]  # parts that add up beyond the whole: noise
        self.assertIn("the rest is within the noise of timing the parts apart |",
                      target_row(benchmark_page.page(f), "1. epoch, batch 64: tapegrad / roofline (1 thread)"))

    def test_a_miss_within_the_roofline_floor_is_tapegrads_own(self):
        f = recorded()
        f.epoch[64].samples[("PyTorch", 1)] = [0.7]
        # 0.57 / 0.7 = 0.814 > 0.75, but the roofline 0.457 / 0.7 = 0.653 is within it
        self.assertEqual(target_row(benchmark_page.page(f), "1. epoch, batch 64: tapegrad / PyTorch (1 thread)"),
                         "| 1. epoch, batch 64: tapegrad / PyTorch (1 thread) | 0.814 | ≤ 0.75 | missed | the roofline "
                         "is 0.653× PyTorch's epoch, within the limit; tapegrad's work beside the gemms (1.25× the "
                         "roofline) makes the miss |")

    def test_the_limit_itself_is_met(self):
        f = recorded()
        f.xor.samples[("tapegrad", 1)] = [10.0]
        self.assertEqual(target_row(benchmark_page.page(f), "2. XOR step, tapegrad µs (1 thread)"),
                         "| 2. XOR step, tapegrad µs (1 thread) | 10 | ≤ 10 | met |  |")

    def test_a_whole_process_miss_says_what_is_not_steps(self):
        f = recorded()
        f.whole[64].samples[("tapegrad", 0)] = [2.0]
        self.assertEqual(target_row(benchmark_page.page(f), "7. whole process, batch 64: tapegrad / PyTorch"),
                         "| 7. whole process, batch 64: tapegrad / PyTorch | 0.597 | ≤ 0.5 | missed | its epoch's steps "
                         "(its CSV's seconds) take 0.6 s of its 2 s; the rest is start-up, reading the data and "
                         "evaluating |")

    def test_without_pytorch_its_targets_have_no_verdict(self):
        f = recorded()
        for _, _, row in f.rows():
            for key in [k for k in row.samples if k[0] == "PyTorch"]:
                del row.samples[key]
        f.have_torch = False
        page = benchmark_page.page(f)
        self.assertEqual(target_row(page, "11. LeNet epoch: tapegrad / PyTorch (1 thread; issue 18)"),
                         "| 11. LeNet epoch: tapegrad / PyTorch (1 thread; issue 18) | – | ≤ 0.8 | – |  |")
        self.assertIn("(batch 10: tapegrad 82.31%, batch 64: tapegrad 77.63%, batch 256: tapegrad 72.15%)", page)


class WhereAndWhen(unittest.TestCase):
    """The page's header: the commit, the start and end in UTC, the load average at both."""

    def test_the_header_names_commit_times_and_loads(self):
        self.assertIn("\n**Run:** commit fixture, from 2026-12-05 08:31 to 08:48 UTC; load average 0.03, 0.41, 0.62 "
                      "at the start and 1.21, 1.17, 0.94 at the end.\n", benchmark_page.page(recorded()))

    def test_a_run_past_midnight_gives_the_end_date(self):
        f = recorded()
        f.run.update(start="2026-12-05T23:50:02+00:00", end="2026-12-06T01:07:40+01:00")  # 00:07:40 UTC
        self.assertIn("from 2026-12-05 23:50 to 2026-12-06 00:07 UTC;", benchmark_page.page(f))

    def test_a_record_without_the_run_is_refused(self):
        data = recorded().to_json()
        del data["run"]["start"], data["run"]["load_end"]
        with self.assertRaisesRegex(ValueError, "figures.json: the run has no start, load_end"):
            benchmark_figures.Figures.from_json(data, "figures.json")

    def test_now_and_load_are_utc_and_three_averages(self):
        when, load = compare.now_and_load()
        self.assertEqual(datetime.datetime.fromisoformat(when).utcoffset(), datetime.timedelta(0))
        self.assertEqual(len(load), 3)

    def test_without_git_the_commit_is_unknown(self):
        path = os.environ["PATH"]
        os.environ["PATH"] = "/nonexistent"
        try:
            self.assertEqual(compare.run_place(ROOT, ROOT / "docs/benchmarks.md"), "unknown (no git program)")
        finally:
            os.environ["PATH"] = path

    def test_the_commit_and_its_uncommitted_changes(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            self.assertEqual(compare.run_place(root, root / "docs/benchmarks.md"), "unknown (not in a git checkout)")
            # Whatever the user's or the system's git configuration (commit.gpgsign, no user.name):
            # none is read, and the committer is given.
            env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")

            def git(*args):
                return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", tmp, *args], env=env,
                                      check=True, capture_output=True, text=True).stdout.strip()

            git("init", "-q")
            (root / "docs").mkdir()
            for name in ("docs/benchmarks.md", "code.cpp"):
                (root / name).write_text("old\n")
            git("add", ".")
            git("commit", "-q", "-m", "first")
            head = git("rev-parse", "--short", "HEAD")
            self.assertEqual(compare.run_place(root, root / "docs/benchmarks.md"), head)
            (root / "docs/benchmarks.md").write_text("the page a run rewrites\n")
            (root / "untracked.txt").write_text("not part of the build\n")
            self.assertEqual(compare.run_place(root, root / "docs/benchmarks.md"), head)
            self.assertEqual(compare.run_place(root, root / "elsewhere.md"), f"{head} + uncommitted changes")
            (root / "code.cpp").write_text("new\n")
            self.assertEqual(compare.run_place(root, root / "docs/benchmarks.md"), f"{head} + uncommitted changes")


class Record(unittest.TestCase):
    def test_the_json_round_trip_keeps_the_page(self):
        f = recorded()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "figures.json"
            path.write_text(benchmark_figures.to_text(f))
            self.assertEqual(benchmark_page.page(benchmark_figures.load(path)), benchmark_page.page(f))

    def test_an_unknown_row_is_named(self):
        data = copy.deepcopy(recorded().to_json())
        data["rows"]["epoch 32"] = {"tapegrad 1": [1.0]}
        with self.assertRaisesRegex(ValueError, "rows this version of compare.py does not have: epoch 32"):
            benchmark_figures.Figures.from_json(data, "figures.json")

    def test_replay_writes_the_page_and_prints_the_tables(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "benchmarks.md"
            p = subprocess.run([sys.executable, ROOT / "bench/compare.py", "--replay", RECORDED, "--output", out],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(out.read_text(), benchmark_page.page(recorded()))
            self.assertIn("| 3. chain, tapegrad µs per op | 0.627 | ≤ 0.5 | missed | not analysed |", p.stdout)
            bad = Path(tmp) / "bad.json"
            for text, error in [("{ not json", "cannot read recorded figures:"),
                                ('{"rows": [1, 2]}', "rows is [1, 2], not an object"),
                                ('{"rows": {"xor": {"tapegrad": [1]}}}', "row xor: 'tapegrad' is not a program")]:
                bad.write_text(text)
                p = subprocess.run([sys.executable, ROOT / "bench/compare.py", "--replay", bad, "--output", out],
                                   capture_output=True, text=True)
                self.assertEqual(p.returncode, 1, text)
                self.assertIn(f"compare: {bad}: {error}", p.stderr)


class BadRecords(unittest.TestCase):
    """A record of the wrong kind is refused with the file and the key, never a traceback."""

    def refused(self, change, error):
        data = copy.deepcopy(recorded().to_json())
        change(data)
        with self.assertRaises(ValueError) as refusal:
            benchmark_figures.Figures.from_json(data, "figures.json")
        self.assertEqual(str(refusal.exception), f"figures.json: {error}")

    def test_a_sample_that_is_not_a_finite_number_is_named(self):
        for samples, error in [("12", '"12", not a list'), ([5.89, "12"], 'sample 2 is "12", not a finite number'),
                               ([float("nan")], "sample 1 is NaN, not a finite number"),
                               ([float("inf")], "sample 1 is Infinity, not a finite number"),
                               ([True], "sample 1 is true, not a finite number"), (None, "null, not a list")]:
            self.refused(lambda d: d["rows"]["xor"].update({"tapegrad 1": samples}),
                         f"row xor, 'tapegrad 1'{'' if error.startswith('sample') else ' is'} {error}")

    def test_a_row_or_the_file_of_the_wrong_kind_is_named(self):
        self.refused(lambda d: d["rows"].update(xor=[5.89]), "row xor is [5.89], not an object")
        self.refused(lambda d: d["chain_parts"].update(node_bytes="408"), 'chain_parts node_bytes is "408", not a '
                     "finite number")
        self.refused(lambda d: d.update(have_torch="yes"), 'have_torch is "yes", not true or false')
        with self.assertRaisesRegex(ValueError, r"^figures.json: the file is \[1, 2\], not an object$"):
            benchmark_figures.Figures.from_json([1, 2], "figures.json")

    def test_the_run_of_the_wrong_kind_is_named(self):
        self.refused(lambda d: d["run"].update(rounds="3"), 'run rounds is "3", not a whole number')
        self.refused(lambda d: d["run"].update(rounds=0), "run rounds is 0, not a positive number")
        self.refused(lambda d: d["run"].update(commit=None), "run commit is null, not a string")
        self.refused(lambda d: d["run"].update(start="08:31"), "run start is '08:31', not a time with its UTC "
                     "offset (ISO 8601)")
        self.refused(lambda d: d["run"].update(end="2026-12-05T08:48:52"), "run end is '2026-12-05T08:48:52', not a "
                     "time with its UTC offset (ISO 8601)")
        self.refused(lambda d: d["run"].update(load_end=[1.21, 1.17]), "run load_end has 2 load averages, not 3 (1, "
                     "5 and 15 minutes)")
        self.refused(lambda d: d["run"]["load_start"].__setitem__(0, "0.03"), 'run load_start sample 1 is "0.03", '
                     "not a finite number")

    def test_replay_of_a_bad_sample_names_the_file_and_the_key(self):
        with tempfile.TemporaryDirectory() as tmp:
            data = copy.deepcopy(recorded().to_json())
            data["rows"]["epoch 64"]["tapegrad 1"] = "12"
            bad = Path(tmp) / "figures.json"
            bad.write_text(json.dumps(data))
            p = subprocess.run([sys.executable, ROOT / "bench/compare.py", "--replay", bad, "--output",
                                Path(tmp) / "benchmarks.md"], capture_output=True, text=True)
            self.assertEqual((p.returncode, p.stderr), (1, f"compare: {bad}: row epoch 64, 'tapegrad 1' is \"12\", "
                                                           "not a list\n"))
            self.assertFalse((Path(tmp) / "benchmarks.md").exists())


class MissingFiguresAreNotMeasured(unittest.TestCase):
    """A row a record does not hold is not measured: the page says so and is written all the same."""

    def test_without_row_1s_tapegrad_epochs_at_batch_10(self):
        f = recorded()
        for threads in (1, 2):
            del f.epoch[10].samples[("tapegrad", threads)]
        self.assertEqual(target_row(benchmark_page.page(f), "10. epoch at batch 10, default threads / the best of 1T "
                                                            "and 2T"),
                         "| 10. epoch at batch 10, default threads / the best of 1T and 2T | – | ≤ 1.1 | – |  |")

    def test_without_a_nodes_parts_the_heap_miss_is_not_analysed(self):
        data = recorded().to_json()
        del data["chain_parts"]
        heap = target_row(benchmark_page.page(benchmark_figures.Figures.from_json(data, "figures.json")),
                          "3. chain, tapegrad heap bytes per op beyond the values")
        self.assertEqual(heap, "| 3. chain, tapegrad heap bytes per op beyond the values | 449 | ≤ 200 | missed | not "
                               "analysed (the sizes of a node's parts were not measured) |")

    def test_an_accuracy_not_measured_says_so(self):
        f = recorded()
        f.accuracy[64].samples.clear()
        self.assertIn("(batch 10: tapegrad 82.31%, PyTorch 82.52%, batch 64: tapegrad not measured, PyTorch not "
                      "measured, batch 256: tapegrad 72.15%, PyTorch 73.44%)", benchmark_page.page(f))

    def test_every_row_can_be_missing(self):
        data = recorded().to_json()
        for name in data["rows"]:
            without = copy.deepcopy(data)
            del without["rows"][name]
            with self.subTest(row=name):
                benchmark_page.page(benchmark_figures.Figures.from_json(without, "figures.json"))
        data["rows"].clear()
        page = benchmark_page.page(benchmark_figures.Figures.from_json(data, "figures.json"))
        self.assertIn("| 1. epoch, batch 64: tapegrad / PyTorch (1 thread) | – | ≤ 0.75 | – |  |", page)
        self.assertIn("(batch 10: tapegrad not measured, PyTorch not measured, batch 64:", page)


class Rounds(unittest.TestCase):
    def test_the_header_counts_rounds_in_the_singular_and_plural(self):
        f = recorded()
        self.assertIn("(3 rounds; medians)", benchmark_page.page(f))
        f.run["rounds"] = 1
        self.assertIn("(1 round; medians)", benchmark_page.page(f))


WRITER = """import sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
from pathlib import Path
import compare
for _ in range(int(sys.argv[4])):
    compare.write_whole(Path(sys.argv[2]), sys.argv[3] * 200000 + "\\n")
"""


class WriteWhole(unittest.TestCase):
    """compare.py's write_whole: the page and the record are whole or not written, also when two runs
    write the same file at once."""

    def test_two_writers_at_once_leave_one_whole_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "benchmarks.md"
            whole = {c * 200000 + "\n" for c in "ab"}
            writers = [subprocess.Popen([sys.executable, "-c", WRITER, ROOT / "bench", path, c, "40"],
                                        stderr=subprocess.PIPE, text=True) for c in "ab"]
            seen = set()
            while any(w.poll() is None for w in writers):
                if path.exists():
                    seen.add(path.read_text())  # the rename is atomic: never a part of a text
            errors = [w.communicate()[1] for w in writers]
            self.assertEqual([w.returncode for w in writers], [0, 0], errors)
            self.assertLessEqual(seen | {path.read_text()}, whole)
            self.assertEqual(os.listdir(tmp), ["benchmarks.md"])  # no temporary left behind

    def test_a_failed_write_keeps_the_old_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "benchmarks.md"
            compare.write_whole(path, "the old page\n")
            mask = os.umask(0)
            os.umask(mask)
            self.assertEqual(path.stat().st_mode & 0o777, 0o666 & ~mask)  # as any file, not mkstemp's 0600
            with self.assertRaises(UnicodeEncodeError):
                compare.write_whole(path, "a lone surrogate: \ud800\n")
            self.assertEqual(path.read_text(), "the old page\n")
            self.assertEqual(os.listdir(tmp), ["benchmarks.md"])


if __name__ == "__main__":
    unittest.main()
