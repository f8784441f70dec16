"""Providers of the budget (预算) document's 情况说明: income, spending, 财政拨款, 一般公共预算."""

from __future__ import annotations

from typing import Any

from ..ledger import ECONOMIC, Filter
from ..numbers import share
from ..resources import data_file
from ..tables import render_line
from . import declared
from .context import Context, Money
from .providers import provider

KIND = "budget"


def grand_total(ctx: Context) -> Money:
    return ctx.money(ctx.total())


def classes(ctx: Context, sources: list[str] | None) -> list[dict[str, Any]]:
    """The function 类 with money from `sources`, each with its share and stated purpose."""
    selector = Filter(sources=ctx.dept.profile.source_set(sources) if sources else None)
    ledger = ctx.dept.ledger
    codes = sorted({line.function[:3] for line in ledger.select(selector) if line.amount})
    purposes = ctx.dept.data.get("class_purposes") or {}
    whole = ledger.total(selector).value
    found = []
    for code in codes:
        amount = ledger.total(selector.narrow(function=code)).value
        if amount:
            figure = f"general_budget.classes.{code}"
            found.append({"code": code, "name": ctx.dept.function_name(code),
                          "amount": ctx.money(amount), "share": ctx.share(figure, amount, whole),
                          "purpose": purposes.get(code, "")})
    return found


@provider(KIND, "overall")
def overall(ctx: Context) -> dict[str, Any]:
    return {"total": grand_total(ctx), "class_names": [k["name"] for k in classes(ctx, None)]}


@provider(KIND, "income", settings=("income_list", "income_items"))
def income(ctx: Context) -> dict[str, Any]:
    grand = ctx.total()
    names = [item["name"] for item in ctx.spec["income_list"]
             if ctx.total(sources=item["sources"])]
    items = []
    for item in ctx.spec["income_items"]:
        if not ctx.shown(item["id"]):
            continue
        change = ctx.change(item["id"])
        entry: dict[str, Any] = {"name": item["name"], "c": change,
                                 "share": ctx.share(item["id"], change.current.value, grand),
                                 "transfer_name": item.get("transfer_name"), "transfer": None}
        transfer = item.get("transfer")
        if transfer and ctx.shown(transfer) and (ctx.by_id[transfer].current or
                                                 ctx.by_id[transfer].prior):
            entry["transfer"] = ctx.change(transfer)
            entry["transfer_share"] = share(ctx.by_id[transfer].current, grand)
        items.append(entry)
    return {"income_names": names, "income_items": items}


@provider(KIND, "expenditure", compares=("expenditure.basic", "expenditure.project"))
def expenditure(ctx: Context) -> dict[str, Any]:
    grand = ctx.total()
    labels = data_file("labels.yaml")["spending"]
    return {"expenditure_items": [
        {"name": labels[k], "c": ctx.change(f"expenditure.{k}"),
         "share": ctx.share(f"expenditure.{k}", ctx.by_id[f"expenditure.{k}"].current, grand)}
        for k in ("basic", "project")]}


@provider(KIND, "fiscal", check=declared.missing_purposes, reads=("class_purposes",),
          settings=("fiscal_income",))
def fiscal(ctx: Context) -> dict[str, Any]:
    found = []
    for item in ctx.spec["fiscal_income"]:
        amount = ctx.total(sources=item["sources"])
        if amount:
            found.append({"name": item["name"], "spending": item["spending"],
                          "amount": ctx.money(amount), "classes": classes(ctx, item["sources"])})
    only_general = len(found) == 1 and found[0]["name"] == ctx.spec["fiscal_income"][0]["name"]
    return {"fiscal_total": ctx.money(ctx.total(sources=["fiscal"])), "fiscal_income": found,
            "only_general": only_general}


