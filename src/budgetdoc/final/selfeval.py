"""The 绩效自评表 of a 决算: one 部门整体支出绩效自评表 and one 项目支出绩效自评表 per project,
printed after 情况说明十一, with their arithmetic.

执行率 = 全年执行数 / 全年预算数; 预算执行率得分 = 分值 × 执行率 (at most the 分值), half-up to
0.01; 总分 = Σ 指标得分 + 预算执行率得分. Indicator scores are the officer's (a scoring rule is
the region's and the seed follows none exactly). 年初预算数 come from the same year's 预算 file
when it is beside the 决算 (`budget.Initial`), else as typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..document import Cell, Row, Table
from ..ledger import Figure
from ..model import Department
from ..numbers import HUNDRED, ZERO, round_cent, to_wan
from ..performance import indicator_rows
from ..tables import render_line
from ..yamlload import PathKey
from .budget import initial

COLUMNS = ("initial", "full_year", "executed")


@dataclass
class Funds:
    initial: Decimal | None
    full_year: Decimal
    executed: Decimal


@dataclass
class Evaluation:
    kind: str  # department | project
    name: str
    path: PathKey
    rows: dict[str, Funds]  # department: superior/local/other; project: fiscal/other
    weight: Decimal  # 预算执行率的分值
    indicators: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> Funds:
        initials = [f.initial for f in self.rows.values()]
        return Funds(None if None in initials else sum((i or ZERO for i in initials), ZERO),
                     sum((f.full_year for f in self.rows.values()), ZERO),
                     sum((f.executed for f in self.rows.values()), ZERO))

    @property
    def rate(self) -> Decimal | None:
        """执行率 as a fraction, exact; None when 全年预算数 is 0."""
        total = self.total
        return None if not total.full_year else total.executed / total.full_year

    @property
    def rate_score(self) -> Decimal | None:
        rate = self.rate
        return None if rate is None else round_cent(min(self.weight * rate, self.weight))

    @property
    def indicator_weight(self) -> Decimal:
        return sum((Decimal(str(i["weight"])) for i in self.indicators), ZERO)

    @property
    def indicator_score(self) -> Decimal:
        return sum((Decimal(str(i["score"])) for i in self.indicators), ZERO)

    @property
    def score(self) -> Decimal | None:
        rate_score = self.rate_score
        return None if rate_score is None else self.indicator_score + rate_score


def _amount(dept: Department, value: Any) -> Decimal:
    return to_wan(Decimal(str(value)), dept.data["meta"]["unit"])


def _funds(dept: Department, typed: dict[str, Any], start: Decimal | None) -> Funds:
    given = typed.get("initial")
    return Funds(_amount(dept, given) if given is not None else start,
                 _amount(dept, typed.get("full_year", 0)), _amount(dept, typed.get("executed", 0)))


def evaluations(dept: Department) -> list[Evaluation]:
    """The self-evaluations in the order printed: the 整体 first, then the projects."""
    data = dept.data.get("performance") or {}
    weight = Decimal(str(dept.profile.data("narrative.yaml")["self_evaluation"]["weight"]))
    start = initial(dept)
    found: list[Evaluation] = []
    whole = data.get("department")
    if whole:
        funds = whole.get("funds") or {}
        rows = {key: _funds(dept, funds.get(key) or {}, start.funds.get(key))
                for key in ("superior", "local", "other")}
        found.append(Evaluation("department", dept.name, ("performance", "department"), rows,
                                weight, list(whole.get("indicators") or [])))
    for i, project in enumerate(data.get("projects") or []):
        funds = project.get("funds") or {}
        known = start.projects.get(project["name"], {})
        rows = {key: _funds(dept, funds.get(key) or {}, known.get(key))
                for key in ("fiscal", "other")}
        found.append(Evaluation("project", project["name"], ("performance", "projects", i),
                                rows, weight, list(project.get("indicators") or [])))
    return found


@dataclass
class Summary:
    department_tables: int
    department_full_year: Decimal
    department_executed: Decimal
    projects: int
    full_year: Decimal
    executed: Decimal


def summary(dept: Department) -> Summary:
    """What 情况说明十一 says of the tables: how many, and their 全年预算数 and 全年执行数."""
    found = evaluations(dept)
    whole = [e.total for e in found if e.kind == "department"]
    projects = [e.total for e in found if e.kind == "project"]
    return Summary(len(whole), sum((f.full_year for f in whole), ZERO),
                   sum((f.executed for f in whole), ZERO), len(projects),
                   sum((f.full_year for f in projects), ZERO),
                   sum((f.executed for f in projects), ZERO))


# --- the tables -----------------------------------------------------------------------------

def _money(value: Decimal | None) -> Cell:
    if value is None:
        return Cell("")
    return Cell(figure=Figure(value, value, frozenset()), blank_zero=False)


def _number(value: Any) -> str:
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def _fixed(value: Decimal, decimals: int) -> str:
    return str(value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def _operator(text: Any, operators: dict[str, str]) -> str:
    value = "" if text is None else str(text)
    for written, printed in operators.items():
        if value.startswith(written):
            return printed + value[len(written):]
    return value


def _scored_row(e: Evaluation, labels: dict[str, Any], lead: list[Cell]) -> Row:
    """The 年度总资金 row: amounts, 分值, 执行率 and 预算执行率得分 in the table's format."""
    total, rate, score = e.total, e.rate, e.rate_score
    suffix = labels["score_suffix"]
    rate_text = "" if rate is None else _fixed(rate * HUNDRED, labels["rate_decimals"]) + "%"
    score_text = "" if score is None else _fixed(score, labels["score_decimals"]) + suffix
    return Row([*lead, *(_money(getattr(total, c)) for c in COLUMNS), Cell(_number(e.weight)),
                Cell(rate_text), Cell(score_text)], "form")


