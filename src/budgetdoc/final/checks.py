"""Checks of a 决算: the identities of its facts (FINAL-ACCOUNTS.md §4 "How the numbers
relate") that do not hold by construction, its comparisons with the budget and last year,
and the self-evaluation arithmetic.

Sums of printed figures (本年收入合计 = Σ 一…八, 类 = Σ 款 …) are checked on the tables
(checks.table_identities, each under its identity's rule). Here: 收入总计 = 支出总计, each 财政
拨款 fund's carry-over balance, 基本支出 by function = by economic 款, the 三公 against table 6,
政府采购 and vehicle facts, the 整体 self-evaluation against 本年支出合计, the 预决算 reasons.
"""

from __future__ import annotations

from decimal import Decimal

from .. import checks, rules
from ..diagnostics import Diagnostic, diagnostic
from ..figures import Comparison
from ..ledger import ECONOMIC, FUNCTION, SANGONG, Filter
from ..model import Department
from ..narrative import Declared, declared
from ..numbers import D, fmt_amount, round_cent, to_wan
from .selfeval import evaluations, summary
from .variance import variances

SPENDING = frozenset({"basic", "project", "remit", "operation", "subsidy"})
FUNDS = ("general_budget", "fund_budget", "state_capital_budget")


def _sum(dept: Department, kinds: set[str] | frozenset[str], sources: frozenset[str] | None
         = None, function: str = "") -> Decimal:
    return dept.ledger.total(Filter(kinds=frozenset(kinds), sources=sources,
                                    function=function)).value


def _first_line(dept: Department, kinds: frozenset[str]):  # type: ignore[no-untyped-def]
    lines = dept.ledger.select(Filter(kinds=kinds))
    return dept.locate(lines[0].path) if lines else dept.locate(("accounts",))


def summary_balance(dept: Department) -> list[Diagnostic]:
    """收入总计 = 支出总计 (收入支出决算总表)."""
    income = _sum(dept, {"income", "surplus_used", "opening"})
    expense = _sum(dept, SPENDING | {"distribution", "closing"})
    if round_cent(income) == round_cent(expense):
        return []
    return [diagnostic("final.summary.balance", _first_line(dept, frozenset({"income"})),
                       income=fmt_amount(income), expense=fmt_amount(expense),
                       diff=fmt_amount(abs(income - expense)))]


def fund_balance(dept: Department) -> list[Diagnostic]:
    """Each 财政拨款 fund: 年初 + 本年收入 = 本年支出 + 年末 (财政拨款收入支出决算总表 by column);
    the 政府性基金 and 国有资本经营 funds also per 项 (their tables' rows)."""
    found: list[Diagnostic] = []
    for fund in FUNDS:
        source = frozenset({fund})
        name = dept.profile.sources[fund]["name"]
        rows = [] if fund == "general_budget" else dept.ledger.codes(Filter(sources=source),
                                                                      "function")
        codes = ["", *rows]
        for code in codes:
            left = _sum(dept, {"opening", "income"}, source, code)
            right = _sum(dept, {"basic", "project", "closing"}, source, code)
            if round_cent(left) == round_cent(right):
                continue
            rule = "final.fund.balance" if not code else "final.fund.row_balance"
            lines = dept.ledger.select(Filter(sources=source, function=code))
            found.append(diagnostic(rule, dept.locate(lines[0].path), fund=name,
                                    code=code, name=dept.function_name(code) if code else "",
                                    left=fmt_amount(left), right=fmt_amount(right),
                                    diff=fmt_amount(abs(left - right))))
            if not code:
                break  # the fund as a whole is off: its rows add nothing to locate it
    return found


