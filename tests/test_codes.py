"""Code lists: installed from a bureau's file, kept per year, listed, and used by the check."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from budgetdoc import batch, codes, pipeline
from budgetdoc.cli import main
from conftest import MINIMAL

ROOT = Path(__file__).resolve().parents[1]

# A 2026 file of a county 自然资源局: 2200101 行政运行 is not in the shipped (partial) list.
LAND = (MINIMAL.replace("  year: 2024", "  year: 2026")
        .replace('- function: "2010350"', '- function: "2200101"')
        .replace('"2010350": {prior: 72.00', '"2200101": {prior: 72.00')
        .replace('"201": 机关日常运转和业务工作', '"201": 业务工作\n  "220": 机关日常运转'))

OFFICIAL = """科目编码,科目名称,说明
201,一般公共服务支出,
201 03,政府办公厅（室）及相关机构事务,
2010302,一般行政管理事务,
208,社会保障和就业支出,
20805,行政事业单位养老支出,
2080505,机关事业单位基本养老保险缴费支出,
220,自然资源海洋气象等支出,
22001,自然资源事务,
2200101,行政运行,
"""


def _rules(path: Path) -> list[str]:
    return [d.rule for d in pipeline.run(path).sorted_diagnostics()]


def test_shipped_list_says_it_is_partial() -> None:
    for kind in codes.KINDS:
        data = yaml.safe_load((ROOT / "data" / "codes" / "2024" / f"{kind}.yaml").read_text("utf-8"))
        assert data["complete"] is False and "不是全国完整的科目表" in data["source"]


def test_install_csv_and_check_against_it(tmp_path, write, monkeypatch, capsys) -> None:
    source = tmp_path / "2026功能分类.csv"
    source.write_text(OFFICIAL, encoding="utf-8")
    folder = tmp_path / "bureau-codes"
    status = main(["codes", "install", str(source), "--year", "2026", "--kind", "function",
                   "--codes", str(folder)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "已安装 2026 年支出功能分类科目表：9 个科目（类 3、款 3、项 3）" in out
    installed = yaml.safe_load((folder / "2026" / "function.yaml").read_text("utf-8"))
    assert installed["complete"] is True and installed["codes"]["20103"] == "政府办公厅（室）及相关机构事务"

    path = write(LAND, "2026.yaml")
    assert "codes.no_name" in _rules(path)  # the shipped list lacks 2200101
    monkeypatch.setenv("BUDGETDOC_CODES", str(folder))
    # The economic list is still the shipped 2024 one: said once, as a note.
    assert _rules(path) == ["codes.other_year"]
    [note] = pipeline.run(path).diagnostics
    assert "没有 2026 年的部门预算支出经济分类科目表，按 2024 年" in note.message


def test_a_name_that_contradicts_an_installed_list_is_an_error(tmp_path, write,
                                                               monkeypatch) -> None:
    folder = tmp_path / "codes"
    (tmp_path / "f.csv").write_text(OFFICIAL, encoding="utf-8")
    assert main(["codes", "install", str(tmp_path / "f.csv"), "--year", "2026", "--kind",
                 "function", "--codes", str(folder)]) == 0
    monkeypatch.setenv("BUDGETDOC_CODES", str(folder))
    wrong = LAND + 'code_names: {"2200101": 一般行政管理事务}\n'
    found = pipeline.run(write(wrong, "2026.yaml")).diagnostics
    [error] = [d for d in found if d.rule == "codes.name_mismatch"]
    assert "“行政运行”" in error.message and "完整的正式科目表" in error.message
    # A code the complete official list lacks stays a warning even when named.
    odd = (LAND.replace('"2200101"', '"2200199"')
           + 'code_names: {"2200199": 其他自然资源事务支出}\n')
    assert "codes.unknown" in [d.rule for d in pipeline.run(write(odd, "2026.yaml")).diagnostics]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_install_csv_as_excel_saves_it(tmp_path, encoding, capsys) -> None:
    source = tmp_path / "economic.csv"
    source.write_bytes("编码,名称\n301,工资福利支出\n30101,基本工资\n".encode(encoding))
    assert main(["codes", "install", str(source), "--year", "2025", "--kind", "economic",
                 "--codes", str(tmp_path / "c")]) == 0
    listed = codes.read_list(tmp_path / "c" / "2025" / "economic.yaml")
    assert listed is not None and listed.names == {"301": "工资福利支出", "30101": "基本工资"}


def test_install_xlsx_with_numbers_and_split_columns(tmp_path, capsys) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2026年政府收支分类科目（支出功能分类）"])
    sheet.append(["类", "款", "项", "科目名称"])
    sheet.append([201, None, None, "一般公共服务支出"])
    sheet.append([None, "01", None, "人大事务"])
    sheet.append([None, None, 1, "  行政运行"])
    sheet.append([None, 3, None, "政府办公厅（室）及相关机构事务"])
    sheet.append([None, None, "02", "一般行政管理事务"])
    book.save(tmp_path / "list.xlsx")
    assert main(["codes", "install", str(tmp_path / "list.xlsx"), "--year", "2026", "--kind",
                 "function", "--codes", str(tmp_path / "c")]) == 0
    listed = codes.read_list(tmp_path / "c" / "2026" / "function.yaml")
    assert listed is not None and listed.names == {
        "201": "一般公共服务支出", "20101": "人大事务", "2010101": "行政运行",
        "20103": "政府办公厅（室）及相关机构事务", "2010302": "一般行政管理事务"}

    book = openpyxl.Workbook()
    book.active.append(["编码", "名称"])
    book.active.append([2010101.0, "行政运行"])  # a number, as Excel keeps it
    book.active.append(["２０１", "一般公共服务支出"])  # full-width digits
    book.save(tmp_path / "numbers.xlsx")
    assert main(["codes", "install", str(tmp_path / "numbers.xlsx"), "--year", "2027",
                 "--kind", "function", "--codes", str(tmp_path / "c"), "--partial"]) == 0
    listed = codes.read_list(tmp_path / "c" / "2027" / "function.yaml")
    assert listed is not None and not listed.complete
    assert listed.names == {"2010101": "行政运行", "201": "一般公共服务支出"}
    assert "1 个科目的上级类、款不在表中（如 2010101）" in capsys.readouterr().out


@pytest.mark.parametrize(("name", "content", "message"), [
    ("a.csv", "代码,说明\n201,x\n", "没有找到表头"),
    ("a.csv", "编码,名称\n201,一般公共服务支出\n20a01,人大事务\n", "第 3 行的编码“20a01”无法识别"),
    ("a.csv", "编码,名称\n201,一般公共服务支出\n201,外交支出\n", "第 3 行的科目 201“外交支出”与第 2 行"),
    ("a.csv", "编码,名称\n", "没有读到任何科目"),
    ("a.xls", "not really", "不支持 .xls 格式"),
    ("a.xlsx", "not a zip", "无法打开 Excel 文件"),
])
def test_install_problems_in_chinese(tmp_path, capsys, name, content, message) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    folder = tmp_path / "c"
    assert main(["codes", "install", str(tmp_path / name), "--year", "2026", "--kind",
                 "function", "--codes", str(folder)]) == 1
    err = capsys.readouterr().err
    assert message in err and err.startswith("未安装：") and "Traceback" not in err
    assert not folder.exists()


def test_codes_list_says_how_complete_each_list_is(tmp_path, capsys, monkeypatch) -> None:
    (tmp_path / "f.csv").write_text(OFFICIAL, encoding="utf-8")
    monkeypatch.setenv("BUDGETDOC_CODES", str(tmp_path / "codes"))
    assert main(["codes", "install", str(tmp_path / "f.csv"), "--year", "2025", "--kind",
                 "function"]) == 0  # into the folder the environment names
    capsys.readouterr()
    assert main(["codes", "list", "--year", "2026"]) == 0
    out = capsys.readouterr().out
    assert "2024 年 支出功能分类：102 个科目（类 30、款 27、项 45），只收录了部分科目" in out
    assert "2025 年 支出功能分类：9 个科目（类 3、款 3、项 3），完整的正式科目表" in out
    assert ("2026 年的数据文件使用：支出功能分类 2025 年的表（完整的正式科目表）；"
            "部门预算支出经济分类 2024 年的表（只收录了部分科目）。") in out


def test_a_bureau_list_changes_the_build_fingerprint(tmp_path, monkeypatch) -> None:
    before = batch.tool_fingerprint()
    folder = tmp_path / "codes" / "2026"
    folder.mkdir(parents=True)
    monkeypatch.setenv("BUDGETDOC_CODES", str(tmp_path / "codes"))
    (folder / "function.yaml").write_text("codes: {}\n", encoding="utf-8")
    first = batch.tool_fingerprint()
    (folder / "function.yaml").write_text('codes: {"201": 一般公共服务支出}\n', encoding="utf-8")
    assert len({before, first, batch.tool_fingerprint()}) == 3


def test_check_takes_the_bureau_folder_as_an_option(tmp_path, write, capsys) -> None:
    import os

    (tmp_path / "f.csv").write_text(OFFICIAL, encoding="utf-8")
    folder = tmp_path / "codes"
    assert main(["codes", "install", str(tmp_path / "f.csv"), "--year", "2026", "--kind",
                 "function", "--codes", str(folder)]) == 0
    path = write(LAND, "2026.yaml")
    assert main(["check", str(path)]) == 1  # 2200101 has no name in the shipped list
    assert main(["check", "--strict", "--codes", str(folder), str(path)]) == 0
    out = capsys.readouterr().out
    assert "提示 [codes.other_year]" in out and "另有 1 条提示（不影响检查结果）" in out
    assert os.environ.get("BUDGETDOC_CODES") is None  # the option lasts one command
