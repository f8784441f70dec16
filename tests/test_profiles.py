"""Profiles are data: a folder that extends another overrides what differs, tables are found
by role, and a broken profile is an error located in its own files."""

from __future__ import annotations

import shutil
from pathlib import Path

from budgetdoc import pipeline
from budgetdoc.document import Paragraph
from budgetdoc.resources import DATA

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "departments" / "changji-finance-office" / "2024.yaml"


def _department(folder: Path, profile: str) -> Path:
    text = EXAMPLE.read_text("utf-8").replace("  unit: 万元", f"  unit: 万元\n  profile: {profile}")
    path = folder / "dept" / "2024.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


def _profile(folder: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def test_a_profile_that_extends_changes_only_what_it_says(tmp_path: Path) -> None:
    """Another order of parts and one part renamed: a document.yaml, nothing else copied."""
    document = (DATA / "profiles/default/budget/document.yaml").read_text("utf-8")
    parts = document.split("\n  - heading: ")
    reordered = "\n  - heading: ".join([parts[0], parts[3], parts[2], parts[1], parts[4]])
    reordered = reordered.replace("第四部分 名词解释", "附：名词解释")
    _profile(tmp_path / "region", {"profile.yaml": "label: 测试格式\nextends: default\n",
                                   "budget/document.yaml": reordered})
    result = pipeline.run(_department(tmp_path, "../region"))
    assert result.ok, [d.message for d in result.diagnostics if d.severity.name == "ERROR"]
    assert result.document is not None
    headings = [p.heading for p in result.document.parts]
    assert headings[0].startswith("第三部分") and headings[2].startswith("第一部分")
    assert headings[3] == "附：名词解释"
    shipped = pipeline.run(EXAMPLE).document
    assert shipped is not None
    assert result.document.parts[1].to_json() == shipped.parts[1].to_json()


def test_tables_are_found_by_role_not_by_number(tmp_path: Path) -> None:
    """Renumber the table set backwards: the prose that reads tables (基本支出 names, empty
    fund notes, carry-over) stays exactly the same."""
    tables = (DATA / "profiles/default/budget/tables.yaml").read_text("utf-8")
    for n in range(1, 12):
        tables = tables.replace(f"  - number: {n}\n", f"  - number: X{12 - n}\n")
    tables = tables.replace("  - number: X", "  - number: ")
    _profile(tmp_path / "region", {"profile.yaml": "label: 测试格式\nextends: default\n",
                                   "budget/tables.yaml": tables})
    result = pipeline.run(_department(tmp_path, "../region"))
    shipped = pipeline.run(EXAMPLE).document
    assert result.document is not None and shipped is not None
    assert [t.number for t in result.document.tables()][:3] == [11, 10, 9]
    assert result.document.parts[2].to_json() == shipped.parts[2].to_json()


def test_a_misspelt_key_in_a_profile_file_is_located_there(tmp_path: Path) -> None:
    shutil.copytree(DATA / "profiles" / "default", tmp_path / "region")
    path = tmp_path / "region" / "budget" / "tables.yaml"
    path.write_text(path.read_text("utf-8").replace("    orientation: portrait\n",
                                                    "    orientaton: portrait\n", 1), "utf-8")
    result = pipeline.run(_department(tmp_path, "../region"))
    assert result.document is None
    found = {d.rule: d for d in result.diagnostics}
    assert set(found) == {"schema.additional", "schema.required"}  # 页面方向 is required
    problem = found["schema.additional"]
    assert problem.location.file == str(path)
    assert "orientaton" in problem.message
    line = path.read_text("utf-8").splitlines()[problem.location.line - 1]
    assert "orientaton" in line


def test_a_section_whose_table_role_is_missing_is_refused_at_load(tmp_path: Path) -> None:
    """The trial that printed `None` in section 八: a table set without the fund table."""
    shutil.copytree(DATA / "profiles" / "default", tmp_path / "region")
    path = tmp_path / "region" / "budget" / "tables.yaml"
    text = path.read_text("utf-8")
    start = text.index("  - number: 8\n")
    end = text.index("  - number: 9\n")
    path.write_text(text[:start] + text[end:], "utf-8")
    result = pipeline.run(_department(tmp_path, "../region"))
    assert result.document is None
    [problem] = result.diagnostics
    assert problem.rule == "profile.missing_role"
    assert "fund" in problem.message and "s08_fund" in problem.message
    assert problem.location.file.endswith("document.yaml")


TINY = Path(__file__).parent / "fixtures" / "profiles" / "tiny"
MINIMAL = Path(__file__).parent / "fixtures" / "minimal.yaml"


def test_a_small_profile_in_another_unit_is_only_a_data_folder(tmp_path: Path) -> None:
    """tests/fixtures/profiles/tiny: three tables and two sections, tables and prose in whole
    元; no code of its own. The minimal department (万元): basic 80 + 20, a 50 project, all
    一般公共预算; 三公 1 + 4 as last year; 公用经费 15 + 1 + 4."""
    shutil.copytree(TINY, tmp_path / "tiny")
    path = tmp_path / "dept" / "2024.yaml"
    path.parent.mkdir()
    path.write_text(MINIMAL.read_text("utf-8").replace(
        "  unit: 万元", "  unit: 万元\n  profile: ../tiny"), encoding="utf-8")
    result = pipeline.run(path)
    assert result.ok and result.document is not None, [d.message for d in result.diagnostics]
    document = result.document
    assert [p.heading for p in document.parts] == ["一、部门概况", "二、预算表", "三、说明"]
    tables = document.tables()
    assert [t.title for t in tables] == ["2024年收入预算表", "2024年基本支出经济分类表",
                                         "2024年“三公”经费表"]
    assert {t.unit_line for t in tables} == {"单位：元"}
    income = [[c.display for c in row.cells] for row in tables[0].rows]
    assert income[0] == ["201", "", "", "一般公共服务支出", "1,300,000", "1,300,000", ""]
    assert income[-1] == ["", "", "", "合计", "1,500,000", "1,500,000", ""]
    economic = [[c.display for c in row.cells] for row in tables[1].rows]
    assert economic[-1] == ["", "", "合计", "1,000,000", "800,000", "200,000"]
    assert [c.display for c in tables[2].rows[0].cells] == ["50,000", "", "40,000", "10,000"]
    prose = [b.text for part in document.parts for b in part.blocks if isinstance(b, Paragraph)]
    assert prose == ["2024年收入预算1,500,000元，其中：财政拨款1,500,000元，其他资金0元。",
                     "2024年“三公”经费预算50,000元，比2023年持平。机关运行经费预算200,000元。"]
    # What the department states and this format has no place for is a warning, not lost.
    unused = [d for d in result.diagnostics if d.rule == "narrative.unused_text"]
    assert [d.details["item"] for d in unused] == ["各类支出主要用途"]


def test_a_bureaus_own_profile_is_part_of_the_batch_fingerprint(tmp_path: Path,
                                                                monkeypatch) -> None:
    """A corrected profile in the bureau's folder rebuilds its departments."""
    from budgetdoc import batch

    region = tmp_path / "profiles" / "region"
    _profile(region, {"profile.yaml": "label: 测试格式\nextends: default\n"})
    monkeypatch.setenv("BUDGETDOC_PROFILES", str(tmp_path / "profiles"))
    before = batch.tool_fingerprint()
    (region / "profile.yaml").write_text("label: 测试格式（改）\nextends: default\n", "utf-8")
    assert batch.tool_fingerprint() != before


def test_a_broken_profile_yaml_is_located_there(tmp_path: Path) -> None:
    """A bureau's profile.yaml with a YAML mistake, or extending a profile that does not
    exist: a located error, never an internal one."""
    _profile(tmp_path / "region", {"profile.yaml": "label: 测试格式\nextends: [default\n"})
    result = pipeline.run(_department(tmp_path, "../region"))
    [problem] = result.diagnostics
    assert problem.rule.startswith("yaml.")
    assert problem.location.file == str(tmp_path / "region" / "profile.yaml")

    _profile(tmp_path / "other", {"profile.yaml": "label: 测试格式\nextends: 上海\n"})
    result = pipeline.run(_department(tmp_path / "again", "../../other"))
    [problem] = result.diagnostics
    assert problem.rule == "schema.enum" and "上海" in problem.message
    assert problem.location.line == 2


def test_a_profile_without_a_file_it_needs_says_which(tmp_path: Path) -> None:
    shutil.copytree(DATA / "profiles" / "default", tmp_path / "region")
    (tmp_path / "region" / "budget" / "narrative.yaml").unlink()
    result = pipeline.run(_department(tmp_path, "../region"))
    [problem] = result.diagnostics
    assert problem.rule == "profile.missing_file" and "narrative.yaml" in problem.message