def nonfiscal_balance(dept: Department) -> list[Diagnostic]:
    """The non-财政拨款 part: 年初 + 本年收入 + 使用非财政拨款结余 = 本年支出 + 结余分配 + 年末."""
    fiscal = dept.profile.source_set(["fiscal"])
    other = frozenset(dept.profile.sources) - fiscal
    left = _sum(dept, {"opening", "income", "surplus_used"}, other)
    right = _sum(dept, SPENDING | {"distribution", "closing"}, other)
    if round_cent(left) == round_cent(right):
        return []
    return [diagnostic("final.nonfiscal.balance", _first_line(dept, frozenset({"income"})),
                       left=fmt_amount(left), right=fmt_amount(right),
                       diff=fmt_amount(abs(left - right)))]


def sangong_by_economic(dept: Department) -> list[Diagnostic]:
    """Table 6 公务接待费 / 公务用车运行维护费 / 公务用车购置 ≤ the 三公 决算数 (which also
    counts 三公 paid from 项目支出)."""
    found: list[Diagnostic] = []
    for item, code in dept.profile.sangong_economic.items():
        actual = dept.ledger.total(Filter(dimension=SANGONG, kinds=frozenset({"actual"}),
                                          items=frozenset({item}))).value
        economic = dept.ledger.total(Filter(dimension=ECONOMIC, economic=code)).value
        if round_cent(economic) > round_cent(actual):
            found.append(diagnostic(
                "final.sangong.economic", dept.locate(("basic_economic", code), key=True),
                code=code, name=dept.economic_name(code), economic=fmt_amount(economic),
                item=dept.profile.data("narrative.yaml")["sangong"][item]["name"],
                actual=fmt_amount(actual)))
    return found


def vehicles(dept: Department) -> list[Diagnostic]:
    """公务用车保有量 ≠ 国有资产中的车辆: the narrative must say why."""
    data = (dept.data.get("sangong") or {}).get("vehicles") or {}
    kinds = dept.profile.data("narrative.yaml")["vehicle_kinds"]
    owned = sum(int(((dept.data.get("assets") or {}).get("vehicles") or {}).get(k["key"], 0))
                for k in kinds)
    held = int(data.get("held", 0))
    if held == owned or str(data.get("difference_reason") or "").strip():
        return []
    return [diagnostic("final.sangong.vehicles", dept.locate(("sangong", "vehicles", "held")),
                       held=held, owned=owned)]


def procurement(dept: Department) -> list[Diagnostic]:
    """授予小微企业 ≤ 授予中小企业 ≤ 政府采购支出总额."""
    data = dept.data.get("procurement") or {}
    unit = dept.data["meta"]["unit"]

    def amount(key: str) -> Decimal:
        return to_wan(D(data.get(key) or 0), unit)

    total = amount("goods") + amount("works") + amount("services")
    found = []
    for part, whole, value in (("sme", "total", total), ("small_micro", "sme", amount("sme"))):
        if amount(part) > value:
            labels = dept.profile.data("narrative.yaml")["procurement_labels"]
            found.append(diagnostic("final.procurement", dept.locate(("procurement", part)),
                                    part=labels[part], amount=fmt_amount(amount(part)),
                                    whole=labels[whole], total=fmt_amount(value)))
    return found


