"""The public tables as a workbook: what the sheets hold (read back with openpyxl, which
knows merges and number formats), that they agree with the document model cell by cell, and
that two builds give the same bytes."""

from __future__ import annotations

import functools
import io
from pathlib import Path

import openpyxl
import pytest

from budgetdoc import pipeline
from budgetdoc.writers import xlsx
from seedfigures import GOLDEN_EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
DEPARTMENTS = ROOT / "examples" / "departments"
# Every example: the four seeds (profile default) and the three Shanghai documents.
EXAMPLES = sorted(GOLDEN_EXAMPLES.values())


@functools.cache
def document(name: str):
    path = name if name.endswith(".yaml") else f"{name}/2024.yaml"
    return pipeline.run(DEPARTMENTS / path).document


def profile_of(name: str) -> str:
    return "shanghai" if name.startswith("sh-") else "default"


def book(name: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx.render(document(name), profile_of(name))))


@pytest.mark.parametrize(("name", "year"), [("changji-finance-bureau", 2024),
                                            ("sh-putuo-finance/2025.yaml", 2025)])
def test_two_renders_give_the_same_bytes(name: str, year: int) -> None:
    first = xlsx.render(document(name), profile_of(name))
    path = name if name.endswith(".yaml") else f"{name}/2024.yaml"
    again = xlsx.render(pipeline.run(DEPARTMENTS / path).document, profile_of(name))
    assert first == again
    assert f"{year}-01-01T00:00:00Z".encode() in _core(first)


def _core(data: bytes) -> bytes:
    import zipfile
    return zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml")


def test_one_sheet_per_table_named_as_printed() -> None:
    names = book("changji-finance-bureau").sheetnames
    assert names[:3] == ["表 1 部门收支总体情况表", "表 2 部门收入总体情况表",
                         "表 3 部门支出总体情况表"]
    assert names[10] == "表 11 上年结转结余情况明细表"
    assert names[11] == "部门整体绩效目标表"
    assert "项目支出绩效目标表（财政信息化建设经费）" in names
    assert all(len(n) <= 31 for n in names) and len(set(names)) == len(names)


def test_table_2_lines_header_merges_codes_and_amounts() -> None:
    sheet = book("changji-finance-bureau")["表 2 部门收入总体情况表"]
    assert sheet["A1"].value == "表 2"
    assert sheet["A2"].value == "部门收入总体情况表"
    assert sheet["A3"].value == "编制部门：昌吉回族自治州财政局"
    assert sheet["P3"].value == "单位：万元"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A2:P2", "A4:C4", "D4:D5", "F4:L4"} <= merged
    assert sheet.print_title_rows == "$4:$6"
    assert sheet.page_setup.orientation == "landscape"
    # the 总计 row, then 201 06 01 行政运行 (seed 001, table 2): 815.69 = 774.78 + 10.00 + 30.91
    assert [sheet.cell(7, c).value for c in (4, 5, 6, 7, 14, 15)] == [
        "总计", 2400.54, 2211.66, 2211.66, 115.00, 73.89]
    row = next(r for r in range(7, sheet.max_row + 1) if sheet.cell(r, 4).value == "行政运行")
    assert [sheet.cell(row, c).value for c in range(1, 4)] == ["201", "06", "01"]
    assert sheet.cell(row, 1).data_type == "s" and sheet.cell(row, 1).number_format == "@"
    assert sheet.cell(row, 5).value == 815.69
    assert sheet.cell(row, 5).number_format == "#,##0.00"
    assert sheet.cell(row, 8).value is None  # blank where the document is blank


def test_empty_table_has_its_header_and_note() -> None:
    sheet = book("changji-finance-bureau")["表 8 政府性基金预算支出情况表"]
    note = sheet.cell(8, 1).value
    assert note == ("昌吉回族自治州财政局 2024 年没有使用政府性基金预算拨款安排的支出，"
                    "政府性基金预算支出情况表为空表。")
    assert sheet.page_setup.orientation == "portrait"


def test_shanghai_amounts_are_in_each_tables_unit() -> None:
    """上海市普陀区财政局 2025 (published): tables 1–8 in 元, table 9 in 万元; table 8 prints
    its zeros (0.00), the others leave them blank."""
    workbook = book("sh-putuo-finance/2025.yaml")
    first = workbook["2025年部门财务收支预算总表"]
    assert first["A1"].value == "2025年部门财务收支预算总表"  # no caption line
    assert first["D2"].value == "单位：元"
    assert [first.cell(5, c).value for c in range(1, 5)] == [
        "一、财政拨款收入", 31214205.8, "一、一般公共服务支出", 22186440.8]
    assert first.cell(5, 2).number_format == "#,##0.00"
    economic = workbook["2025年部门一般公共预算基本支出部门预算经济分类预算表"]
    assert [economic.cell(6, c).value for c in range(1, 7)] == [
        "301", None, "工资福利支出", 22109516, 22109516, 0]
    sangong = workbook["2025年部门“三公”经费和机关运行经费预算表"]
    assert sangong["G2"].value == "单位：万元"
    assert [sangong.cell(6, c).value for c in range(1, 8)] == [
        0.95, None, 0.95, None, None, None, 229.43]


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_cell_agrees_with_the_document_model(name: str) -> None:
    """Each table's cells, in reading order, are the model's displayed texts (amounts as the
    number the display shows)."""
    from budgetdoc.writers.docx_table import place

    doc = document(name)
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.render(doc, profile_of(name))))
    for table, sheet in zip(doc.tables(), workbook.worksheets, strict=True):
        # caption, title, subtitle, 编制部门/单位 line: each takes a row where printed
        first = 2 + bool(table.caption) + bool(table.subtitle) + bool(
            table.department_line or table.unit_line)
        grid, _ = place([*table.header, *(r.cells for r in table.rows)], str)
        for r, slots in enumerate(grid):
            for slot in slots:
                if slot.cell is None:
                    continue
                got = sheet.cell(first + r, slot.column + 1).value
                text = getattr(slot.cell, "display", None)
                text = slot.cell.text if text is None else text
                if isinstance(got, int | float):
                    decimals = getattr(slot.cell, "decimals", 2)
                    assert f"{got:,.{decimals}f}" == text, (table.title, r, slot.column)
                else:
                    assert (got or "") == text, (table.title, r, slot.column)
