"""The eleven tables of 第二部分, built from the ledger by the layouts in tables.yaml.

Each layout is a way of generating rows (a function-classification tree, an economic tree,
projects under their 项, fixed rows, carry-over items, a two-sided balance); the columns are
filters from the profile. Nothing here knows a table by number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment, StrictUndefined

from .document import Cell, HeaderCell, Row, Table
from .ledger import ECONOMIC, FUNCTION, PROJECT_ECONOMIC, SANGONG, Filter
from .model import Department
from .resources import data_file

_TEXT = Environment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False)


def render_line(template: str, **values: Any) -> str:
    return _TEXT.from_string(template).render(**values)


def _numeral(department: Department, number: int) -> str:
    numerals: list[str] = department.profile.data("narrative.yaml")["numerals"]
    return numerals[number - 1]


def _header(spec: list[list[Any]], numbers: list[str] | None) -> list[list[HeaderCell]]:
    rows = [
        [HeaderCell(c) if isinstance(c, str) else HeaderCell(c["text"], c.get("colspan", 1),
                                                             c.get("rowspan", 1)) for c in row]
        for row in spec
    ]
    if numbers:
        rows.append([HeaderCell(n) for n in numbers])
    return rows


class _Context:
    def __init__(self, department: Department, spec: dict[str, Any], dimension: str) -> None:
        self.dept = department
        self.spec = spec
        self.profile = department.profile
        self.columns = [self.profile.selector(c, dimension) for c in spec.get("columns", [])]
        self.total_label: str = self.profile.tables["total_label"]

    def figures(self, narrow: Callable[[Filter], Filter]) -> dict[int, Cell]:
        return {i + 1: Cell(figure=self.dept.ledger.total(narrow(sel)))
                for i, sel in enumerate(self.columns)}

    def row(self, texts: list[str], level: str, names: tuple[str, ...],
            narrow: Callable[[Filter], Filter], parent: int | None) -> Row:
        amounts = self.figures(narrow)
        return Row([Cell(t) for t in texts] + list(amounts.values()), level,
                   [(names, amounts)], parent)

    def codes(self, attribute: str, prefix_len: int | None = None) -> list[str]:
        found: set[str] = set()
        for sel in self.columns:
            found.update(self.dept.ledger.codes(sel, attribute))
        return sorted(found)


def _tree(ctx: _Context, attribute: str, levels: list[tuple[int, str]],
          name: Callable[[str], str], lead: list[str]) -> list[Row]:
    """Rows 总计, then every level of the code tree that has money in some column."""
    leaves = ctx.codes(attribute)
    total = ctx.total_label
    rows = [ctx.row([*lead, total], "total", (total,), lambda s: s, None)]
    parents: dict[int, int] = {}
    seen: set[str] = set()
    for code in leaves:
        for depth, (length, level) in enumerate(levels):
            prefix = code[:length]
            if prefix in seen:
                continue
            seen.add(prefix)
            pieces = [code[:3], code[3:5], code[5:7]][: len(lead)]
            texts = [p if i <= depth else "" for i, p in enumerate(pieces)]
            parent = parents.get(depth - 1, 0) if depth else 0
            rows.append(ctx.row([*texts, name(prefix)], level, (prefix, name(prefix)),
                                lambda s, p=prefix: s.narrow(**{attribute: p}), parent))
            parents[depth] = len(rows) - 1
    return rows


def _function_tree(ctx: _Context) -> list[Row]:
    return _tree(ctx, "function", [(3, "class"), (5, "kuan"), (7, "xiang")],
                 ctx.dept.function_name, ["", "", ""])


def _economic_tree(ctx: _Context) -> list[Row]:
    return _tree(ctx, "economic", [(3, "class"), (5, "kuan")], ctx.dept.economic_name, ["", ""])


def _project_tree(ctx: _Context) -> list[Row]:
    dept = ctx.dept
    total = ctx.total_label
    rows = [ctx.row(["", "", "", total, ""], "total", (total,), lambda s: s, None)]
    rows.append(ctx.row(["", "", "", dept.name, ""], "department", (dept.name,),
                        lambda s: s, 0))
    lines = [ln for sel in ctx.columns for ln in dept.ledger.select(sel) if ln.amount]
    projects: dict[tuple[str, str], None] = {}
    for line in sorted(lines, key=lambda ln: ln.function):
        projects.setdefault((line.function, line.project), None)
    parents = {0: 1}
    seen: set[str] = set()
    for code, project in projects:
        for depth, length in enumerate((3, 5)):
            prefix = code[:length]
            if prefix not in seen:
                seen.add(prefix)
                texts = [code[:3], code[3:5] if depth else "", ""]
                rows.append(ctx.row([*texts, dept.function_name(prefix), ""],
                                    "class" if depth == 0 else "kuan",
                                    (prefix, dept.function_name(prefix)),
                                    lambda s, p=prefix: s.narrow(function=p),
                                    parents[depth]))
                parents[depth + 1] = len(rows) - 1
        rows.append(ctx.row([code[:3], code[3:5], code[5:7], dept.function_name(code), project],
                            "project", (project,),
                            lambda s, c=code, n=project: s.narrow(function=c, project=n),
                            parents[2]))
    return rows


def _fixed_rows(ctx: _Context) -> list[Row]:
    rows = []
    for row_spec in ctx.spec["rows"]:
        items = frozenset(row_spec["items"])
        rows.append(ctx.row([row_spec["label"]], "label", (row_spec["label"],),
                            lambda s, i=items: s.narrow(items=i), None))
    return rows


def _carryover_items(ctx: _Context) -> list[Row]:
    dept = ctx.dept
    total = ctx.total_label
    rows = [ctx.row([total], "total", (total,), lambda s: s, None),
            ctx.row([dept.name], "department", (dept.name,), lambda s: s, 0)]
    for i, entry in enumerate(dept.data.get("carryover") or []):
        rows.append(ctx.row([entry["name"]], "item", (entry["name"],),
                            lambda s, k=str(i): s.narrow(items=frozenset({k})), 1))
    return rows


def _balance(ctx: _Context) -> list[Row]:
    """Two-sided tables (1, 4): a fixed income list beside the 30 function 类."""
    dept, profile, spec = ctx.dept, ctx.profile, ctx.spec
    right = [profile.selector(c, FUNCTION) for c in spec["right_columns"]]
    left_rows = spec["left"]
    classes = profile.function_classes
    rows: list[Row] = []
    for i in range(max(len(left_rows), len(classes))):
        cells: list[Cell] = []
        addresses: list[tuple[tuple[str, ...], dict[int, Cell]]] = []
        if i < len(left_rows):
            item = left_rows[i]
            figure = dept.ledger.total(Filter(sources=profile.source_set(item["sources"])))
            amount = Cell(figure=figure)
            cells += [Cell(item["label"]), amount]
            addresses.append(((item["label"], _bare(item["label"])), {1: amount}))
        else:
            cells += [Cell(""), Cell("")]
        if i < len(classes):
            code = classes[i]
            amounts = {j + 1: Cell(figure=dept.ledger.total(sel.narrow(function=code)))
                       for j, sel in enumerate(right)}
            cells += [Cell(f"{code} {dept.function_name(code)}"), *amounts.values()]
            addresses.append(((code, dept.function_name(code)), amounts))
        else:
            cells += [Cell("")] + [Cell("") for _ in right]
        rows.append(Row(cells, "label", addresses))
    level_one = [r for r in left_rows if r.get("level") == 1]
    all_sources = profile.source_set([g for r in level_one for g in r["sources"]])
    total = Cell(figure=dept.ledger.total(Filter(sources=all_sources)))
    right_totals = {j + 1: Cell(figure=dept.ledger.total(sel)) for j, sel in enumerate(right)}
    left_label, right_label = spec["left_total"]["label"], spec["right_total"]
    rows.append(Row([Cell(left_label), total, Cell(right_label), *right_totals.values()],
                    "total", [((left_label,), {1: total}), ((right_label,), right_totals)]))
    return rows


def _bare(label: str) -> str:
    """`1、一般公共预算拨款` → `一般公共预算拨款`; `其中：一般财力` → `一般财力`."""
    for mark in data_file("labels.yaml")["label_marks"]:
        if mark in label:
            label = label.split(mark, 1)[1]
    return label


_LAYOUTS: dict[str, tuple[str, Callable[[_Context], list[Row]], int]] = {
    # layout: (ledger dimension, row builder, leading text columns in the ※ row)
    "function_tree": (FUNCTION, _function_tree, 4),
    "economic_tree": (ECONOMIC, _economic_tree, 3),
    "project_tree": (PROJECT_ECONOMIC, _project_tree, 5),
    "fixed_rows": (SANGONG, _fixed_rows, 1),
    "carryover_items": (FUNCTION, _carryover_items, 1),
    "balance": (FUNCTION, _balance, 0),
}


def layout_dimension(spec: dict[str, Any]) -> str:
    """The ledger dimension a table layout's cells sum over."""
    return _LAYOUTS[spec["layout"]][0]