def _fund_rows(e: Evaluation, labels: dict[str, Any], span: int) -> list[Row]:
    blank = labels["blank"]
    return [Row([Cell(labels["rows"][key], colspan=span),
                 *(_money(getattr(funds, c)) for c in COLUMNS),
                 *(Cell(blank) for _ in range(3))], "form")
            for key, funds in e.rows.items()]


def _indicators(e: Evaluation, columns: list[str], operators: dict[str, str]) -> list[Row]:
    grid = []
    for row in e.indicators:
        values = {**row, "target": _operator(row.get("target"), operators),
                  "actual": _operator(row.get("actual"), operators),
                  "weight": _number(row["weight"]), "score": _number(row["score"])}
        grid.append([values.get(c, "") for c in columns])
    return indicator_rows(grid, 2)


def _table(dept: Department, labels: dict[str, Any], rows: list[Row], columns: int,
           outline: str = "") -> Table:
    spec = dept.profile.data("narrative.yaml")["self_evaluation"]
    return Table(number=0, caption="", title=labels["title"], department_line="", unit_line="",
                 orientation="landscape" if columns > 8 else "portrait", header=[], rows=rows,
                 subtitle=render_line(spec["subtitle"], year=dept.year), kind="form",
                 outline=outline)


DEPARTMENT_FIELDS = ["level1", "level2", "name", "target", "basis", "actual", "weight", "score"]
PROJECT_FIELDS = ["level1", "level2", "name", "target", "actual", "weight", "score", "deviation"]


def department_table(dept: Department, e: Evaluation, data: dict[str, Any]) -> Table:
    spec = dept.profile.data("narrative.yaml")["self_evaluation"]
    labels = spec["department"]
    head = labels["columns"]
    rows = [
        Row([Cell(labels["name"]), Cell(dept.name, colspan=7)], "form"),
        Row([Cell(labels["funds"], rowspan=5), *(Cell(c) for c in head)], "form"),
        _scored_row(e, labels, [Cell(labels["rows"]["total"])]),
        *_fund_rows(e, labels, 1),
        Row([Cell(labels["goal"], rowspan=2), Cell(labels["goal_columns"][0], colspan=3),
             Cell(labels["goal_columns"][1], colspan=4)], "form"),
        Row([Cell(str(data.get("goal") or ""), colspan=3),
             Cell(str(data.get("outcome") or ""), colspan=4)], "form"),
        Row([Cell(c) for c in labels["indicator_columns"]], "form"),
        *_indicators(e, DEPARTMENT_FIELDS, spec["operators"]),
    ]
    return _table(dept, labels, rows, 8)


def project_table(dept: Department, e: Evaluation, data: dict[str, Any]) -> Table:
    spec = dept.profile.data("narrative.yaml")["self_evaluation"]
    labels = spec["project"]
    indicators = _indicators(e, PROJECT_FIELDS, spec["operators"])
    rows = [
        Row([Cell(labels["name"]), Cell(e.name, colspan=8)], "form"),
        Row([Cell(labels["owner"]), Cell(str(data.get("owner") or dept.name), colspan=3),
             Cell(labels["unit"], colspan=2), Cell(str(data.get("unit") or dept.name),
                                                   colspan=3)], "form"),
        Row([Cell(labels["funds"], rowspan=4), Cell(labels["columns"][0], colspan=2),
             *(Cell(c) for c in labels["columns"][1:])], "form"),
        _scored_row(e, labels, [Cell(labels["rows"]["total"], colspan=2)]),
        *_fund_rows(e, labels, 2),
        Row([Cell(labels["goal"], rowspan=2), Cell(labels["goal_columns"][0], colspan=4),
             Cell(labels["goal_columns"][1], colspan=4)], "form"),
        Row([Cell(str(data.get("goal") or ""), colspan=4),
             Cell(str(data.get("outcome") or ""), colspan=4)], "form"),
        Row([Cell(labels["indicators"], rowspan=len(indicators) + 1),
             *(Cell(c) for c in labels["indicator_columns"])], "form"),
        *indicators,
    ]
    score = e.score
    if labels["total_row"]:
        rows.append(Row([Cell(labels["total_label"], colspan=6),
                         Cell(_number(spec["total"])),
                         Cell("" if score is None else _fixed(score, labels["score_decimals"])
                              + labels["score_suffix"]), Cell("")], "form"))
    outline = render_line(labels["outline"], title=labels["title"], project=e.name)
    return _table(dept, labels, rows, 9, outline)


def tables(dept: Department) -> dict[str, Table]:
    """The self-evaluation tables by the name 情况说明十一's template places them with."""
    data = dept.data.get("performance") or {}
    found: dict[str, Table] = {}
    projects = data.get("projects") or []
    for e in evaluations(dept):
        if e.kind == "department":
            found["department_self_evaluation"] = department_table(dept, e, data["department"])
        else:
            index = int(e.path[-1])
            found[f"project_self_evaluation_{index + 1}"] = project_table(dept, e,
                                                                          projects[index])
    return found
