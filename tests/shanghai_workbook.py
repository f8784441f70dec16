"""Fill the Shanghai 2026 department-tables template with a real department's figures
(tests/fixtures/excel/putuo-finance-2025.yaml, transcribed by hand), as its finance staff
would: the data rows under each header, the 合计 row after them, title and 编制部门 lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import yaml

FIXTURES = Path(__file__).parent / "fixtures" / "excel"
TEMPLATE = FIXTURES / "sh-2026-department-tables-template.xlsx"
FIGURES = FIXTURES / "putuo-finance-2025.yaml"
FIRST = 9  # data rows start under the three header rows 6–8


def figures() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(FIGURES.read_text("utf-8"))
    return loaded


def _clear_body(sheet: Any, first: int = FIRST) -> None:
    for merged in [m for m in sheet.merged_cells.ranges if m.min_row >= first]:
        sheet.unmerge_cells(str(merged))
    for row in sheet.iter_rows(min_row=first, max_row=sheet.max_row):
        for cell in row:
            cell.value = None


def _lines(sheet: Any, data: dict[str, Any], year: int, title_row: int, line_row: int) -> None:
    title = sheet.cell(title_row, 1).value
    sheet.cell(title_row, 1).value = title.replace("2026年", f"{year}年")
    sheet.cell(line_row, 1).value = f"编制部门：{data['department']}"


def _function_rows(sheet: Any, rows: list[list[Any]], columns: list[int],
                   total: list[Any]) -> None:
    _clear_body(sheet)
    r = FIRST
    for cls, kuan, xiang, name, *amounts in rows:
        sheet.cell(r, 1).value = int(cls)  # 类 as a number, 款 and 项 as text (as the template)
        sheet.cell(r, 2).value = kuan or None
        sheet.cell(r, 3).value = xiang or None
        sheet.cell(r, 4).value = name
        for column, value in zip(columns, amounts, strict=False):
            sheet.cell(r, column).value = value
        r += 1
    sheet.cell(r, 1).value = "合计"
    sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
    for column, value in zip(columns, total, strict=False):
        sheet.cell(r, column).value = value


def fill(target: Path, data: dict[str, Any] | None = None) -> Path:
    data = data or figures()
    year = data["year"]
    book = openpyxl.load_workbook(TEMPLATE)
    for sheet in book.worksheets[6:15]:
        _lines(sheet, data, year, 2, 3 if "三公" in sheet.title else 4)
    balance = data["balance"]
    sheet = book["部门收支总表"]
    for r in range(8, 15):
        sheet.cell(r, 2).value = balance["left"].get(sheet.cell(r, 1).value)
    for r, (label, value) in enumerate(balance["right"].items(), start=8):
        sheet.cell(r, 3).value, sheet.cell(r, 4).value = label, value
    sheet.cell(21, 2).value = sheet.cell(21, 4).value = balance["total"]

    fiscal = book["部门财政拨款收支总表"]
    fiscal.cell(8, 2).value = balance["total"]
    for r, (label, value) in enumerate(balance["right"].items(), start=8):
        fiscal.cell(r, 3).value = label
        fiscal.cell(r, 4).value = fiscal.cell(r, 5).value = value
    fiscal.cell(21, 2).value = fiscal.cell(21, 4).value = balance["total"]
    fiscal.cell(21, 5).value = balance["total"]

    rows, total = data["functions"], data["function_total"]
    _function_rows(book["部门收入总表"], [[*r[:5], r[4]] for r in rows], [5, 6],
                   [total[0], total[0]])
    for name in ("部门支出总表", "部门一般公共预算拨款表"):
        _function_rows(book[name], rows, [5, 6, 7], total)
    for name in ("部门政府性基金拨款表", "部门国有资本经营预算拨款表 "):
        _function_rows(book[name], [], [5, 6, 7], [])

    economic = book["部门一般公共预算拨款基本支出明细表"]
    _clear_body(economic)
    r = FIRST
    for cls, kuan, name, *amounts in data["economic"]:
        economic.cell(r, 1).value = int(cls)
        economic.cell(r, 2).value = kuan or None
        economic.cell(r, 3).value = name
        for c, value in enumerate(amounts, start=4):
            economic.cell(r, c).value = value
        r += 1
    economic.cell(r, 1).value = "合计"
    economic.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
    for c, value in enumerate(data["economic_total"], start=4):
        economic.cell(r, c).value = value

    sangong = book["部门“三公”经费和机关运行费预算表"]
    for c, value in enumerate(data["sangong"], start=1):
        sangong.cell(7, c).value = value
    book.save(target)
    return target
