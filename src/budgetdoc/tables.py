"""The eleven tables of 第二部分, built from the ledger by the layouts in tables.yaml.

Each layout is a way of generating rows (a function-classification tree, an economic tree,
projects under their 项, fixed rows, carry-over items, a two-sided balance); the columns are
filters from the profile. Nothing here knows a table by number.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from jinja2 import Environment, StrictUndefined, Template

from . import table_layouts as layouts
from .document import Cell, HeaderCell, Row, Table
from .ledger import ECONOMIC, FUNCTION, PROJECT_ECONOMIC, SANGONG, Figure, Filter
from .model import Department
from .numbers import D, to_wan
from .resources import data_file

_TEXT = Environment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False)


@functools.lru_cache(maxsize=512)
def _compiled(template: str) -> Template:
    return _TEXT.from_string(template)


def render_line(template: str, **values: Any) -> str:
    return _compiled(template).render(**values)


def _numeral(department: Department, number: int) -> str:
    numerals: list[str] = department.profile.data("narrative.yaml")["numerals"]
    return numerals[number - 1]


def _header(spec: list[list[Any]], numbers: list[HeaderCell] | None) -> list[list[HeaderCell]]:
    rows = [
        [HeaderCell(c) if isinstance(c, str) else HeaderCell(c["text"], c.get("colspan", 1),
                                                             c.get("rowspan", 1)) for c in row]
        for row in spec
    ]
    if numbers:
        rows.append(numbers)
    return rows


def setting(spec: dict[str, Any], tables: dict[str, Any], key: str) -> Any:
    """A layout setting: the table's own, else the profile's for all its tables (tables.yaml),
    else the default (data/table_defaults.yaml)."""
    if key in spec:
        return spec[key]
    if key in tables:
        return tables[key]
    return data_file("table_defaults.yaml")[key]


def _numbers(spec: dict[str, Any], tables: dict[str, Any], lead: int) -> list[HeaderCell] | None:
    """The row numbering the amount columns: `※` over each text column (the 预算 tables), or
    one cell with the profile's `number_row_label` (栏次) over them all."""
    if not setting(spec, tables, "column_numbers"):
        return None
    label = setting(spec, tables, "number_row_label")
    numbers = [HeaderCell(str(i + 1)) for i in range(len(spec.get("columns", [])))]
    if spec["layout"] == "balance" and "bottom" in spec:
        return layouts.balance_numbers(spec, label) if label else None
    if spec["layout"] == "items_row":
        return numbers if label else None
    if not lead:
        return None
    if label:
        return [HeaderCell(label, colspan=lead), *numbers]
    return [HeaderCell("※") for _ in range(lead)] + numbers


class _Context:
    def __init__(self, department: Department, spec: dict[str, Any], dimension: str) -> None:
        self.dept = department
        self.spec = spec
        self.profile = department.profile
        self.columns = [self.profile.selector(c, dimension) for c in spec.get("columns", [])]
        self.total_label: str = self.setting("total_label")

    def setting(self, key: str) -> Any:
        return setting(self.spec, self.profile.tables, key)

    def render(self, template: str, **values: Any) -> str:
        return render_line(template, **values)

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
    rows = [ctx.row([*([""] if ctx.spec.get("code_columns") == 1 else lead), total], "total",
                    (total,), lambda s: s, None)]
    parents: dict[int, int] = {}
    seen: set[str] = set()
    joined = ctx.spec.get("code_columns") == 1
    lead = [""] if joined else lead
    for code in leaves:
        for depth, (length, level) in enumerate(levels):
            prefix = code[:length]
            if prefix in seen:
                continue
            seen.add(prefix)
            pieces = [code[:3], code[3:5], code[5:7]][: len(lead)]
            texts = [prefix] if joined else [p if i <= depth else ""
                                             for i, p in enumerate(pieces)]
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
    if "bottom" in ctx.spec:
        return layouts.ledger_balance(ctx)
    dept, profile, spec = ctx.dept, ctx.profile, ctx.spec
    right = [profile.selector(c, FUNCTION) for c in spec["right_columns"]]
    left_rows = spec["left"]
    classes = profile.function_classes
    if ctx.setting("right_classes") == "with_money":
        classes = [c for c in classes if any(dept.ledger.total(sel.narrow(function=c)).value
                                             for sel in right)]
    label = ctx.setting("right_label")
    numerals: list[str] = dept.profile.data("narrative.yaml")["numerals"]
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
            text = render_line(label, code=code, name=dept.function_name(code),
                               numeral=numerals[i] if i < len(numerals) else str(i + 1))
            cells += [Cell(text), *amounts.values()]
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


def _items_row(ctx: _Context) -> list[Row]:
    """One row, no labels: each column its own figure (三公 items and 机关运行经费 side by side)."""
    cells = {i + 1: Cell(figure=_column_figure(ctx.dept, column))
             for i, column in enumerate(ctx.spec["columns"])}
    return [Row(list(cells.values()), "total", [((ctx.total_label,), cells)])]


def _column_figure(dept: Department, column: dict[str, Any]) -> Figure:
    if column.get("figure") == "operating_costs":
        given = dept.data.get("operating_costs")
        if given is not None:
            value = to_wan(D(given), dept.data["meta"]["unit"])
            return Figure(value, value, frozenset({("operating_costs",)}))
        return dept.ledger.total(Filter(dimension=ECONOMIC, kinds=frozenset({"operating"})))
    return dept.ledger.total(dept.profile.selector(column, column.get("dimension", FUNCTION)))


