#!/usr/bin/python3
"""Every program output quoted in README.md and docs/ is what the program prints today.

  check_outputs.py SOURCE_DIR BIN_DIR... [--list | --no-run | --update] [--only=PAGE]...

A ```text block is program output, and the line right before its fence says which command
prints it:

  <!-- output: COMMAND -->             the block is COMMAND's whole stdout
  <!-- output: COMMAND | machine -->   ... with every number masked (timings, machine-dependent
                                       values) and runs of spaces taken as one
  <!-- output: COMMAND | rounding -->  ... with every number below 1e-6 in size masked (rounding
                                       errors, which differ between CPUs and compilers)
  <!-- output: COMMAND | excerpt -->   the block's lines appear in COMMAND's stdout, in order
  <!-- not output -->                  not program output (a synopsis, a diagram): not checked;
  <!-- not output: REASON -->          also with the reason, e.g. an error only a code change shows

(`| machine | excerpt` combines two.) Trailing whitespace and trailing blank lines are
ignored; in a whole-output block a line "..." stands for any number of lines left out.
COMMAND runs with sh in a fresh temporary directory, with the BIN_DIRs (tapegrad, the example,
exercise and test programs) first on PATH and $SOURCE the repository. A ```text block without
a marker fails the test, so no output is quoted without a command that re-produces it.
--list prints the commands, --no-run checks the markers only (a sanitizer build), --update
rewrites each differing whole-output block (no "...", not an excerpt) with what COMMAND prints;
--only=PAGE checks only the pages whose path contains PAGE.
"""
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

from markdown_blocks import blocks, pages
from verdict import verdict

MARKER = re.compile(r"^<!--\s*output:\s*(.*?)\s*-->$")
NOT_OUTPUT = re.compile(r"^<!--\s*not output\b.*-->$")
FLAGS = ("machine", "rounding", "excerpt")
NUMBER = re.compile(r"[-+]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?%?")


def parse_marker(text):
    """(command, flags) of an output marker, or None."""
    m = MARKER.match(text)
    if not m:
        return None
    parts = m.group(1).split("|")
    flags = set()
    while len(parts) > 1 and parts[-1].strip() in FLAGS:
        flags.add(parts.pop().strip())
    return "|".join(parts).strip(), flags


def rounding_error(match):
    """A number below 1e-6 in size (a rounding error, a finite-difference error) as "~", else itself."""
    try:
        return "~" if abs(float(match.group(0).replace(",", "").rstrip("%"))) < 1e-6 else match.group(0)
    except ValueError:
        return match.group(0)


def normalise(lines, flags=()):
    out = [line.rstrip() for line in lines]
    if "machine" in flags:
        out = [NUMBER.sub("#", line) for line in out]
    elif "rounding" in flags:
        out = [NUMBER.sub(rounding_error, line) for line in out]
    if "machine" in flags or "rounding" in flags:
        out = [re.sub(r"\s+", " ", line).strip() for line in out]
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return out


def first_difference(quoted, printed):
    for i, (q, p) in enumerate(zip(quoted, printed)):
        if q != p:
            return f"line {i + 1} of the block differs:\n      quoted:  {q}\n      printed: {p}"
    if len(quoted) < len(printed):
        return f"the output goes on after the block's {len(quoted)} lines:\n      {printed[len(quoted)]}"
    return f"the output ends after {len(printed)} of the block's {len(quoted)} lines"


def in_order(segments, printed, start, end):
    """Whether the segments (lists of lines) occur in printed[start:end], in order, apart."""
    for segment in segments:
        while start + len(segment) <= end and printed[start:start + len(segment)] != segment:
            start += 1
        if start + len(segment) > end:
            return f"not in the output (in this order):\n      {segment[0]}"
        start += len(segment)
    return None


