"""年初预算数 for a 决算: from the same year's 预算 file beside it (2024.yaml beside
2024.决算.yaml), or as typed under `initial_budget` when there is none.

Nothing is typed twice: with the 预算 file there, the 财政拨款 and 一般公共预算 totals, each 项,
the 三公 items, the 整体 funds and each project's 年初预算数 are that file's figures; a typed value
that differs from them is reported. The 三公 全年预算数 defaults to the 年初 value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..datafiles import same_kind_file
from ..diagnostics import Diagnostic, diagnostic
from ..ledger import FUNCTION, SANGONG, Filter, Line
from ..model import Department
from ..numbers import ZERO, D, fmt_amount, to_wan
from ..resources import data_file
from .model import SANGONG_ITEMS

KEY = "initial"
FUND_GROUPS = ("fund", "state_capital")  # source groups of 情况说明七、八


@dataclass
class Initial:
    """The 年初预算数 a 决算 compares with; None where neither file nor officer gives one."""

    fiscal: Decimal | None = None
    general: Decimal | None = None
    functions: dict[str, Decimal] = field(default_factory=dict)  # 一般公共预算, by 项
    # 政府性基金 / 国有资本经营 财政拨款 by 项 (情况说明七、八), keyed fund | state_capital
    fund_functions: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    sangong: dict[str, Decimal] = field(default_factory=dict)
    funds: dict[str, Decimal] = field(default_factory=dict)  # 整体: superior / local / other
    projects: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # fiscal / other
    file: str = ""  # the 预算 file the figures come from, or ""


def initial(dept: Department) -> Initial:
    found: Initial = dept.linked.get(KEY) or Initial()
    return found


def _from_budget(budget: Department) -> Initial:
    profile, ledger = budget.profile, budget.ledger
    fiscal = Filter(sources=profile.source_set(["fiscal"]))
    general = Filter(sources=profile.source_set(["general"]))
    found = Initial(fiscal=ledger.total(fiscal).value, general=ledger.total(general).value,
                    file=budget.source_map.file)
    for code in ledger.codes(general, "function"):
        found.functions[code] = ledger.total(general.narrow(function=code)).value
    for group in FUND_GROUPS:
        chosen = Filter(sources=profile.source_set([group]))
        found.fund_functions[group] = {code: ledger.total(chosen.narrow(function=code)).value
                                       for code in ledger.codes(chosen, "function")}
    for item in SANGONG_ITEMS:
        found.sangong[item] = ledger.total(Filter(dimension=SANGONG, sources=fiscal.sources,
                                                  items=frozenset({item}))).value
    groups = profile.data("narrative.yaml")["performance_funds"]
    for key, sources in groups.items():
        found.funds[key] = ledger.total(Filter(sources=profile.source_set(sources))).value
    fiscal_sources = fiscal.sources or frozenset()
    for i, entry in enumerate(budget.data.get("projects") or []):
        lines = [ln for ln in ledger.lines
                 if ln.path[:2] == ("projects", i) and ln.dimension == FUNCTION]
        found.projects[entry["name"]] = {
            "fiscal": sum((ln.amount for ln in lines if ln.source in fiscal_sources), ZERO),
            "other": sum((ln.amount for ln in lines if ln.source not in fiscal_sources), ZERO)}
    for i, entry in enumerate(budget.data.get("carryover") or []):
        amount = ledger.total(Filter(items=frozenset({str(i)}))).value
        found.projects.setdefault(entry["name"], {"fiscal": ZERO, "other": amount})
    return found


def _typed(dept: Department, found: Initial) -> list[Diagnostic]:
    """Typed 年初预算数 fill what the 预算 file does not give; a differing one is reported."""
    typed: dict[str, Any] = dept.data.get("initial_budget") or {}
    unit = dept.data["meta"]["unit"]
    labels = data_file("labels.yaml")["initial_budget"]
    problems: list[Diagnostic] = []

    def take(path: tuple[str, ...], value: Any, current: Decimal | None, label: str) -> Decimal:
        amount = to_wan(D(value), unit)
        if current is not None and current != amount and found.file:
            problems.append(diagnostic(
                "final.initial_mismatch", dept.locate(("initial_budget", *path)), item=label,
                typed=fmt_amount(amount), derived=fmt_amount(current), budget_file=found.file))
            return current
        return amount

    for key in ("fiscal", "general"):
        if key in typed:
            setattr(found, key, take((key,), typed[key], getattr(found, key), labels[key]))
    for code, value in (typed.get("functions") or {}).items():
        found.functions[code] = take(("functions", code), value, found.functions.get(code),
                                     f"{labels['function']}{code}")
    for group in FUND_GROUPS:
        budgets = found.fund_functions.setdefault(group, {})
        for code, value in (typed.get(f"{group}_functions") or {}).items():
            budgets[code] = take((f"{group}_functions", code), value, budgets.get(code),
                                 f"{labels[group]}{code}")
    for item, value in (typed.get("sangong") or {}).items():
        found.sangong[item] = take(("sangong", item), value, found.sangong.get(item),
                                   labels["sangong"][item])
    return problems


def _sangong_budget(dept: Department, found: Initial) -> None:
    """全年预算数 of a 三公 item not typed: its 年初预算数, as a ledger line (table 7 prints it)."""
    for item in SANGONG_ITEMS:
        entry = (dept.data.get("sangong") or {}).get(item) or {}
        if "budget" not in entry and item in found.sangong:
            dept.ledger.lines.append(Line(("sangong", item, "budget"), SANGONG,
                                          found.sangong[item], "general_budget", kind="budget",
                                          item=item))


def budget_path(path: Path, year: int) -> Path:
    """The same year's 预算 file beside a 决算 (any spelling data/files.yaml accepts)."""
    from ..kinds import by_key

    return same_kind_file(path, year, by_key("budget").name)


def link(dept: Department, path: Path) -> list[Diagnostic]:
    """Fill `dept.linked['initial']` from the 预算 file beside the 决算, or from typed figures."""
    from .. import pipeline

    found = Initial()
    problems: list[Diagnostic] = []
    budget_file = budget_path(path, dept.year)
    if budget_file.is_file() and budget_file.resolve() != path.resolve():
        budget = pipeline.run(budget_file, with_prior=False)
        if (budget.department is None or not budget.ok
                or budget.department.profile.kind != "budget"):
            return [diagnostic("final.budget_file", dept.locate(("meta", "year")),
                               budget_file=str(budget_file))]
        found = _from_budget(budget.department)
    problems += _typed(dept, found)
    dept.linked[KEY] = found
    _sangong_budget(dept, found)
    return problems
