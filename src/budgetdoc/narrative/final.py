"""Providers of the final-accounts (决算) document's 情况说明 一 to 八: totals, income,
spending, 财政拨款, 一般公共预算, 基本支出, and the two fund tables."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..final.variance import Variance, variances
from ..ledger import ECONOMIC, Filter
from ..numbers import round_cent
from .context import Context
from .providers import provider

KIND = "final"
SPENDING = ("basic", "project", "remit", "operation", "subsidy")


def total(ctx: Context, sources: list[str] | None = None, kinds: tuple[str, ...] | list[str]
          = (), **more: Any) -> Decimal:
    return ctx.total(sources=sources, kinds=frozenset(kinds) if kinds else None, **more)


def variance(ctx: Context, vid: str) -> dict[str, Any]:
    """A 预决算 comparison as printed: amounts, the signed rate (None when the budget is 0 and
    the 决算 is not), and the reason (typed, else the default for zero or equal amounts)."""
    found: dict[str, Variance] = ctx.values("variances", lambda c: {
        "all": {v.id: v for v in variances(c.dept)}})["all"]
    v = found[vid]
    budget = v.budget if v.budget is not None else Decimal(0)
    reason = v.reason
    if not reason and round_cent(budget) == round_cent(v.actual):
        phrases = ctx.spec["variance_reasons"]
        reason = (phrases["zero"].get(vid, phrases["zero_fallback"]) if not v.actual
                  else phrases["equal"])
    rate = v.rate
    equal = round_cent(budget) == round_cent(v.actual)
    return {"budget": ctx.money(budget), "actual": ctx.money(v.actual), "reason": reason,
            "rate": None if rate is None else f"{rate:.2f}", "label": v.label,
            "equal": equal, "over": not equal and v.actual > budget,
            "typed_reason": v.reason}


def _items(ctx: Context, whole: Decimal, entries: list[dict[str, Any]], key: str,
           prefix: str) -> list[dict[str, Any]]:
    """Named amounts (income sources, spending kinds) with their share of `whole`."""
    found = []
    for i, entry in enumerate(entries):
        if key == "sources":
            amount = total(ctx, entry["sources"], ["income"])
        else:
            amount = total(ctx, None, entry["kinds"])
        if amount or ctx.spec["all_sources"]:
            found.append({"name": entry["name"], "amount": ctx.money(amount),
                          "share": f"{ctx.share(f'{prefix}.{i}', amount, whole):.2f}"})
    return found


@provider(KIND, "summary")
def summary(ctx: Context) -> dict[str, Any]:
    """收入支出决算总表's bottom rows and the year-on-year change of the total."""
    return {"s": {
        "income_total": ctx.money(total(ctx, None, ["income", "surplus_used", "opening"])),
        "income": ctx.money(total(ctx, None, ["income"])),
        "surplus_used": ctx.money(total(ctx, None, ["surplus_used"])),
        "opening": ctx.money(total(ctx, None, ["opening"])),
        "expense_total": ctx.money(total(ctx, None, [*SPENDING, "distribution", "closing"])),
        "expense": ctx.money(total(ctx, None, SPENDING)),
        "distribution": ctx.money(total(ctx, None, ["distribution"])),
        "closing": ctx.money(total(ctx, None, ["closing"])),
        "change": ctx.change("total")}}


@provider(KIND, "income")
def income(ctx: Context) -> dict[str, Any]:
    whole = total(ctx, None, ["income"])
    return {"income": ctx.money(whole),
            "items": _items(ctx, whole, ctx.spec["income_sources"], "sources", "income")}


@provider(KIND, "expenditure")
def expenditure(ctx: Context) -> dict[str, Any]:
    whole = total(ctx, None, SPENDING)
    return {"expense": ctx.money(whole),
            "items": _items(ctx, whole, ctx.spec["expenditure_kinds"], "kinds", "expenditure")}


@provider(KIND, "fiscal")
def fiscal(ctx: Context) -> dict[str, Any]:
    f = ["fiscal"]
    return {"f": {
        "income_total": ctx.money(total(ctx, f, ["income", "opening"])),
        "opening": ctx.money(total(ctx, f, ["opening"])),
        "income": ctx.money(total(ctx, f, ["income"])),
        "expense_total": ctx.money(total(ctx, f, ["basic", "project", "closing"])),
        "closing": ctx.money(total(ctx, f, ["closing"])),
        "expense": ctx.money(total(ctx, f, ["basic", "project"])),
        "change": ctx.change("fiscal"), "variance": variance(ctx, "fiscal")}}


