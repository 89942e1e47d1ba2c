#!/usr/bin/python3
"""Doxygen's INPUT_FILTER for tapegrad's headers: plain // comments become documentation.

tapegrad's headers explain themselves in ordinary // comments (a file's purpose at its top, a
formula above or beside each declaration), which Doxygen would ignore: it reads only ///, //!
and /** */ blocks. Doxygen runs this filter on each header as it reads it (the file on disk is
never changed) and parses what it prints:

- the comment block at the top of a file becomes the file's description (@file);
- any other block of // lines becomes the description of the declaration below it;
- a // comment after code on the same line becomes a ///< member description;
- lines indented deeper than their block's text (tables, formulas, file layouts, examples)
  are kept as they are, in a @verbatim block;
- elsewhere the characters Doxygen would take for commands or HTML (\\ @ # < > & %) are escaped.

Every line stays on its line, so Doxygen's line numbers still match the header.

    python3 docs/doxygen/filter.py nn/cost.hpp     # what Doxygen sees
"""
import re
import sys

COMMENT = re.compile(r"^(\s*)//(?![/!])(.*)$")  # a line that is only a (plain) comment
TRAILING = re.compile(r"^(.*?\S)(\s+)//(?!/)(.*)$")  # code, then a comment
ESCAPE = re.compile(r"([\\@#<>&%])")


def escape(text):
    """Escapes text outside double quotes (Doxygen shows quoted text as it is)."""
    parts = text.split('"')
    return '"'.join(ESCAPE.sub(r"\\\1", p) if i % 2 == 0 else p for i, p in enumerate(parts))


def is_indented(body):
    """A comment's text (after //) indented past the usual one space: part of a table or formula."""
    return body.startswith("  ") and body.strip() != ""


def convert_block(lines, is_file_header):
    """A run of // lines -> one /** ... */ block, line for line."""
    indent = COMMENT.match(lines[0]).group(1)
    bodies = [COMMENT.match(line).group(2).replace("*/", "*\u2215") for line in lines]
    # Which lines go into verbatim blocks: the indented ones, and blank ones between two of them.
    indented = [is_indented(b) for b in bodies]
    for i in range(1, len(bodies)):  # "- item" lines continued two spaces in are list items, not tables
        if indented[i] and not indented[i - 1] and re.match(r" (- |   \S)", bodies[i - 1]) and re.match(r"   \S", bodies[i]):
            indented[i] = False
    text_lines = [i for i, b in enumerate(bodies) if b.strip()]
    verbatim = list(indented)
    for i, b in enumerate(bodies):
        if not b.strip():
            before = [j for j in text_lines if j < i]
            after = [j for j in text_lines if j > i]
            verbatim[i] = bool(before and after) and indented[before[-1]] and indented[after[0]]
    out = []
    for i, body in enumerate(bodies):
        starts = verbatim[i] and (i == 0 or not verbatim[i - 1])
        ends = verbatim[i] and (i == len(bodies) - 1 or not verbatim[i + 1])
        text = body if verbatim[i] else escape(body)
        if starts and i > 0:
            out[-1] += " @verbatim"  # on the line before, so the first verbatim line keeps its indentation
        elif starts:
            text = "@verbatim " + text
        if ends:
            text += " @endverbatim"
        out.append(indent + ("/**" if i == 0 else "   ") + text)
    if is_file_header:
        out[-1] += " @file"
    out[-1] += " */"
    return out


def convert_trailing(line):
    m = TRAILING.match(line)
    if not m:
        return line
    code, gap, text = m.groups()
    stripped = code.strip()
    # Comments after preprocessor lines, closing braces and access labels describe no declaration.
    if stripped.startswith(("#", "}")) or stripped.endswith(":") or code.count('"') % 2 == 1:
        return line
    return f"{code}{gap}///<{escape(text.replace('*/', '*' + chr(0x2215)))}"


def filter_source(source):
    lines = source.split("\n")
    out = []
    i = 0
    while i < len(lines):
        if COMMENT.match(lines[i]):
            j = i
            while j < len(lines) and COMMENT.match(lines[j]):
                j += 1
            out.extend(convert_block(lines[i:j], is_file_header=(i == 0)))
            i = j
        else:
            out.append(convert_trailing(lines[i]))
            i += 1
    return "\n".join(out)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        sys.stdout.write(filter_source(f.read()))


if __name__ == "__main__":
    main()
