"""The PDF writer: the document model → HTML (Jinja2) → PDF (WeasyPrint).

Lay out only: every number and sentence is final in the model. The page template and the
stylesheet are under templates/html/; settings (fonts, column widths) in the profile's
pdf.yaml. Table of contents page numbers, page numbers and the outline are WeasyPrint's
(target-counter, counter(page), bookmark-level). The 目录 is set alone first, to find the
loosest spacing under which it fits on one page (contents_density).
"""

from __future__ import annotations

import functools
import gc
import multiprocessing.util
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from markupsafe import Markup

from ..document import Cell, Document, HeaderCell, Heading, Paragraph, Table
from . import lean_fonts, pdf_fonts, pdf_shims
from .html import HTML_TEMPLATES, html_environment
from .pdf_fonts import FontsError, missing_fonts

__all__ = ["FontsError", "missing_fonts", "preload", "prepare", "render", "render_html"]

class _Span(Protocol):
    colspan: int
    rowspan: int


_S = TypeVar("_S", bound=_Span)


@dataclass
class TocEntry:
    level: int
    target: str
    text: str


@dataclass
class BodyCell:
    cell: Cell
    kind: str  # amount | code | text


@dataclass
class TableView:
    table: Table
    id: str
    bookmark: str
    columns: int
    widths: list[str]
    body: list[tuple[str, list[BodyCell]]]


@dataclass
class BlockView:
    kind: str  # heading | paragraph | table
    block: Heading | Paragraph | Table
    id: str = ""
    table: TableView | None = None


@dataclass
class PartView:
    id: str
    heading: str
    blocks: list[BlockView] = field(default_factory=list)


# --- table layout -------------------------------------------------------------------------

def _start_columns(rows: Sequence[Sequence[_Span]]) -> list[list[int]]:
    """The column where each cell starts, honouring the row and column spans above it."""
    occupied: dict[int, set[int]] = {}
    starts = []
    for r, row in enumerate(rows):
        column, found = 0, []
        for cell in row:
            while column in occupied.get(r, set()):
                column += 1
            found.append(column)
            for dr in range(cell.rowspan):
                occupied.setdefault(r + dr, set()).update(range(column, column + cell.colspan))
            column += cell.colspan
        starts.append(found)
    return starts


