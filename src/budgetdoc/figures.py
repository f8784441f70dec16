"""The figures the narrative compares with last year: this year's value, last year's, why.

The catalogue of comparisons is data (comparisons.yaml). Last year's value comes from the
department's `changes` section or, where that is silent, from last year's file beside this
one (computed by the same code).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from .ledger import ECONOMIC, FUNCTION, Filter
from .model import Department
from .numbers import ZERO, D, to_wan
from .profile import Profile
from .yamlload import PathKey


@dataclass(frozen=True)
class Comparison:
    id: str  # e.g. income.general_budget, general_budget.functions.2010302
    label: str
    current: Decimal
    prior: Decimal | None
    reason: str | None
    when: str
    path: PathKey  # where its prior/reason live under `changes`
    count: bool = False  # a head count, not money
    prior_in_file: Decimal | None = None  # last year's file's figure, where it differs
    reason_optional: bool = False

    @property
    def required(self) -> bool:
        if self.when == "never":  # kept for the checks only (carry-over continuity)
            return False
        if self.when == "always":
            return True
        if self.when == "stated":
            return self.prior is not None
        if self.when == "current":
            return self.current != 0
        return self.current != 0 or bool(self.prior)


def catalogue(profile: Profile) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = profile.data("comparisons.yaml")["comparisons"]
    return entries


def _change_entry(data: dict[str, Any], path: PathKey) -> dict[str, Any]:
    node: Any = data.get("changes") or {}
    for key in path[1:]:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def operating_costs(dept: Department) -> Decimal:
    """机关运行经费: as entered, or 公用经费 of the 一般公共预算 basic expenditure (table 6)."""
    given = dept.data.get("operating_costs")
    if given is not None:
        return to_wan(D(given), dept.data["meta"]["unit"])
    return dept.ledger.total(Filter(dimension=ECONOMIC, kinds=frozenset({"operating"}))).value


def current_values(dept: Department) -> dict[str, tuple[str, Decimal, bool]]:
    """id → (label, this year's value, is a count) for every comparison that applies."""
    profile = dept.profile
    out: dict[str, tuple[str, Decimal, bool]] = {}
    staff = (dept.data.get("overview") or {}).get("staff") or {}
    for spec in catalogue(profile):
        if "staff" in spec:
            out[spec["id"]] = (spec["label"], Decimal(staff.get(spec["staff"], 0)), True)
            continue
        if spec.get("operating_costs"):
            out[spec["id"]] = (spec["label"], operating_costs(dept), False)
            continue
        selector = profile.selector(spec, spec.get("dimension", FUNCTION))
        if spec.get("per_function"):
            codes = dept.ledger.codes(selector, "function")
            listed = _change_entry(dept.data, ("changes", *spec["id"].split(".")))
            for code in sorted(set(codes) | set(listed)):
                label = spec["label"].format(code=code, name=dept.function_name(code))
                value = dept.ledger.total(selector.narrow(function=code)).value
                out[f"{spec['id']}.{code}"] = (label, value, False)
            continue
        out[spec["id"]] = (spec["label"], dept.ledger.total(selector).value, False)
    return out


def comparisons(dept: Department, prior_year: dict[str, Decimal] | None) -> list[Comparison]:
    """Every comparison with its prior (entered, else from last year's file) and reason."""
    specs = {s["id"]: s for s in catalogue(dept.profile)}
    current = current_values(dept)
    unit = dept.data["meta"]["unit"]
    # A new unit (决算 `no_prior_year`): every prior is 0, and one reason serves them all.
    new_unit = dept.data.get("no_prior_year")
    found: dict[str, Comparison] = {}
    for cid, (label, value, is_count) in current.items():
        base = cid.rsplit(".", 1)[0] if cid not in specs else cid
        spec = specs.get(base, specs.get(cid, {}))
        path: PathKey = ("changes", *cid.split("."))
        entry = _change_entry(dept.data, path)
        prior: Decimal | None = None
        from_file = (prior_year.get(spec.get("prior_id", cid)) if prior_year is not None
                     else None)
        stated = spec.get("when") == "stated"  # never last year's file: another basis
        reason = entry.get("reason")
        if "prior" in entry:
            prior = D(entry["prior"]) if is_count else to_wan(D(entry["prior"]), unit)
        elif new_unit and not stated:
            prior, from_file = ZERO, None
            reason = reason or (new_unit["reason"] if value else None)
        elif not stated:
            prior = from_file
        if stated:
            from_file = None
        conflict = from_file if from_file is not None and from_file != prior else None
        found[cid] = Comparison(cid, label, value, prior, reason,
                                spec.get("when", "either"), path, is_count, conflict,
                                bool(spec.get("reason_optional")))
    for cid, spec in specs.items():
        parts = spec.get("derived_prior")
        if parts and cid in found and found[cid].prior is None:
            priors = [found[p].prior for p in parts if p in found]
            if priors and all(p is not None for p in priors):
                old = found[cid]
                total = sum((p for p in priors if p is not None), ZERO)
                found[cid] = replace(old, prior=total)
    return list(found.values())
