"""The 决算 beside the 预算 in a bureau's folders: both are chosen, built, summarised, rebuilt
when what they read changes, and keep their last good documents apart."""

from __future__ import annotations

import json
from pathlib import Path

from budgetdoc import batch, cli, datafiles
from conftest import MINIMAL

FIXTURES = Path(__file__).parent / "fixtures"
FINAL = (FIXTURES / "minimal-final.yaml").read_text("utf-8")


def department(root: Path, name: str, budget: str = MINIMAL, final: str = FINAL) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "2024.yaml").write_text(budget.replace("测试局", name), encoding="utf-8")
    (folder / "2024.决算.yaml").write_text(final.replace("测试局", name), encoding="utf-8")
    return folder


def rows(out: Path) -> list[dict]:
    data = json.loads((out / "2024" / "summary.json").read_text("utf-8"))
    departments: list[dict] = data["departments"]
    return departments


def test_a_folder_gives_each_kind_its_latest_year(tmp_path: Path) -> None:
    for relative in ["a/2023.yaml", "a/2024.yaml", "a/2023.决算.yaml", "b/2023.决算.yaml",
                     "b/2024.说明.yaml"]:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("x: 1\n", encoding="utf-8")
    found = sorted(p.relative_to(tmp_path).as_posix() for p in datafiles.select_files([tmp_path]))
    assert found == ["a/2023.决算.yaml", "a/2024.yaml", "b/2023.决算.yaml"]
    by_year = datafiles.select_files([tmp_path], year=2023)
    assert sorted(p.name for p in by_year) == ["2023.yaml", "2023.决算.yaml", "2023.决算.yaml"]


def test_the_final_reads_the_budget_of_its_year_and_last_years_final(tmp_path: Path) -> None:
    final = tmp_path / "2024.决算.yaml"
    final.write_text(FINAL, encoding="utf-8")
    alone = batch.fingerprint(final, "tool")
    (tmp_path / "2024.yaml").write_text(MINIMAL, encoding="utf-8")
    with_budget = batch.fingerprint(final, "tool")
    (tmp_path / "2023.决算.yaml").write_text(FINAL, encoding="utf-8")
    with_prior = batch.fingerprint(final, "tool")
    (tmp_path / "2023.yaml").write_text(MINIMAL, encoding="utf-8")  # the 预算's, not the 决算's
    assert len({alone, with_budget, with_prior}) == 3
    assert with_prior == batch.fingerprint(final, "tool")
    assert batch.input_files(final) == [final, tmp_path / "2023.决算.yaml",
                                        tmp_path / "2024.yaml"]


def test_both_kinds_are_built_and_summarised(tmp_path: Path, capsys) -> None:
    root = tmp_path / "departments"
    department(root, "甲局")
    out = tmp_path / "out"
    assert cli.main(["build", str(root), "-o", str(out), "--jobs", "1"]) == 0
    stdout = capsys.readouterr().out
    assert "甲局（决算）" in stdout
    names = {p.name for p in (out / "2024" / "甲局").iterdir() if p.suffix != ".xlsx"}
    assert names == {"甲局2024年部门预算公开.docx", "甲局2024年部门预算公开.pdf",
                     "甲局2024年度部门决算公开说明.docx", "甲局2024年度部门决算公开说明.pdf"}
    found = {r["kind"]: r for r in rows(out)}
    assert set(found) == {"预算", "决算"}
    assert found["决算"]["kind_label"] == "部门决算公开" and found["决算"]["status"] == "ok"
    assert found["预算"]["links"]["report"] != found["决算"]["links"]["report"]
    for record in found.values():
        for link in record["links"].values():
            assert (out / "2024" / link).is_file()
    page = (out / "2024" / "index.html").read_text("utf-8")
    assert "部门决算公开" in page and "部门预算公开" in page


def test_a_changed_budget_rebuilds_the_final_and_a_failure_keeps_its_documents(
        tmp_path: Path, capsys) -> None:
    root = tmp_path / "departments"
    folder = department(root, "甲局")
    out = tmp_path / "out"
    cli.main(["build", str(root), "-o", str(out), "--jobs", "1"])
    final_pdf = out / "2024" / "甲局" / "甲局2024年度部门决算公开说明.pdf"
    before = final_pdf.read_bytes()
    # Untouched: both skipped.
    cli.main(["build", str(root), "-o", str(out), "--jobs", "1"])
    assert "生成 0，未改动跳过 2" in capsys.readouterr().out
    # A broken 预算 fails both (the 决算 cannot take its 年初预算数); both keep their documents.
    budget = folder / "2024.yaml"
    budget.write_text(budget.read_text("utf-8").replace('"30101": 60.00', '"30101": 70.00'),
                      encoding="utf-8")
    assert cli.main(["build", str(root), "-o", str(out), "--jobs", "1"]) == 1
    found = {r["kind"]: r for r in rows(out)}
    assert found["决算"]["status"] == "failed" and found["决算"]["previous"]
    assert found["决算"]["rules"] == {"final.budget_file": 1}
    assert found["预算"]["previous"] and final_pdf.read_bytes() == before
