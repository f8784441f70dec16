"""Layouts of the 决算 tables that the 预算 tables do not use, as general settings.

- `balance` with `bottom` rows: a two-sided table whose sides are ledger filters (income
  lines beside the function 类 list), closed by paired rows (本年收入合计 | 本年支出合计 …
  总计 | 总计), optionally with a 行次 column on each side numbered down the whole height
  (left 1…N, right N+1…2N) and the amount columns numbered across both sides (栏次).
- `economic_groups`: groups of economic 类 side by side (人员经费 | 公用经费), each 类 followed
  by every 款 the year's code list has, each group closed by its 合计 row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .document import Cell, HeaderCell, Row
from .ledger import ECONOMIC, FUNCTION, Filter

if TYPE_CHECKING:
    from .tables import _Context

Address = tuple[tuple[str, ...], dict[int, Cell]]


def _names(spec: dict[str, Any]) -> tuple[str, ...]:
    return (spec["key"], spec["label"]) if "key" in spec else (spec["label"],)


def _narrowed(base: Filter, spec: dict[str, Any], ctx: _Context) -> Filter:
    """A column's filter narrowed by a row's own sources and kinds."""
    changes: dict[str, Any] = {}
    if "sources" in spec:
        changes["sources"] = ctx.profile.source_set(spec["sources"]) & (
            base.sources if base.sources is not None else frozenset(ctx.profile.sources))
    if "kinds" in spec:
        changes["kinds"] = frozenset(spec["kinds"])
    return base.narrow(**changes)


class _Side:
    """One side of a two-sided table: its amount columns (numbered from `first`) and its
    text columns (label, and 行次 when the table numbers its rows)."""

    def __init__(self, ctx: _Context, columns: list[dict[str, Any]], first: int) -> None:
        self.ctx = ctx
        self.columns = [ctx.profile.selector(c, FUNCTION) for c in columns]
        self.first = first
        self.numbered = bool(ctx.spec.get("row_numbers"))

    @property
    def width(self) -> int:
        return 1 + self.numbered + len(self.columns)

    def cells(self, label: str, number: int, row: dict[str, Any] | None,
              function: str = "") -> tuple[list[Cell], dict[int, Cell]]:
        amounts: dict[int, Cell] = {}
        if row is not None or function:
            for j, column in enumerate(self.columns):
                selector = _narrowed(column, row or {}, self.ctx)
                if function:
                    selector = selector.narrow(function=function)
                amounts[self.first + j] = Cell(figure=self.ctx.dept.ledger.total(selector))
        blank = [Cell("") for _ in self.columns]
        texts = [Cell(label)] + ([Cell(str(number))] if self.numbered else [])
        return texts + (list(amounts.values()) if amounts else blank), amounts


def ledger_balance(ctx: _Context) -> list[Row]:
    """Income lines beside the 类 list, then the paired bottom rows."""
    spec = ctx.spec
    left = _Side(ctx, spec.get("left_columns", [{}]), 1)
    right = _Side(ctx, spec["right_columns"], 1 + len(left.columns))
    classes = ctx.profile.classes_for(ctx.dept.year)
    numerals = ctx.dept.profile.data("narrative.yaml")["numerals"]
    class_row = {"kinds": spec["class_kinds"]} if "class_kinds" in spec else {}
    body = max(len(spec["left"]), len(classes))
    height = body + len(spec["bottom"])
    rows: list[Row] = []
    for i in range(body):
        cells: list[Cell] = []
        addresses: list[Address] = []
        item = spec["left"][i] if i < len(spec["left"]) else None
        texts, amounts = left.cells(item["label"] if item else "", i + 1, item)
        cells += texts
        if item:
            addresses.append((_names(item), amounts))
        if i < len(classes):
            code = classes[i]
            name = ctx.dept.function_name(code)
            label = ctx.render(ctx.setting("right_label"), code=code, name=name,
                               numeral=numerals[i] if i < len(numerals) else str(i + 1))
            texts, amounts = right.cells(label, height + i + 1, class_row, function=code)
            addresses.append(((code, name, label), amounts))
        else:
            texts, _ = right.cells("", height + i + 1, None)
        rows.append(Row(cells + texts, "label", addresses))
    for k, pair in enumerate(spec["bottom"]):
        cells, addresses = [], []
        for side, entry, offset in ((left, pair.get("left"), 0), (right, pair.get("right"),
                                                                  height)):
            texts, amounts = side.cells(entry["label"] if entry else "", offset + body + k + 1,
                                        entry)
            cells += texts
            if entry:
                addresses.append((_names(entry), amounts))
        rows.append(Row(cells, pair.get("level", "label"), addresses))
    return rows


def balance_numbers(spec: dict[str, Any], label: str) -> list[HeaderCell]:
    """The 栏次 row of a two-sided table: the label over each side's text columns, then the
    amount columns numbered across both sides."""
    numbered = 2 if spec.get("row_numbers") else 1
    out: list[HeaderCell] = []
    number = 1
    for columns in (spec.get("left_columns", [{}]), spec["right_columns"]):
        out.append(HeaderCell(label, colspan=numbered))
        for _ in columns:
            out.append(HeaderCell(str(number)))
            number += 1
    return out


def balance_sums(spec: dict[str, Any], classes: list[str]) -> dict[str, list[str]]:
    """Which labelled rows sum into which (for the checks): `sum_of` of the left rows and of
    the bottom rows; `sum_of: classes` stands for the 类 list."""
    sums: dict[str, list[str]] = {}
    entries = [*spec["left"], *(e for pair in spec["bottom"]
                                for e in (pair.get("left"), pair.get("right")) if e)]
    for entry in entries:
        if "sum_of" in entry:
            parts = entry["sum_of"]
            sums[_names(entry)[0]] = list(classes) if parts == "classes" else list(parts)
    return sums


def balance_identities(spec: dict[str, Any]) -> dict[str, str]:
    entries = [*spec["left"], *(e for pair in spec["bottom"]
                                for e in (pair.get("left"), pair.get("right")) if e)]
    return {f"label:{_names(e)[0]}": e["identity"] for e in entries if "identity" in e}


def economic_groups(ctx: _Context) -> list[Row]:
    """Groups of economic 类 side by side, each 类 with all its 款 of the year's code list."""
    dept = ctx.dept
    split = ctx.spec.get("code_columns", 2) == 2
    columns: list[list[tuple[list[str], tuple[str, ...], Filter | None, str]]] = []
    for group in ctx.spec["groups"]:
        entries: list[tuple[list[str], tuple[str, ...], Filter | None, str]] = []
        for cls in group["classes"]:
            for code in [cls, *_kuan(dept, cls)]:
                texts = [code[:3], code[3:]] if split else [code]
                entries.append((texts, (code, dept.economic_name(code)),
                                Filter(dimension=ECONOMIC, economic=code),
                                "class" if len(code) == 3 else "kuan"))
        columns.append(entries)
    height = max(len(c) for c in columns)
    rows: list[Row] = []
    blank = ["", ""] if split else [""]
    for i in range(height):
        cells: list[Cell] = []
        addresses: list[Address] = []
        for entries in columns:
            if i < len(entries):
                texts, names, selector, _ = entries[i]
                amount = Cell(figure=dept.ledger.total(selector)) if selector else Cell("")
                cells += [*(Cell(t) for t in texts), Cell(names[1]), amount]
                addresses.append((names, {1: amount}))
            else:
                cells += [*(Cell(t) for t in blank), Cell(""), Cell("")]
        rows.append(Row(cells, entries_level(columns, i), addresses))
    cells, addresses = [], []
    for group in ctx.spec["groups"]:
        kinds = frozenset(group["kinds"])
        amount = Cell(figure=dept.ledger.total(Filter(dimension=ECONOMIC, kinds=kinds)))
        cells += [Cell(group["label"], colspan=len(blank) + 1), amount]
        addresses.append(((group["label"],), {1: amount}))
    rows.append(Row(cells, "total", addresses))
    return rows


