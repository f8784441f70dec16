"""Classification code lists (支出功能分类, 部门预算支出经济分类), versioned by year, as data."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .resources import DATA, data_file

FUNCTION = "function"
ECONOMIC = "economic"


@dataclass(frozen=True)
class CodeList:
    year: int | None  # the year of the list used; None when there is none
    names: dict[str, dict[str, str]]  # kind → code → name

    def name(self, kind: str, code: str) -> str | None:
        return self.names.get(kind, {}).get(code)


@functools.cache
def for_year(year: int) -> CodeList:
    """The list of `year`, or of the latest earlier year that has one."""
    folder = DATA / "codes"
    years = sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit())
    usable = [y for y in years if y <= year]
    if not usable:
        return CodeList(None, {})
    chosen = usable[-1]
    names = {
        kind: {str(k): str(v) for k, v in (data_file(f"codes/{chosen}/{kind}.yaml") or {}).items()}
        for kind in (FUNCTION, ECONOMIC)
    }
    return CodeList(chosen, names)