@provider(KIND, "general", compares=("general_budget.basic", "general_budget.project"))
def general(ctx: Context) -> dict[str, Any]:
    labels = data_file("labels.yaml")["spending"]
    dept = ctx.dept
    functions = []
    for c in ctx.by_id.values():
        if c.id.startswith("general_budget.functions.") and c.required:
            code = c.id.rsplit(".", 1)[1]
            functions.append({"code": code, "c": ctx.change(c.id),
                              "class_name": dept.function_name(code[:3]),
                              "kuan_name": dept.function_name(code[:5]),
                              "name": dept.function_name(code)})
    return {
        "general_total": ctx.money(ctx.total(sources=["general"])),
        "general_items": [{"name": labels["basic"], "c": ctx.change("general_budget.basic")},
                          {"name": labels["project"], "c": ctx.change("general_budget.project")}],
        "general_classes": classes(ctx, ["general"]),
        "general_functions": sorted(functions, key=lambda f: f["code"]),
    }


@provider(KIND, "basic", needs=("general_basic_economic",))
def basic(ctx: Context) -> dict[str, Any]:
    """基本支出 with the names of the economic 款 it lists (from the economic table's rows)."""
    personnel, operating = [], []
    for row in ctx.table("general_basic_economic").rows:
        if row.level != "kuan":
            continue
        code, name = row.addresses[0][0][:2]
        kind = ctx.dept.profile.kind_of_economic(code)
        (personnel if kind == "personnel" else operating).append(name)
    economic = Filter(dimension=ECONOMIC)
    ledger = ctx.dept.ledger
    return {"basic": {
        "total": ctx.money(ledger.total(economic).value),
        "personnel": ctx.money(ledger.total(economic.narrow(kinds=frozenset({"personnel"}))).value),
        "operating": ctx.money(ledger.total(economic.narrow(kinds=frozenset({"operating"}))).value),
        "personnel_names": personnel, "operating_names": operating}}


def project_amount(ctx: Context, index: int, sources: frozenset[str]) -> Any:
    return ctx.dept.ledger.total(Filter(entry=("projects", index), sources=sources)).computed


def _projects_of(ctx: Context, group: str) -> list[dict[str, Any]]:
    """The projects with money from `group` (general, fund, state_capital), each with that
    money and the officer's texts about it."""
    sources = ctx.dept.profile.source_set([group])
    found: list[dict[str, Any]] = []
    numerals = ctx.spec["paren_numerals"]
    for i, entry in enumerate(ctx.dept.data.get("projects") or []):
        amount = project_amount(ctx, i, sources)
        if not amount:
            continue
        found.append({
            "numeral": numerals[len(found)] if len(found) < len(numerals) else "",
            "name": entry["name"], "policy_basis": entry.get("policy_basis"),
            "amount": ctx.money(amount),
            "owner": entry.get("owner"), "allocation": entry.get("allocation"),
            "period": entry.get("period") or render_line(ctx.words["default_period"],
                                                         year=ctx.dept.year),
        })
    return found


PROJECT_SETTINGS = ("paren_numerals", "words.default_period")


@provider(KIND, "projects", settings=PROJECT_SETTINGS)
def projects(ctx: Context) -> dict[str, Any]:
    return {"general_projects": _projects_of(ctx, "general")}


def _fund_table(ctx: Context, role: str, group: str) -> dict[str, Any]:
    sources = ctx.dept.profile.source_set([group])
    ledger = ctx.dept.ledger
    total = ledger.total(Filter(sources=sources)).value
    basic_total = ledger.total(Filter(sources=sources, kinds=frozenset(
        {"basic", "personnel", "operating"}))).value
    return {"empty": not total, "empty_note": ctx.table(role).empty_note or "",
            "total": ctx.money(total), "basic": ctx.money(basic_total),
            "project": ctx.money(total - basic_total), "projects": _projects_of(ctx, group)}


@provider(KIND, "fund", needs=("fund",), settings=PROJECT_SETTINGS)
def fund(ctx: Context) -> dict[str, Any]:
    return {"fund": _fund_table(ctx, "fund", "fund")}


@provider(KIND, "state_capital", needs=("state_capital",), settings=PROJECT_SETTINGS)
def state_capital(ctx: Context) -> dict[str, Any]:
    return {"state_capital": _fund_table(ctx, "state_capital", "state_capital")}
