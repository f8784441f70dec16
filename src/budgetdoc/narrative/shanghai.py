"""Providers of the budget document in the Shanghai format (上海市区级部门预算).

Its prose differs from the 昌吉 情况说明 in what it says, not only in words: 机构设置 counts the
units by their kind (行政, 参公, 事业), the 编制说明 lists every 项 of 财政拨款 spending with its
purpose, and 其他相关情况说明 prints vehicles by eight kinds and the projects with performance
targets. Names, kinds and headings come from the profile's narrative.yaml; the templates say
the sentences.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ..diagnostics import Diagnostic, diagnostic
from ..figures import operating_costs as operating_costs_of
from ..ledger import Filter
from ..model import Department
from ..numbers import ZERO, to_wan
from ..validate import chinese_path
from .budget import KIND
from .budget_other import SANGONG, procurement_figures
from .context import Context, Money
from .providers import Check, provider


def _text(dept: Department, path: tuple[str | int, ...]) -> Diagnostic:
    """The document prints a fact the file does not state."""
    return diagnostic("narrative.missing_text", dept.locate(path[:-1] or path),
                      item=chinese_path(path), profile=dept.profile.name,
                      key=".".join(str(p) for p in path))


def _units(dept: Department) -> tuple[dict[str, Any] | None, list[Any]]:
    overview = dept.data.get("overview") or {}
    return overview.get("main_unit"), overview.get("subordinate_units") or []


def _unit_checks(dept: Department) -> list[Diagnostic]:
    """机构设置 counts the units by kind: the main unit and every subordinate one need it."""
    main, subordinate = _units(dept)
    found = [] if main else [_text(dept, ("overview", "main_unit"))]
    return found + [_text(dept, ("overview", "subordinate_units", i, "kind"))
                    for i, unit in enumerate(subordinate) if not isinstance(unit, dict)]


@provider(KIND, "units", check=_unit_checks, reads=("overview.main_unit",),
          settings=("unit_kinds", "operating_unit_kinds"))
def units(ctx: Context) -> dict[str, Any]:
    """The budget units (本部 first) with their kinds, counted as 机构设置 and 机关运行经费
    print them."""
    main, subordinate = _units(ctx.dept)
    # Unstated (checked: an error, the document is not written) are printed as blanks.
    listed = [unit if isinstance(unit, dict) else {"name": unit or "", "kind": ""}
              for unit in (main, *subordinate)]
    main = listed[0]
    counts = {kind["kind"]: sum(u["kind"] == kind["kind"] for u in listed)
              for kind in ctx.spec["unit_kinds"]}
    return {
        "main_unit": {"name": main["name"], "short": main.get("short") or main["name"]},
        "unit_names": [u["name"] for u in listed],
        "subordinate_count": len(listed) - 1,
        "unit_counts": [{"label": k["label"], "count": counts[k["kind"]]}
                        for k in ctx.spec["unit_kinds"] if k.get("always") or counts[k["kind"]]],
        "operating_units": [{"label": k["label"], "count": counts[k["kind"]]}
                            for k in ctx.spec["operating_unit_kinds"]
                            if len(listed) > 1 and counts[k["kind"]]],
    }


@provider(KIND, "income_lines", settings=("income_lines",))
def income_lines(ctx: Context) -> dict[str, Any]:
    """收入预算 and its lines by source (narrative.yaml `income_lines`), zero lines included."""
    return {"income_total": ctx.money(ctx.total()),
            "income_lines": [{"name": line["name"],
                              "amount": ctx.money(ctx.total(sources=line["sources"])),
                              "c": ctx.change(line["compare"]) if "compare" in line else None}
                             for line in ctx.spec["income_lines"]]}


@provider(KIND, "fiscal_changes", settings=("fiscal_changes",))
def fiscal_changes(ctx: Context) -> dict[str, Any]:
    """财政拨款 and its parts against last year's budget (narrative.yaml `fiscal_changes`)."""
    first, *parts = ctx.spec["fiscal_changes"]
    return {"fiscal": ctx.change(first["id"]), "fiscal_name": first["name"],
            "fiscal_parts": [{"name": p["name"], "c": ctx.change(p["id"])} for p in parts]}


def _fiscal_codes(dept: Department) -> list[str]:
    fiscal = Filter(sources=dept.profile.source_set(["fiscal"]))
    return sorted({ln.function for ln in dept.ledger.select(fiscal) if ln.amount})


def missing_function_purposes(dept: Department) -> list[Diagnostic]:
    """The 编制说明 says what each 项 of 财政拨款 spending is mainly for: the officer must."""
    purposes = dept.data.get("function_purposes") or {}
    return [diagnostic("narrative.missing_function_purpose",
                       dept.locate(("function_purposes",)), code=code,
                       name=dept.function_name(code))
            for code in _fiscal_codes(dept) if not str(purposes.get(code, "")).strip()]


@provider(KIND, "function_items", check=missing_function_purposes, reads=("function_purposes",))
def function_items(ctx: Context) -> dict[str, Any]:
    """Every 项 of 财政拨款 spending, in code order, with its purpose and, where the file
    states last year's figure for it, the comparison."""
    dept = ctx.dept
    fiscal = Filter(sources=dept.profile.source_set(["fiscal"]))
    purposes = dept.data.get("function_purposes") or {}
    items = []
    for number, code in enumerate(_fiscal_codes(dept), 1):
        comparison = f"general_budget.functions.{code}"
        items.append({
            "number": number, "code": code,
            "class_name": dept.function_name(code[:3]), "kuan_name": dept.function_name(code[:5]),
            "name": dept.function_name(code),
            "amount": ctx.money(dept.ledger.total(fiscal.narrow(function=code)).value),
            "purpose": purposes.get(code, ""),
            "c": ctx.change(comparison) if ctx.shown(comparison) else None})
    return {"function_items": items}


