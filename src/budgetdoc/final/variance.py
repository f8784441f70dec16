"""预决算差异: a 决算 figure against its budget, (决算数 − 预算数) / 预算数 with its sign.

The catalogue is the kind's comparisons.yaml `variances`: each names the 决算 figure (a ledger
filter) and where its budget comes from: the 年初预算数 (`initial`, from the same year's 预算
file or typed) or budget lines of the ledger (`budget_kinds`, the 三公 全年预算数). The reason is
typed under `changes.<id>.budget_reason`; zero and equal amounts have default phrases.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..ledger import FUNCTION
from ..model import Department
from ..numbers import HUNDRED, round_cent
from ..yamlload import PathKey
from .budget import initial


@dataclass(frozen=True)
class Variance:
    id: str  # fiscal, general, sangong.outbound, functions.2013601
    label: str
    actual: Decimal
    budget: Decimal | None  # None: neither the 预算 file nor the officer gives it
    reason: str | None  # as typed
    path: PathKey  # changes.<id>

    @property
    def rate(self) -> Decimal | None:
        """(决算 − 预算) / 预算 × 100, half-up; 0 when both are 0; None when undefined."""
        if self.budget is None or (self.budget == 0 and self.actual != 0):
            return None
        if self.budget == 0:
            return round_cent(Decimal(0))
        return round_cent((self.actual - self.budget) / self.budget * HUNDRED)


def _entry(dept: Department, path: PathKey) -> dict[str, Any]:
    node: Any = dept.data
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def variances(dept: Department) -> list[Variance]:
    """Every 预决算 comparison of the kind's catalogue, in catalogue order."""
    profile, ledger = dept.profile, dept.ledger
    found: list[Variance] = []
    start = initial(dept)
    for spec in profile.data("comparisons.yaml").get("variances") or []:
        selector = profile.selector(spec, spec.get("dimension", FUNCTION))
        items: list[tuple[str, str, Any, Decimal | None]] = []
        if spec.get("per_function"):
            group = spec.get("initial_functions", "general")
            budgets = (start.functions if group == "general"
                       else start.fund_functions.get(group, {}))
            for code in ledger.codes(selector, "function"):
                label = spec["label"].format(code=code, name=dept.function_name(code))
                items.append((f"{spec['id']}.{code}", label, selector.narrow(function=code),
                              budgets.get(code)))
        else:
            budget: Decimal | None = None
            if "initial" in spec:
                budget = getattr(start, spec["initial"])
            elif "budget_kinds" in spec:
                lines = ledger.select(selector.narrow(kinds=frozenset(spec["budget_kinds"])))
                budget = sum((ln.amount for ln in lines), Decimal(0)) if lines else None
            items.append((spec["id"], spec["label"], selector, budget))
        for vid, label, chosen, budget in items:
            path: PathKey = ("changes", *vid.split("."))
            actual = ledger.total(chosen).value
            if budget is None and not actual:
                budget = Decimal(0)  # nothing spent and nothing budgeted: 0 against 0
            found.append(Variance(vid, label, actual, budget,
                                  _entry(dept, path).get("budget_reason"), path))
    return found
