#!/usr/bin/env python3
"""Grades the exercises: builds them, runs each test program, prints per exercise "passed" or its
first wrong number and hint (or, when it does not compile, the first error line), and writes
results.json in Gradescope's autograder format. Run it as scripts/grade.sh (in the repository)
or ./grade.sh (in a handout). Exit status: 0 full marks, 1 less, 2 the grader could not run."""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))  # the exercises' CMake project
TIMEOUT = 120  # seconds per exercise program: an endless loop fails its exercise, not the run


def die(message):
    """The grader itself could not run: exit status 2 (a student's error scores, it never stops the run)."""
    print(f"grade: {message}", file=sys.stderr)
    sys.exit(2)


def parse_args():
    p = argparse.ArgumentParser(prog="grade.sh", description=__doc__.split("\n\n")[0])
    p.add_argument("exercises", nargs="*", help="only these (e.g. 01_bp2_tanh, or 01); default: all")
    p.add_argument("--seed", type=int, help="the random inputs' seed (default: a fresh one, printed)")
    p.add_argument("--build", help="the build directory (default: build-exercises, or build-solutions)")
    p.add_argument("--results", default="results.json", help="where to write Gradescope's results.json")
    p.add_argument("--solutions", action="store_true", help="instructor: grade the reference solutions")
    p.add_argument("--tapegrad", help="tapegrad's install prefix (if not in a standard place) or source tree")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel compile jobs")
    args = p.parse_args()
    if args.seed is not None and args.seed < 0:
        p.error(f"--seed {args.seed}: the seed is a whole number ≥ 0")
    return args


def exercise_names(wanted):
    """The exercise folders NN_name holding a test.cpp, in order; `wanted` picks some."""
    names = sorted(d for d in os.listdir(HERE) if re.match(r"^\d\d_\w+$", d) and
                   os.path.isfile(os.path.join(HERE, d, "test.cpp")))
    for w in wanted:
        if not any(n == w or n.startswith(w + "_") for n in names):
            die(f"no exercise {w!r}; there are: {', '.join(names)}")
    return [n for n in names if not wanted or any(n == w or n.startswith(w + "_") for w in wanted)]


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace", **kw)


def configure(build, file, tapegrad):
    """cmake's configure step, once per build directory (again if it picked another file)."""
    cache = os.path.join(build, "CMakeCache.txt")
    if os.path.exists(cache) and f"TG_EXERCISE_FILE:STRING={file}\n" in open(cache).read():
        return
    cmd = ["cmake", "-S", HERE, "-B", build, f"-DTG_EXERCISE_FILE={file}"]
    if shutil.which("ninja") and not os.path.exists(cache):
        cmd += ["-G", "Ninja"]
    if tapegrad and os.path.isfile(os.path.join(tapegrad, "autodiff", "CMakeLists.txt")):
        cmd.append(f"-DTAPEGRAD_SOURCE_DIR={os.path.abspath(tapegrad)}")  # built here: its libraries
    elif tapegrad:
        cmd.append(f"-DCMAKE_PREFIX_PATH={os.path.abspath(tapegrad)}")  # installed there
    r = run(cmd)
    if r.returncode != 0:
        sys.stderr.write(r.stdout[-3000:])
        die(f"configuring the exercises failed (cmake -S {HERE} -B {build}); see above")


def first_errors(log, names):
    """The first compiler or linker error line of each exercise in the build's output."""
    errors, current = {}, None
    for line in log.splitlines():
        owner = re.search(r"exercise_(\d\d_\w+?)(_test)?\.dir|/(\d\d_\w+)/", line)
        if line.startswith("FAILED:") and owner:
            current = owner.group(1) or owner.group(3)
        if re.search(r"\berror\b|undefined reference", line) and not line.startswith(
                ("FAILED:", "ninja:", "make", "collect2:")):
            m = re.search(r"/(\d\d_\w+)/[^:]*:\d+", line)
            name = m.group(1) if m and m.group(1) in names else current
            if name and name not in errors:
                errors[name] = line.replace(HERE + "/", "")
    return errors


