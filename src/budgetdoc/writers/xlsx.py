"""The public tables as an Excel workbook (XlsxWriter): one sheet per table.

Lay out only: every figure is final in the model. An amount is written as the number the
table prints (in the table's unit, rounded to its decimals: Excel holds binary doubles), with
the number format that prints it the same way; codes and names are text; a blank in the
document is a blank cell.
Deterministic: fixed document properties (the created date is 1 January of the document's
year) and XlsxWriter's fixed zip timestamps, so the same document gives the same bytes.
"""

from __future__ import annotations

import datetime
import io
import math
import re
from collections.abc import Sequence
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..document import Cell, Document, HeaderCell, Table
from ..profile import profile_file
from .docx_table import Slot, place

_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LIMIT = 31


def settings(profile: str) -> dict[str, Any]:
    found: dict[str, Any] = profile_file(profile, "xlsx.yaml")
    return found


def amount_format(cell: Cell, spec: dict[str, Any]) -> str:
    """The number format that prints an amount cell as the document does (its decimals)."""
    base = str(spec["amount_format"])
    return f"{base}.{'0' * cell.decimals}" if cell.decimals else base


def _units(text: str) -> int:
    """Width in Excel character units: a CJK or full-width character counts two."""
    from unicodedata import east_asian_width
    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)


def sheet_names(tables: Sequence[Table], spec: dict[str, Any]) -> list[str]:
    """A unique, valid sheet name per table: `表 1 部门收支总体情况表`, a performance table by
    its bookmark (项目支出绩效目标表（…）), cut to Excel's 31 characters."""
    names: list[str] = []
    for table in tables:
        if table.caption:
            base = spec["sheet_name"].format(caption=table.caption, title=table.title)
        else:
            base = table.outline or table.title
        base = _SHEET_UNSAFE.sub("_", base).strip("'") or "_"
        name, n = base[:SHEET_NAME_LIMIT], 1
        while name.lower() in (existing.lower() for existing in names):
            n += 1
            tail = f"({n})"
            name = base[:SHEET_NAME_LIMIT - len(tail)] + tail
        names.append(name)
    return names


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook, spec: dict[str, Any]) -> None:
        font = {"font_name": spec["fonts"]["name"], "font_size": spec["fonts"]["size"]}
        self.book, self.font = book, font
        self.cache: dict[tuple[Any, ...], Format] = {}
        self.title = book.add_format({**font, "bold": True, "align": "center",
                                      "valign": "vcenter",
                                      "font_size": spec["fonts"]["title_size"]})
        self.line = book.add_format({**font, "valign": "vcenter"})
        self.line_right = book.add_format({**font, "align": "right", "valign": "vcenter"})
        self.subtitle = book.add_format({**font, "align": "center", "valign": "vcenter"})

    def get(self, **properties: Any) -> Format:
        key = tuple(sorted(properties.items()))
        if key not in self.cache:
            self.cache[key] = self.book.add_format(
                {**self.font, "border": 1, "valign": "vcenter", "text_wrap": True,
                 **properties})
        return self.cache[key]


def _grid(table: Table) -> tuple[list[list[Slot]], int]:
    rows: list[Sequence[Cell | HeaderCell]] = [*table.header, *(r.cells for r in table.rows)]
    grid, widths = place(rows, lambda r: f"{table.caption or table.title}, row {r + 1}")
    return grid, max(widths, default=0)


def _amount(cell: Cell) -> float | None:
    """The number shown: the amount as printed (in the cell's unit, at its decimals); None
    for a blank."""
    if cell.shown is None or cell.display == "":
        return None
    return float(cell.shown)


def _column_widths(grid: list[list[Slot]], ncols: int, spec: dict[str, Any]) -> list[float]:
    columns = spec["columns"]
    widths = [float(columns["minimum"])] * ncols
    for slots in grid:
        for slot in slots:
            if slot.cell is None or slot.span > 1:
                continue
            if isinstance(slot.cell, HeaderCell):
                need = math.ceil(_units(slot.cell.text) / columns["header_lines"])
            elif slot.cell.is_amount:
                need = _units(slot.cell.display)
            else:
                need = min(_units(slot.cell.display), columns["text_maximum"])
            widths[slot.column] = max(widths[slot.column], need + columns["padding"])
    return widths


def _title_room(widths: list[float], title: str, spec: dict[str, Any]) -> list[float]:
    """The columns widened alike where the title (in its larger font) is wider than the
    table: a narrow table (三公, an empty one) would cut its title at both ends."""
    columns = spec["columns"]
    extra = math.ceil(_units(title) * columns["title"]) + columns["padding"] - sum(widths)
    if extra <= 0:
        return widths
    return [w + math.ceil(extra / len(widths)) for w in widths]


