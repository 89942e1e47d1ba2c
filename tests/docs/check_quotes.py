#!/usr/bin/python3
"""Every code line and command quoted in docs/ is real: a test for the teaching pages.

  check_quotes.py SOURCE_DIR TAPEGRAD BUILD_DIR [--no-run]

- ```cpp and ```cmake blocks: every line (surrounding whitespace ignored) must be a line of some
  source file of the repository (autodiff/, nn/, cli/, examples/, exercises/, tests/, bench/,
  templates/, cmake/), so what the docs quote is the code that is compiled and tested. A line
  "..." marks an omission. README.md's ```cpp blocks are condensed overviews and not checked.
- ```sh blocks: run, one block at a time, as a bash script in a fresh temporary directory with
  `tapegrad` the program just built, `scripts/`, `templates/` and `build/` reaching the
  repository's and the build's, HOME the temporary directory, and set -e: every command must
  succeed (README.md's too). scripts/run.sh, test.sh, build.sh, install-deps.sh and package.sh
  are only checked to exist (CI runs them itself).
Program output goes in ```text blocks, which check_outputs.py re-runs and compares.
"""
import os
import re
import subprocess
import sys
import tempfile

from markdown_blocks import blocks, pages
from verdict import verdict

SOURCE_DIRS = ("autodiff", "nn", "cli", "examples", "exercises", "tests", "bench", "fuzz", "scripts", "templates",
               "cmake")
SOURCE_EXT = (".cpp", ".hpp", ".h", ".py", ".sh", ".txt", ".cmake")


def spaced(line):
    """A line with its runs of blanks made one: a quote may align its comments differently from
    the source (clang-format aligns trailing comments within a block, a page within its quote)."""
    return " ".join(line.split())


def source_lines(root):
    lines = set()
    for top in SOURCE_DIRS:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                if name.endswith(SOURCE_EXT) or name == "CMakeLists.txt":
                    with open(os.path.join(dirpath, name), encoding="utf-8", errors="replace") as f:
                        lines.update(spaced(line) for line in f)
    return lines


# The set-up scripts build the whole project: CI runs them itself; here they need only exist.
SETUP = re.compile(r"^\s*(scripts/(?:run|test|build|install-deps|package)\.sh)\b.*$")


def runnable(line):
    m = SETUP.match(line)
    return f'test -x "$SOURCE/{m.group(1)}"' if m else line


def main():
    root, tapegrad, build = (os.path.abspath(a) for a in sys.argv[1:4])
    run = "--no-run" not in sys.argv
    known = source_lines(root)
    failures, cpp_lines, sh_blocks = [], 0, 0
    for path, rel in pages(root):
        for block in blocks(path):
            lang, start, body = block.lang, block.start, block.body
            if lang == "cmake" or (lang == "cpp" and rel != "README.md"):
                for i, line in enumerate(body):
                    text = line.strip()
                    if not text or text == "...":
                        continue
                    cpp_lines += 1
                    if spaced(text) not in known:
                        failures.append(f"{rel}:{start + i}: not a line of the sources: {text}")
            elif lang in ("sh", "bash", "shell") and run:
                sh_blocks += 1
                with tempfile.TemporaryDirectory() as tmp:
                    os.symlink(os.path.join(root, "scripts"), os.path.join(tmp, "scripts"))
                    os.symlink(os.path.join(root, "templates"), os.path.join(tmp, "templates"))
                    os.symlink(build, os.path.join(tmp, "build"))
                    script = "set -euo pipefail\ntapegrad() { \"$TAPEGRAD\" \"$@\"; }\n" + "\n".join(map(runnable, body)) + "\n"
                    result = subprocess.run(["bash", "-c", script], cwd=tmp, capture_output=True, text=True,
                                            env=dict(os.environ, TAPEGRAD=tapegrad, SOURCE=root, HOME=tmp), timeout=600)
                    if result.returncode != 0:
                        tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
                        failures.append(f"{rel}:{start}: the ```sh block fails (exit {result.returncode}):\n    "
                                        + "\n    ".join(tail))
    return verdict(failures, f"{cpp_lines} quoted C++ lines, {sh_blocks} command blocks checked; {len(failures)} problems")


if __name__ == "__main__":
    sys.exit(main())
