"""Fill a Shanghai 2026 template with a real department's figures
(tests/fixtures/excel/putuo-finance-2025.yaml, transcribed by hand), as its finance staff
would: the data rows under each header, the 合计 row after them, title and 编制部门 lines.

Two templates: the department's (sh-2026-department-tables-template.xlsx, sheets 部门收支总表 …)
and a budget unit's (sh-2026-unit-tables-template.xlsx, sheets 单位收支总表 …), whose 收支总表
splits the spending side into 合计, 人员经费, 公用经费 and 项目支出 and starts two rows lower.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import yaml

FIXTURES = Path(__file__).parent / "fixtures" / "excel"
FIGURES = FIXTURES / "putuo-finance-2025.yaml"
FIRST = 9  # data rows start under the three header rows 6–8
TOTAL = 21  # the 收支总表' 总计 row

# template → (file, sheet name prefix, 编制部门/编制单位, first data row of the 收支总表)
TEMPLATES = {
    "department": ("sh-2026-department-tables-template.xlsx", "部门", "编制部门", 8),
    "unit": ("sh-2026-unit-tables-template.xlsx", "单位", "编制单位", 10),
}


def figures() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(FIGURES.read_text("utf-8"))
    return loaded


def _clear_body(sheet: Any, first: int = FIRST) -> None:
    for merged in [m for m in sheet.merged_cells.ranges if m.min_row >= first]:
        sheet.unmerge_cells(str(merged))
    for row in sheet.iter_rows(min_row=first, max_row=sheet.max_row):
        for cell in row:
            cell.value = None


def _lines(sheet: Any, department: str, year: int, line: str) -> None:
    title = sheet.cell(2, 1).value
    sheet.cell(2, 1).value = title.replace("2026年", f"{year}年")
    row = 3 if "三公" in sheet.title else 4
    sheet.cell(row, 1).value = f"{line}：{department}"


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


def _label(text: Any) -> str:
    """`1、一般公共预算` (the unit template) as the fixture writes it: `1. 一般公共预算`."""
    return re.sub(r"^(\d+)[、.]\s*", r"\1. ", str(text or ""))


def _balance(sheet: Any, data: dict[str, Any], template: str) -> None:
    """The 收支总表: income on the left, the spending 类 on the right (one amount, or the
    unit template's 合计, 人员经费, 公用经费, 项目支出)."""
    balance, first = data["balance"], TEMPLATES[template][3]
    for r in range(first, first + 7):
        sheet.cell(r, 2).value = balance["left"].get(_label(sheet.cell(r, 1).value))
    if template == "unit":
        right, total = data["unit_balance"]["right"], data["unit_balance"]["total"]
    else:
        right = {label: [value] for label, value in balance["right"].items()}
        total = [balance["total"]]
    for r, (label, values) in enumerate(right.items(), start=first):
        sheet.cell(r, 3).value = label
        for c, value in enumerate(values, start=4):
            sheet.cell(r, c).value = value
    sheet.cell(TOTAL, 2).value = balance["total"]
    for c, value in enumerate(total, start=4):
        sheet.cell(TOTAL, c).value = value


def fill(target: Path, data: dict[str, Any] | None = None,
         template: str = "department") -> Path:
    data = data or figures()
    file, prefix, line, _ = TEMPLATES[template]
    book = openpyxl.load_workbook(FIXTURES / file)
    tables = book.worksheets[6:15]
    for sheet in tables:
        _lines(sheet, data["department"], data["year"], line)
    _balance(tables[0], data, template)

    balance = data["balance"]
    fiscal = book[f"{prefix}财政拨款收支总表"]
    fiscal.cell(8, 2).value = balance["total"]
    for r, (label, value) in enumerate(balance["right"].items(), start=8):
        fiscal.cell(r, 3).value = label
        fiscal.cell(r, 4).value = fiscal.cell(r, 5).value = value
    fiscal.cell(TOTAL, 2).value = fiscal.cell(TOTAL, 4).value = balance["total"]
    fiscal.cell(TOTAL, 5).value = balance["total"]

    rows, total = data["functions"], data["function_total"]
    _function_rows(book[f"{prefix}收入总表"], [[*r[:5], r[4]] for r in rows], [5, 6],
                   [total[0], total[0]])
    for name in ("支出总表", "一般公共预算拨款表"):
        _function_rows(book[prefix + name], rows, [5, 6, 7], total)
    for name in ("政府性基金拨款表", "国有资本经营预算拨款表 "):
        _function_rows(book[prefix + name], [], [5, 6, 7], [])

    economic = book[f"{prefix}一般公共预算拨款基本支出明细表"]
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

    sangong = book[f"{prefix}“三公”经费和机关运行费预算表"]
    for c, value in enumerate(data["sangong"], start=1):
        sangong.cell(7, c).value = value
    book.save(target)
    return target