_LAYOUTS: dict[str, tuple[str, Callable[[_Context], list[Row]], int]] = {
    # layout: (ledger dimension, row builder, leading text columns in the ※ row)
    "function_tree": (FUNCTION, _function_tree, 4),
    "economic_tree": (ECONOMIC, _economic_tree, 3),
    "project_tree": (PROJECT_ECONOMIC, _project_tree, 5),
    "fixed_rows": (SANGONG, _fixed_rows, 1),
    "carryover_items": (FUNCTION, _carryover_items, 1),
    "balance": (FUNCTION, _balance, 0),
    "items_row": (FUNCTION, _items_row, 0),
    "economic_groups": (ECONOMIC, layouts.economic_groups, 0),
}



def _reorder(rows: list[Row], order: list[int]) -> list[Row]:
    """`rows` in the order of `order` (old indexes), with parent links renumbered."""
    new_index = {old: new for new, old in enumerate(order)}
    out = [rows[i] for i in order]
    for row in out:
        if row.parent is not None:
            row.parent = new_index[row.parent]
    return out


def _finish(ctx: _Context, rows: list[Row]) -> list[Row]:
    """Unit, decimals and zero style on every amount; the total row where the profile puts it."""
    for row in rows:
        for cell in row.cells:
            if cell.figure is not None:
                cell.unit, cell.decimals = ctx.setting("unit"), int(ctx.setting("decimals"))
                cell.blank_zero = ctx.setting("zeros") == "blank"
    if ctx.setting("total_position") == "last" and ctx.spec["layout"] != "balance":
        totals = [i for i, row in enumerate(rows) if row.level == "total"]
        rest = [i for i in range(len(rows)) if i not in totals]
        rows = _reorder(rows, rest + totals)
    return rows


def layout_dimension(spec: dict[str, Any]) -> str:
    """The ledger dimension a table layout's cells sum over."""
    return _LAYOUTS[spec["layout"]][0]


def header_rows(spec: dict[str, Any], tables: dict[str, Any]) -> list[list[HeaderCell]]:
    """A table's header as printed: the layout's rows, then the ※ 1 2 3 row if it has one
    (`tables`: the profile's tables.yaml, whose settings apply to every table)."""
    lead = _LAYOUTS[spec["layout"]][2]
    return _header(spec["header"], _numbers(spec, tables, lead))


def build_table(department: Department, spec: dict[str, Any], lines: dict[str, str]) -> Table:
    dimension, builder, _ = _LAYOUTS[spec["layout"]]
    ctx = _Context(department, spec, dimension)
    rows = _finish(ctx, builder(ctx))
    columns = spec.get("columns", [])
    values = {"department": department.name, "year": department.year,
              "unit": ctx.setting("unit")}
    empty_note = None
    if "empty_note" in spec and not any(
        cell.value for row in rows for _, cells in row.addresses for cell in cells.values()
    ):
        rows = [row for row in rows if row.level == "total"][:1] if (
            ctx.setting("empty") == "keep_total") else []
        for row in rows:
            row.parent = None
        empty_note = render_line(spec["empty_note"], **values)
    sums = [{i + 1: c["sum_of"] for i, c in enumerate(columns) if "sum_of" in c}]
    identities = {f"column:{i + 1}": c["identity"] for i, c in enumerate(columns)
                  if "identity" in c}
    if "tree_identity" in spec:
        identities["tree"] = spec["tree_identity"]
    if spec["layout"] == "balance":
        right_sums = {i + 1: c["sum_of"] for i, c in enumerate(spec["right_columns"])
                      if "sum_of" in c}
        sums = [{}, right_sums]
    label_sums = {r["label"]: r["sum_of"] for r in spec.get("left", spec.get("rows", []))
                  if "sum_of" in r}
    if "left_total" in spec:
        label_sums[spec["left_total"]["label"]] = spec["left_total"]["sum_of"]
    if "bottom" in spec:
        first = len(spec.get("left_columns", [{}]))
        sums = [{first + 1 + i: c["sum_of"] for i, c in enumerate(spec["right_columns"])
                 if "sum_of" in c}]
        identities |= {f"column:{first + 1 + i}": c["identity"]
                       for i, c in enumerate(spec["right_columns"]) if "identity" in c}
        label_sums = layouts.balance_sums(spec, department.profile.classes_for(department.year))
        identities |= layouts.balance_identities(spec)
    if spec["layout"] == "economic_groups":
        label_sums, more = layouts.economic_sums(department, spec)
        identities |= more
    balance = (spec["left_total"]["label"], spec["right_total"]) if "left_total" in spec else None
    title = render_line(spec["title"], **values)
    return Table(
        number=spec["number"],
        role=spec.get("role", ""),
        caption=render_line(ctx.setting("caption"), number=spec["number"]),
        contents=render_line(ctx.setting("contents"), title=title,
                             numeral=_numeral(department, spec["number"]),
                             number=spec["number"]),
        title=title,
        department_line=render_line(lines["department_line"], **values),
        unit_line=render_line(lines["unit_line"], **values),
        orientation=spec["orientation"],
        header=header_rows(spec, department.profile.tables),
        rows=rows,
        empty_note=empty_note,
        column_sums=sums,
        label_sums=label_sums,
        balance=balance,
        note=render_line(spec["note"], **values) if "note" in spec else "",
        identities=identities,
    )


def build_tables(department: Department) -> list[Table]:
    layout = department.profile.tables
    lines = {"department_line": layout["department_line"], "unit_line": layout["unit_line"]}
    return [build_table(department, spec, lines) for spec in layout["tables"]]