@provider(KIND, "sangong_items", compares=(*SANGONG, "sangong.vehicle"))
def sangong_items(ctx: Context) -> dict[str, Any]:
    """The “三公” total, each item and the 公务用车购置及运行费 subtotal against last year."""
    names = ("total", "outbound", "vehicle", "vehicle_purchase", "vehicle_operation",
             "reception")
    return {"sangong_changes": {name: ctx.change(f"sangong.{name}") for name in names}}


@provider(KIND, "operating_costs")
def operating_costs(ctx: Context) -> dict[str, Any]:
    return {"operating_costs": ctx.money(operating_costs_of(ctx.dept))}


@provider(KIND, "procurement", reads=("procurement",))
def procurement(ctx: Context) -> dict[str, Any]:
    return {"procurement": procurement_figures(ctx)}


def _amount(ctx: Context, value: Any) -> Money:
    return ctx.money(to_wan(Decimal(str(value or 0)), ctx.dept.unit))


def _stated(*path: str) -> Check:
    """A check that the file states `path` (a fact the section prints)."""
    def check(dept: Department) -> list[Diagnostic]:
        node: Any = dept.data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return [] if node else [_text(dept, path)]
    return check


@provider(KIND, "performance_targets", check=_stated("performance_targets"),
          reads=("performance_targets",))
def performance_targets(ctx: Context) -> dict[str, Any]:
    """The projects with performance targets: listed one by one (count and amount summed), or
    only counted as the file states."""
    data = ctx.dept.data.get("performance_targets") or {}  # checked: stated
    items = [{"name": i["name"], "amount": _amount(ctx, i["amount"])}
             for i in data.get("items") or []]
    total = (ctx.money(sum((i["amount"].value for i in items), ZERO)) if items
             else _amount(ctx, data.get("amount")))
    return {"targets": {"units": data.get("units"), "listed": items, "amount": total,
                        "count": len(items) if items else data.get("projects", 0)}}


def _date(ctx: Context, text: str) -> str:
    """2024-08-31 → 2024年8月31日 (narrative.yaml `date_format`); a date that is none as written."""
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return text
    return str(ctx.spec["date_format"].format(y=day.year, m=day.month, d=day.day))


def _vehicle_counts(kinds: list[dict[str, str]], counts: Any) -> list[dict[str, Any]]:
    return [{"name": k["name"], "count": int((counts or {}).get(k["key"]) or 0)} for k in kinds]


def _assets_checks(dept: Department) -> list[Diagnostic]:
    """The section prints the vehicles as of a date and those budgeted, by kind."""
    found = _stated("assets", "as_of")(dept)
    planned = ((dept.data.get("assets") or {}).get("budgeted") or {}).get("vehicles")
    if isinstance(planned, int) and planned:
        found.append(diagnostic("narrative.vehicles_by_kind",
                                dept.locate(("assets", "budgeted", "vehicles")),
                                profile=dept.profile.name, count=planned))
    return found


@provider(KIND, "vehicles", check=_assets_checks, reads=("assets",),
          settings=("vehicle_kinds", "date_format", "words.default_equipment_unit"))
def vehicles(ctx: Context) -> dict[str, Any]:
    """Vehicles held and budgeted by the kinds the profile lists (narrative.yaml
    `vehicle_kinds`), and large equipment."""
    data = ctx.dept.data.get("assets") or {}  # checked: stated
    kinds = ctx.spec["vehicle_kinds"]
    held = {key: (entry or {}).get("count", 0)
            for key, entry in (data.get("vehicles") or {}).items()}
    budgeted = data.get("budgeted") or {}
    planned = budgeted.get("vehicles") or {}  # a bare count is 0 here (checked)
    planned = planned if isinstance(planned, dict) else {}
    return {"vehicles": {
        "as_of": _date(ctx, str(data.get("as_of", ""))),
        "vehicles": (held := _vehicle_counts(kinds, held)),
        "vehicle_count": sum(k["count"] for k in held),
        "budgeted": (planned := _vehicle_counts(kinds, planned)),
        "budgeted_count": sum(k["count"] for k in planned),
        "equipment_over_100": data.get("equipment_over_100", 0),
        "budgeted_over_100": budgeted.get("equipment_over_100", 0),
        "unit": data.get("equipment_unit") or ctx.words["default_equipment_unit"]}}


@provider(KIND, "project_descriptions", reads=("project_descriptions",),
          settings=("project_parts", "numerals", "words.project_{project_parts}"))
def project_descriptions(ctx: Context) -> dict[str, Any]:
    """Each description's parts in the profile's order (narrative.yaml `project_parts`) under
    its headings (words `project_<part>`), numbered; a part the file leaves out is not
    printed."""
    numerals = ctx.spec["numerals"]
    found = []
    for entry in ctx.dept.data.get("project_descriptions") or []:
        parts = [{"heading": ctx.words[f"project_{key}"],
                  "lines": [line.strip() for line in str(entry[key]).splitlines() if line.strip()]}
                 for key in ctx.spec["project_parts"] if str(entry.get(key) or "").strip()]
        for i, part in enumerate(parts):
            part["numeral"] = numerals[i]
        found.append({"name": entry.get("name", ""), "parts": parts})
    return {"descriptions": found}
