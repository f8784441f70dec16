"""The performance-target tables of 第三部分十二（四）, as form tables of the document model.

Labels come from narrative.yaml; amounts are ledger figures; indicator rows are the
officer's text. Consecutive equal 一级/二级 indicator cells are merged, as the seeds print.
"""

from __future__ import annotations

from typing import Any

from .document import Cell, Row, Table
from .ledger import FUNCTION, Filter, Ledger
from .model import Department
from .tables import render_line


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def indicator_rows(rows: list[list[Any]], merge_columns: int) -> list[Row]:
    """Indicator rows, merging runs of equal text in the first `merge_columns` columns."""
    grid = [[_text(v) for v in row] for row in rows]
    spans: list[list[int]] = [[1] * len(r) for r in grid]  # rowspan at a run's first row
    for column in range(merge_columns):
        start = 0
        for i in range(1, len(grid) + 1):
            same = (i < len(grid) and grid[i][column] == grid[start][column]
                    and all(grid[i][c] == grid[start][c] for c in range(column)))
            if not same:
                spans[start][column] = i - start
                for covered in range(start + 1, i):
                    spans[covered][column] = 0
                start = i
    out = []
    for values, row_spans in zip(grid, spans, strict=True):
        cells = [Cell(v, rowspan=n) for v, n in zip(values, row_spans, strict=True) if n]
        out.append(Row(cells, "form"))
    return out


def _amount(ledger: Ledger, selector: Filter) -> Cell:
    return Cell(figure=ledger.total(selector), colspan=2, blank_zero=False)


def _form(dept: Department, title: str, rows: list[Row], columns: int,
          outline: str = "") -> Table:
    spec = dept.profile.data("narrative.yaml")["performance_tables"]
    return Table(number=0, caption="", title=title, department_line="", unit_line="",
                 orientation="landscape" if columns > 6 else "portrait", header=[], rows=rows,
                 subtitle=render_line(spec["subtitle"], year=dept.year), kind="form",
                 outline=outline)


def department_table(dept: Department) -> Table | None:
    data = (dept.data.get("performance") or {}).get("department")
    if not data:
        return None
    narrative = dept.profile.data("narrative.yaml")
    labels = narrative["performance_tables"]["department"]
    funds = narrative["performance_funds"]
    ledger = dept.ledger

    def sources(key: str) -> Filter:
        return Filter(dimension=FUNCTION, sources=dept.profile.source_set(funds[key]))

    rows = [
        Row([Cell(labels["name"], colspan=2), Cell(dept.name, colspan=4)], "form"),
        Row([Cell(labels["contact"], colspan=2), Cell(_text(data.get("contact"))),
             Cell(labels["phone"]), Cell(_text(data.get("phone")), colspan=2)], "form"),
        Row([Cell(labels["goal"], colspan=2), Cell(_text(data.get("goal")), colspan=4)], "form"),
        Row([Cell(labels["budget"], rowspan=4, colspan=2), Cell(labels["funds_source"], colspan=2),
             Cell(labels["funds_total"], colspan=2)], "form"),
        Row([Cell(labels["fiscal"], rowspan=2), Cell(labels["superior"]),
             _amount(ledger, sources("superior"))], "form"),
        Row([Cell(labels["local"]), _amount(ledger, sources("local"))], "form"),
        Row([Cell(labels["other_funds"]), Cell(labels["other"]),
             _amount(ledger, sources("other"))], "form"),
        Row([Cell(c) for c in labels["columns"]], "form"),
        *indicator_rows(data.get("indicators") or [], 2),
    ]
    return _form(dept, labels["title"], rows, 6)


def _project_funds(dept: Department, name: str) -> tuple[Cell, Cell, Cell]:
    """年度预算总额, 其中：财政拨款 and 其他资金 of the project entered under `name`: the lines
    of its own entry, never a carry-over item that shares the name."""
    index = {p["name"]: i for i, p in enumerate(dept.data.get("projects") or [])}
    entry = Filter(entry=("projects", index[name]) if name in index else ("",))  # ("",): none
    fiscal = dept.profile.source_set(["fiscal"])
    others = frozenset(dept.profile.sources) - fiscal
    return (Cell(figure=dept.ledger.total(entry), blank_zero=False),
            Cell(figure=dept.ledger.total(entry.narrow(sources=fiscal)), blank_zero=False),
            Cell(figure=dept.ledger.total(entry.narrow(sources=others)), colspan=2,
                 blank_zero=False))


def _project_unit(dept: Department, name: str) -> str:
    """The 预算单位 of a project's table: the unit the project names, else the department."""
    for project in dept.data.get("projects") or []:
        if project["name"] == name and project.get("owner"):
            return str(project["owner"])
    return dept.name


def project_tables(dept: Department) -> list[Table]:
    spec = dept.profile.data("narrative.yaml")["performance_tables"]
    labels = spec["project"]
    tables = []
    for data in (dept.data.get("performance") or {}).get("projects") or []:
        total, in_fiscal, other = _project_funds(dept, data["project"])
        rows = [
            Row([Cell(labels["unit"], colspan=2),
                 Cell(_project_unit(dept, data["project"]), colspan=7)], "form"),
            Row([Cell(labels["name"], colspan=2), Cell(data["project"], colspan=4),
                 Cell(labels["manager"]), Cell(_text(data.get("manager")), colspan=2)], "form"),
            Row([Cell(labels["funds"], colspan=2), Cell(labels["total"]), total,
                 Cell(labels["fiscal"]), in_fiscal, Cell(labels["other"]), other], "form"),
            Row([Cell(labels["goal"], colspan=2), Cell(_text(data.get("goal")), colspan=7)],
                "form"),
            Row([Cell(c) for c in labels["columns"]], "form"),
            *indicator_rows(data.get("indicators") or [], 2),
        ]
        outline = render_line(labels["outline"], title=labels["title"], project=data["project"])
        tables.append(_form(dept, labels["title"], rows, 9, outline))
    return tables


def tables(dept: Department) -> dict[str, Table]:
    """The performance tables by the name the narrative template refers to them with (none
    where the profile's narrative.yaml lays out no performance tables)."""
    found: dict[str, Table] = {}
    if "performance_tables" not in dept.profile.data("narrative.yaml"):
        return found
    department = department_table(dept)
    if department is not None:
        found["department_performance"] = department
    for i, table in enumerate(project_tables(dept)):
        found[f"project_performance_{i + 1}"] = table
    return found