def _function_names(ctx: Context, code: str) -> dict[str, str]:
    name = ctx.dept.function_name
    return {"code": code, "class_name": name(code[:3]), "kuan_name": name(code[:5]),
            "name": name(code)}


@provider(KIND, "general")
def general(ctx: Context) -> dict[str, Any]:
    g, spending = ["general_budget"], ("basic", "project")
    whole = total(ctx, g, spending)
    selector = Filter(sources=ctx.dept.profile.source_set(g), kinds=frozenset(spending))
    codes = ctx.dept.ledger.codes(selector, "function")
    classes = []
    for code in sorted({c[:3] for c in codes}):
        amount = total(ctx, g, spending, function=code)
        classes.append({"name": ctx.dept.function_name(code), "amount": ctx.money(amount),
                        "share": f"{ctx.share(f'general.classes.{code}', amount, whole):.2f}"})
    by_prior = ctx.spec["function_basis"] == "prior"
    functions = []
    for code in codes:
        item = _function_names(ctx, code) | {"amount": ctx.money(total(ctx, g, spending,
                                                                     function=code))}
        if by_prior:
            item["change"] = ctx.change(f"functions.{code}")
        else:
            item["variance"] = variance(ctx, f"functions.{code}")
        functions.append(item)
    return {"g": {
        "total": ctx.money(whole),
        "share": f"{ctx.share('general', whole, total(ctx, None, SPENDING)):.2f}",
        "change": ctx.change("general"), "variance": variance(ctx, "general"),
        "classes": classes, "functions": functions, "by_prior": by_prior}}


@provider(KIND, "basic")
def basic(ctx: Context) -> dict[str, Any]:
    """基本支出 and the names of the economic 款 with money, 人员经费 and 公用经费 apart."""
    ledger, dept = ctx.dept.ledger, ctx.dept
    economic = Filter(dimension=ECONOMIC)
    groups = ctx.spec["basic_groups"]
    names: dict[str, list[str]] = {key: [] for key in groups}
    for code in ledger.codes(economic, "economic"):
        for key, classes in groups.items():
            if code[:3] in classes and ledger.total(economic.narrow(economic=code)).value:
                names[key].append(dept.economic_name(code))
    amounts = {key: ledger.total(economic.narrow(kinds=frozenset({key}))).value
               for key in groups}
    return {"b": {"total": ctx.money(sum(amounts.values(), Decimal(0))),
                  **{key: ctx.money(value) for key, value in amounts.items()},
                  **{f"{key}_names": value for key, value in names.items()}}}


def _fund(ctx: Context, source: str, group: str) -> dict[str, Any]:
    s = [source]
    lines = ctx.dept.ledger.select(Filter(sources=ctx.dept.profile.source_set(s)))
    spending = ("basic", "project")
    selector = Filter(sources=ctx.dept.profile.source_set(s), kinds=frozenset(spending))
    purposes = {a["function"]: a.get("purpose") for a in ctx.dept.data.get("accounts") or []}
    items = [_function_names(ctx, code) | {
        "amount": ctx.money(total(ctx, s, spending, function=code)), "purpose": purposes.get(code),
        "variance": variance(ctx, f"{group}.functions.{code}")}
        for code in ctx.dept.ledger.codes(selector, "function")]
    return {"empty": not any(ln.amount for ln in lines),
            "income": ctx.money(total(ctx, s, ["income"])),
            "expense": ctx.money(total(ctx, s, spending)),
            "opening": ctx.money(total(ctx, s, ["opening"])),
            "closing": ctx.money(total(ctx, s, ["closing"])), "items": items}


@provider(KIND, "fund")
def fund(ctx: Context) -> dict[str, Any]:
    return {"fund": _fund(ctx, "fund_budget", "fund")}


@provider(KIND, "state_capital")
def state_capital(ctx: Context) -> dict[str, Any]:
    return {"fund": _fund(ctx, "state_capital_budget", "state_capital")}
