"""`budgetdoc import`: a workbook of public tables → a department file.

Round trip: every example's workbook (as `build` writes it) imports to a file whose 第二部分
tables are the original's, every figure. A Shanghai-layout workbook filled with a real
department's published figures imports, builds, and prints those figures. A damaged workbook
gets a located Chinese message and nothing is written.
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
from seedfigures import EXAMPLES as SEED_EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
# The four seed examples (the Shanghai department files wait for their own profile).
EXAMPLES = sorted(ROOT / "examples" / "departments" / name for name in SEED_EXAMPLES.values())


@functools.cache
def exported(name: str) -> bytes:
    result = pipeline.run(ROOT / "examples" / "departments" / name / "2024.yaml")
    return xlsx.render(result.document)


def part_two(text: str) -> list[dict]:
    """The 第二部分 tables of a department file as the tool builds them (its placeholders
    are left: they stop `check`, not the tables)."""
    data, source_map, found = load_text(text, "imported.yaml")
    assert not found and not validate(data, source_map)
    department, _ = model.build(data, source_map, load())
    overrides, _ = checks.resolve_deviations(department, tables.build_tables(department))
    department.ledger.overrides = overrides
    return [t.to_json() for t in tables.build_tables(department)]


@pytest.mark.parametrize("folder", EXAMPLES, ids=lambda p: p.name)
def test_round_trip_gives_the_same_tables(folder: Path, tmp_path: Path) -> None:
    workbook = tmp_path / "表.xlsx"
    workbook.write_bytes(exported(folder.name))
    imported = import_workbook(workbook)
    assert imported.diagnostics == [] and imported.text
    original = pipeline.run(folder / "2024.yaml").document
    assert part_two(imported.text) == [t.to_json() for t in original.tables() if t.number]


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


# --- the Shanghai 2026 layout -------------------------------------------------------------

# 上海市普陀区财政局 2025 年部门预算 as published (元): its 一般公共预算支出功能分类预算表, by 项.
# The default profile prints 万元; compared here as amounts (value × 10,000 = the 元 figure).
# Its 编制说明 prints these in 万元 cut, not rounded, to the cent (877,080 元 → 87.70,
# 2,049,197 → 204.91, 2,687,760 → 268.77, 782,164 → 78.21): a Shanghai convention for the
# Shanghai profile, not the default's half-up.
PUTUO_ITEMS = {"2010601": "16231840.80", "2010602": "100000.00", "2010607": "1666600.00",
               "2010608": "4188000.00", "2080501": "877080.00", "2080505": "1748327.00",
               "2080506": "873617.00", "2080599": "9620.00", "2101101": "782164.00",
               "2210201": "2049197.00", "2210203": "2687760.00"}


def fill_in(text: str) -> str:
    """What the finance staff add after importing: the texts, and the economic 类 of each
    project's 一般公共预算 money (the Shanghai tables have no project table; 302 here)."""
    text = text.replace("待填写", "见说明")
    return re.sub(r"(    general_budget: ([\d.]+)\n)(    policy_basis)",
                  r'\1    economic: {"302": \2}\n\3', text)


def with_priors(text: str) -> str:
    """Last year's figures only feed the narrative's comparisons, and this publication states
    few of them: each is set to this year's (no change)."""
    import yaml

    from budgetdoc import figures

    data, source_map, _ = load_text(text, "x")
    department, _ = model.build(data, source_map, load())
    raw = yaml.safe_load(text)
    for cid, (_, value, is_count) in figures.current_values(department).items():
        if cid == "sangong.total":  # derived from its items
            continue
        node = raw.setdefault("changes", {})
        *parents, last = cid.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node.setdefault(last, {})["prior"] = int(value) if is_count else float(value * 10000)
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


def test_shanghai_template_filled_with_putuo_figures_imports_and_builds(tmp_path: Path) -> None:
    from budgetdoc.build import build_one
    from shanghai_workbook import fill

    workbook = fill(tmp_path / "普陀区财政局2025.xlsx")
    imported = import_workbook(workbook)
    assert imported.diagnostics == [] and imported.text
    data, _, _ = load_text(imported.text, "x")
    assert data["meta"] == {"department": "上海市普陀区财政局", "year": 2025, "kind": "预算",
                            "unit": "元"}
    assert data["basic"][0] == {"function": "2010601", "general_budget": Decimal("16093326.00")}
    assert data["basic_economic"]["30217"] == Decimal("9500.00")
    assert data["sangong"] == {"reception": Decimal("9500.00")}  # 0.95 万元 in 元
    assert data["operating_costs"] == Decimal("2294300.00")  # 229.43 万元
    assert "code_names" not in data  # every name printed is the code list's (data/codes)

    source = tmp_path / "上海市普陀区财政局" / "2025.yaml"
    source.parent.mkdir()
    source.write_text(with_priors(fill_in(imported.text)), encoding="utf-8")
    result = pipeline.run(source)
    assert result.ok, [d.message for d in result.diagnostics if d.severity.name == "ERROR"]
    by_number = {t.number: t for t in result.document.tables()}
    table5 = {row.cells[0].display + row.cells[1].display + row.cells[2].display:
              row.cells[4].value for row in by_number[5].rows}
    assert {code: format(table5[code] * 10000, ".2f") for code in PUTUO_ITEMS} == PUTUO_ITEMS
    assert table5[""] * 10000 == Decimal("31214205.80")  # 合计
    basic, project = (by_number[3].rows[0].cells[i].value * 10000 for i in (5, 6))
    assert (basic, project) == (Decimal("25121091.00"), Decimal("6093114.80"))
    assert by_number[6].rows[0].cells[3].value * 10000 == Decimal("25121091.00")
    assert by_number[2].rows[0].cells[4].display == "3,121.42"  # 收入预算 3,121.42 万元
    sangong = {row.cells[0].display: row.cells[1].display for row in by_number[10].rows}
    assert sangong["合计"] == sangong["公务接待费"] == "0.95"  # 万元, as published
    built = build_one(source, tmp_path / "out")
    assert built.ok and {p.suffix for p in built.outputs} == {".docx", ".pdf", ".xlsx"}


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
