"""One table as one `w:tbl` fragment: grid placement of spans, column widths, cells.

Spans are placed as in HTML: a cell with rowspan stands once, at its top-left position, and
the rows below it get a continuation cell (`w:vMerge` without a value) of the same gridSpan.
Column widths are estimated from the text the columns hold; amounts never wrap.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..document import Cell, HeaderCell, Table
from .ooxml import runs, twips_mm, twips_pt


@dataclass
class Slot:
    """A grid position that starts a cell: its model cell (None: a vertical continuation)."""

    cell: Cell | HeaderCell | None
    column: int
    span: int
    merge: str = ""  # "" | "restart" | "continue"


def place(rows: Sequence[Sequence[Cell | HeaderCell]], what: Callable[[int], str]) -> tuple[
        list[list[Slot]], list[int]]:
    """Grid slots for rows of spanned cells, and the number of columns each row covers.

    A gap left of a cell merged from the row above is filled with an empty slot, so that a
    short row still lays out; `ragged` reports such rows.
    """
    pending: dict[int, tuple[int, int]] = {}  # column → (rows still covered, span)
    grid: list[list[Slot]] = []
    widths = []
    for r, cells in enumerate(rows):
        slots: list[Slot] = []
        column, index = 0, 0
        while True:
            if column in pending:
                left, span = pending[column]
                slots.append(Slot(None, column, span, "continue"))
                if left == 1:
                    del pending[column]
                else:
                    pending[column] = (left - 1, span)
                column += span
            elif index < len(cells):
                cell = cells[index]
                index += 1
                span = max(1, cell.colspan)
                if any(column < c < column + span for c in pending):
                    raise ValueError(f"cannot write DOCX: {what(r)}: a cell spans into a "
                                     "cell merged from the row above")
                merge = ""
                if cell.rowspan > 1:
                    pending[column] = (cell.rowspan - 1, span)
                    merge = "restart"
                slots.append(Slot(cell, column, span, merge))
                column += span
            elif any(c > column for c in pending):
                slots.append(Slot(None, column, 1))
                column += 1
            else:
                break
        grid.append(slots)
        widths.append(column)
    if pending:
        raise ValueError(f"cannot write DOCX: {what(len(rows) - 1)}: a cell spans more rows "
                         "than there are")
    return grid, widths


def table_rows(table: Table) -> list[Sequence[Cell | HeaderCell]]:
    return [*table.header, *(row.cells for row in table.rows)]


def ragged(table: Table) -> list[str]:
    """Rows of `table` that do not cover as many columns as the widest row (padded when laid
    out, but a fault of the model)."""
    _, widths = place(table_rows(table), str)
    ncols = max(widths, default=0)
    header = len(table.header)
    return [f"{'header row' if r < header else 'row'} {r + 1 if r < header else r - header + 1}"
            f" covers {w} of {ncols} columns" for r, w in enumerate(widths) if w != ncols]


def _em(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55


def text_em(text: str) -> float:
    return sum(_em(ch) for ch in text)


def _lines(width: float, lines: int) -> float:
    """Width for text of `width` em set in `lines` lines: whole characters per line."""
    return float(math.ceil(width / lines - 0.01))


def unbreakable_em(text: str) -> float:
    """Width of the longest run of non-wide characters (codes, numbers): it never wraps."""
    longest = current = 0.0
    for ch in text:
        if _em(ch) < 1 and not ch.isspace():
            current += _em(ch)
            longest = max(longest, current)
        else:
            current = 0.0
    return longest


def column_needs(grid: list[list[Slot]], header_rows: int, ncols: int,
                 sizes: tuple[float, float], settings: dict[str, Any]) -> list[list[int]]:
    """Per column, three widths in twips: (least, wanted, roomy).

    least: names wrap to `min_text` characters, headers to the most lines allowed; wanted:
    names unwrapped (up to `max_text`), headers in their usual number of lines; roomy: headers
    in fewer lines. Amounts and codes never wrap.
    """
    header_pt, body_pt = sizes
    pad = 2 * twips_mm(settings["cell_margin"]) + 20
    fewest, usual, most = settings["header_lines"]
    needs = [[twips_pt(body_pt) + pad] * 3 for _ in range(ncols)]
    for r, slots in enumerate(grid):
        in_header = r < header_rows
        em = twips_pt(header_pt if in_header else body_pt)
        for slot in slots:
            if slot.cell is None or slot.span > 1:
                continue
            text = slot.cell.display if isinstance(slot.cell, Cell) else slot.cell.text
            width, fixed = text_em(text), unbreakable_em(text)
            if in_header:
                tiers = (_lines(width, most), _lines(width, usual), _lines(width, fewest))
            elif isinstance(slot.cell, Cell) and slot.cell.is_amount:
                tiers = (width, width, width)
            else:
                wanted = min(width, settings["max_text"])
                tiers = (min(width, settings["min_text"]), wanted, wanted)
            column = needs[slot.column]
            for tier, value in enumerate(tiers):
                column[tier] = max(column[tier], round(max(value, fixed) * em) + pad)
            column[1] = max(column[1], column[0])
            column[2] = max(column[2], column[1])
    return needs


def fits(needs: list[list[int]], total: int) -> bool:
    return sum(n[1] for n in needs) <= total


def column_widths(needs: list[list[int]], total: int) -> list[int]:
    """Twips per column summing to `total`: the widest tier that fits, the rest shared out
    towards the next tier."""
    tiers = [[n[t] for n in needs] for t in range(3)]
    if sum(tiers[2]) <= total:
        base, weights = tiers[2], tiers[2]
    else:
        level = 1 if sum(tiers[1]) <= total else 0
        base = tiers[level]
        weights = [hi - lo for hi, lo in zip(tiers[level + 1], base, strict=True)]
        if sum(base) > total:  # nothing fits: squeeze the least widths
            base, weights = [0] * len(needs), base
    scale = (total - sum(base)) / (sum(weights) or 1)
    widths = [int(b + w * scale) for b, w in zip(base, weights, strict=True)]
    widths[widths.index(max(widths))] += total - sum(widths)
    return widths


def _alignment(cell: Cell, kind: str, settings: dict[str, Any]) -> str:
    if cell.is_amount:
        return "right"
    text = cell.display
    if kind == "form":
        return "center" if len(text) <= settings["form_center_chars"] else ""
    if settings["center_codes"] and text.isdigit():
        return "center"
    return ""


def table_xml(table: Table, total_width: int, profile: dict[str, Any],
              where: Callable[[], str]) -> str:
    settings = profile["tables"]
    header_rows = len(table.header)
    rows = table_rows(table)

    def what(r: int) -> str:
        part = f"header row {r + 1}" if r < header_rows else f"row {r - header_rows + 1}"
        return f"{where()}, {part}"

    grid, row_widths = place(rows, what)
    ncols = max(row_widths, default=0)
    if ncols == 0:
        return ""
    for slots, width in zip(grid, row_widths, strict=True):
        slots += [Slot(None, c, 1) for c in range(width, ncols)]
    styles = profile["styles"]
    for suffix in ("", "_dense"):  # the regular size if names fit unwrapped, else the smaller
        text_style, head_style = styles[f"table_text{suffix}"], styles[f"table_header{suffix}"]
        sizes = (float(head_style["size"]), float(text_style["size"]))
        needs = column_needs(grid, header_rows, ncols, sizes, settings)
        if fits(needs, total_width):
            break
    widths = column_widths(needs, total_width)
    starts = [sum(widths[:c]) for c in range(ncols + 1)]
    border = int(settings["border"])
    margin = twips_mm(settings["cell_margin"])
    height = twips_pt(settings["row_height"])
    edges = "".join(f'<w:{e} w:val="single" w:sz="{border}" w:space="0" w:color="000000"/>'
                    for e in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{total_width}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{edges}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{margin}" w:type="dxa"/>'
        f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{margin}" w:type="dxa"/>'
        '</w:tblCellMar><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" '
        'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    for r, slots in enumerate(grid):
        in_header = r < header_rows
        row_props = f'<w:trHeight w:val="{height}" w:hRule="atLeast"/>'
        if in_header:
            row_props += "<w:tblHeader/>"
        if in_header or table.kind != "form":
            row_props = "<w:cantSplit/>" + row_props
        out.append(f"<w:tr><w:trPr>{row_props}</w:trPr>")
        style = head_style["id"] if in_header else text_style["id"]
        for slot in slots:
            width = starts[slot.column + slot.span] - starts[slot.column]
            props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
            if slot.span > 1:
                props += f'<w:gridSpan w:val="{slot.span}"/>'
            if slot.merge == "restart":
                props += '<w:vMerge w:val="restart"/>'
            elif slot.merge == "continue":
                props += "<w:vMerge/>"
            props += '<w:vAlign w:val="center"/>'
            content, jc = "", ""
            cell = slot.cell
            if isinstance(cell, HeaderCell):
                content = runs(cell.text, lambda r=r: what(r))
            elif isinstance(cell, Cell):
                content = runs(cell.display, lambda r=r: what(r))
                jc = _alignment(cell, table.kind, settings)
            align = f'<w:jc w:val="{jc}"/>' if jc else ""
            out.append(f'<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{style}"/>'
                       f"{align}</w:pPr>{content}</w:p></w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)
