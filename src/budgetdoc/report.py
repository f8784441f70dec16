"""Diagnostics as text for people: grouped by file, sorted by line, with the offending line and
a caret under the column."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from .diagnostics import Diagnostic
from .resources import data_file


def is_wide(ch: str) -> bool:
    """A character a terminal shows two columns wide (CJK and full-width punctuation)."""
    return ord(ch) > 0x2E7F


EXCERPT = 100  # characters of the offending line shown around the column


def _window(text: str, column: int) -> tuple[str, int]:
    """At most EXCERPT characters of a line around `column`, and the column within them."""
    if len(text) <= EXCERPT:
        return text, column
    start = max(0, min(column - 1 - EXCERPT // 2, len(text) - EXCERPT))
    marker = "…" if start else ""
    return marker + text[start:start + EXCERPT] + "…", column - start + len(marker)


def shown_path(file: str) -> str:
    """A file as a page written into the output names it, never by a path of the machine
    that built it: as given when relative, relative to the working folder when below it,
    else by its department folder and name."""
    path = Path(file)
    if not path.is_absolute():
        return file
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return Path(*path.parts[-2:]).as_posix()


def format_text(diagnostics: list[Diagnostic],
                name_file: Callable[[str], str] | None = None) -> str:
    """Grouped by file, sorted by line: `file:line:col: 错误 [rule] message`, excerpt, caret.

    `name_file` gives the name printed for a file (the file itself is read as located)."""
    out: list[str] = []
    sources: dict[str, list[str]] = {}
    for d in diagnostics:
        loc = d.location
        shown = dataclasses.replace(loc, file=name_file(loc.file)) if name_file else loc
        head = f"{shown}: {d.severity.label} [{d.rule}]"
        if loc.path and loc.path not in d.message:
            head += f" {loc.path}{data_file('labels.yaml')['path_suffix']}"
        out.append(f"{head} {d.message}")
        if loc.line:
            if loc.file not in sources:
                try:
                    sources[loc.file] = Path(loc.file).read_text("utf-8-sig").splitlines()
                except (OSError, UnicodeDecodeError):
                    sources[loc.file] = []
            lines = sources[loc.file]
            if 0 < loc.line <= len(lines):
                text, column = _window(lines[loc.line - 1], loc.column or 1)
                out.append(f"    {text}")
                if loc.column:
                    pad = "".join("\u3000" if is_wide(ch) else " "
                                  for ch in text[: column - 1])
                    out.append(f"    {pad}^")
        out.append(f"    → {d.remedy}")
    return "\n".join(out)