def build(build_dir, names, jobs):
    """Builds the exercises' programs (after removing old ones: a stale program must not be
    graded); returns {exercise: its first error line} for those that did not build."""
    targets = [f"exercise_{n}" for n in names]
    for t in targets:
        if os.path.exists(os.path.join(build_dir, t)):
            os.remove(os.path.join(build_dir, t))
    keep_going = ["--", "-k", "0"] if os.path.exists(os.path.join(build_dir, "build.ninja")) else ["--", "-k"]
    r = run(["cmake", "--build", build_dir, "-j", str(jobs), "--target", *targets, *keep_going])
    errors = first_errors(r.stdout, names)
    for n in names:
        if not os.path.exists(os.path.join(build_dir, f"exercise_{n}")) and n not in errors:
            errors[n] = "it did not build (no error line found; run cmake --build on the build directory)"
    return errors


def hint_for_compile_error(name):
    return f"{name} does not compile; fix the first error first, the others often follow from it"


def grade_one(name, program, seed):
    """Runs one exercise's program; returns (passed, total, feedback text)."""
    total = len(re.findall(r"^TEST_CASE\(", open(os.path.join(HERE, name, "test.cpp")).read(), re.M))
    env = dict(os.environ, TG_EXERCISE_SEED=str(seed))
    try:
        r = run([program, "--reporters=grade", "--no-colors"], env=env, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return 0, total, f"did not finish in {TIMEOUT} s (an endless loop?)"
    lines = r.stdout.splitlines()
    passed = sum(1 for l in lines if l.startswith("PASS  "))
    failed = [i for i, l in enumerate(lines) if l.startswith("FAIL  ")]
    score = next((l for l in lines if l.startswith("score ")), None)
    if score is None:  # it stopped before the end: a crash
        why = f"signal {-r.returncode}" if r.returncode < 0 else f"exit status {r.returncode}"
        tail = "\n".join(lines[-5:])
        return passed, total, f"crashed ({why}) after {passed} passing test case(s):\n{tail}"
    if not failed:
        return passed, total, lines[0] if lines else ""
    i = failed[0]
    detail = [lines[i][6:]]  # the first failing test case and its first failure, indented below it
    for line in lines[i + 1:]:
        if not line.startswith("      ") or len(detail) > 12:
            break
        detail.append(line[6:])
    more = f"\n(and {len(failed) - 1} more failing test case(s))" if len(failed) > 1 else ""
    return passed, total, lines[0] + "\nfirst failure: " + "\n  ".join(detail) + more


def main():
    args = parse_args()
    names = exercise_names(args.exercises)
    file = "solution" if args.solutions else "exercise"
    in_repository = os.path.isfile(os.path.join(HERE, "..", "autodiff", "CMakeLists.txt"))
    root = os.path.dirname(HERE) if in_repository else HERE  # build directories beside build/, or here
    build_dir = os.path.abspath(args.build or os.path.join(root, f"build-{'solutions' if args.solutions else 'exercises'}"))
    seed = args.seed if args.seed is not None else random.randrange(1000000)
    start = time.time()
    print(f"grading {len(names)} exercise(s) built from {file}.cpp in {build_dir}, seed {seed}", flush=True)
    configure(build_dir, file, args.tapegrad)
    errors = build(build_dir, names, args.jobs)

    tests, score, max_score = [], 0, 0
    for n in names:
        if n in errors:
            total = len(re.findall(r"^TEST_CASE\(", open(os.path.join(HERE, n, "test.cpp")).read(), re.M))
            passed, text = 0, f"does not compile: {errors[n]}\nhint: {hint_for_compile_error(n)}"
        else:
            passed, total, text = grade_one(n, os.path.join(build_dir, f"exercise_{n}"), seed)
        verdict = "passed" if passed == total else f"{passed}/{total}"
        print(f"{n}: {verdict}" + ("" if passed == total else "\n  " + text.replace("\n", "\n  ")))
        tests.append({"name": n, "number": n[:2], "score": passed, "max_score": total, "output": text,
                      "status": "passed" if passed == total else "failed"})
        score, max_score = score + passed, max_score + total
    print(f"score {score}/{max_score}; seed {seed} (the same inputs again: --seed {seed}); {args.results}")
    results = {"score": score, "execution_time": round(time.time() - start),
               "output": f"{score}/{max_score}, seed {seed}", "extra_data": {"max_score": max_score, "seed": seed},
               "tests": tests}
    # Written beside it and renamed: never a half-written results.json, also with two graders at once.
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(args.results)), suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(results, f, indent=2, ensure_ascii=False)
    os.replace(tmp, args.results)
    return 0 if score == max_score else 1


if __name__ == "__main__":
    sys.exit(main())
