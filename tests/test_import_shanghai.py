"""Importing the Shanghai 2026 templates (the layouts a 一体化 export uses) with the profile
`shanghai`.

Each template is filled with 上海市普陀区财政局's published 2025 figures (tests/shanghai_workbook.py
from tests/fixtures/excel/putuo-finance-2025.yaml) and imported. The file asks for what the
Shanghai document prints (its starting file's places: region, 部门本级, each 项's purpose …);
with the texts its officers would type (those of the example file) it builds, and its nine
tables print every figure of the published document, as the independently transcribed
tests/fixtures/reference_figures/sh-putuo-finance-2025-budget.yaml has them, cell by cell.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from budgetdoc import pipeline
from budgetdoc.document import Table
from budgetdoc.workbook import import_workbook
from budgetdoc.yamlload import load_text
from shanghai_workbook import fill
from test_shanghai import _row_label

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "departments" / "sh-putuo-finance" / "2025.yaml"
REFERENCE = Path(__file__).parent / "fixtures" / "reference_figures" / \
    "sh-putuo-finance-2025-budget.yaml"
# The sections an import fills from the tables; the officer writes the others.
FROM_TABLES = {"meta", "code_names", "basic", "basic_economic", "projects", "carryover",
               "sangong", "operating_costs", "known_deviations"}
ITEMS = ["2010601", "2010602", "2010607", "2010608", "2080501", "2080505", "2080506", "2080599",
         "2101101", "2210201", "2210203"]  # the 项 of 财政拨款 spending (tables 2, 3, 5)


def typed_in(imported: str) -> str:
    """What the finance staff add after importing: the texts (and last year's figures) the
    tables cannot hold, here those of the example file, and each project's name."""
    data = yaml.safe_load(imported)
    given = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    data |= {key: value for key, value in given.items() if key not in FROM_TABLES}
    data["meta"]["region"] = given["meta"]["region"]
    names = {p["function"]: p["name"] for p in given["projects"]}
    for project in data["projects"]:
        project["name"] = names[project["function"]]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def printed(table: Table) -> list[str]:
    """The amounts a table prints, in reading order (blank cells left out)."""
    return [c.display for row in table.rows for c in row.cells if c.is_amount and c.display]


@pytest.mark.parametrize("template", ["department", "unit"])
def test_template_with_putuo_figures_imports_and_prints_the_published_tables(
        tmp_path: Path, template: str) -> None:
    workbook = fill(tmp_path / "普陀区财政局2025.xlsx", template=template)
    imported = import_workbook(workbook, "shanghai")
    assert imported.diagnostics == [] and imported.text
    data, _, _ = load_text(imported.text, "x")
    assert data["meta"] == {"department": "上海市普陀区财政局", "year": 2025, "kind": "预算",
                            "unit": "元", "profile": "shanghai", "region": "待填写"}
    assert data["basic_economic"]["30217"] == Decimal("9500.00")
    assert data["sangong"] == {"reception": Decimal("9500.00")}  # 0.95 万元 in 元
    assert data["operating_costs"] == Decimal("2294300.00")  # 229.43 万元
    assert "code_names" not in data  # every name printed is the code list's (data/codes)
    # the Shanghai places to fill: each 项's purpose (not each 类's), 部门本级, 政府采购 …
    assert list(data["function_purposes"]) == ITEMS and "class_purposes" not in data
    assert {"main_unit", "functions"} <= set(data["overview"])
    assert {"procurement", "performance_targets", "assets", "project_descriptions"} <= set(data)
    assert [p["function"] for p in data["projects"]] == ITEMS[:4]
    assert set(data["projects"][0]) == {"name", "function", "general_budget"}
    if template == "department":
        assert data["basic"][0] == {"function": "2010601",
                                    "general_budget": Decimal("16093326.00")}
    else:  # 人员经费 and 公用经费 by 类 (the unit's 收支总表): 201's 基本支出 shared out
        assert data["basic"][0] == {"function": "2010601",
                                    "personnel": {"general_budget": Decimal("13798991.00")},
                                    "operating": {"general_budget": Decimal("2294335.00")}}

    source = tmp_path / "上海市普陀区财政局" / "2025.yaml"
    source.parent.mkdir()
    source.write_text(typed_in(imported.text), encoding="utf-8")
    result = pipeline.run(source)
    assert result.ok, [d.message for d in result.diagnostics if d.severity.name == "ERROR"]
    reference = yaml.safe_load(REFERENCE.read_text("utf-8"))["tables"]
    tables = result.document.tables()
    assert [t.number for t in tables] == [int(n) for n in reference]
    for table in tables:
        spec = reference[str(table.number)]
        assert table.title == spec["title"]
        assert printed(table) == spec["figures"], table.number
        if table.number != 9:  # one row of amounts, no label
            rows = [label for label in (_row_label(table, r) for r in table.rows)
                    if label != ["", ""]]
            assert rows == [r for r in spec["rows"] if r != ["", ""]], table.number


def test_imported_file_builds_every_output(tmp_path: Path) -> None:
    from budgetdoc.build import build_one

    imported = import_workbook(fill(tmp_path / "表.xlsx"), "shanghai")
    assert imported.text
    source = tmp_path / "上海市普陀区财政局" / "2025.yaml"
    source.parent.mkdir()
    source.write_text(typed_in(imported.text), encoding="utf-8")
    built = build_one(source, tmp_path / "out")
    assert built.ok and {p.suffix for p in built.outputs} == {".docx", ".pdf", ".xlsx"}


def test_the_unit_template_is_told_from_the_department_template(tmp_path: Path) -> None:
    """A unit workbook under the department layout would fail at its 收支总表 header; the
    importer takes the layout whose titles it carries, and a missing sheet is named by the
    unit template's title."""
    import openpyxl

    path = fill(tmp_path / "单位.xlsx", template="unit")
    book = openpyxl.load_workbook(path)
    book.remove(book["单位支出总表"])
    book.save(path)
    found = import_workbook(path, "shanghai").diagnostics
    assert [d.rule for d in found] == ["import.missing_table"]
    assert "预算单位支出预算总表" in found[0].message and "预算单位公开表" in found[0].message


# --- a damaged Shanghai workbook (our own export) ---------------------------------------

T1, T2, T3 = "2025年部门财务收支预算总表", "2025年部门收入预算总表", "2025年部门支出预算总表"
T9 = "2025年部门“三公”经费和机关运行经费预算表"


@pytest.mark.parametrize(("sheet", "cell", "value", "rule", "words"), [
    (T1, "C6", "二、不存在的支出", "import.unknown_row", "二、不存在的支出"),
    (T2, "A8", "299", "import.unknown_class", "2990601"),
    (T9, "G6", "两百", "import.text_amount", "两百"),
    # 合计, last: a figure in 元 to the cent has no 尾差 to declare
    (T3, "E25", 31214205.9, "import.mismatch", "31,214,205.90"),
    (T9, "C4", "会议费", "import.header_moved", "会议费"),
], ids=["unknown 类 on the right", "unknown 类 code", "text in table 9", "total disagrees",
        "header moved"])
def test_a_damaged_shanghai_workbook_is_located(tmp_path: Path, sheet: str, cell: str, value,
                                                rule: str, words: str) -> None:
    import io

    import openpyxl

    from test_import import exported

    book = openpyxl.load_workbook(io.BytesIO(exported("sh-putuo-finance/2025.yaml")))
    assert book[sheet][cell].value is not None or rule == "import.header_moved"
    book[sheet][cell].value = value
    path = tmp_path / "坏表.xlsx"
    book.save(path)
    imported = import_workbook(path, "shanghai")
    assert imported.text is None
    first = imported.diagnostics[0]
    assert (first.rule, first.location.path) == (rule, f"工作表“{sheet}”{cell}"), first
    assert words in first.message


def test_a_total_rounded_in_wan_is_declared_as_printed(tmp_path: Path) -> None:
    """Table 9 prints 万元 from a file in 元: 4,444 + 4,444 元 print as 0.44 and 0.44 under a
    合计 of 0.89. The import (in 元, from the 万元 figures) declares that 合计 as printed (a
    尾差), and its tables are the original's."""
    from budgetdoc.writers import xlsx
    from test_import import part_two

    text = EXAMPLE.read_text("utf-8").replace(
        "sangong:\n  reception: 9500.00", "sangong:\n  reception: 4444.00\n  outbound: 4444.00")
    assert "outbound: 4444.00" in text
    source = tmp_path / "上海市普陀区财政局" / "2025.yaml"
    source.parent.mkdir()
    source.write_text(text, encoding="utf-8")
    original = pipeline.run(source).document
    sangong = original.tables()[8]
    assert [c.display for c in sangong.rows[0].cells][:3] == ["0.89", "0.44", "0.44"]
    workbook = tmp_path / "表.xlsx"
    workbook.write_bytes(xlsx.render(original, "shanghai"))
    imported = import_workbook(workbook, "shanghai")
    assert imported.diagnostics == [] and imported.text
    data = load_text(imported.text, "x")[0]
    assert data["sangong"] == {"outbound": Decimal("4400.00"), "reception": Decimal("4400.00")}
    assert data["known_deviations"] == [
        {"table": 9, "row": "合计", "column": 1, "printed": Decimal("0.89")}]
    assert part_two(imported.text, "shanghai") == [t.to_json() for t in original.tables()]


def test_a_class_on_the_right_is_named_as_the_code_trees_print_it(tmp_path: Path) -> None:
    """The two-sided table names a 类 by its name only (一、一般公共服务支出): the name the
    file's other tables print for that code (its code_names) finds it as the code list's does."""
    import io

    import openpyxl

    from budgetdoc.profile import load
    from budgetdoc.workbook.layouts import own
    from budgetdoc.workbook.read import Problem, read_workbook
    from budgetdoc.workbook.recognise import find_title, read_sheet
    from test_import import exported

    book = openpyxl.load_workbook(io.BytesIO(exported("sh-putuo-finance/2025.yaml")))
    book[T1]["C5"].value = "一、公共服务"  # as a file's code_names might call 201
    path = tmp_path / "表.xlsx"
    book.save(path)
    sheet = read_workbook(path)[0]
    spec, row = find_title(sheet, own("shanghai").tables)
    profile = load("shanghai")

    def codes(names: dict[str, str]) -> list[str]:
        read = read_sheet(sheet, spec, row, profile, True, names)
        return sorted({f.filter.function for f in read.facts if f.filter.function})

    assert codes({"201": "公共服务"}) == ["201", "208", "210", "221"]
    with pytest.raises(Problem) as raised:
        codes({})
    assert (raised.value.rule, raised.value.cell) == ("import.unknown_row", "C5")
