"""Text an officer wrote that the finished document does not print.

Each kind lists (data/kinds.yaml `printed_texts`) the places of its department file that hold
text meant for the reader: a project's 政策依据 or 资金分配情况, a carry-over item's purpose….
After the document is assembled, each such text is looked for in it; one the format has no
place for (a 单位资金 project's 政策依据 in the 昌吉 format) is a warning, never a silent loss.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .diagnostics import Diagnostic, diagnostic
from .document import Document, Heading, Paragraph, Table
from .model import Department
from .validate import chinese_path
from .yamlload import PathKey

_SPACE = re.compile(r"\s+")


def _normal(text: str) -> str:
    return _SPACE.sub("", text)


def _texts(document: Document) -> str:
    found: list[str] = [*(t for _, t in document.cover_lines), *document.closing]
    for part in document.parts:
        found.append(part.heading)
        for block in part.blocks:
            if isinstance(block, Heading | Paragraph):
                found.append(block.text)
            elif isinstance(block, Table):
                found += [block.title, block.subtitle, block.empty_note or ""]
                found += [cell.display for row in block.rows for cell in row.cells]
    return _normal("\n".join(found))


def _matches(node: Any, pattern: list[str], path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    """The string leaves of `node` at `pattern` (keys, `*` for any key or list index)."""
    if not pattern:
        if isinstance(node, str) and node.strip():
            yield path, node
        return
    head, rest = pattern[0], pattern[1:]
    if isinstance(node, dict):
        keys = list(node) if head == "*" else [head] if head in node else []
        for key in keys:
            yield from _matches(node[key], rest, (*path, key))
    elif isinstance(node, list) and head == "*":
        for i, item in enumerate(node):
            yield from _matches(item, rest, (*path, i))


def check(dept: Department, document: Document, patterns: list[str]) -> list[Diagnostic]:
    printed = _texts(document)
    found = []
    for pattern in patterns:
        for path, text in _matches(dept.data, pattern.split(".")):
            lines = [_normal(line) for line in text.splitlines() if line.strip()]
            if all(line in printed for line in lines):
                continue
            where = chinese_path(path)
            found.append(diagnostic("text.unprinted", dept.locate(path), path=where,
                                    start=text.strip()[:20]))
    return found
