"""Profiles are data: a folder that extends another overrides what differs, tables are found
by role, and a broken profile is an error located in its own files."""

from __future__ import annotations

import shutil
from pathlib import Path

from budgetdoc import pipeline
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
