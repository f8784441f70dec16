"""Reading a workbook: the cells of each sheet (python-calamine: .xlsx, .xls, .ods, with merged
ranges), the number formats and document title (openpyxl, .xlsx only), and amounts as exact
decimals.

A problem with the workbook or one of its cells raises `Problem` with a message id from
data/import/messages.yaml and the sheet and cell it is about.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..resources import data_file, in_chinese, system_reason

CENT = Decimal("0.01")
NOISE = Decimal("0.000001")  # what binary floating point adds to a figure typed in cents


class Problem(Exception):
    """A workbook fault the user must correct: message id, sheet, cell and fields."""

    def __init__(self, rule: str, sheet: str = "", cell: str = "", **fields: Any) -> None:
        super().__init__(rule)
        self.rule, self.sheet, self.cell, self.fields = rule, sheet, cell, fields


def cell_name(row: int, column: int) -> str:
    """(11, 2) → C12."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def normal(text: str) -> str:
    """Text as compared: NFKC (full-width → half-width), no whitespace at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass
class Sheet:
    name: str
    cells: list[list[Any]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    formats: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def height(self) -> int:
        return len(self.cells)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.cells), default=0)

    def raw(self, row: int, column: int) -> Any:
        if 0 <= row < len(self.cells) and 0 <= column < len(self.cells[row]):
            value = self.cells[row][column]
            return "" if value is None else value
        return ""

    def origin(self, row: int, column: int) -> tuple[int, int]:
        """The cell whose value shows at (row, column): the top-left of the smallest merged
        range covering it that has a value (merge definitions may overlap)."""
        covering = sorted((m for m in self.merges
                           if m[0] <= row <= m[2] and m[1] <= column <= m[3]),
                          key=lambda m: ((m[2] - m[0] + 1) * (m[3] - m[1] + 1), m))
        for r0, c0, _, _ in covering:
            if text_of(self.raw(r0, c0)):
                return r0, c0
        return row, column

    def text(self, row: int, column: int) -> str:
        """The text shown at a position (merged ranges resolved), stripped."""
        return text_of(self.raw(*self.origin(row, column)))

    def row_texts(self, row: int) -> list[str]:
        return [text_of(self.raw(row, c)) for c in range(self.width)]


def text_of(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if value is not None else ""


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet of the workbook, in order. Raises Problem if it cannot be read."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = []
        for name in book.sheet_names:
            found = book.get_sheet_by_name(name)
            cells = found.to_python(skip_empty_area=False)
            merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in found.merged_cell_ranges or []]
            sheets.append(Sheet(name, [list(r) for r in cells], merges))
    except (OSError, python_calamine.CalamineError, ValueError) as error:
        raise Problem("import.unreadable", reason=_reason(error)) from None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _number_formats(path, sheets)
    return sheets


def _reason(error: Exception) -> str:
    """Why the table library could not read a workbook, in Chinese."""
    text = str(error)
    if isinstance(error, OSError):
        said = re.search(r"\(os error (\d+)\)", text)  # how the library gives it
        code = error.errno or (int(said.group(1)) if said else None)
        if code:
            return system_reason(code)
    found = data_file("import/messages.yaml")
    return in_chinese(text, found["unreadable_reasons"], found["unreadable_other"])


def _number_formats(path: Path, sheets: list[Sheet]) -> None:
    """The number format of every numeric cell (openpyxl's read-only mode is enough)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # calamine read it: without formats the unit lines still serve
        return
    try:
        for sheet in sheets:
            if sheet.name not in book.sheetnames:
                continue
            for row in book[sheet.name].iter_rows():
                for cell in row:
                    if isinstance(getattr(cell, "value", None), int | float):
                        sheet.formats[(cell.row - 1, cell.column - 1)] = cell.number_format
    finally:
        book.close()


def workbook_title(path: Path) -> str:
    """The workbook's document title (our own export names the document there), or ""."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return ""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception:
        return ""
    try:
        return str(book.properties.title or "")
    finally:
        book.close()


def amount(value: Any, sheet: str, cell: str) -> Decimal | None:
    """A cell's amount, exact: None for a blank; floats by their shortest repr, rounded to
    the cent; text with separators accepted. Raises Problem for text or a finer figure."""
    settings = data_file("import/reading.yaml")
    if isinstance(value, bool):
        raise Problem("import.text_amount", sheet, cell, text=str(value))
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if text in settings["blank_amounts"]:
            return None
        cleaned = re.sub(settings["separators"], "", text)
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise Problem("import.text_amount", sheet, cell, text=text) from None
        if not number.is_finite():
            raise Problem("import.text_amount", sheet, cell, text=text)
    rounded = number.quantize(CENT, rounding=ROUND_HALF_UP)
    if abs(number - rounded) >= NOISE:
        raise Problem("import.finer_than_cent", sheet, cell, value=format(number, "f"))
    return rounded