def _kuan(dept: Any, cls: str) -> list[str]:
    """The 款 of an economic 类: all the year's code list has (printed even when empty), and
    any other the department entered money for."""
    entered = dept.ledger.codes(Filter(dimension=ECONOMIC, economic=cls), "economic")
    return sorted(set(dept.codes.code_list.children("economic", cls)) | set(entered))


def entries_level(columns: list[list[Any]], i: int) -> str:
    """A row is a 类 row when the first group has a 类 there (for the writers' emphasis)."""
    first = columns[0]
    return first[i][3] if i < len(first) else "kuan"


def economic_sums(dept: Any, spec: dict[str, Any]) -> tuple[dict[str, list[str]],
                                                             dict[str, str]]:
    """Each 类 = Σ its 款 and each group's 合计 = Σ its 类 (for the checks), with the identity
    names the table spec gives them."""
    sums: dict[str, list[str]] = {}
    identities: dict[str, str] = {}
    for group in spec["groups"]:
        sums[group["label"]] = list(group["classes"])
        for cls in group["classes"]:
            sums[cls] = _kuan(dept, cls)
            if "class_identity" in spec:
                identities[f"label:{cls}"] = spec["class_identity"]
        if "identity" in group:
            identities[f"label:{group['label']}"] = group["identity"]
    return sums, identities
