"""Providers of the budget (预算) document: 主要职能, 三公, 上年结转结余 and 其他重要事项 (概况 is
narrative/common.py, shared with the 决算)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..ledger import Filter
from ..numbers import ZERO, fmt_amount
from ..resources import data_file
from .budget import KIND, grand_total
from .common import money
from .context import Context
from .providers import provider


def _function_lines(ctx: Context) -> list[str]:
    text = str((ctx.dept.data.get("overview") or {}).get("functions", ""))
    return [line.strip() for line in text.splitlines() if line.strip()]


@provider(KIND, "functions")
def functions(ctx: Context) -> dict[str, Any]:
    """主要职能, line by line."""
    return {"functions": _function_lines(ctx)}


SANGONG = ("sangong.total", "sangong.outbound", "sangong.vehicle_purchase",
           "sangong.vehicle_operation", "sangong.reception")


@provider(KIND, "sangong", compares=SANGONG)
def sangong(ctx: Context) -> dict[str, Any]:
    labels = data_file("labels.yaml")["sangong"]
    order = ["outbound", "vehicle_purchase", "vehicle_operation", "reception"]
    items = [{"name": labels[k], "c": ctx.change(f"sangong.{k}")} for k in order]
    return {"sangong": {"total": ctx.change("sangong.total"), "items": items,
                        "changes": items}}


@provider(KIND, "carryover", needs=("carryover",))
def carryover(ctx: Context) -> dict[str, Any]:
    entries = ctx.dept.data.get("carryover") or []
    listed, classified = [], []
    for i, entry in enumerate(entries):
        amount = ctx.dept.ledger.total(Filter(items=frozenset({str(i)}))).value
        item = {"name": entry["name"], "amount": ctx.money(amount), "purpose": entry.get("purpose")}
        (classified if entry.get("classified") else listed).append(item)
    return {"carryover": {
        "empty": not entries, "empty_note": ctx.table("carryover").empty_note or "",
        "total": ctx.money(ctx.total(sources=["carryover"])),
        "fiscal": ctx.money(ctx.total(sources=["carryover_fiscal"])),
        "nonfiscal": ctx.money(ctx.total(sources=["carryover_nonfiscal"])),
        "items": listed, "classified": classified}}


def procurement_figures(ctx: Context) -> dict[str, Any] | None:
    p = ctx.dept.data.get("procurement")
    if not p:
        return None
    goods, works, services = (money(ctx, p.get(k)) for k in ("goods", "works", "services"))
    return {"goods": goods, "works": works, "services": services,
            "total": ctx.money(goods.value + works.value + services.value),
            "sme": money(ctx, p.get("sme_reserved")),
            "small_micro": money(ctx, p.get("small_micro_reserved"))}


def _assets(ctx: Context) -> dict[str, Any] | None:
    a = ctx.dept.data.get("assets")
    if not a:
        return None
    labels = data_file("labels.yaml")["vehicles"]
    vehicles = a.get("vehicles") or {}
    kinds = [{"name": labels[k], "count": (vehicles.get(k) or {}).get("count", 0),
              "value": money(ctx, (vehicles.get(k) or {}).get("value"))}
             for k in ("general", "law_enforcement", "other")]
    budgeted = a.get("budgeted") or {}
    as_of = a.get("as_of") or f"{ctx.dept.year - 1}"
    buildings = a.get("buildings") or {}
    return {
        "year": as_of[:4],
        "area": fmt_amount(Decimal(str(buildings.get("area", 0)))),
        "buildings": money(ctx, buildings.get("value")),
        "vehicles": {"count": sum(k["count"] for k in kinds),
                     "value": ctx.money(sum((k["value"].value for k in kinds), ZERO))},
        "vehicle_kinds": kinds, "furniture": money(ctx, a.get("furniture")),
        "other": money(ctx, a.get("other")), "over_50": a.get("equipment_over_50", 0),
        "over_100": a.get("equipment_over_100", 0),
        "unit": a.get("equipment_unit") or ctx.words["default_equipment_unit"],
        "budgeted_vehicles": budgeted.get("vehicles", 0),
        "budgeted_50": budgeted.get("equipment_over_50", 0),
        "budgeted_100": budgeted.get("equipment_over_100", 0),
    }


def _performance(ctx: Context) -> dict[str, Any]:
    """How many projects (and how much) the performance targets cover, by kind of money."""
    profile = ctx.dept.profile
    fiscal_sources = profile.source_set(["fiscal"])
    other_sources = profile.source_set(["current"]) - fiscal_sources
    counts = {"fiscal": 0, "other": 0}
    amounts = {"fiscal": ZERO, "other": ZERO}
    for i, _ in enumerate(ctx.dept.data.get("projects") or []):
        lines = ctx.dept.ledger.select(Filter(entry=("projects", i)))
        for key, sources in (("fiscal", fiscal_sources), ("other", other_sources)):
            amount = sum((ln.amount for ln in lines if ln.source in sources), ZERO)
            counts[key] += bool(amount)
            amounts[key] += amount
    return {"fiscal_count": counts["fiscal"], "fiscal_amount": ctx.money(amounts["fiscal"]),
            "other_count": counts["other"], "other_amount": ctx.money(amounts["other"]),
            "tables": list(ctx.named)}


@provider(KIND, "other", reads=("procurement", "assets", "performance", "other_matters"),
          settings=("words.default_equipment_unit", "words.default_other_matters"),
          compares=("operating_costs",))
def other(ctx: Context) -> dict[str, Any]:
    return {
        "total": grand_total(ctx),
        "operating": ctx.change("operating_costs"),
        "procurement": procurement_figures(ctx), "assets": _assets(ctx),
        "performance": _performance(ctx),
        "other_matters": ctx.dept.data.get("other_matters") or ctx.words["default_other_matters"],
    }
