"""`budgetdoc import`: a workbook of public tables → a department file.

Round trip: every example's workbook (as `build` writes it, either profile) imports to a file
whose public tables are the original's, every figure. A damaged workbook gets a located
Chinese message and nothing is written. The Shanghai templates: test_import_shanghai.py.
"""

from __future__ import annotations

import functools
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from budgetdoc import checks, model, pipeline, tables
from budgetdoc.cli import main
from budgetdoc.profile import load
from budgetdoc.validate import validate
from budgetdoc.workbook import import_workbook
from budgetdoc.workbook.read import Problem, amount
from budgetdoc.writers import xlsx
from budgetdoc.yamlload import load_text
from seedfigures import GOLDEN_EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
DEPARTMENTS = ROOT / "examples" / "departments"
# Every 预算 example: the four seeds (profile default, 万元) and the three Shanghai documents
# (profile shanghai: tables in 元, table 9 in 万元, titles with the year, 合计 last, no ※ row).
# A 决算's workbook is written (tests/test_xlsx.py) but not read back: import makes 预算 files.
EXAMPLES = sorted(name for name in GOLDEN_EXAMPLES.values() if ".决算." not in name)


def example(name: str) -> Path:
    return DEPARTMENTS / (name if name.endswith(".yaml") else f"{name}/2024.yaml")


def profile_of(name: str) -> str:
    return load_text(example(name).read_text("utf-8"), "x")[0]["meta"].get("profile", "default")


@functools.cache
def exported(name: str) -> bytes:
    result = pipeline.run(example(name))
    return xlsx.render(result.document, profile_of(name))


def part_two(text: str, profile: str = "default") -> list[dict]:
    """The 第二部分 tables of a department file as the tool builds them (its placeholders
    are left: they stop `check`, not the tables; they are its only faults)."""
    data, source_map, found = load_text(text, "imported.yaml")
    assert not found
    assert {d.rule for d in validate(data, source_map)} <= {"text.placeholder"}
    department, _ = model.build(data, source_map, load(profile))
    overrides, _ = checks.resolve_deviations(department, tables.build_tables(department))
    department.ledger.overrides = overrides
    return [t.to_json() for t in tables.build_tables(department)]


@pytest.mark.parametrize("name", EXAMPLES)
def test_round_trip_gives_the_same_tables(name: str, tmp_path: Path) -> None:
    workbook = tmp_path / "表.xlsx"
    workbook.write_bytes(exported(name))
    profile = profile_of(name)
    imported = import_workbook(workbook, profile)
    assert imported.diagnostics == [] and imported.text
    original = pipeline.run(example(name)).document
    assert part_two(imported.text, profile) == [t.to_json() for t in original.tables()
                                                if t.number]
    meta = load_text(imported.text, "x")[0]["meta"]
    given = load_text(example(name).read_text("utf-8"), "x")[0]["meta"]
    assert (meta.get("profile", "default"), meta["unit"]) == (profile, given["unit"])


def test_imported_file_keeps_the_seed_facts(tmp_path: Path) -> None:
    """昌吉州财政局 (seed 001): the 单位资金 of 行政运行 is 其他收入 (表 1 prints it so), the
    carry-over items find their 项 (表 2 column 11), and the printed 尾差 are declared."""
    workbook = tmp_path / "表.xlsx"
    workbook.write_bytes(exported("changji-finance-bureau"))
    text = import_workbook(workbook).text
    assert text is not None
    data, _, _ = load_text(text, "x")
    assert data["basic"][0] == {"function": "2010601", "general_budget": Decimal("774.78"),
                                "unit_other": Decimal("10.00")}
    items = {i["name"]: (i["function"], i["source"], i["amount"]) for i in data["carryover"]}
    assert items["2023 年全区会计专业技术资格考试考务工作经费"] == (
        "2010699", "carryover_general", Decimal("10.90"))
    assert items["特定目标 17100690"][0] == "2010601"
    printed = {(d["table"], d["row"], d["column"]): d["printed"]
               for d in data["known_deviations"]}
    assert printed[(3, "总计", 3)] == Decimal("878.89")
    assert printed[(6, "总计", 1)] == Decimal("1511.66")
    project = next(p for p in data["projects"] if p["function"] == "2010602"
                   and p["name"].startswith("待填写"))
    assert project["unit_other"] == Decimal("105.00")
    # its texts as the default profile's starting file asks for them (budgetdoc new)
    assert (project["policy_basis"], project["owner"], project["allocation"]) == (
        "待填写", "昌吉回族自治州财政局", "待填写")
    assert data["meta"]["published"] == "待填写" and "staff" in data["overview"]
    assert list(data["class_purposes"]) == ["201", "208", "210", "221"]
    assert {"procurement", "assets", "performance", "other_matters"} <= set(data)


