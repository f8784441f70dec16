"""Mistakes a clerk makes in YAML text, found on the raw lines before parsing, each at its own
line and column with the corrected text: a full-width colon after a key (`department：`), a
key without a space after its colon, indentation with full-width spaces or tabs. YAML
itself would report these a line later, in English, or as duplicated keys.

Also: PyYAML's own problem texts, said in Chinese (data/messages.yaml, yaml_problems).
"""

from __future__ import annotations

import re
from typing import Any

from .diagnostics import Diagnostic, Location, diagnostic
from .resources import data_file, in_chinese

# A key as a clerk writes one: a name (general_budget), a code (3, 5 or 7 digits), or a
# quoted code.
_KEY = r"(?:[A-Za-z_][A-Za-z0-9_]*|\d{3}(?:\d{2}){0,2}|\"[^\"]*\"|'[^']*')"
_INDENT = re.compile(r"[ \t\u3000\u00a0]*")
_ENTRY = re.compile(rf"(?:- +)?{_KEY}[ \t]*[:\uff1a]")  # what follows the indentation of a key
_WIDE_COLON = re.compile(rf"(- +)?({_KEY})([ \t]*)\uff1a[ \t\u3000]*")
_TIGHT_COLON = re.compile(r"(- +)?([A-Za-z_][A-Za-z0-9_]*):(?=[^\s/])")
_BLOCK = re.compile(r"(?:^|[:\-]\s)\s*[|>][-+0-9]*\s*(?:#.*)?$")
_WIDE_SPACES = "\u3000\u00a0"
_AT_CONTEXT = ("could not find expected ':'", "found unexpected end of stream")


def scan(text: str, file: str) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    block_indent: int | None = None  # inside a block scalar (| or >) opened at this indent
    for number, line in enumerate(text.splitlines(), start=1):
        indent = _INDENT.match(line).group()  # type: ignore[union-attr]
        rest = line[len(indent):]
        if not rest or rest.startswith("#"):
            continue
        if block_indent is not None and len(indent) > block_indent:
            continue
        block_indent = len(indent) if _BLOCK.search(line) else None
        found += _line(line, indent, rest, Location(file, number))
    return found


def _line(line: str, indent: str, rest: str, where: Location) -> list[Diagnostic]:
    def at(column: int) -> Location:
        return Location(where.file, where.line, column)

    looks_like_entry = _ENTRY.match(rest) is not None
    if looks_like_entry and any(ch in indent for ch in _WIDE_SPACES):
        column = min(indent.index(ch) for ch in _WIDE_SPACES if ch in indent) + 1
        wide = sum(indent.count(ch) for ch in _WIDE_SPACES)
        return [diagnostic("yaml.fullwidth_space", at(column), count=wide, spaces=2 * wide)]
    if looks_like_entry and "\t" in indent:
        return [diagnostic("yaml.tab", at(indent.index("\t") + 1), count=indent.count("\t"))]
    wide = _WIDE_COLON.match(rest)
    if wide:
        fixed = f"{wide.group(1) or ''}{wide.group(2)}: {rest[wide.end():]}"
        column = len(indent) + len(wide.group(1) or "") + len(wide.group(2)) + len(
            wide.group(3)) + 1
        return [diagnostic("yaml.fullwidth_colon", at(column), fixed=fixed.rstrip())]
    tight = _TIGHT_COLON.match(rest)
    if tight and not rest.startswith(("http:", "https:")):
        column = len(indent) + tight.end()
        fixed = f"{rest[:tight.end()]} {rest[tight.end():]}"
        return [diagnostic("yaml.colon_space", at(column), fixed=fixed)]
    return []


def problem(text: str) -> str:
    """PyYAML's problem text in Chinese (never the English itself)."""
    messages = data_file("messages.yaml")
    return in_chinese(text, messages["yaml_problems"], messages["yaml_problem_other"])


def syntax_error(error: Any, file: str) -> Diagnostic:
    """A MarkedYAMLError as a located Chinese diagnostic. A missing colon is reported on the
    line of the key, an unclosed quote where it opens (PyYAML notices both later)."""
    text = (error.problem or error.context or "").strip()
    mark = error.problem_mark or error.context_mark
    if any(part in text for part in _AT_CONTEXT) and error.context_mark is not None:
        mark = error.context_mark
    where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
    return diagnostic("yaml.syntax", where, problem=problem(text))
