"""The fenced blocks of a Markdown page, for the docs tests (check_quotes.py, check_outputs.py)."""
import re
from dataclasses import dataclass, field

FENCE = re.compile(r"^(\s*)```\s*([A-Za-z0-9_+-]*)")


@dataclass
class Block:
    lang: str       # the fence's language; "text" when it has none
    start: int      # the line number of the block's first line (after the fence)
    marker: str     # the line right before the opening fence (an HTML comment, or anything)
    indent: str     # the fence's indentation (in a list item), taken off the block's lines
    body: list = field(default_factory=list)  # its lines, without their newlines and indentation


def blocks(path):
    """Every fenced block of the page at path, in order."""
    out, block, previous = [], None, ""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            fence = FENCE.match(line)
            if fence and block is None:
                block = Block(fence.group(2) or "text", number + 1, previous.strip(), fence.group(1))
            elif fence:
                out.append(block)
                block = None
            elif block is not None:
                line = line.rstrip("\n")
                block.body.append(line[len(block.indent):] if line.startswith(block.indent) else line)
            previous = line
    return out


def pages(root, tops=("docs",), files=("README.md",)):
    """The Markdown pages under root's folders tops, and root's own files, as (path, relative path)."""
    import os
    found = [os.path.join(root, f) for f in files if os.path.exists(os.path.join(root, f))]
    for top in tops:
        for dirpath, dirs, names in os.walk(os.path.join(root, top)):
            dirs.sort()
            found += [os.path.join(dirpath, n) for n in sorted(names) if n.endswith(".md")]
    return [(p, os.path.relpath(p, root)) for p in found]