def _write_table(book: xlsxwriter.Workbook, sheet: Worksheet, table: Table,
                 formats: _Formats, spec: dict[str, Any]) -> None:
    grid, ncols = _grid(table)
    ncols = max(ncols, 2)
    widths = _title_room(_column_widths(grid, ncols, spec), table.title, spec)
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    row = 0
    if table.caption:
        sheet.write_string(row, 0, table.caption, formats.line)
        row += 1
    sheet.merge_range(row, 0, row, ncols - 1, table.title, formats.title)
    sheet.set_row(row, spec["rows"]["title"])
    row += 1
    if table.subtitle:
        sheet.merge_range(row, 0, row, ncols - 1, table.subtitle, formats.subtitle)
        row += 1
    if table.department_line or table.unit_line:
        sheet.write_string(row, 0, table.department_line, formats.line)
        if table.unit_line:
            sheet.write_string(row, ncols - 1, table.unit_line, formats.line_right)
        row += 1
    first = row
    header_rows = len(table.header)
    pending: list[tuple[int, int, int, int, Cell | HeaderCell]] = []
    for r, slots in enumerate(grid):
        height = 1
        for slot in slots:
            if slot.cell is None:
                continue
            cell = slot.cell
            rowspan = max(1, cell.rowspan)
            if r < header_rows:
                fmt = formats.get(bold=True, align="center")
                text = cell.text if isinstance(cell, HeaderCell) else cell.display
                value: str | float | None = text
            else:
                assert isinstance(cell, Cell)
                if cell.is_amount and table.kind == "data":
                    fmt = formats.get(align="right", num_format=amount_format(cell, spec))
                    value = _amount(cell)
                else:
                    short = len(cell.display) <= spec["form_center_chars"]
                    center = cell.display.isdigit() or (table.kind == "form" and short)
                    fmt = formats.get(num_format="@", **({"align": "center"} if center else {}))
                    value = cell.display
            if rowspan == 1 and isinstance(value, str):
                room = sum(widths[slot.column:slot.column + slot.span]) - 1
                height = max(height, math.ceil(_units(value) / max(room, 1)))
            top, left = first + r, slot.column
            bottom, right = top + rowspan - 1, left + slot.span - 1
            if bottom > top or right > left:
                pending.append((top, left, bottom, right, cell))
                sheet.merge_range(top, left, bottom, right, "", fmt)
            _write(sheet, top, left, value, fmt)
        if height > 1:
            sheet.set_row(first + r, spec["rows"]["line"] * height)
    last = first + len(grid)
    for r, slots in enumerate(grid):  # positions no cell covers still get a border
        covered = {c for s in slots for c in range(s.column, s.column + s.span)}
        for c in range(ncols):
            if c not in covered and not _in_merge(pending, first + r, c):
                sheet.write_blank(first + r, c, None, formats.get())
    if table.empty_note is not None:
        sheet.merge_range(last, 0, last, ncols - 1, table.empty_note,
                          formats.get(text_wrap=True))
        sheet.set_row(last, spec["rows"]["line"] * 2)
    _page_setup(sheet, table, first, header_rows, ncols, spec)


def _in_merge(merges: list[tuple[int, int, int, int, Any]], row: int, column: int) -> bool:
    return any(t <= row <= b and left <= column <= right for t, left, b, right, _ in merges)


def _write(sheet: Worksheet, row: int, column: int, value: str | float | None,
           fmt: Format) -> None:
    if value is None or value == "":
        sheet.write_blank(row, column, None, fmt)
    elif isinstance(value, str):
        sheet.write_string(row, column, value, fmt)
    else:
        sheet.write_number(row, column, value, fmt)


def _page_setup(sheet: Worksheet, table: Table, first: int, header_rows: int, ncols: int,
                spec: dict[str, Any]) -> None:
    sheet.set_paper(spec["paper"])
    if table.orientation == "landscape":
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    margins = spec["margins"]
    sheet.set_margins(margins["left"], margins["right"], margins["top"], margins["bottom"])
    sheet.fit_to_pages(1, 0)
    sheet.center_horizontally()
    if header_rows:
        sheet.repeat_rows(first, first + header_rows - 1)
    sheet.freeze_panes(first + header_rows, 0)


def render(document: Document, profile: str = "default") -> bytes:
    """The workbook of the document's tables (第二部分 and the performance tables)."""
    spec = settings(profile)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({
        "title": f"{document.name}{spec['file_suffix']}",
        "author": document.author,
        "created": datetime.datetime(document.year, 1, 1),
    })
    formats = _Formats(book, spec)
    tables = document.tables()
    for table, name in zip(tables, sheet_names(tables, spec), strict=True):
        _write_table(book, book.add_worksheet(name), table, formats, spec)
    book.close()
    return buffer.getvalue()


def summary(header: Sequence[str], rows: Sequence[Sequence[Any]], sheet: str,
            created: datetime.datetime) -> bytes:
    """A plain one-sheet workbook (the batch summary): a bold header row, text and counts."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": sheet, "created": created})
    bold = book.add_format({"bold": True})
    worksheet = book.add_worksheet(sheet)
    widths = [_units(str(h)) for h in header]
    worksheet.write_row(0, 0, list(header), bold)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            if isinstance(value, int):
                worksheet.write_number(r, c, value)
            else:
                worksheet.write_string(r, c, str(value))
            widths[c] = max(widths[c], min(_units(str(value)), 60))
    for c, width in enumerate(widths):
        worksheet.set_column(c, c, width + 2)
    worksheet.freeze_panes(1, 0)
    worksheet.autofilter(0, 0, max(len(rows), 1), len(header) - 1)
    book.close()
    return buffer.getvalue()