def header_rows(spec: dict[str, Any]) -> list[list[HeaderCell]]:
    """A table's header as printed: the layout's rows, then the ※ 1 2 3 row if it has one."""
    lead = _LAYOUTS[spec["layout"]][2]
    columns = spec.get("columns", [])
    numbers = ["※"] * lead + [str(i + 1) for i in range(len(columns))] if lead else None
    return _header(spec["header"], numbers)


def build_table(department: Department, spec: dict[str, Any], lines: dict[str, str]) -> Table:
    dimension, builder, _ = _LAYOUTS[spec["layout"]]
    ctx = _Context(department, spec, dimension)
    rows = builder(ctx)
    columns = spec.get("columns", [])
    values = {"department": department.name, "year": department.year}
    empty_note = None
    if "empty_note" in spec and not any(
        cell.value for row in rows for _, cells in row.addresses for cell in cells.values()
    ):
        rows = []
        empty_note = render_line(spec["empty_note"], **values)
    sums = [{i + 1: c["sum_of"] for i, c in enumerate(columns) if "sum_of" in c}]
    if spec["layout"] == "balance":
        right_sums = {i + 1: c["sum_of"] for i, c in enumerate(spec["right_columns"])
                      if "sum_of" in c}
        sums = [{}, right_sums]
    label_sums = {r["label"]: r["sum_of"] for r in spec.get("left", spec.get("rows", []))
                  if "sum_of" in r}
    if "left_total" in spec:
        label_sums[spec["left_total"]["label"]] = spec["left_total"]["sum_of"]
    balance = (spec["left_total"]["label"], spec["right_total"]) if "left_total" in spec else None
    return Table(
        number=spec["number"],
        role=spec.get("role", ""),
        caption=render_line(department.profile.tables["caption"], number=spec["number"]),
        contents=render_line(department.profile.tables["contents"], title=spec["title"],
                             numeral=_numeral(department, spec["number"])),
        title=spec["title"],
        department_line=render_line(lines["department_line"], **values),
        unit_line=render_line(lines["unit_line"], **values),
        orientation=spec["orientation"],
        header=header_rows(spec),
        rows=rows,
        empty_note=empty_note,
        column_sums=sums,
        label_sums=label_sums,
        balance=balance,
    )


def build_tables(department: Department) -> list[Table]:
    layout = department.profile.tables
    lines = {"department_line": layout["department_line"], "unit_line": layout["unit_line"]}
    return [build_table(department, spec, lines) for spec in layout["tables"]]
