#!/usr/bin/python3
"""docs/derivatives.md lists every op, and only ops: a test for the derivative table.

  check_derivative_table.py SOURCE_DIR

The ops are the names passed to tg::define_op("NAME", ...) in the engine (autodiff/, .cpp and
.hpp) and in the example headers that add an op (examples/*.hpp, e.g. gelu); comments are
skipped. The table's rows are the lines of a Markdown table in docs/derivatives.md whose header
starts with the cell "op"; a row's name is its first cell, in backticks.

Fails, listing the names, when
- an op has no row (add one to docs/derivatives.md),
- a row names no op (a typo, or an op that was removed),
- an op has two rows,
- an op has no row in the gradcheck table, tests/autodiff/test_op_table.cpp (a row there is
  named "NAME" or "NAME (variant)").
"""
import os
import re
import sys

from verdict import verdict

DEFINE_OP = re.compile(r'\bdefine_op\(\s*"([^"]+)"')
TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
OP_TABLE_ROW = re.compile(r'^\s*\{"([^"]+)",')


def without_comment(line):
    """The line up to a // comment that is not inside a string literal."""
    quoted = False
    for i, c in enumerate(line):
        if c == '"' and (i == 0 or line[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and line.startswith("//", i):
            return line[:i]
    return line


def ops_in_code(root):
    """{name: [where, ...]} for every define_op("name" in the engine and the example headers."""
    files = []
    for dirpath, _, names in os.walk(os.path.join(root, "autodiff")):
        files += [os.path.join(dirpath, n) for n in names if n.endswith((".cpp", ".hpp"))]
    examples = os.path.join(root, "examples")
    if os.path.isdir(examples):
        files += [os.path.join(examples, n) for n in os.listdir(examples) if n.endswith(".hpp")]
    ops = {}
    for path in sorted(files):
        with open(path, encoding="utf-8") as f:
            text = "\n".join(without_comment(line.rstrip("\n")) for line in f)
        for m in DEFINE_OP.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            ops.setdefault(m.group(1), []).append(f"{os.path.relpath(path, root)}:{line}")
    return ops


def rows_in_table(path):
    """[(name, line number)] of the first cells of every table whose header cell is "op"."""
    rows, in_table, header_seen = [], False, False
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            m = TABLE_ROW.match(line)
            if not m:
                in_table = header_seen = False
                continue
            first = m.group(1).split("|")[0].strip()
            if not header_seen:  # the header row of a new table
                header_seen, in_table = True, first.lower() == "op"
                continue
            if not in_table or re.fullmatch(r":?-+:?", first):
                continue
            name = re.fullmatch(r"`([^`]+)`", first)
            rows.append((name.group(1) if name else first, number))
    return rows


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    table_path = os.path.join(root, "docs", "derivatives.md")
    op_table_path = os.path.join(root, "tests", "autodiff", "test_op_table.cpp")
    ops = ops_in_code(root)
    if not os.path.isfile(table_path):
        print("docs/derivatives.md is missing")
        return 1
    rows = rows_in_table(table_path)
    with open(op_table_path, encoding="utf-8") as f:
        checked = {m.group(1).split(" ")[0] for m in map(OP_TABLE_ROW.match, f) if m}

    problems = []
    if len(ops) < 20:  # the pattern found (almost) nothing: the test would pass without testing
        problems.append(f"only {len(ops)} define_op names found under autodiff/: is the pattern still right?")
    names = [n for n, _ in rows]
    for name in sorted(set(ops) - set(names)):
        problems.append(f"op '{name}' ({ops[name][0]}) has no row in docs/derivatives.md")
    for name, line in rows:
        if name not in ops:
            problems.append(f"docs/derivatives.md:{line}: row '{name}' is not an op "
                            f"(no define_op(\"{name}\", ...) in autodiff/ or examples/*.hpp)")
    for name in sorted({n for n in names if names.count(n) > 1}):
        lines = ", ".join(str(l) for n, l in rows if n == name)
        problems.append(f"docs/derivatives.md: op '{name}' has {names.count(name)} rows (lines {lines}); one per op")
    for name in sorted(set(ops) - checked):
        problems.append(f"op '{name}' ({ops[name][0]}) has no row in tests/autodiff/test_op_table.cpp")

    return verdict(problems, f"{len(ops)} ops in the code, {len(rows)} rows in docs/derivatives.md; {len(problems)} problems")


if __name__ == "__main__":
    sys.exit(main())
