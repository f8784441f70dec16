"""Providers both kinds of document use: 概况 (functions, units, sections, staff) and the
money helpers their sentences share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..numbers import to_wan
from ..resources import data_file
from .context import Context, Money
from .providers import ANY_KIND, provider

# The staff kinds in the order the 预算 prints them; a kind's narrative.yaml may give its own
# (`staff_order`, the 决算: 在职, 离休, 退休) and names (`staff_labels`).
STAFF_ORDER = ("in_service", "retired", "lixiu")


def money(ctx: Context, value: Any) -> Money:
    """An amount typed in the file's unit, printed as the prose prints money."""
    return ctx.money(to_wan(Decimal(str(value or 0)), ctx.dept.data["meta"]["unit"]))


@provider(ANY_KIND, "overview", settings=("words.default_section_word",))
def overview(ctx: Context) -> dict[str, Any]:
    data = ctx.dept.data.get("overview") or {}
    staff = data.get("staff")
    kinds = []
    if staff:
        labels = ctx.spec.get("staff_labels") or data_file("labels.yaml")["staff"]
        for key in ctx.spec.get("staff_order") or STAFF_ORDER:
            c = ctx.by_id.get(f"staff.{key}")
            count = int(staff.get(key, 0))
            prior = int(c.prior) if c is not None and c.prior is not None else count
            kinds.append({"name": labels[key], "count": count, "diff": abs(count - prior),
                          "word": ctx.words["up" if count >= prior else "down"]})
    return {
        "functions": [line.strip() for line in str(data.get("functions", "")).splitlines()
                      if line.strip()],
        "units": ctx.dept.subordinate_units,
        "sections": data.get("sections") or [],
        "section_word": data.get("section_word") or ctx.words["default_section_word"],
        "sections_note": data.get("sections_note"),
        "staff": {"authorized": staff.get("authorized", 0),
                  "actual": staff.get("actual", sum(k["count"] for k in kinds)),
                  "kinds": kinds} if staff else None,
    }
