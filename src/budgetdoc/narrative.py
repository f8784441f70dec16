"""第一、三、四部分: the prose, from templates/narrative/*.j2 fed only computed values.

The context holds final figures (formatted by `Money` and `Rate`), direction words chosen
here from data, and the officer's free text. A template only places them in sentences. The
rendered text is a list of lines, one block each (see templates/narrative/README.md).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .diagnostics import Diagnostic, diagnostic
from .document import Block, Heading, Paragraph, Table
from .figures import Comparison
from .ledger import ECONOMIC, FUNCTION, Filter
from .model import Department
from .numbers import ZERO, change_rate, fmt_amount, round_cent, share
from .resources import TEMPLATES, data_file
from .tables import render_line


class Money:
    """An amount in 万元: prints `1,234.50`; `.bare` prints a zero as `0` (as the seeds do)."""

    def __init__(self, value: Decimal) -> None:
        self.value = value

    def __str__(self) -> str:
        return fmt_amount(self.value)

    def __bool__(self) -> bool:
        return round_cent(self.value) != 0

    @property
    def bare(self) -> str:
        return str(self) if self else "0"


@dataclass(frozen=True)
class Change:
    current: Money
    prior: Money
    word: str  # 增加 | 减少
    diff: Money  # absolute
    rate_word: str  # 增长 | 下降
    rate: str  # absolute, two decimals
    reason: str | None


@functools.cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES / "narrative"), autoescape=False,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def _spec(dept: Department) -> dict[str, Any]:
    spec: dict[str, Any] = data_file(f"profiles/{dept.profile.name}/narrative.yaml")
    return spec


Declared = dict[tuple[str, str], Decimal]  # (figure id, rate | share) → printed %


def computed_percent(dept: Department, comparisons: list[Comparison], figure: str,
                     kind: str) -> Decimal | None:
    """The rate or share the narrative prints for `figure`, or None if it prints none."""
    by_id = {c.id: c for c in comparisons}
    if kind == "rate":
        c = by_id.get(figure)
        return None if c is None or c.prior is None else change_rate(c.current, c.prior)
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
    tolerance = Decimal(str(data_file(f"profiles/{dept.profile.name}/sources.yaml")[
        "rate_tolerance"]))
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


class _Context:
    def __init__(self, dept: Department, comparisons: list[Comparison],
                 tables: list[Table], declared: Declared) -> None:
        self.dept = dept
        self.declared = declared
        self.spec = _spec(dept)
        self.words = self.spec["words"]
        self.by_id = {c.id: c for c in comparisons}
        self.tables = {t.number: t for t in tables}

    def total(self, **selector: Any) -> Decimal:
        sources = selector.pop("sources", None)
        return self.dept.ledger.total(Filter(
            sources=self.dept.profile.source_set(sources) if sources else None,
            **selector)).value

    def change(self, cid: str) -> Change:
        comparison = self.by_id[cid]
        current = comparison.current
        prior = comparison.prior if comparison.prior is not None else ZERO
        diff = current - prior
        reason = comparison.reason
        if not reason and current == 0 and prior == 0:
            what = self.spec["default_reason_what"].get(
                cid, self.spec["default_reason_what_fallback"])
            reason = render_line(self.spec["default_reason"], year=self.dept.year,
                                 prior_year=self.dept.year - 1, what=what)
        up = diff >= 0
        rate = self.declared.get((cid, "rate"), change_rate(current, prior))
        return Change(Money(current), Money(prior), self.words["up" if up else "down"],
                      Money(abs(diff)), self.words["rise" if up else "fall"],
                      f"{rate:.2f}", reason or None)

    def share(self, figure: str, part: Decimal, whole: Decimal) -> Decimal:
        return self.declared.get((figure, "share"), share(part, whole))

    def shown(self, cid: str) -> bool:
        return cid in self.by_id and self.by_id[cid].required

    # ---- 第一部分 -------------------------------------------------------------------

    def overview(self) -> dict[str, Any]:
        data = self.dept.data.get("overview") or {}
        staff = data.get("staff")
        kinds = []
        if staff:
            labels = data_file("labels.yaml")["staff"]
            for key in ("in_service", "retired", "lixiu"):
                c = self.by_id.get(f"staff.{key}")
                count = int(staff.get(key, 0))
                prior = int(c.prior) if c is not None and c.prior is not None else count
                kinds.append({"name": labels[key], "count": count, "diff": abs(count - prior),
                              "word": self.words["up" if count >= prior else "down"]})
        return {
            "functions": [line.strip() for line in str(data.get("functions", "")).splitlines()
                          if line.strip()],
            "units": data.get("subordinate_units") or [],
            "sections": data.get("sections") or [],
            "section_word": data.get("section_word") or self.words["default_section_word"],
            "sections_note": data.get("sections_note"),
            "staff": {"authorized": staff.get("authorized", 0), "actual": staff.get("actual", 0),
                      "kinds": kinds} if staff else None,
        }

    # ---- 第三部分 -------------------------------------------------------------------

    def classes(self, sources: list[str] | None) -> list[dict[str, Any]]:
        selector = Filter(sources=self.dept.profile.source_set(sources) if sources else None)
        codes = sorted({line.function[:3] for line in self.dept.ledger.select(selector)
                        if line.amount})
        purposes = self.dept.data.get("class_purposes") or {}
        whole = self.dept.ledger.total(selector).value
        found = []
        for code in codes:
            amount = self.dept.ledger.total(selector.narrow(function=code)).value
            if amount:
                figure = f"general_budget.classes.{code}"
                found.append({"code": code, "name": self.dept.function_name(code),
                              "amount": Money(amount),
                              "share": self.share(figure, amount, whole),
                              "purpose": purposes.get(code, "")})
        return found

    def income(self, grand: Decimal) -> dict[str, Any]:
        names = [item["name"] for item in self.spec["income_list"]
                 if self.total(sources=item["sources"])]
        items = []
        for item in self.spec["income_items"]:
            if not self.shown(item["id"]):
                continue
            change = self.change(item["id"])
            entry: dict[str, Any] = {"name": item["name"], "c": change,
                                     "share": self.share(item["id"], change.current.value,
                                                         grand),
                                     "transfer_name": item.get("transfer_name"),
                                     "transfer": None}
            transfer = item.get("transfer")
            if transfer and self.shown(transfer) and (self.by_id[transfer].current or
                                                      self.by_id[transfer].prior):
                entry["transfer"] = self.change(transfer)
                entry["transfer_share"] = share(self.by_id[transfer].current, grand)
            items.append(entry)
        return {"income_names": names, "income_items": items}

    def fiscal(self) -> dict[str, Any]:
        found = []
        for item in self.spec["fiscal_income"]:
            amount = self.total(sources=item["sources"])
            if amount:
                found.append({"name": item["name"], "spending": item["spending"],
                              "amount": Money(amount), "classes": self.classes(item["sources"])})
        only_general = len(found) == 1 and found[0]["name"] == self.spec["fiscal_income"][0]["name"]
        return {"fiscal_total": Money(self.total(sources=["fiscal"])), "fiscal_income": found,
                "only_general": only_general}

    def general(self) -> dict[str, Any]:
        labels = data_file("labels.yaml")["spending"]
        general_total = self.total(sources=["general"])
        functions = []
        for c in self.by_id.values():
            if c.id.startswith("general_budget.functions.") and c.required:
                code = c.id.rsplit(".", 1)[1]
                functions.append({"code": code, "c": self.change(c.id),
                                  "class_name": self.dept.function_name(code[:3]),
                                  "kuan_name": self.dept.function_name(code[:5]),
                                  "name": self.dept.function_name(code)})
        return {
            "general_total": Money(general_total),
            "general_items": [{"name": labels["basic"], "c": self.change("general_budget.basic")},
                              {"name": labels["project"],
                               "c": self.change("general_budget.project")}],
            "general_classes": self.classes(["general"]),
            "general_functions": sorted(functions, key=lambda f: f["code"]),
        }

    def basic(self) -> dict[str, Any]:
        table = self.tables.get(6)
        personnel, operating = [], []
        for row in table.rows if table else []:
            names = row.addresses[0][0]
            if row.level != "kuan":
                continue
            code, name = names[0], names[1]
            kind = self.dept.profile.kind_of_economic(code)
            (personnel if kind == "personnel" else operating).append(name)
        economic = Filter(dimension=ECONOMIC)
        ledger = self.dept.ledger
        return {"basic": {
            "total": Money(ledger.total(economic).value),
            "personnel": Money(ledger.total(economic.narrow(
                kinds=frozenset({"personnel"}))).value),
            "operating": Money(ledger.total(economic.narrow(
                kinds=frozenset({"operating"}))).value),
            "personnel_names": personnel, "operating_names": operating}}

    def projects(self) -> dict[str, Any]:
        general = self.dept.profile.source_set(["general"])
        found = []
        numerals = self.spec["paren_numerals"]
        for i, entry in enumerate(self.dept.data.get("projects") or []):
            amount = sum((ln.amount for ln in self.dept.ledger.lines
                          if ln.path[:2] == ("projects", i) and ln.dimension == FUNCTION
                          and ln.source in general), ZERO)
            if not amount:
                continue
            found.append({
                "numeral": numerals[len(found)] if len(found) < len(numerals) else "",
                "name": entry["name"], "policy_basis": entry.get("policy_basis"),
                "amount": Money(amount),
                "owner": entry.get("owner"), "allocation": entry.get("allocation"),
                "period": entry.get("period") or render_line(self.words["default_period"],
                                                             year=self.dept.year),
            })
        return {"general_projects": found}

    def budget_table(self, number: int, group: str) -> dict[str, Any]:
        table = self.tables.get(number)
        sources = self.dept.profile.source_set([group])
        total = self.dept.ledger.total(Filter(sources=sources)).value
        basic = self.dept.ledger.total(Filter(sources=sources, kinds=frozenset(
            {"basic", "personnel", "operating"}))).value
        return {"empty": not total, "empty_note": table.empty_note if table else "",
                "total": Money(total), "basic": Money(basic), "project": Money(total - basic)}

    def sangong(self) -> dict[str, Any]:
        labels = data_file("labels.yaml")["sangong"]
        order = ["outbound", "vehicle_purchase", "vehicle_operation", "reception"]
        items = [{"name": labels[k], "c": self.change(f"sangong.{k}")} for k in order]
        return {"sangong": {"total": self.change("sangong.total"), "items": items,
                            "changes": items}}

    def carryover(self) -> dict[str, Any]:
        entries = self.dept.data.get("carryover") or []
        table = self.tables.get(11)
        listed, classified = [], []
        for i, entry in enumerate(entries):
            amount = self.dept.ledger.total(Filter(items=frozenset({str(i)}))).value
            item = {"name": entry["name"], "amount": Money(amount),
                    "purpose": entry.get("purpose")}
            (classified if entry.get("classified") else listed).append(item)
        return {"carryover": {
            "empty": not entries, "empty_note": table.empty_note if table else "",
            "total": Money(self.total(sources=["carryover"])),
            "fiscal": Money(self.total(sources=["carryover_fiscal"])),
            "nonfiscal": Money(self.total(sources=["carryover_nonfiscal"])),
            "items": listed, "classified": classified}}

    def other(self, grand: Decimal, performance_tables: list[str]) -> dict[str, Any]:
        data = self.dept.data
        unit = data["meta"]["unit"]
        from .numbers import to_wan

        def money(value: Any) -> Money:
            return Money(to_wan(Decimal(str(value or 0)), unit))

        procurement = None
        if data.get("procurement"):
            p = data["procurement"]
            goods, works, services = money(p.get("goods")), money(p.get("works")), money(
                p.get("services"))
            procurement = {"goods": goods, "works": works, "services": services,
                           "total": Money(goods.value + works.value + services.value),
                           "sme": money(p.get("sme_reserved")),
                           "small_micro": money(p.get("small_micro_reserved"))}
        assets = None
        if data.get("assets"):
            a = data["assets"]
            labels = data_file("labels.yaml")["vehicles"]
            vehicles = a.get("vehicles") or {}
            kinds = [{"name": labels[k], "count": (vehicles.get(k) or {}).get("count", 0),
                      "value": money((vehicles.get(k) or {}).get("value"))}
                     for k in ("general", "law_enforcement", "other")]
            budgeted = a.get("budgeted") or {}
            as_of = a.get("as_of") or f"{self.dept.year - 1}"
            assets = {
                "year": as_of[:4],
                "area": fmt_amount(Decimal(str((a.get("buildings") or {}).get("area", 0)))),
                "buildings": money((a.get("buildings") or {}).get("value")),
                "vehicles": {"count": sum(k["count"] for k in kinds),
                             "value": Money(sum((k["value"].value for k in kinds), ZERO))},
                "vehicle_kinds": kinds, "furniture": money(a.get("furniture")),
                "other": money(a.get("other")), "over_50": a.get("equipment_over_50", 0),
                "over_100": a.get("equipment_over_100", 0),
                "unit": a.get("equipment_unit") or self.words["default_equipment_unit"],
                "budgeted_vehicles": budgeted.get("vehicles", 0),
                "budgeted_50": budgeted.get("equipment_over_50", 0),
                "budgeted_100": budgeted.get("equipment_over_100", 0),
            }
        fiscal = self.dept.profile.source_set(["fiscal"])
        current = self.dept.profile.source_set(["current"])
        fiscal_count = other_count = 0
        fiscal_amount = other_amount = ZERO
        for i, _ in enumerate(data.get("projects") or []):
            lines = [ln for ln in self.dept.ledger.lines
                     if ln.path[:2] == ("projects", i) and ln.dimension == FUNCTION]
            f = sum((ln.amount for ln in lines if ln.source in fiscal), ZERO)
            o = sum((ln.amount for ln in lines if ln.source in current - fiscal), ZERO)
            fiscal_count += bool(f)
            other_count += bool(o)
            fiscal_amount += f
            other_amount += o
        return {
            "operating": self.change("operating_costs"),
            "procurement": procurement, "assets": assets,
            "performance": {"fiscal_count": fiscal_count, "fiscal_amount": Money(fiscal_amount),
                            "other_count": other_count, "other_amount": Money(other_amount),
                            "tables": performance_tables},
            "other_matters": data.get("other_matters") or self.words["default_other_matters"],
        }


def _blocks(text: str, tables: dict[str, Table]) -> list[Block]:
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("### "):
            blocks.append(Heading(line[4:], 3))
        elif line.startswith("## "):
            blocks.append(Heading(line[3:], 2))
        elif line.startswith("- "):
            blocks.append(Paragraph(line[2:], "item"))
        elif line.startswith("@table:"):
            blocks.append(tables[line[len("@table:"):]])
        else:
            blocks.append(Paragraph(line))
    return blocks


SECTIONS = ("s01_overall", "s02_income", "s03_expenditure", "s04_fiscal", "s05_general",
            "s06_basic", "s07_projects", "s08_fund", "s09_state_capital", "s10_sangong",
            "s11_carryover", "s12_other")


def build(dept: Department, comparisons: list[Comparison], tables: list[Table],
          performance: dict[str, Table], declared: Declared) -> dict[str, list[Block]]:
    """The blocks of parts 1, 3 and 4, keyed overview / explanation / glossary."""
    ctx = _Context(dept, comparisons, tables, declared)
    grand = ctx.total()
    expenditure_labels = data_file("labels.yaml")["spending"]
    values: dict[str, Any] = {"d": dept.name, "y": dept.year, "py": dept.year - 1,
                              "total": Money(grand),
                              "class_names": [k["name"] for k in ctx.classes(None)]}
    values |= ctx.income(grand)
    values["expenditure_items"] = [
        {"name": expenditure_labels[k], "c": ctx.change(f"expenditure.{k}"),
         "share": ctx.share(f"expenditure.{k}", ctx.by_id[f"expenditure.{k}"].current, grand)}
        for k in ("basic", "project")]
    values |= ctx.fiscal()
    values |= ctx.general()
    values |= ctx.basic()
    values |= ctx.projects()
    values["fund"] = ctx.budget_table(8, "fund")
    values["state_capital"] = ctx.budget_table(9, "state_capital")
    values |= ctx.sangong()
    values |= ctx.carryover()
    values |= ctx.other(grand, list(performance))
    env = _environment()
    explanation = "".join(env.get_template(f"{name}.j2").render(**values) for name in SECTIONS)
    overview = env.get_template("overview.j2").render(d=dept.name, **ctx.overview())
    glossary = env.get_template("glossary.j2").render(glossary=glossary_terms(dept))
    return {"overview": _blocks(overview, performance),
            "explanation": _blocks(explanation, performance),
            "glossary": _blocks(glossary, performance)}


def glossary_terms(dept: Department) -> list[dict[str, str]]:
    """The region's terms, each replaced or followed by the department's own."""
    spec = _spec(dept)
    terms = {g["term"]: g["text"] for g in spec["glossary"]}
    for g in dept.data.get("glossary") or []:
        terms[g["term"]] = g["text"]
    numerals = spec["numerals"]
    return [{"numeral": numerals[i] if i < len(numerals) else str(i + 1), "term": t, "text": x}
            for i, (t, x) in enumerate(terms.items())]