def mismatch(block, output, flags):
    """None when the block matches the output, else what differs."""
    quoted, printed = normalise(block, flags), normalise(output, flags)
    if "excerpt" in flags:
        return in_order([[line] for line in quoted if line and line != "..."], printed, 0, len(printed))
    segments = [[]]
    for line in quoted:
        if line == "...":
            segments.append([])
        else:
            segments[-1].append(line)
    if len(segments) == 1:
        return None if quoted == printed else first_difference(quoted, printed)
    head, tail = segments[0], segments[-1]
    if printed[:len(head)] != head:
        return first_difference(head, printed[:len(head)])
    if len(printed) < len(head) + len(tail) or printed[len(printed) - len(tail):] != tail:
        return "the block's last lines are not the output's last lines:\n      " + "\n      ".join(printed[-len(tail):] if tail else [])
    return in_order([s for s in segments[1:-1] if s], printed, len(head), len(printed) - len(tail))


def run(command, root, bin_dirs):
    env = dict(os.environ, SOURCE=root, PATH=os.pathsep.join(bin_dirs + [os.environ.get("PATH", "/usr/bin:/bin")]))
    with tempfile.TemporaryDirectory() as tmp:
        try:
            r = subprocess.run(["sh", "-c", command], cwd=tmp, env=env, capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            return None, "timed out after 300 s", ""
        return r.stdout, r.returncode, r.stderr


def check_page(path, rel, problems, jobs):
    for block in blocks(path):
        marker = parse_marker(block.marker)
        where = f"{rel}:{block.start}"
        if block.lang != "text":
            if marker:
                problems.append(f"{where}: an output marker before a ```{block.lang} block (outputs go in ```text)")
            continue
        if NOT_OUTPUT.match(block.marker):
            continue
        if not marker:
            problems.append(f"{where}: a ```text block without a marker: put <!-- output: COMMAND --> on the line "
                            f"before its fence (see docs/README.md), or <!-- not output --> if it is not program output")
            continue
        jobs.append((where, marker[0], marker[1], block.body, path, block.start, block.indent))


def update(updates):
    """Writes each (path, first line, number of lines, new lines) into its page, the last first."""
    for path, start, count, new in sorted(updates, key=lambda u: (u[0], -u[1])):
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        lines[start - 1:start - 1 + count] = new
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    root, bin_dirs = os.path.abspath(args[0]), [os.path.abspath(a) for a in args[1:]]
    problems, jobs = [], []
    only = [a[len("--only="):] for a in sys.argv if a.startswith("--only=")]
    for path, rel in pages(root):
        if not only or any(o in rel for o in only):
            check_page(path, rel, problems, jobs)
    if "--list" in sys.argv:
        for where, command, flags, *_ in jobs:
            print(f"{where}: {command}" + "".join(f" | {f}" for f in sorted(flags)))
        return 0
    if "--no-run" in sys.argv:
        jobs = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda job: run(job[1], root, bin_dirs), jobs))
    updates = []
    for (where, command, flags, body, path, start, indent), (stdout, status, stderr) in zip(jobs, results):
        if stdout is None:
            problems.append(f"{where}: `{command}` {status}")
            continue
        wrong = mismatch(body, stdout.splitlines(), flags)
        if wrong and "--update" in sys.argv and "excerpt" not in flags and "..." not in body and status == 0:
            updates.append((path, start, len(body), [indent + line if line else line for line in normalise(stdout.splitlines())]))
            print(f"{where}: updated")
        elif wrong:
            tail = "\n      ".join(stderr.strip().splitlines()[-3:])
            problems.append(f"{where}: `{command}` (exit {status}): {wrong}" + (f"\n    stderr:\n      {tail}" if tail else ""))
    update(updates)
    hint = "(--update rewrites each differing whole-output block with what its command prints: review the diff)"
    return verdict(problems, f"{len(jobs)} quoted outputs re-run; {len(problems)} problems",
                   None if "--update" in sys.argv else hint)


if __name__ == "__main__":
    sys.exit(main())