def test_cli_writes_a_file_that_check_lists_the_places_to_fill(tmp_path: Path,
                                                              capsys) -> None:
    workbook = tmp_path / "表.xlsx"
    workbook.write_bytes(exported("changji-aid-office"))
    target = tmp_path / "dept" / "2024.yaml"
    assert main(["import", str(workbook), "-o", str(target)]) == 0
    assert "已导入" in capsys.readouterr().out
    text = target.read_text("utf-8")
    assert text.startswith("# 昌吉回族自治州对口援疆工作领导小组办公室 2024 年部门预算数据")
    assert main(["check", str(target)]) == 1
    out = capsys.readouterr().out
    assert "[text.placeholder]" in out and "变动原因" in out and "主要职能" in out
    assert main(["import", str(workbook), "-o", str(target)]) == 2  # never overwritten
    assert "--force" in capsys.readouterr().err


# --- damaged workbooks ------------------------------------------------------------------

def damaged(tmp_path: Path, edit) -> Path:
    book = openpyxl.load_workbook(io.BytesIO(exported("changji-finance-bureau")))
    edit(book)
    path = tmp_path / "坏表.xlsx"
    book.save(path)
    return path


def _set(sheet: str, cell: str, value):
    def edit(book):
        book[sheet][cell].value = value
    return edit


@pytest.mark.parametrize(("edit", "rule", "where", "words"), [
    (lambda b: b.remove(b["表 3 部门支出总体情况表"]), "import.missing_table", "",
     "部门支出总体情况表"),
    (_set("表 2 部门收入总体情况表", "G5", "政府性基金预算"), "import.header_moved",
     "工作表“表 2 部门收入总体情况表”G5", "一般公共预算"),
    (_set("表 3 部门支出总体情况表", "F9", "七百万"), "import.text_amount",
     "工作表“表 3 部门支出总体情况表”F9", "七百万"),
    (_set("表 2 部门收入总体情况表", "A10", "299"), "import.unknown_class",
     "工作表“表 2 部门收入总体情况表”A10", "2990601"),
    (_set("表 6 一般公共预算基本支出情况表", "D9", 373.345), "import.finer_than_cent",
     "工作表“表 6 一般公共预算基本支出情况表”D9", "373.345"),
    (_set("表 3 部门支出总体情况表", "E10", 1900), "import.mismatch",
     "工作表“表 3 部门支出总体情况表”E10", "1,900.00"),
], ids=["sheet missing", "header moved", "text amount", "unknown 类", "finer than cent",
        "total disagrees"])
def test_a_damaged_workbook_is_located_and_nothing_is_written(
        tmp_path: Path, capsys, edit, rule: str, where: str, words: str) -> None:
    workbook = damaged(tmp_path, edit)
    imported = import_workbook(workbook)
    assert imported.text is None
    first = imported.diagnostics[0]
    assert first.rule == rule and first.location.path == where, imported.diagnostics
    assert words in first.message
    assert re.search("[\u4e00-\u9fff]", first.remedy)
    target = tmp_path / "2024.yaml"
    assert main(["import", str(workbook), "-o", str(target)]) == 1
    assert not target.exists()
    assert "未导入" in capsys.readouterr().err


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("a.xlsx", b"not a workbook", "文件已损坏，或不是 Excel 工作簿（.xlsx）或 OpenDocument 表格（.ods）"),
    ("a.xls", b"hello", "文件已损坏，或不是 Excel 97-2003 工作簿（.xls）"),
    ("missing.xlsx", None, "文件或文件夹不存在"),
])
def test_an_unreadable_workbook_is_said_why_in_chinese(tmp_path: Path, name: str,
                                                       content: bytes | None,
                                                       reason: str) -> None:
    """The table library's own words (invalid Zip archive, os error 2) never reach the user."""
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    [found] = import_workbook(path).diagnostics
    assert found.rule == "import.unreadable" and found.message == f"无法读取工作簿：{reason}。"


def test_a_final_accounts_workbook_is_named_as_such(tmp_path: Path) -> None:
    """Only 预算 workbooks are read; a 决算's (ours) is said to be one, with the way to start."""
    final = ROOT / "examples" / "departments" / "urumqi-finance-committee" / "2024.决算.yaml"
    result = pipeline.run(final)
    assert result.document is not None and result.department is not None
    path = tmp_path / "决算.xlsx"
    path.write_bytes(xlsx.render(result.document, result.department.profile.name))
    [found] = import_workbook(path).diagnostics
    assert found.rule == "import.kind_not_importable"
    assert found.message.startswith("这是决算公开表的工作簿（工作表“公开01表")
    assert "--kind 决算" in found.remedy


