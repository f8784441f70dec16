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
