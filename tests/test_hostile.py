"""Hostile text in a department file: printed literally, never interpreted, never escaping."""

from __future__ import annotations

import io
import zipfile

from budgetdoc import pipeline
from budgetdoc.writers import docx, pdf
from conftest import MINIMAL

HTML = "<script>alert(1)</script>&amp;"


def test_html_in_text_is_printed_literally(write) -> None:
    result = pipeline.run(write(MINIMAL + f"other_matters: 注意{HTML}\n"))
    assert result.ok
    html = pdf.render_html(result.document)
    assert "注意&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;" in html
    assert "<script>" not in html
    with zipfile.ZipFile(io.BytesIO(docx.render(result.document))) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert "注意&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;" in body


def test_template_syntax_in_text_is_never_evaluated(write, monkeypatch) -> None:
    source = MINIMAL.replace("reason: 缴费基数提高", 'reason: "{{ 7*7 }}{% if 1 %}是{% endif %}"')
    blocked = pipeline.run(write(source))
    assert "text.placeholder" in {d.rule for d in blocked.diagnostics}
    # Were such text to get past the rule, the templates would still print it as typed.
    from budgetdoc import rules

    monkeypatch.setattr(rules, "text_rules", lambda *args: [])
    result = pipeline.run(write(source))
    lines = [b.text for b in result.document.parts[2].blocks if hasattr(b, "text")]
    assert any("主要原因是{{ 7*7 }}{% if 1 %}是{% endif %}。" in line for line in lines)
    assert not any("49" in line for line in lines)


def test_control_characters_never_reach_a_writer(write) -> None:
    result = pipeline.run(write(MINIMAL.replace("department: 测试局", 'department: "测试\\x00局"')))
    assert result.document is None
    [error] = [d for d in result.diagnostics if d.rule == "text.control_char"]
    assert error.location.line == 2 and "U+0000" in error.message


def test_department_names_that_are_paths(write, tmp_path) -> None:
    from budgetdoc.build import build_one

    out = tmp_path / "out"
    for name in ("../../x", "/etc/passwd", "a/b\\\\c", "..", "CON:*?<>|"):
        text = MINIMAL.replace("department: 测试局", f'department: "{name}"')
        built = build_one(write(text), out)
        assert built.ok, [d.message for d in built.diagnostics]
        for path in built.outputs:
            assert out.resolve() in path.resolve().parents, path
    assert not (tmp_path / "x").exists()


def test_a_100_mb_file_is_refused_without_reading_it(tmp_path, capsys) -> None:
    from budgetdoc import cli

    path = tmp_path / "2024.yaml"
    with open(path, "wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB of NUL bytes
    assert cli.main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "[input.too_large]" in out and "104857600" in out and "Traceback" not in out


def test_an_interrupted_write_leaves_no_partial_file(write, tmp_path, monkeypatch) -> None:
    import os

    import pytest

    from budgetdoc import build, outdir

    out = tmp_path / "out"
    path = write(MINIMAL)
    first = build.build_one(path, out)
    good = {p: p.read_bytes() for p in first.outputs}
    path.write_text(MINIMAL.replace("缴费基数提高", "缴费基数上调"), encoding="utf-8")
    real = outdir.write_all

    def interrupted(fd: int, content: bytes) -> None:
        if ".pdf." in os.readlink(f"/proc/self/fd/{fd}"):  # the DOCX written, then Ctrl-C
            raise KeyboardInterrupt
        real(fd, content)

    monkeypatch.setattr(outdir, "write_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build.build_one(path, out)
    leftovers = [p for p in out.rglob("*") if p.is_file() and p not in good]
    assert leftovers == []  # no temporary file
    assert {p: p.read_bytes() for p in good} == good  # the old DOCX and the old PDF, whole


def test_a_long_department_name_still_makes_files(write, tmp_path) -> None:
    """ext4 allows 255 bytes a file name: 90 hanzi are 270. The names are cut in the middle,
    keeping the year and kind of document at their end, so a 预算 and a 决算 stay apart."""
    from budgetdoc.build import build_one
    from budgetdoc.output import safe_name

    name = "新疆维吾尔自治区" + "".join(chr(0x4E00 + 37 * i) for i in range(82))
    out = tmp_path / "out"
    built = build_one(write(MINIMAL.replace("department: 测试局", f"department: {name}")), out)
    assert built.ok, [d.message for d in built.diagnostics]
    assert built.outputs and all(path.is_file() for path in built.outputs)
    assert all(len(part.encode("utf-8")) <= 255 for path in built.outputs
               for part in path.relative_to(out).parts)
    budget, final = (safe_name(f"{name}2024年度部门{kind}公开") for kind in ("预算", "决算"))
    assert budget != final and budget.endswith("2024年度部门预算公开")
    assert len(budget.encode("utf-8")) <= 180 and budget.startswith("新疆维吾尔自治区")
