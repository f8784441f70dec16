"""What every sentence template is fed: final figures, direction words, the officer's text.

A `Context` holds one department's computed state (ledger, comparisons, tables by role,
declared printed rates). Providers (small functions, one per kind of statement, registered
per document kind) turn it into template values; `Money` and `Change` print themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..document import Table
from ..figures import Comparison
from ..ledger import Filter
from ..model import Department
from ..numbers import ZERO, change_rate, fmt_amount, from_wan, round_to, share, to_wan
from ..tables import render_line

Declared = dict[tuple[str, str], Decimal]  # (figure id, rate | share) → printed %


class Money:
    """An amount (held in 万元) printed in the profile's prose unit: `1,234.50`; `.bare`
    prints a zero as `0` (as the seeds do)."""

    def __init__(self, value: Decimal, unit: str = "", decimals: int = 2,
                 separators: bool = True) -> None:
        self.value = value
        self.unit, self.decimals, self.separators = unit, decimals, separators

    def __str__(self) -> str:
        return fmt_amount(from_wan(self.value, self.unit), separators=self.separators,
                          decimals=self.decimals)

    def __bool__(self) -> bool:
        return round_to(from_wan(self.value, self.unit), self.decimals) != 0

    @property
    def bare(self) -> str:
        return str(self) if self else "0"

    @property
    def trimmed(self) -> str:
        """Without trailing zeros: `10`, `0.95`, `21.5` (as some sections print amounts)."""
        text = str(self)
        return text.rstrip("0").rstrip(".") if "." in text else text


def compared(spec: dict[str, Any], value: Decimal) -> Decimal:
    """A 万元 amount as the prose compares it: exact, or, where narrative.yaml's `money` says
    `from_printed`, as printed (differences and rates of the rounded figures, as some regions
    publish them: 18,976.76 − 15,621.11 = 3,355.65)."""
    style = spec.get("money") or {}
    if not style.get("from_printed"):
        return value
    unit = str(style.get("unit", ""))
    return to_wan(round_to(from_wan(value, unit), int(style.get("decimals", 2))), unit)


@dataclass(frozen=True)
class Change:
    current: Money
    prior: Money
    word: str  # 增加 | 减少
    diff: Money  # absolute
    rate_word: str  # 增长 | 下降
    rate: str  # absolute, two decimals
    reason: str | None


@dataclass
class Context:
    dept: Department
    comparisons: list[Comparison]
    tables: list[Table]  # the kind's table set, in order
    declared: Declared
    named: dict[str, Table] = field(default_factory=dict)  # placed by `@table:name` lines
    spec: dict[str, Any] = field(init=False)  # the kind's narrative.yaml
    words: dict[str, Any] = field(init=False)
    by_id: dict[str, Comparison] = field(init=False)
    _values: dict[str, dict[str, Any]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.spec = self.dept.profile.data("narrative.yaml")
        # The profile's wording, with the words this department writes its own way.
        self.words = self.spec["words"] | (self.dept.data.get("wording") or {})
        self.by_id = {c.id: c for c in self.comparisons}

    def money(self, value: Decimal) -> Money:
        """An amount as the prose prints it (narrative.yaml `money`: unit, decimals, separators)."""
        style = self.spec.get("money") or {}
        return Money(value, style.get("unit", ""), int(style.get("decimals", 2)),
                     bool(style.get("separators", True)))

    def table(self, role: str) -> Table:
        """The table that plays `role`; the profile was checked to have it when loaded."""
        for table in self.tables:
            if table.role == role:
                return table
        raise KeyError(role)

    def values(self, name: str, make: Callable[[Context], dict[str, Any]]) -> dict[str, Any]:
        """A provider's values, computed once per document."""
        if name not in self._values:
            self._values[name] = make(self)
        return self._values[name]

    def total(self, **selector: Any) -> Decimal:
        sources = selector.pop("sources", None)
        return self.dept.ledger.total(Filter(
            sources=self.dept.profile.source_set(sources) if sources else None,
            **selector)).value

    def change(self, cid: str) -> Change:
        comparison = self.by_id[cid]
        current = comparison.current
        prior = comparison.prior if comparison.prior is not None else ZERO
        if not comparison.count:
            current, prior = compared(self.spec, current), compared(self.spec, prior)
        diff = current - prior
        reason = comparison.reason
        if not reason and current == 0 and prior == 0 and self.spec.get("default_reason"):
            what = (self.spec.get("default_reason_what") or {}).get(
                cid, self.spec.get("default_reason_what_fallback", ""))
            reason = render_line(self.spec["default_reason"], year=self.dept.year,
                                 prior_year=self.dept.year - 1, what=what)
        up = diff >= 0
        rate = self.declared.get((cid, "rate"), change_rate(current, prior))
        return Change(self.money(current), self.money(prior), self.words["up" if up else "down"],
                      self.money(abs(diff)), self.words["rise" if up else "fall"],
                      f"{rate:.2f}", reason or None)

    def share(self, figure: str, part: Decimal, whole: Decimal) -> Decimal:
        return self.declared.get((figure, "share"), share(part, whole))

    def shown(self, cid: str) -> bool:
        return cid in self.by_id and self.by_id[cid].required