def _units(text: str) -> int:
    """Width in half-em units: a CJK or full-width character counts two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _layout(table: Table, spec: dict[str, Any]) -> tuple[int, list[str], list[list[BodyCell]]]:
    """Column count, column widths (percent) and body cells classed for alignment.

    Widths follow the longest text of each column in half-em units: amount columns of a
    data table share one width (a form table's columns are all text), a header spanning
    several columns widens them until it fits on one line, and when the page is too narrow
    the longest text columns give way first (they wrap).
    """
    body_rows = [row.cells for row in table.rows]
    body_starts = _start_columns(body_rows)
    header_cells = _placed(table.header, _start_columns(table.header))
    body_cells = _placed(body_rows, body_starts)
    columns = max((s + c.colspan for s, c in header_cells + body_cells), default=1)
    amount, body_need, needs = _needs(table, columns, header_cells, body_cells, spec)
    amount_width = max([spec["amount_minimum"]] +
                       [n for n, a in zip(needs, amount, strict=True) if a])
    weights = [float(amount_width if a else max(n, spec["minimum"]))
               for n, a in zip(needs, amount, strict=True)]
    for s, h in header_cells:
        if h.colspan > 1:
            _widen(weights, range(s, s + h.colspan), _units(h.text), spec["padding"])
    available = spec["available"][table.orientation]
    weights = _fit(weights, [not a for a in amount], available, spec["shrink_floor"])
    code = [not amount[i] and 0 < body_need[i] <= spec["code_maximum"] for i in range(columns)]
    # Room to spare goes to every column but the codes, which keep their exact width.
    growing = sum(w for w, c in zip(weights, code, strict=True) if not c)
    if sum(weights) < available and growing:
        extra = available - sum(weights)
        weights = [w if c else w + extra * w / growing for w, c in zip(weights, code, strict=True)]
    widths = [f"{100 * w / sum(weights):.2f}%" for w in weights]
    body = [[BodyCell(c, "amount" if c.is_amount else "code" if code[s] else "text")
             for c, s in zip(row, row_starts, strict=True)]
            for row, row_starts in zip(body_rows, body_starts, strict=True)]
    return columns, widths, body


def _needs(table: Table, columns: int, header_cells: list[tuple[int, HeaderCell]],
           body_cells: list[tuple[int, Cell]],
           spec: dict[str, Any]) -> tuple[list[bool], list[int], list[int]]:
    """Per column: holds amounts?, the widest body text, the width it needs (with padding)."""
    amount = [False] * columns
    body_need = [0] * columns
    header_need = [0] * columns
    for s, c in body_cells:
        if c.colspan == 1:
            amount[s] = amount[s] or (c.is_amount and table.kind == "data")
            body_need[s] = max(body_need[s], _units(c.display))
    for s, h in header_cells:
        if h.colspan == 1:
            lines = spec["header_lines"] if amount[s] else spec["text_header_lines"]
            header_need[s] = max(header_need[s], -(-_units(h.text) // lines))
    needs = [max(h, b) + spec["padding"] for h, b in zip(header_need, body_need, strict=True)]
    return amount, body_need, needs


def _widen(weights: list[float], spanned: range, units: int, pad: int) -> None:
    """Make a header spanning several columns fit on one line, or on two balanced lines."""
    current = sum(weights[i] for i in spanned)
    one_line = units + pad
    two_lines = 2 * -(-units // 4) + pad
    target = two_lines if current <= two_lines else one_line if current < one_line else current
    for i in spanned:
        weights[i] += (target - current) / len(spanned)


def _fit(weights: list[float], flexible: list[bool], available: float,
         floor: float) -> list[float]:
    """Cap the widest flexible columns at one width so that the table fits, if it can."""
    if sum(weights) <= available:
        return weights
    room = available - sum(w for w, f in zip(weights, flexible, strict=True) if not f)
    wide = sorted(w for w, f in zip(weights, flexible, strict=True) if f)
    cap = floor
    for i, w in enumerate(wide):
        if w * (len(wide) - i) > room:
            cap = max(room / (len(wide) - i), floor)
            break
        room -= w
    return [min(w, cap) if f else w for w, f in zip(weights, flexible, strict=True)]


def _placed(rows: Sequence[Sequence[_S]], starts: list[list[int]]) -> list[tuple[int, _S]]:
    return [(s, c) for row, row_starts in zip(rows, starts, strict=True)
            for c, s in zip(row, row_starts, strict=True)]


def _table_view(table: Table, ident: str, spec: dict[str, Any]) -> TableView:
    columns, widths, body = _layout(table, spec["columns"])
    separator = spec["labels"]["bookmark_separator"]
    bookmark = table.outline or separator.join(t for t in (table.caption, table.title) if t)
    return TableView(
        table=table, id=ident, bookmark=bookmark, columns=columns, widths=widths,
        body=[(row.level, cells) for row, cells in zip(table.rows, body, strict=True)])


# --- document view ------------------------------------------------------------------------

def _views(document: Document, spec: dict[str, Any]) -> tuple[list[PartView], list[TocEntry]]:
    parts, toc = [], []
    levels = document.contents_levels or 2  # the headings the 目录 lists
    for p, part in enumerate(document.parts, start=1):
        view = PartView(f"part-{p}", part.heading)
        toc.append(TocEntry(1, view.id, part.toc_line))
        for b, block in enumerate(part.blocks, start=1):
            ident = f"b-{p}-{b}"
            if isinstance(block, Heading):
                view.blocks.append(BlockView("heading", block, ident))
                if block.level <= levels:
                    toc.append(TocEntry(block.level, ident, block.text))
            elif isinstance(block, Paragraph):
                view.blocks.append(BlockView("paragraph", block))
            else:
                table = _table_view(block, ident, spec)
                view.blocks.append(BlockView("table", block, ident, table))
                if block.contents or block.caption:
                    toc.append(TocEntry(2, ident, block.contents or table.bookmark))
        parts.append(view)
    return parts, toc


def _stylesheet(fonts_dir: Path | None, profile: str) -> Markup:
    faces = pdf_fonts.bureau_fonts(fonts_dir, profile) + pdf_fonts.lean_faces(profile)
    css = html_environment().get_template("budget.css").render(
        faces=faces, fonts=pdf_fonts.font_stacks(faces, profile))
    if "</" in css:
        raise ValueError("the stylesheet must not contain '</'")
    return Markup(css)


def render_html(document: Document, fonts_dir: Path | None = None,
                profile: str = pdf_fonts.PROFILE, density: str = "") -> str:
    """The whole document as one self-contained HTML page (the stylesheet inline), its 目录
    set at `density` (pdf.yaml contents.densities; the first if not given)."""
    spec = pdf_fonts.settings(profile)
    parts, toc = _views(document, spec)
    return html_environment().get_template("document.html").render(
        document=document, parts=parts, toc=toc, css=_stylesheet(fonts_dir, profile),
        **_contents(spec, density),
        metadata_title=spec["labels"]["title_separator"].join(
            t for t in (document.department, document.title) if t))


def _contents(spec: dict[str, Any], density: str) -> dict[str, Any]:
    return {"density": density or spec["contents"]["densities"][0]}


def contents_density(document: Document, fonts_dir: Path | None = None,
                     profile: str = pdf_fonts.PROFILE, font_config: Any = None) -> str:
    """The loosest 目录 density under which the 目录 fits on one page, else the first.

    Found by setting the 目录 alone, its page numbers replaced by the widest one expected:
    a fraction of a full render, which a 目录 spilling one line onto a page of its own
    (long department names in 第三部分's headings) would otherwise need.
    """
    densities = pdf_fonts.settings(profile)["contents"]["densities"]
    for density in densities:
        html = contents_probe_html(document, fonts_dir, profile, density)
        probe = pdf_shims.parse_html(html, str(HTML_TEMPLATES)).render(font_config=font_config)
        if len(probe.pages) == 1:
            return str(density)
    return str(densities[0])


def contents_probe_html(document: Document, fonts_dir: Path | None, profile: str,
                        density: str) -> str:
    """The 目录 alone at `density`, its page numbers the widest one expected."""
    spec = pdf_fonts.settings(profile)
    _, toc = _views(document, spec)
    return html_environment().get_template("contents_probe.html").render(
        document=document, toc=toc, css=_stylesheet(fonts_dir, profile),
        **_contents(spec, density), page_number=spec["contents"]["probe_page_number"])


@functools.cache
def _system_font_configuration() -> Any:
    """One WeasyPrint font configuration for the system and lean fonts, kept for the process.

    Its caches (font metrics, struts, features) stay warm from one document to the next, so
    each document after the first in a batch worker renders ~0.1 s faster, with the same
    bytes. WeasyPrint copies @font-face fonts (the lean ones) into a temporary folder that
    goes with the configuration: it is let go when the process ends, pool workers included
    (they end without atexit, but run multiprocessing's finalizers). A bureau's fonts folder
    gets a configuration per render, as WeasyPrint's default, so that its copies go at once.
    """
    from weasyprint.text.fonts import FontConfiguration

    global _configuration_owner
    _configuration_owner = os.getpid()
    multiprocessing.util.Finalize(None, _release_font_configuration, exitpriority=0)
    return FontConfiguration()


_configuration_owner = 0


def _release_font_configuration() -> None:
    """Drop the kept configuration; WeasyPrint removes its temporary folder as it goes. Only
    in the process that made it: a forked process inherits it, folder and all, and leaves
    both to their owner."""
    if _system_font_configuration.cache_info().currsize and \
            _configuration_owner == os.getpid():
        _system_font_configuration.cache_clear()
        gc.collect()  # what still refers to it from the last render


def preload() -> None:
    """What every render needs first, done once in this process: the shims installed (first:
    pdf_ffi has WeasyPrint's import use the declarations parsed at setup), WeasyPrint
    imported (~0.2 s in a new process), the lean fonts checked. Before a pool forks its
    workers, so that each inherits it instead of doing it again."""
    pdf_shims.install()
    lean_fonts.installed()
    import weasyprint  # noqa: F401


def prepare(fonts_dir: Path | None = None) -> None:
    """preload, and the kept font configuration made: what the renderer process does before
    its document arrives. (Laying a small page out as well, to load the fonts, cost more
    than the first render then saved: 0.085 s against 0.03 s.)"""
    preload()
    if fonts_dir is None:
        _system_font_configuration()


def render(document: Document, fonts_dir: Path | None = None,
           profile: str = pdf_fonts.PROFILE) -> bytes:
    """The PDF. Raises FontsError before rendering if a needed font is missing.

    Deterministic: no creation date is written and the file identifier is a hash of the
    content, so the same document gives the same bytes.
    """
    pdf_fonts.require_fonts(fonts_dir, profile)
    from weasyprint.text.fonts import FontConfiguration  # late: the fonts are there

    font_config = _system_font_configuration() if fonts_dir is None else FontConfiguration()
    collecting = gc.isenabled()
    gc.disable()  # the layout allocates millions of short-lived objects: ~25 % faster
    try:
        density = contents_density(document, fonts_dir, profile, font_config)
        html = render_html(document, fonts_dir, profile, density)
        page = pdf_shims.parse_html(html, str(HTML_TEMPLATES))
        pdf: bytes = page.write_pdf(pdf_identifier=True, font_config=font_config)
    finally:
        if collecting:
            gc.enable()
    return pdf
