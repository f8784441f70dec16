"""The ledger: every amount a department entered, as one line with its classifications.

Every figure of the document is a sum over a filtered set of lines. A figure's identity is
the set of lines it sums (its key): two cells that sum the same lines are the same figure.
A department may declare the printed value of a figure (尾差 from 元-level data); the
override then applies to every cell with that key.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .numbers import ZERO
from .yamlload import PathKey

FUNCTION = "function"  # money by function 项 and source (tables 1–5, 8, 9, 11)
ECONOMIC = "economic"  # 一般公共预算基本支出 by economic 款 (table 6)
PROJECT_ECONOMIC = "project_economic"  # 一般公共预算 projects by economic 类 (table 7)
SANGONG = "sangong"  # 三公 by item and source (table 10)

BASIC_KINDS = frozenset({"basic", "personnel", "operating"})


@dataclass(frozen=True)
class Line:
    path: PathKey  # where it was entered: also its identity
    dimension: str
    amount: Decimal  # 万元, exact
    source: str = ""
    kind: str = ""  # basic | personnel | operating | project
    function: str = ""  # 7-digit 项
    economic: str = ""  # 5-digit 款 or 3-digit 类
    project: str = ""  # project or carry-over item name
    item: str = ""  # 三公 item, carry-over item index


@dataclass(frozen=True)
class Filter:
    dimension: str = FUNCTION
    sources: frozenset[str] | None = None
    kinds: frozenset[str] | None = None
    function: str = ""  # prefix
    economic: str = ""  # prefix
    project: str | None = None
    items: frozenset[str] | None = None
    entry: PathKey = ()  # where the lines were entered: a prefix of their paths

    def admits(self, line: Line) -> bool:
        return (
            line.dimension == self.dimension
            and (self.sources is None or line.source in self.sources)
            and (self.kinds is None or line.kind in self.kinds)
            and line.function.startswith(self.function)
            and line.economic.startswith(self.economic)
            and (self.project is None or line.project == self.project)
            and (self.items is None or line.item in self.items)
            and line.path[:len(self.entry)] == self.entry
        )

    def narrow(self, **changes: object) -> Filter:
        values = {**self.__dict__, **changes}
        return Filter(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Figure:
    value: Decimal  # what is printed (the override if one applies), exact
    computed: Decimal  # the exact sum of the lines
    key: frozenset[PathKey]

    @property
    def parts(self) -> int:
        return len(self.key)

    @property
    def overridden(self) -> bool:
        return self.value != self.computed


class _Index:
    """The lines of each dimension by the entry they were entered under (`projects`, 3), by
    project, and ordered by function and by economic code (a code prefix is then a range): a
    filter looks only at the lines it can admit, so a table's cells cost what they sum, not
    the whole ledger each (which was quadratic in the rows)."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self.size = len(lines)
        self.numbered: dict[str, list[tuple[int, Line]]] = {}
        self.projects: dict[tuple[str, str], list[tuple[int, Line]]] = {}
        self.entries: dict[tuple[str, PathKey], list[tuple[int, Line]]] = {}
        for entry in enumerate(lines):
            line = entry[1]
            self.numbered.setdefault(line.dimension, []).append(entry)
            self.projects.setdefault((line.dimension, line.project), []).append(entry)
            self.entries.setdefault((line.dimension, line.path[:2]), []).append(entry)
        self.by_code: dict[tuple[str, str], tuple[list[str], list[tuple[int, Line]]]] = {}
        for dimension, entries in self.numbered.items():
            for attribute in ("function", "economic"):
                ordered = sorted(entries, key=lambda e, a=attribute: getattr(e[1], a))
                self.by_code[dimension, attribute] = (
                    [getattr(e[1], attribute) for e in ordered], ordered)

    def candidates(self, selector: Filter) -> Sequence[tuple[int, Line]]:
        if len(selector.entry) >= 2:
            return self.entries.get((selector.dimension, selector.entry[:2]), [])
        if selector.project is not None:
            return self.projects.get((selector.dimension, selector.project), [])
        for attribute in ("function", "economic"):
            prefix = getattr(selector, attribute)
            if prefix:
                codes, ordered = self.by_code.get((selector.dimension, attribute), ([], []))
                return ordered[bisect.bisect_left(codes, prefix):
                               bisect.bisect_left(codes, prefix + "\U0010ffff")]
        return self.numbered.get(selector.dimension, [])


@dataclass
class Ledger:
    lines: list[Line]
    overrides: dict[frozenset[PathKey], Decimal] = field(default_factory=dict)
    _index: _Index | None = field(default=None, init=False, repr=False, compare=False)

    def _chosen(self, selector: Filter) -> list[tuple[int, Line]]:
        if self._index is None or self._index.size != len(self.lines):
            self._index = _Index(self.lines)
        return [entry for entry in self._index.candidates(selector) if selector.admits(entry[1])]

    def total(self, selector: Filter) -> Figure:
        chosen = [line for _, line in self._chosen(selector)]
        computed = sum((line.amount for line in chosen), ZERO)
        key = frozenset(line.path for line in chosen)
        value = self.overrides.get(key, computed) if key else computed
        return Figure(value, computed, key)

    def select(self, selector: Filter) -> list[Line]:
        """The admitted lines in the order they were entered."""
        return [line for _, line in sorted(self._chosen(selector), key=lambda e: e[0])]

    def codes(self, selector: Filter, attribute: str) -> list[str]:
        """The distinct, sorted non-empty codes of the admitted lines with a non-zero amount."""
        found = {getattr(line, attribute) for line in self.select(selector) if line.amount}
        return sorted(code for code in found if code)


def sources_in(groups: Iterable[str], definitions: dict[str, dict[str, object]]) -> frozenset[str]:
    """Expand source keys and group names (sources.yaml) into source keys."""
    wanted = set(groups)
    chosen = set()
    for key, definition in definitions.items():
        member_of = set(definition.get("groups", []))  # type: ignore[call-overload]
        if key in wanted or member_of & wanted:
            chosen.add(key)
    return frozenset(chosen)