def self_evaluation(dept: Department) -> list[Diagnostic]:
    """Weights add up, scores within their weights, a docked score has its reason, 执行率 can
    be computed, 年初预算数 are known, and the 整体 table spent what table 1 spent."""
    spec = dept.profile.data("narrative.yaml")["self_evaluation"]
    found: list[Diagnostic] = []
    for e in evaluations(dept):
        title = e.name
        if e.indicators and e.indicator_weight != Decimal(str(spec["indicator_total"])):
            found.append(diagnostic("final.selfeval.weights",
                                    dept.locate((*e.path, "indicators")), table=title,
                                    sum=_plain(e.indicator_weight),
                                    expected=spec["indicator_total"]))
        for i, row in enumerate(e.indicators):
            where = dept.locate((*e.path, "indicators", i, "score"))
            score, weight = Decimal(str(row["score"])), Decimal(str(row["weight"]))
            if score > weight:
                found.append(diagnostic("final.selfeval.score", where, table=title,
                                        indicator=row["name"], score=_plain(score),
                                        weight=_plain(weight)))
            elif (score < weight and e.kind == "project"
                  and not str(row.get("deviation") or "").strip()):
                found.append(diagnostic("final.selfeval.deviation", where, table=title,
                                        indicator=row["name"], score=_plain(score),
                                        weight=_plain(weight)))
        total = e.total
        if not total.full_year:
            found.append(diagnostic("final.selfeval.no_budget",
                                    dept.locate((*e.path, "funds")), table=title))
        elif total.executed > total.full_year:
            found.append(diagnostic("final.selfeval.over_budget",
                                    dept.locate((*e.path, "funds")), table=title,
                                    executed=fmt_amount(total.executed),
                                    full_year=fmt_amount(total.full_year)))
        if total.initial is None:
            found.append(diagnostic("final.selfeval.initial_missing",
                                    dept.locate((*e.path, "funds")), table=title))
    return found + _executed(dept)


def _executed(dept: Department) -> list[Diagnostic]:
    """情况说明十一: the 整体 table's 全年执行数 is the year's 本年支出合计."""
    found = summary(dept)
    spent = _sum(dept, SPENDING)
    if not found.department_tables or round_cent(found.department_executed) == round_cent(
            spent):
        return []
    return [diagnostic("final.selfeval.executed",
                       dept.locate(("performance", "department", "funds")),
                       executed=fmt_amount(found.department_executed),
                       spent=fmt_amount(spent))]


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def variance_reasons(dept: Department) -> list[Diagnostic]:
    """Each 预决算 comparison the document prints has its budget, and a reason when they
    differ; a budget of 0 against spending cannot give a rate."""
    found: list[Diagnostic] = []
    for v in variances(dept):
        where = dept.locate(v.path, key=True)
        fields = {"item": v.label, "actual": fmt_amount(v.actual)}
        if v.budget is None:
            found.append(diagnostic("final.variance.no_budget", where, **fields))
            continue
        fields["budget"] = fmt_amount(v.budget)
        if not v.budget and v.actual:
            found.append(diagnostic("final.variance.zero_budget", where, **fields))
        if round_cent(v.budget) != round_cent(v.actual) and not (v.reason or "").strip():
            found.append(diagnostic("final.variance.reason", where, **fields))
    return found


def carryover_continuity(dept: Department, comparisons: list[Comparison]) -> list[Diagnostic]:
    """This year's 年初结转和结余 = last year's 年末 (a warning: funds returned to the treasury
    or other adjustments break it legitimately)."""
    found = []
    for c in comparisons:
        if c.id.startswith("carryover.") and c.id.endswith("opening") and c.prior is not None \
                and round_cent(c.prior) != round_cent(c.current):
            lines = dept.ledger.select(Filter(dimension=FUNCTION, kinds=frozenset({"opening"})))
            where = dept.locate(lines[0].path) if lines else dept.locate(("accounts",))
            found.append(diagnostic("final.carryover.continuity", where, item=c.label,
                                    current=fmt_amount(c.current), prior=fmt_amount(c.prior)))
    return found


def department_checks(dept: Department) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for check in (summary_balance, fund_balance, nonfiscal_balance, sangong_by_economic,
                  vehicles, procurement, self_evaluation, variance_reasons,
                  checks.operating_costs_match, checks.staff_counts, rules.file_year,
                  rules.future_year):
        found += check(dept)
    return found + checks.basic_by_economic(dept, "final.basic.by_economic")


def narrative_checks(dept: Department,
                     comparisons: list[Comparison]) -> tuple[Declared, list[Diagnostic]]:
    figures, found = declared.declared_figures(dept, comparisons)
    return figures, found + carryover_continuity(dept, comparisons)
