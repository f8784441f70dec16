"""Building a folder of departments: which files, failure isolation, skip and force, summaries."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest

from budgetdoc import batch, cli, datafiles, job
from conftest import MINIMAL

BROKEN = MINIMAL.replace('"30101": 60.00', '"30101": 70.00')  # table 6 ≠ table 5: an error


def department(name: str, text: str = MINIMAL) -> str:
    return text.replace("department: 测试局", f"department: {name}")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three departments as a bureau keeps them; the second one's data is wrong."""
    root = tmp_path / "departments"
    for slug, text in [("a", department("甲局")), ("b", department("乙局", BROKEN)),
                       ("c", department("丙局"))]:
        (root / slug).mkdir(parents=True)
        (root / slug / "2024.yaml").write_text(text, encoding="utf-8")
    return root


def build(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(["build", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def documents(out: Path) -> dict[Path, int]:
    """Each document and the time it was last written."""
    return {p: p.stat().st_mtime_ns for p in sorted(out.rglob("*"))
            if p.suffix in (".docx", ".pdf")}


def summary(out: Path) -> dict[str, dict]:
    data = json.loads((out / "2024" / "summary.json").read_text("utf-8"))
    return {d["department"]: d for d in data["departments"]}


# --- which files -----------------------------------------------------------------------------

def test_a_folder_gives_each_department_its_latest_year(tmp_path: Path) -> None:
    for relative in ["a/2023.yaml", "a/2024.yaml", "b/2024.yaml", "b/notes.yaml",
                     ".trash/x/2025.yaml", "c/sub/2022.yaml"]:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("x: 1\n", encoding="utf-8")
    selection = datafiles.select([tmp_path])
    found = [p.relative_to(tmp_path).as_posix() for p in selection.files]
    assert sorted(found) == ["a/2024.yaml", "b/2024.yaml", "c/sub/2022.yaml"]
    assert selection.unused == [tmp_path / "b" / "notes.yaml"]  # named, never skipped silently
    by_year = datafiles.select_files([tmp_path], year=2023)
    assert [p.relative_to(tmp_path).as_posix() for p in by_year] == ["a/2023.yaml"]
    named = tmp_path / "b" / "notes.yaml"
    assert datafiles.select_files([named, tmp_path / "a"]) == [named,
                                                                tmp_path / "a" / "2024.yaml"]


def test_last_years_file_is_part_of_the_fingerprint(tmp_path: Path) -> None:
    (tmp_path / "2024.yaml").write_text(MINIMAL, encoding="utf-8")
    before = batch.fingerprint(tmp_path / "2024.yaml", "tool")
    (tmp_path / "2023.yaml").write_text(MINIMAL, encoding="utf-8")
    with_prior = batch.fingerprint(tmp_path / "2024.yaml", "tool")
    (tmp_path / "2022.yaml").write_text(MINIMAL, encoding="utf-8")  # not an input of 2024
    assert before != with_prior == batch.fingerprint(tmp_path / "2024.yaml", "tool")
    assert with_prior != batch.fingerprint(tmp_path / "2024.yaml", "another tool")


# --- failure isolation and the summary ------------------------------------------------------

def test_one_failing_department_does_not_stop_the_others(folder: Path, tmp_path: Path,
                                                         capsys) -> None:
    out = tmp_path / "out"
    status, stdout, stderr = build(capsys, str(folder), "-o", str(out), "--jobs", "1")
    assert status == 1
    names = {p.parent.name for p in documents(out)}
    assert names == {"甲局", "丙局"}
    assert "crosstable.basic_by_economic" in stderr and "未生成" in stderr
    header = next(line for line in stdout.splitlines() if line.startswith("部门"))
    assert header.split() == ["部门", "检查结果", "本次", "错误", "警告", "问题规则"]
    assert re.search(r"^乙局\s+未通过\s+未生成\s+1\s+0\s+crosstable\.basic_by_economic$",
                     stdout, re.M)
    assert re.search(r"^甲局\s+通过\s+已生成\s+0\s+0$", stdout, re.M)


def test_summary_files_list_every_department_with_its_rules(folder: Path, tmp_path: Path,
                                                            capsys) -> None:
    out = tmp_path / "out"
    build(capsys, str(folder), "-o", str(out), "--jobs", "1")
    rows = summary(out)
    assert {n: r["status"] for n, r in rows.items()} == {
        "甲局": "ok", "乙局": "failed", "丙局": "ok"}
    failed = rows["乙局"]
    assert failed["errors"] == 1 and failed["rules"] == {"crosstable.basic_by_economic": 1}
    assert failed["diagnostics"][0]["line"] == 15 and "docx" not in failed["links"]
    assert rows["甲局"]["links"]["pdf"] == "甲局/甲局2024年部门预算公开.pdf"
    for record in rows.values():
        for link in record["links"].values():
            assert (out / "2024" / link).is_file()
    report = (out / "2024" / failed["links"]["report"]).read_text("utf-8")
    assert "crosstable.basic_by_economic" in report and "^" in report

    with open(out / "2024" / "summary.csv", encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0][:5] == ["部门", "数据文件", "检查结果", "错误数", "警告数"]
    assert [r[0] for r in table[1:]] == ["丙局", "乙局", "甲局"]  # sorted by name
    assert table[2][2:6] == ["未通过", "1", "0", "crosstable.basic_by_economic"]
    import openpyxl  # the same rows as a workbook, counts as numbers
    sheet = openpyxl.load_workbook(out / "2024" / "summary.xlsx").active
    assert sheet.title == "2024 年汇总"
    assert [["" if c.value is None else c.value for c in row] for row in sheet.iter_rows()] == [
        [int(v) if v.isdigit() and i in (3, 4) else v for i, v in enumerate(r)] for r in table]

    page = (out / "2024" / "index.html").read_text("utf-8")
    assert "2024 年部门预算公开汇总" in page and "未通过 1 个" in page
    assert 'href="甲局/甲局2024年部门预算公开.docx"' in page
    assert '<tr class="failed">' in page


def test_text_in_the_summary_is_escaped(tmp_path: Path, capsys) -> None:
    source = tmp_path / "d" / "x" / "2024.yaml"
    source.parent.mkdir(parents=True)
    source.write_text(department("<b>局</b>"), encoding="utf-8")
    build(capsys, str(source), "-o", str(tmp_path / "out"))
    page = (tmp_path / "out" / "2024" / "index.html").read_text("utf-8")
    assert "&lt;b&gt;局&lt;/b&gt;" in page and "<b>局" not in page


def test_an_internal_fault_in_one_department_is_isolated(folder: Path, tmp_path: Path,
                                                         capsys, monkeypatch) -> None:
    real = job.prepare

    def flaky(source: Path, *args, **kwargs):
        if source.parent.name == "c":
            raise RuntimeError("boom")
        return real(source, *args, **kwargs)

    monkeypatch.setattr(job, "prepare", flaky)  # the forked workers inherit it
    out = tmp_path / "out"
    status, stdout, _ = build(capsys, str(folder), "-o", str(out), "--jobs", "1")
    assert status == 70
    assert {p.parent.name for p in documents(out)} == {"甲局"}
    assert summary(out)["丙局"]["detail"] == "RuntimeError: boom"
    assert re.search(r"^丙局\s+内部错误", stdout, re.M)


def test_a_process_pool_builds_the_same_documents(folder: Path, tmp_path: Path, capsys) -> None:
    status, _, _ = build(capsys, str(folder), "-o", str(tmp_path / "one"), "--jobs", "1")
    status_pool, _, _ = build(capsys, str(folder), "-o", str(tmp_path / "two"), "--jobs", "2")
    assert status == status_pool == 1
    one, two = documents(tmp_path / "one"), documents(tmp_path / "two")
    assert [p.relative_to(tmp_path / "one") for p in one] == [
        p.relative_to(tmp_path / "two") for p in two]
    assert all(p.read_bytes() == q.read_bytes() for p, q in zip(one, two, strict=True))


# --- incremental ----------------------------------------------------------------------------

def test_unchanged_departments_are_skipped_and_force_rebuilds(folder: Path, tmp_path: Path,
                                                              capsys) -> None:
    out = tmp_path / "out"
    build(capsys, str(folder), "-o", str(out), "--jobs", "1")
    first = documents(out)

    status, stdout, _ = build(capsys, str(folder), "-o", str(out), "--jobs", "1")
    assert status == 1  # 乙局 still fails: reported again from the record
    assert documents(out) == first
    assert "生成 0，未改动跳过 3，失败 1" in stdout
    assert summary(out)["乙局"]["rules"] == {"crosstable.basic_by_economic": 1}

    a = folder / "a" / "2024.yaml"
    a.write_text(a.read_text("utf-8").replace("缴费基数提高", "缴费基数上调"), encoding="utf-8")
    build(capsys, str(folder), "-o", str(out), "--jobs", "1")
    again = documents(out)
    changed = {p.parent.name for p in again if again[p] != first[p]}
    assert changed == {"甲局"}

    status, stdout, _ = build(capsys, str(folder), "-o", str(out), "--jobs", "1", "--force")
    forced = documents(out)
    assert all(forced[p] != again[p] for p in forced)
    assert "生成 2，未改动跳过 0，失败 1" in stdout


def test_a_missing_output_or_a_new_tool_rebuilds(folder: Path, tmp_path: Path, capsys,
                                                 monkeypatch) -> None:
    out = tmp_path / "out"
    build(capsys, str(folder / "a"), "-o", str(out))
    pdf = next(p for p in documents(out) if p.suffix == ".pdf")
    pdf.unlink()
    build(capsys, str(folder / "a"), "-o", str(out))
    assert pdf.is_file()
    written = documents(out)

    monkeypatch.setattr(batch, "tool_fingerprint", lambda fonts_dir=None: "a newer tool")
    _, stdout, _ = build(capsys, str(folder / "a"), "-o", str(out))
    assert "生成 1，未改动跳过 0" in stdout
    assert all(documents(out)[p] != written[p] for p in written)


def test_a_damaged_state_file_means_a_full_build(folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    build(capsys, str(folder / "a"), "-o", str(out))
    (out / ".budgetdoc" / "state.json").write_text("{not json", encoding="utf-8")
    status, stdout, stderr = build(capsys, str(folder / "a"), "-o", str(out))
    assert status == 0 and "生成 1，未改动跳过 0" in stdout
    assert "状态文件 .budgetdoc/state.json 无法识别，已忽略" in stderr
    state = json.loads((out / ".budgetdoc" / "state.json").read_text("utf-8"))
    assert state["version"] == 3 and len(state["departments"]) == 1


def test_a_department_that_breaks_keeps_and_links_its_last_good_output(
        folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    build(capsys, str(folder / "a"), "-o", str(out))
    good = {p: p.read_bytes() for p in documents(out)}
    (folder / "a" / "2024.yaml").write_text(department("甲局", BROKEN), encoding="utf-8")
    status, _, _ = build(capsys, str(folder / "a"), "-o", str(out))
    assert status == 1
    assert {p: p.read_bytes() for p in documents(out)} == good
    row = summary(out)["甲局"]
    assert row["status"] == "failed" and row["previous"] is True
    assert row["links"]["docx"] == "甲局/甲局2024年部门预算公开.docx"
    assert "上一次正确生成的文档" in (out / "2024" / "index.html").read_text("utf-8")


def test_the_summary_keeps_departments_built_in_earlier_runs(folder: Path, tmp_path: Path,
                                                             capsys) -> None:
    out = tmp_path / "out"
    build(capsys, str(folder / "a"), "-o", str(out))
    build(capsys, str(folder / "c"), "-o", str(out))
    assert set(summary(out)) == {"甲局", "丙局"}
    (folder / "a" / "2024.yaml").unlink()  # a department that left is dropped
    build(capsys, str(folder / "c"), "-o", str(out))
    assert set(summary(out)) == {"丙局"}


# --- the progress bar -----------------------------------------------------------------------

def test_progress_bar_only_when_enabled() -> None:
    shown, hidden = io.StringIO(), io.StringIO()
    for stream, enabled in [(shown, True), (hidden, False)]:
        progress = batch.Progress(2, stream, enabled)
        progress.step("甲局")
        progress.step("乙局")
        progress.close()
    assert hidden.getvalue() == ""
    assert "1/2" in shown.getvalue() and "2/2" in shown.getvalue() and "乙局" in shown.getvalue()
    assert "█" * batch.Progress.WIDTH in shown.getvalue()


def test_no_progress_bar_when_not_a_terminal(folder: Path, tmp_path: Path, capsys) -> None:
    _, _, stderr = build(capsys, str(folder / "a"), "-o", str(tmp_path / "out"))
    assert "\r" not in stderr


def test_quiet_prints_only_the_summary(folder: Path, tmp_path: Path, capsys) -> None:
    status, stdout, stderr = build(capsys, str(folder), "-o", str(tmp_path / "out"), "-q")
    assert status == 1 and stderr == ""
    assert "已生成：" not in stdout and "未通过" in stdout


@pytest.mark.parametrize("jobs", ["0", "-1", "x"])
def test_jobs_must_be_a_positive_number(jobs: str, folder: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["build", str(folder), "--jobs", jobs])
    assert exit_.value.code == 2 and "不是正整数" in capsys.readouterr().err


def test_outputs_are_relative_to_the_output_folder(folder: Path, tmp_path: Path,
                                                   capsys) -> None:
    os.chdir(tmp_path)
    build(capsys, str(folder / "a"), "-o", "out")
    row = summary(tmp_path / "out")["甲局"]
    assert not any(Path(link).is_absolute() for link in row["links"].values())


# --- a generated set ------------------------------------------------------------------------

def test_a_generated_set_builds_in_a_pool(tmp_path: Path, capsys) -> None:
    """benchmarks/make_departments.py: valid departments of every size, built two at a time."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    folder = tmp_path / "departments"
    subprocess.run([sys.executable, str(root / "benchmarks" / "make_departments.py"), "4",
                    "-o", str(folder), "--seed", "3"], check=True, capture_output=True)
    assert cli.main(["check", "--strict", str(folder)]) == 0
    out = tmp_path / "out"
    status, stdout, _ = build(capsys, str(folder), "-o", str(out), "-j", "2", "-q")
    assert status == 0 and "生成 4，未改动跳过 0，失败 0" in stdout
    rows = summary(out)
    assert len(rows) == 4 and {r["status"] for r in rows.values()} == {"ok"}
    assert len(documents(out)) == 8


def test_two_files_of_one_department_both_fail_and_neither_is_built(
        folder: Path, tmp_path: Path, capsys) -> None:
    (folder / "d").mkdir()
    (folder / "d" / "2024.yaml").write_text(department("甲局"), encoding="utf-8")
    out = tmp_path / "out"
    status, stdout, _ = build(capsys, str(folder / "a"), str(folder / "d"), "-o", str(out))
    assert status == 1
    assert len(re.findall(r"^甲局\s+未通过\s+未生成.*是同一部门的同一年度", stdout, re.M)) == 2
    assert documents(out) == {}


def test_reports_are_named_by_department_and_follow_a_rename(folder: Path, tmp_path: Path,
                                                             capsys) -> None:
    out = tmp_path / "out"
    build(capsys, str(folder), "-o", str(out))
    reports = out / "2024" / "检查报告"
    assert sorted(p.name for p in reports.iterdir()) == ["丙局.html", "乙局.html", "甲局.html"]
    source = folder / "a" / "2024.yaml"
    source.write_text(department("甲厅"), encoding="utf-8")
    build(capsys, str(folder), "-o", str(out))
    assert sorted(p.name for p in reports.iterdir()) == ["丙局.html", "乙局.html", "甲厅.html"]
    assert set(summary(out)) == {"甲厅", "乙局", "丙局"}


def test_a_report_path_from_a_tampered_state_file_is_never_deleted(folder: Path, tmp_path: Path,
                                                                  capsys) -> None:
    out = tmp_path / "out"
    build(capsys, str(folder / "a"), "-o", str(out))
    bystander = tmp_path / "bystander.html"
    bystander.write_text("keep", encoding="utf-8")
    state_file = out / ".budgetdoc" / "state.json"
    state = json.loads(state_file.read_text("utf-8"))
    (entry,) = state["departments"].values()
    entry["report"], entry["fingerprint"] = "../bystander.html", "changed"
    state_file.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    status, _, _ = build(capsys, str(folder / "a"), "-o", str(out))
    assert status == 0 and bystander.read_text("utf-8") == "keep"
    assert (out / "2024" / "检查报告" / "甲局.html").is_file()


def test_a_copied_department_never_overwrites_the_last_good_documents(
        folder: Path, tmp_path: Path, capsys) -> None:
    """A bureau copies a department's folder and forgets to change the name in the copy."""
    out = tmp_path / "out"
    build(capsys, str(folder / "a"), "-o", str(out))
    good = {p: p.read_bytes() for p in documents(out)}
    assert len(good) == 2
    copy = folder / "d" / "2024.yaml"
    copy.parent.mkdir()
    copy.write_text(department("甲局").replace("80.00", "81.00"), encoding="utf-8")

    status, stdout, _ = build(capsys, str(copy), "-o", str(out))  # the original not named
    assert status == 1 and re.search(r"^甲局\s+未通过\s+未生成", stdout, re.M)
    assert str(folder / "a" / "2024.yaml") in stdout
    assert {p: p.read_bytes() for p in documents(out)} == good

    status, stdout, _ = build(capsys, str(folder), "-o", str(out))  # both in one run
    assert status == 1
    assert len(re.findall(r"^甲局\s+未通过\s+未生成", stdout, re.M)) == 2
    assert {p: p.read_bytes() for p in documents(out) if "甲局" in str(p)} == good
    row = next(d for d in json.loads((out / "2024" / "summary.json").read_text("utf-8"))[
        "departments"] if d["source"] == str(folder / "a" / "2024.yaml"))
    assert row["previous"] and set(row["links"]) == {"docx", "pdf", "xlsx"}

    copy.unlink()  # the mistake corrected: the original is as it was, nothing to rebuild
    status, stdout, _ = build(capsys, str(folder), "-o", str(out))
    assert re.search(r"^甲局\s+通过\s+未改动", stdout, re.M)
    assert {p: p.read_bytes() for p in documents(out) if "甲局" in str(p)} == good


def test_a_clash_the_quick_reading_misses_is_still_reported(folder: Path, tmp_path: Path,
                                                             capsys) -> None:
    flow = department("甲局").replace(
        "meta:\n  department: 甲局\n  year: 2024\n  kind: 预算\n  published: 2024-02-20\n"
        "  unit: 万元\n",
        "meta: {department: 甲局, year: 2024, kind: 预算, published: 2024-02-20, unit: 万元}\n")
    assert flow != department("甲局")
    (folder / "d").mkdir()
    (folder / "d" / "2024.yaml").write_text(flow, encoding="utf-8")
    status, stdout, _ = build(capsys, str(folder / "a"), str(folder / "d"), "-o",
                              str(tmp_path / "out"))
    assert status == 1
    assert len(re.findall(r"^甲局\s+未通过\s+已生成.*已互相覆盖", stdout, re.M)) == 2


def test_the_quick_reading_of_year_and_department(tmp_path: Path) -> None:
    text = ("# 注释 department: 假的\nmeta:  # 基本信息\n  department: '乙局'  # 名称\n\n"
            "  # 年度\n  year: 2025\noverview:\n  department: 不是这个\n  year: 1999\n")
    path = Path(__file__).parent / "fixtures" / "minimal.yaml"
    assert datafiles.declared(path) == (2024, "测试局")
    assert datafiles.declared(Path("/nonexistent/2024.yaml")) == (None, "")
    other = tmp_path / "2025.yaml"
    other.write_text(text, encoding="utf-8")
    assert datafiles.declared(other) == (2025, "乙局")


def test_one_file_named_twice_is_built_once(folder: Path, tmp_path: Path, capsys) -> None:
    source = folder / "a" / "2024.yaml"
    status, stdout, _ = build(capsys, str(source), str(source.resolve()), str(folder / "a"),
                              "-o", str(tmp_path / "out"))
    assert status == 0 and "1 个部门：生成 1" in stdout


def test_the_pool_is_joined_at_a_short_tick(folder: Path, tmp_path: Path, capsys) -> None:
    """pebble looks at its pool every `sleep_unit`; a build sets it to workers.POOL_TICK (the
    wait for a finished pool: docs/performance.md). A pebble that renames it fails here."""
    from pebble.common import CONSTS

    from budgetdoc import workers

    build(capsys, str(folder / "a"), "-o", str(tmp_path / "out"))
    assert workers.PEBBLE is CONSTS and CONSTS.sleep_unit == workers.POOL_TICK