def test_sheets_that_are_no_tables_are_named(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active["A1"] = "随便写的"
    book.save(path)
    found = import_workbook(path).diagnostics
    assert [d.rule for d in found] == ["import.no_tables"] and "说明" in found[0].message


@pytest.mark.parametrize(("value", "expected"), [
    (0.1 + 0.2, "0.30"), (31214205.8, "31214205.80"), ("1,234.50", "1234.50"),
    ("1，234.5", "1234.50"), (" 12 345.67 ", "12345.67"), (205, "205.00"), ("-", None),
])
def test_amounts_are_exact(value, expected) -> None:
    found = amount(value, "表", "A1")
    assert (None if found is None else format(found, "f")) == expected


def test_a_figure_finer_than_a_cent_is_refused() -> None:
    with pytest.raises(Problem) as raised:
        amount(1.005, "表", "B2")
    assert raised.value.rule == "import.finer_than_cent" and raised.value.cell == "B2"


def test_codes_joined_or_inherited_and_amounts_as_text_read_the_same(tmp_path: Path) -> None:
    """一体化 exports write codes in one cell (2010601, 201 06 02, 2010607-信息化建设) or print
    类 and 款 only where they change, and amounts as text with separators."""
    def edit(book):
        sheet = book["表 2 部门收入总体情况表"]
        rows = {sheet.cell(r, 4).value: r for r in range(8, sheet.max_row + 1)}
        joined = {"行政运行": ("2010601", "行政运行"), "一般行政管理事务": ("201 06 02", "一般行政管理事务"),
                  "信息化建设": ("2010607-信息化建设", None)}
        for name, (code, printed) in joined.items():
            r = rows[name]
            sheet.cell(r, 1).value, sheet.cell(r, 2).value, sheet.cell(r, 3).value = code, None, None
            sheet.cell(r, 4).value = printed
        r = rows["事业运行"]
        sheet.cell(r, 1).value = sheet.cell(r, 2).value = None  # 201 06 inherited
        sheet.cell(rows["行政运行"], 5).value = "815.69"
        sheet.cell(rows["财政事务"], 5).value = "1，985.54"
    imported = import_workbook(damaged(tmp_path, edit))
    assert imported.diagnostics == [] and imported.text
    original = pipeline.run(ROOT / "examples/departments/changji-finance-bureau/2024.yaml")
    assert part_two(imported.text) == [t.to_json() for t in original.document.tables()
                                       if t.number]


def test_overlapping_merges_show_the_value_of_the_smallest() -> None:
    from budgetdoc.workbook.read import Sheet

    sheet = Sheet("表", [["标题", "", ""], ["", "甲", ""]],
                  merges=[(0, 0, 1, 2), (1, 1, 1, 2)])
    assert sheet.text(1, 2) == "甲" and sheet.text(1, 0) == "标题" and sheet.text(0, 2) == "标题"


def test_a_profile_with_no_expenditure_table_is_read_but_cannot_tell_basic_from_project(
        tmp_path: Path, monkeypatch) -> None:
    """tests/fixtures/profiles/tiny (three tables in whole 元, titles with the year, an
    items_row 三公 table): its own export is recognised, but no table splits a 项's money into
    基本支出 and 项目支出, so the import names the first figure it cannot place and writes
    nothing."""
    import shutil

    shutil.copytree(ROOT / "tests" / "fixtures" / "profiles" / "tiny",
                    tmp_path / "profiles" / "tiny")
    monkeypatch.setenv("BUDGETDOC_PROFILES", str(tmp_path / "profiles"))
    path = tmp_path / "dept" / "2024.yaml"
    path.parent.mkdir()
    path.write_text((ROOT / "tests" / "fixtures" / "minimal.yaml").read_text("utf-8").replace(
        "  unit: 万元", "  unit: 万元\n  profile: tiny"), encoding="utf-8")
    document = pipeline.run(path).document
    workbook = tmp_path / "表.xlsx"
    workbook.write_bytes(xlsx.render(document, "tiny"))
    found = import_workbook(workbook, "tiny").diagnostics
    # row 8: 201 03 02 一般行政管理事务 (title, 编制单位, two header rows, the ※ row, 201, 20103)
    assert [(d.rule, d.location.path) for d in found] == [
        ("import.no_kinds", "工作表“2024年收入预算表”F8")]
    assert "2010302" in found[0].message and "支出总表" in found[0].remedy
