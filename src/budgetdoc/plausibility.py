"""Figures that cannot be in the unit the file says: 元 figures under `unit: 万元` (a county
budget of 13,846,557.60 万元) or 万元 figures under `unit: 元`. Compared per member of staff
in service, and by the size of the amounts; thresholds in the profile's checks.yaml."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .diagnostics import Diagnostic, diagnostic
from .ledger import ECONOMIC, FUNCTION, SANGONG, Filter
from .model import Department
from .resources import data_file

ITEMS = {
    "personnel": Filter(dimension=ECONOMIC, kinds=frozenset({"personnel"})),
    "operating": Filter(dimension=ECONOMIC, kinds=frozenset({"operating"})),
    "sangong": Filter(dimension=SANGONG),
    "total": Filter(dimension=FUNCTION),
}


def _settings(dept: Department) -> dict[str, Any]:
    settings: dict[str, Any] = dept.profile.data("checks.yaml")["plausibility"]
    return settings


def unit_mixup(dept: Department) -> list[Diagnostic]:
    """At most one error: the first sign that the figures are in the other unit."""
    settings = _settings(dept)
    where = dept.locate(("meta", "unit"))
    labels = data_file("labels.yaml")
    names = labels["plausibility"]
    looks = labels["wan"] if dept.unit == labels["yuan"] else labels["yuan"]
    staff = ((dept.data.get("overview") or {}).get("staff") or {}).get("in_service") or 0
    if staff:
        for item, limit in settings["per_staff_max"].items():
            each = dept.ledger.total(ITEMS[item]).value / staff
            if each > Decimal(str(limit)):
                return [diagnostic("plausibility.per_staff_high", where, unit=dept.unit,
                                   item=names[item], value=dept.money(each), staff=staff,
                                   limit=dept.money(Decimal(str(limit))), looks=looks)]
        for item, limit in settings["per_staff_min"].items():
            each = dept.ledger.total(ITEMS[item]).value / staff
            if Decimal(0) < each < Decimal(str(limit)):
                return [diagnostic("plausibility.per_staff_low", where, unit=dept.unit,
                                   item=names[item], value=dept.money(each), staff=staff,
                                   limit=dept.money(Decimal(str(limit))), looks=looks)]
    return _large_amounts(dept, settings, where, looks)


def _large_amounts(dept: Department, settings: dict[str, Any], where: Any,
                   looks: str) -> list[Diagnostic]:
    if dept.unit != data_file("labels.yaml")["wan"]:
        return []
    amounts = [line.amount for line in dept.ledger.lines if line.amount]
    floor = Decimal(10) ** (settings["large_digits"] - 1)
    large = [a for a in amounts if a >= floor]
    if not large or Decimal(len(large)) < Decimal(str(settings["large_share"])) * len(amounts):
        return []
    return [diagnostic("plausibility.large_amounts", where, count=len(large),
                       total=len(amounts), digits=settings["large_digits"],
                       example=dept.money(max(large)), looks=looks)]
