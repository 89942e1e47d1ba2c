#!/usr/bin/python3
"""docs/benchmarks.md as bench/compare.py writes it, from recorded figures rather than a run:
the target rows, their verdicts (met/missed) and what limits each miss, the record's JSON round
trip, and `compare.py --replay`. recorded_figures.json holds the figures of the page's quiet run
of 2026-12-05 as its tables show them (one sample each, but row 1 at batch 10, which has three
for the median); the parts the page does not show (the gatherer on bytes, the SGD update at
batches 64 and 256, row 7's steps at 64 and 256) and the run's times and load averages, which that
page did not record, are plausible values, there to be computed with. Every expected string below
is worked out by hand from those figures."""
import copy
import datetime
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
        self.assertIn("\n**Run:** commit 83930e0, from 2026-12-05 08:31 to 08:48 UTC; load average 0.03, 0.41, 0.62 "
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
            env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
                       GIT_COMMITTER_EMAIL="t@t")

            def git(*args):
                return subprocess.run(["git", "-C", tmp, *args], env=env, check=True, capture_output=True,
                                      text=True).stdout.strip()

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
                                ('{"rows": [1, 2]}', "not figures bench/compare.py --record wrote"),
                                ('{"rows": {"xor": {"tapegrad": [1]}}}', "row xor: 'tapegrad' is not a program")]:
                bad.write_text(text)
                p = subprocess.run([sys.executable, ROOT / "bench/compare.py", "--replay", bad, "--output", out],
                                   capture_output=True, text=True)
                self.assertEqual(p.returncode, 1, text)
                self.assertIn(f"compare: {bad}: {error}", p.stderr)


if __name__ == "__main__":
    unittest.main()
