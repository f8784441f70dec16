"""Providers of the final-accounts (决算) document's 情况说明 九 to 十二: 三公, 机关运行经费,
政府采购, 国有资产, 预算绩效 and other matters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..final import selfeval
from ..ledger import SANGONG, Filter
from ..numbers import fmt_amount, share
from .common import money
from .context import Context
from .final import KIND, variance
from .providers import provider

SANGONG_ITEMS = ("outbound", "vehicle_purchase", "vehicle_operation", "reception")


def _actual(ctx: Context, *items: str) -> Decimal:
    return ctx.dept.ledger.total(Filter(dimension=SANGONG, kinds=frozenset({"actual"}),
                                        items=frozenset(items))).value


def _content(ctx: Context, item: str) -> str:
    entry = (ctx.dept.data.get("sangong") or {}).get(item) or {}
    zero = ctx.spec["sangong"][item].get("zero_content", "")
    return str(entry.get("content") or zero)


def owned_vehicles(data: dict[str, Any], kinds: list[dict[str, str]]) -> int:
    """国有资产占用情况中的车辆: the eight kinds added up."""
    vehicles = (data.get("assets") or {}).get("vehicles") or {}
    return sum(int(vehicles.get(k["key"], 0)) for k in kinds)


@provider(KIND, "sangong")
def sangong(ctx: Context) -> dict[str, Any]:
    names = ctx.spec["sangong"]
    data = ctx.dept.data.get("sangong") or {}
    whole = _actual(ctx, *SANGONG_ITEMS)
    parts = {"outbound": ("outbound",), "vehicle": ("vehicle_purchase", "vehicle_operation"),
             "reception": ("reception",)}
    items = []
    for key, members in parts.items():
        amount = _actual(ctx, *members)
        items.append({"name": names[key]["name"], "amount": ctx.money(amount),
                      "share": f"{ctx.share(f'sangong.{key}', amount, whole):.2f}",
                      "change": ctx.change(f"sangong.{key}")})
    vehicles = data.get("vehicles") or {}
    held = int(vehicles.get("held", 0))
    owned = owned_vehicles(ctx.dept.data, ctx.spec["vehicle_kinds"])
    outbound, reception = data.get("outbound") or {}, data.get("reception") or {}
    return {"sg": {
        "total": ctx.money(whole), "change": ctx.change("sangong.total"), "items": items,
        "outbound": {"amount": ctx.money(_actual(ctx, "outbound")),
                     "content": _content(ctx, "outbound"),
                     "groups": outbound.get("groups", 0), "people": outbound.get("people", 0)},
        "vehicle": {"amount": ctx.money(_actual(ctx, "vehicle_purchase", "vehicle_operation")),
                    "purchase": ctx.money(_actual(ctx, "vehicle_purchase")),
                    "operation": ctx.money(_actual(ctx, "vehicle_operation")),
                    "content": _content(ctx, "vehicle_operation"),
                    "purchased": vehicles.get("purchased", 0), "held": held, "owned": owned,
                    "reason": vehicles.get("difference_reason") if held != owned
                    else ctx.spec["vehicles_equal"]},
        "reception": {"amount": ctx.money(_actual(ctx, "reception")),
                      "content": _content(ctx, "reception"),
                      "batches": reception.get("batches", 0),
                      "people": reception.get("people", 0)},
        "variance": variance(ctx, "sangong.total"),
        "variances": [variance(ctx, f"sangong.{item}") | {"name": names[item]["name"]}
                      for item in SANGONG_ITEMS]}}


def _procurement(ctx: Context) -> dict[str, Any] | None:
    p = ctx.dept.data.get("procurement")
    if not p:
        return None
    goods, works, services = (money(ctx, p.get(k)) for k in ("goods", "works", "services"))
    whole = goods.value + works.value + services.value
    sme, small = money(ctx, p.get("sme")), money(ctx, p.get("small_micro"))
    return {"goods": goods, "works": works, "services": services, "total": ctx.money(whole),
            "sme": sme, "small_micro": small, "sme_share": f"{share(sme.value, whole):.2f}",
            "small_micro_share": f"{share(small.value, whole):.2f}"}


def _assets(ctx: Context) -> dict[str, Any] | None:
    a = ctx.dept.data.get("assets")
    if not a:
        return None
    vehicles = a.get("vehicles") or {}
    kinds = ctx.spec["vehicle_kinds"]
    buildings = a.get("buildings") or {}
    return {
        "area": fmt_amount(Decimal(str(buildings.get("area", 0)))),
        "buildings": money(ctx, buildings.get("value")),
        "count": owned_vehicles(ctx.dept.data, kinds),
        "value": money(ctx, vehicles.get("value")),
        "kinds": [{"name": k["name"], "count": vehicles.get(k["key"], 0)} for k in kinds],
        "other_description": vehicles.get("other_description") or "",
        "over_100": a.get("equipment_over_100", 0)}


@provider(KIND, "other")
def other(ctx: Context) -> dict[str, Any]:
    return {"operating": ctx.change("operating_costs"), "procurement": _procurement(ctx),
            "assets": _assets(ctx)}


@provider(KIND, "performance")
def performance(ctx: Context) -> dict[str, Any]:
    summary = selfeval.summary(ctx.dept)
    data = ctx.dept.data.get("performance") or {}
    return {"p": {
        "department_tables": summary.department_tables,
        "department_full_year": ctx.money(summary.department_full_year),
        "department_executed": ctx.money(summary.department_executed),
        "projects": summary.projects, "full_year": ctx.money(summary.full_year),
        "executed": ctx.money(summary.executed),
        "achievements": data.get("achievements") or "", "problems": data.get("problems") or "",
        "measures": data.get("measures") or "", "tables": list(ctx.named)}}


@provider(KIND, "other_matters")
def other_matters(ctx: Context) -> dict[str, Any]:
    return {"other_matters": ctx.dept.data.get("other_matters")
            or ctx.words["default_other_matters"]}
