"""The command line: formats, exit codes, and builds that never lose the last good output."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from budgetdoc.cli import main
from conftest import MINIMAL

BROKEN = MINIMAL.replace('"30101": 60.00', '"30101": 70.00')  # table 6 ≠ table 5: an error
# 三公 公务接待费 2.00 against 30217 of 1.00: a warning
WARNED = MINIMAL.replace("reception: 1.00\n", "reception: 2.00\n").replace(
    "reception: {prior: 1.00}", "reception: {prior: 2.00}")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_dump_prints_the_document_model(write, capsys) -> None:
    status, out, _ = run(capsys, "dump", str(write(MINIMAL)))
    assert status == 0
    document = json.loads(out)
    assert document["parts"][1]["heading"] == "第二部分 2024 年部门预算公开表"
    table5 = document["parts"][1]["blocks"][4]
    assert table5["caption"] == "表 5" and table5["rows"][0]["cells"][4:] == [
        "150.00", "100.00", "50.00"]


def test_dump_of_a_broken_file_says_why(write, capsys) -> None:
    status, out, err = run(capsys, "dump", str(write("meta: [")))
    assert status == 1 and out == "" and "yaml.syntax" in err


def test_check_exit_status(write, capsys) -> None:
    assert run(capsys, "check", str(write(MINIMAL)))[0] == 0
    assert run(capsys, "check", str(write(WARNED)))[0] == 0
    assert run(capsys, "check", "--strict", str(write(WARNED)))[0] == 3
    assert run(capsys, "check", "--strict", str(write(BROKEN)))[0] == 1


def test_check_json(write, capsys) -> None:
    status, out, _ = run(capsys, "check", "--format", "json", str(write(BROKEN)))
    [entry] = json.loads(out)
    assert status == 1
    assert entry["rule"] == "crosstable.basic_by_economic" and entry["severity"] == "error"
    assert entry["line"] == 15 and entry["path"] == "一般公共预算基本支出经济分类"


def test_check_csv_for_a_folder(write, capsys, tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "2024.yaml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "b" / "2024.yaml").write_text(WARNED, encoding="utf-8")
    status, out, _ = run(capsys, "check", "--format", "csv", str(tmp_path))
    rows = list(csv.reader(io.StringIO(out)))
    assert status == 1
    assert rows[0][:5] == ["文件", "行", "列", "级别", "规则"]
    assert {r[4] for r in rows[1:]} == {"crosstable.basic_by_economic",
                                        "crosstable.sangong_economic"}


def test_only_and_skip(write, capsys) -> None:
    path = str(write(WARNED.replace('"30101": 60.00', '"30101": 70.00')))
    status, out, _ = run(capsys, "check", "--format", "json",
                         "--only", "crosstable.sangong_economic", path)
    assert [e["rule"] for e in json.loads(out)] == ["crosstable.sangong_economic"] and status == 0
    status, out, _ = run(capsys, "check", "--format", "json", "--skip", "crosstable", path)
    assert json.loads(out) == [] and status == 0


def test_text_report_has_excerpt_and_caret(write, capsys) -> None:
    path = write(MINIMAL.replace("general_budget: 20.00", "general_budget: -20.00"))
    _, out, _ = run(capsys, "check", str(path))
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if "schema.minimum" in line)
    assert lines[at + 1].strip() == "general_budget: -20.00"
    assert lines[at + 2].index("^") == lines[at + 1].index("-")
    assert lines[at + 3].strip().startswith("→")


def _documents(out_dir: Path) -> list[Path]:
    return sorted(p for p in out_dir.rglob("*") if p.suffix in (".docx", ".pdf"))


def test_no_files(tmp_path, capsys) -> None:
    assert run(capsys, "check", str(tmp_path))[0] == 2


def test_build_writes_and_a_failed_build_keeps_the_last_good_output(write, capsys,
                                                                    tmp_path) -> None:
    out_dir = tmp_path / "out"
    path = write(MINIMAL)
    status, _, _ = run(capsys, "build", str(path), "-o", str(out_dir))
    assert status == 0
    built = _documents(out_dir)
    assert [p.name for p in built] == ["测试局2024年部门预算公开.docx", "测试局2024年部门预算公开.pdf"]
    assert all(p.parent == out_dir / "2024" / "测试局" for p in built)
    good = [p.read_bytes() for p in built]
    path.write_text(BROKEN, encoding="utf-8")
    status, _, err = run(capsys, "build", str(path), "-o", str(out_dir))
    assert status == 1 and "原有输出保持不变" in err
    assert [p.read_bytes() for p in built] == good
    assert _documents(out_dir) == built
    assert not [p for p in out_dir.rglob("*") if p.name.endswith(".tmp")]  # no partial file


def test_a_failing_writer_leaves_the_previous_output(write, capsys, tmp_path, monkeypatch) -> None:
    from budgetdoc.writers import pdf

    out_dir = tmp_path / "out"
    path = write(MINIMAL)
    assert run(capsys, "build", str(path), "-o", str(out_dir))[0] == 0
    built = _documents(out_dir)
    good = [p.read_bytes() for p in built]
    path.write_text(MINIMAL.replace("测试局\n", "测试局\n").replace("reason: 缴费基数提高",
                                                                  "reason: 缴费基数上调"),
                    encoding="utf-8")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pdf, "render", broken)
    assert run(capsys, "build", str(path), "-o", str(out_dir))[0] == 70
    assert [p.read_bytes() for p in built] == good  # the DOCX was not written either
    assert _documents(out_dir) == built
    assert not [p for p in out_dir.rglob("*") if p.name.endswith(".tmp")]


def test_missing_fonts_is_an_environment_error(write, capsys, tmp_path, monkeypatch) -> None:
    from budgetdoc.writers import pdf_fonts

    monkeypatch.setattr(pdf_fonts, "installed_families", lambda: set())
    status, _, err = run(capsys, "build", str(write(MINIMAL)), "-o", str(tmp_path / "out"))
    assert status == 4 and "Traceback" not in err and err.strip()
    assert not (tmp_path / "out").exists()


def test_department_name_cannot_escape_the_output_folder(write, capsys, tmp_path) -> None:
    out_dir = tmp_path / "out"
    hostile = MINIMAL.replace("department: 测试局", "department: ../../逃逸/局")
    status, _, _ = run(capsys, "build", str(write(hostile)), "-o", str(out_dir))
    assert status == 0
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".yaml"]
    assert files and all(out_dir in p.parents for p in files)


# --- the command line's own words, in Chinese --------------------------------------------------

def _argparse_messages() -> set[str]:
    """Every message argparse (this Python's) can print: its `_` and `ngettext` calls."""
    import argparse
    import ast
    import inspect

    found = set()
    for node in ast.walk(ast.parse(inspect.getsource(argparse))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in ("_", "ngettext"):
            found |= {arg.value for arg in node.args if isinstance(arg, ast.Constant)
                      and isinstance(arg.value, str)}
    return found


def test_every_argparse_message_has_its_chinese() -> None:
    """A Python whose argparse has a new message fails here: add its Chinese to
    data/argparse.yaml."""
    from budgetdoc.resources import data_file

    messages = _argparse_messages()
    assert len(messages) > 30 and "usage: " in messages
    assert sorted(messages - set(data_file("argparse.yaml")["messages"])) == []


def _usage(capsys, *argv: str) -> tuple[int, str]:
    try:
        main(list(argv))
    except SystemExit as exit_:
        out = capsys.readouterr()
        return int(exit_.code or 0), out.out + out.err
    raise AssertionError("argparse did not stop")


def test_mistakes_on_the_command_line_are_said_in_chinese(capsys) -> None:
    cases = {("import", "x.xlsx"): "缺少必需的参数：-o/--output",
             ("frobnicate",): "参数 命令：没有 'frobnicate' 这一项",
             ("check", "--year", "20x6", "a.yaml"): "“20x6”不是年度",
             ("build", "--jobs", "0", "a"): "“0”不是正整数",
             ("check", "--format", "xml", "a.yaml"): "可选：'text', 'json', 'csv'",
             ("codes", "install", "科目表.xlsx"): "缺少必需的参数：--year, --kind"}
    for argv, expected in cases.items():
        status, said = _usage(capsys, *argv)
        assert status == 2 and expected in said and "错误：" in said and "用法：" in said, said
        assert not {"usage", "error", "required", "invalid"} & set(said.replace(":", " ").split())


def test_help_is_in_chinese(capsys) -> None:
    status, said = _usage(capsys, "build", "-h")
    assert status == 0 and "显示本帮助并退出" in said and "--year 年度" in said
    assert "show this help" not in said and "usage:" not in said and "options:" not in said
