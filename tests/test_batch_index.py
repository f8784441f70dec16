"""The bureau's pages: the index as a reader sees it, and reports that name files portably."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from budgetdoc import cli
from conftest import MINIMAL

BROKEN = MINIMAL.replace('"30101": 60.00', '"30101": 70.00')  # table 6 ≠ table 5: an error


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "departments"
    for slug, text in [("a", MINIMAL.replace("测试局", "甲局")),
                       ("b", BROKEN.replace("测试局", "乙局"))]:
        (root / slug).mkdir(parents=True)
        (root / slug / "2024.yaml").write_text(text, encoding="utf-8")
    return root


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def _cells(page: str, department: str) -> list[str]:
    row = re.search(rf"<tr class=\"\w+\">\s*<td>{department}</td>(.*?)</tr>", page, re.S)
    assert row, page
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)


def test_index_shows_separate_links_and_rule_names_in_chinese(folder: Path, tmp_path: Path,
                                                         capsys) -> None:
    out = tmp_path / "out"
    cli.main(["build", str(folder), "-o", str(out), "-j", "1", "-q"])
    capsys.readouterr()
    page = (out / "2024" / "index.html").read_text("utf-8")
    links = _cells(page, "甲局")[4]
    assert _text(links) == "DOCX · PDF · Excel"
    assert len(re.findall(r"<a href=", links)) == 3
    rules = _cells(page, "乙局")[3]
    assert _text(rules) == "表 5 与表 6 基本支出不符"
    assert 'title="crosstable.basic_by_economic"' in rules


def test_reports_name_files_without_the_build_machines_paths(folder: Path, tmp_path: Path,
                                                              capsys) -> None:
    out = tmp_path / "out"
    cli.main(["build", str(folder), "-o", str(out), "-j", "1", "-q"])
    capsys.readouterr()
    report = (out / "2024" / "检查报告" / "乙局.html").read_text("utf-8")
    assert str(tmp_path) not in report
    assert "<p>b/2024.yaml</p>" in report
    assert "<pre>b/2024.yaml:15:3: 错误 [crosstable.basic_by_economic]" in report
    assert "&#34;30101&#34;: 70.00" in report  # the offending line is still quoted


def test_reports_keep_a_relative_path_as_given(folder: Path, tmp_path: Path, capsys,
                                               monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    cli.main(["build", "departments", "-o", "out", "-j", "1", "-q"])
    capsys.readouterr()
    report = (tmp_path / "out" / "2024" / "检查报告" / "乙局.html").read_text("utf-8")
    assert "<p>departments/b/2024.yaml</p>" in report


@pytest.mark.parametrize("command", ["check", "build"])
def test_year_names_the_departments_without_a_file_for_it(folder: Path, tmp_path: Path,
                                                          capsys, command: str) -> None:
    (folder / "b" / "2024.yaml").rename(folder / "b" / "2023.yaml")
    (folder / "c").mkdir()
    (folder / "c" / "2025.yaml").write_text("meta:\n  department: 丙局\n", encoding="utf-8")
    extra = ["-o", str(tmp_path / "out"), "-q"] if command == "build" else []
    cli.main([command, str(folder), "--year", "2024", *extra])
    err = capsys.readouterr().err
    assert (f"以下 2 个部门没有 2024 年的数据文件（2024.yaml），本次不包括："
            f"乙局（{folder / 'b'}）、丙局（{folder / 'c'}）。") in err
