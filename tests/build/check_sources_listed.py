#!/usr/bin/env python3
"""check_sources_listed.py SOURCE_DIR: every .cpp file of the checkout is named in a CMakeLists.txt.

Sources are listed explicitly (no globs), so a new file that nobody adds to a list would silently
not be compiled, or its tests not run. A file counts as listed when the CMakeLists.txt of its
directory or of a directory above it names its path relative to that directory (examples/ name a
program without ".cpp"; exercises/NAME/*.cpp belong to tg_exercise(NAME)). templates/ holds
projects of their own, built against an installed tapegrad. Exit 1 naming each unlisted file."""
import re
import subprocess
import sys
from pathlib import Path

src = Path(sys.argv[1])
# Tracked files, and new ones git does not ignore (not yet added).
tracked = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", "*.cpp"],
                         cwd=src, capture_output=True, text=True, check=True).stdout.split()


def without_comments(text):
    # CMake comments run from a '#' outside a quoted string to the end of the line.
    return "\n".join(re.sub(r'^((?:[^"#]|"[^"]*")*)#.*$', r"\1", line) for line in text.splitlines())


def names(cmake_text, name):
    return re.search(r'(?<![\w/.-])' + re.escape(name) + r'(?![\w/.-])', cmake_text) is not None


def listed(path):
    parts = Path(path).parts
    for depth in range(len(parts) - 1, -1, -1):
        cmake = src.joinpath(*parts[:depth], "CMakeLists.txt")
        if not cmake.exists():
            continue
        text = without_comments(cmake.read_text())
        rel = "/".join(parts[depth:])
        if names(text, rel) or names(text, rel.removesuffix(".cpp")):
            return True
        if parts[0] == "exercises" and depth == 1 and re.search(r"tg_exercise\(" + re.escape(parts[1]) + r"\)", text):
            return True
    return False


unlisted = [p for p in tracked if not p.startswith("templates/") and not listed(p)]
for p in unlisted:
    print(f"{p}: named in no CMakeLists.txt (add it to the list of its target)")
print(f"{len(tracked) - len(unlisted)} of {len(tracked)} tracked .cpp files are listed")
sys.exit(1 if unlisted else 0)
