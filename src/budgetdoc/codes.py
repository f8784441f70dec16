"""Classification code lists (支出功能分类, 部门预算支出经济分类), one file per year and kind.

A list lives in `<folder>/<year>/<kind>.yaml` (kind: function or economic) and says how
complete it is. Folders are searched in order: those named by the environment variable
BUDGETDOC_CODES (or the `--codes` option, which sets it), then the project's data/codes.
A bureau installs its official lists into its own folder (`budgetdoc codes install`); the
project ships only the codes its examples print, marked partial.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .resources import DATA

FUNCTION = "function"
ECONOMIC = "economic"
KINDS = (FUNCTION, ECONOMIC)
ENV = "BUDGETDOC_CODES"
SHIPPED = DATA / "codes"
LEVELS = {FUNCTION: (3, 5, 7), ECONOMIC: (3, 5)}  # 类, 款, 项 code lengths


@dataclass(frozen=True)
class KindList:
    """One year's list of one kind, as found in one folder."""

    kind: str
    year: int
    complete: bool
    source: str
    file: Path
    names: dict[str, str]


@dataclass(frozen=True)
class CodeList:
    year: int  # the year the department asked for
    lists: dict[str, KindList] = field(default_factory=dict)  # kind → the list used

    @property
    def names(self) -> dict[str, dict[str, str]]:
        return {kind: found.names for kind, found in self.lists.items()}

    def name(self, kind: str, code: str) -> str | None:
        found = self.lists.get(kind)
        return found.names.get(code) if found else None

    def complete(self, kind: str) -> bool:
        found = self.lists.get(kind)
        return bool(found and found.complete)

    def children(self, kind: str, code: str) -> list[str]:
        """The codes one level below `code` (款 of a 类, 项 of a 款), in code order."""
        length = len(code) + 2
        return sorted(c for c in self.names.get(kind, {})
                      if len(c) == length and c.startswith(code))


def folders() -> list[Path]:
    """Where lists are looked for, first match wins: BUDGETDOC_CODES, then data/codes."""
    named = [Path(p) for p in os.environ.get(ENV, "").split(os.pathsep) if p.strip()]
    return [*named, SHIPPED]


@contextlib.contextmanager
def folder_first(folder: Path | None) -> Iterator[None]:
    """Within the block, search `folder` first (the `--codes` option); a process pool
    started inside inherits it through the environment."""
    if folder is None:
        yield
        return
    before = os.environ.get(ENV)
    os.environ[ENV] = os.pathsep.join([str(folder), *map(str, folders()[:-1])])
    try:
        yield
    finally:
        if before is None:
            del os.environ[ENV]
        else:
            os.environ[ENV] = before


def list_file(folder: Path, year: int, kind: str) -> Path:
    return folder / str(year) / f"{kind}.yaml"


def available() -> list[KindList]:
    """Every readable list in every folder, in search order."""
    found: list[KindList] = []
    for folder in folders():
        if not folder.is_dir():
            continue
        for sub in sorted(p for p in folder.iterdir() if p.name.isdigit() and p.is_dir()):
            for kind in KINDS:
                loaded = read_list(list_file(folder, int(sub.name), kind))
                if loaded is not None:
                    found.append(loaded)
    return found


def read_list(path: Path) -> KindList | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read(path, stat.st_mtime_ns, stat.st_size)


@functools.cache
def _read(path: Path, _mtime: int, _size: int) -> KindList | None:
    """A list file, or None when it is not one (unreadable, or not a mapping of codes)."""
    try:
        with open(path, encoding="utf-8") as handle:
            data: Any = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("codes"), dict):
        return None
    names = {str(code): str(name) for code, name in data["codes"].items()}
    return KindList(path.stem, int(path.parent.name), data.get("complete") is True,
                    str(data.get("source") or ""), path, names)


def for_year(year: int) -> CodeList:
    """For each kind, the list of `year`; failing that the nearest earlier year's, and failing
    that the nearest later year's (a department's note says which year it used)."""
    chosen: dict[str, KindList] = {}
    for kind in KINDS:
        lists = [found for found in available() if found.kind == kind]
        earlier = [found for found in lists if found.year <= year]
        later = [found for found in lists if found.year > year]
        if earlier:
            best = max(found.year for found in earlier)
        elif later:
            best = min(found.year for found in later)
        else:
            continue
        chosen[kind] = next(found for found in lists if found.year == best)
    return CodeList(year, chosen)

