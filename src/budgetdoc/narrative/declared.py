"""Checks of the budget narrative's inputs: printed rates and shares declared as 尾差, and the
purposes section 四 needs for every 类 of 财政拨款 spending."""

from __future__ import annotations

from decimal import Decimal

from ..diagnostics import Diagnostic, diagnostic
from ..figures import Comparison
from ..ledger import Filter
from ..model import Department
from ..numbers import change_rate, share
from ..resources import data_file
from .context import Declared, compared


def computed_percent(dept: Department, comparisons: list[Comparison], figure: str,
                     kind: str) -> Decimal | None:
    """The rate or share the narrative prints for `figure`, or None if it prints none."""
    by_id = {c.id: c for c in comparisons}
    if kind == "rate":
        c = by_id.get(figure)
        if c is None or c.prior is None:
            return None
        if c.count:
            return change_rate(c.current, c.prior)
        spec = dept.profile.data("narrative.yaml")
        return change_rate(compared(spec, c.current), compared(spec, c.prior))
    ledger, profile = dept.ledger, dept.profile
    if figure.startswith("general_budget.classes."):
        general = Filter(sources=profile.source_set(["general"]))
        code = figure.rsplit(".", 1)[1]
        return share(ledger.total(general.narrow(function=code)).value,
                     ledger.total(general).value)
    if figure.split(".")[0] in ("income", "expenditure") and figure in by_id:
        return share(by_id[figure].current, ledger.total(Filter()).value)
    return None


def declared_figures(dept: Department,
                     comparisons: list[Comparison]) -> tuple[Declared, list[Diagnostic]]:
    """Printed rates and shares declared under known_deviations (尾差 from 元-level data)."""
    declared: Declared = {}
    found: list[Diagnostic] = []
    tolerance = Decimal(str(dept.profile.data("sources.yaml")["rate_tolerance"]))
    kinds = data_file("labels.yaml")["figure_kinds"]
    labels = {c.id: c.label for c in comparisons}
    for i, entry in enumerate(dept.data.get("known_deviations") or []):
        if "figure" not in entry:
            continue
        kind = "rate" if "rate" in entry else "share"
        where = dept.locate(("known_deviations", i))
        figure = entry["figure"]
        computed = computed_percent(dept, comparisons, figure, kind)
        if computed is None or kind not in entry:
            found.append(diagnostic("narrative.deviation_unknown", where, figure=figure,
                                    kind=kinds[kind]))
            continue
        printed = Decimal(str(entry[kind]))
        item = labels.get(figure) or (dept.function_name(figure.rsplit(".", 1)[1])
                                      if figure.startswith("general_budget.classes.") else figure)
        fields = {"item": item, "kind": kinds[kind],
                  "printed": f"{printed:.2f}", "computed": f"{computed:.2f}",
                  "tolerance": f"{tolerance:.2f}"}
        if abs(printed - computed) > tolerance:
            found.append(diagnostic("narrative.deviation_too_large", where, **fields))
            continue
        declared[(figure, kind)] = printed
        if printed != computed:
            found.append(diagnostic("narrative.rounding", where, **fields))
    return declared, found


def missing_purposes(dept: Department) -> list[Diagnostic]:
    """Section 四 says what each 类 of 财政拨款 spending is mainly for: the officer must."""
    purposes = dept.data.get("class_purposes") or {}
    fiscal = Filter(sources=dept.profile.source_set(["fiscal"]))
    codes = sorted({ln.function[:3] for ln in dept.ledger.select(fiscal) if ln.amount})
    return [diagnostic("narrative.missing_purpose", dept.locate(("class_purposes",)),
                       code=code, name=dept.function_name(code))
            for code in codes if not str(purposes.get(code, "")).strip()]
