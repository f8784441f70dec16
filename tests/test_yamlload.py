"""The department file's YAML is composed by libyaml where PyYAML has it; these check that it
reads every file we ship exactly as PyYAML's own parser does: values, positions, typed text."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from budgetdoc import yamlload

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(p for folder in ("data", "examples", "tests/fixtures")
                 for p in (ROOT / folder).rglob("*.yaml"))


def _loaded(text: str, monkeypatch: pytest.MonkeyPatch, fast: bool) -> tuple:
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(yamlload, "_FAST_LOADER", None)
        data, source_map, diagnostics = yamlload.load_text(text, "x.yaml")
    return data, source_map.values, source_map.keys, source_map.typed, \
        [(d.rule, d.location.line, d.location.column) for d in diagnostics]


def test_libyaml_is_used() -> None:
    assert yaml.__with_libyaml__ and yamlload._FAST_LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_as_pyyaml(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text("utf-8")
    assert _loaded(text, monkeypatch, True) == _loaded(text, monkeypatch, False)


@pytest.mark.parametrize("text", [
    "甲: 1\n乙: [1, 2\n",                      # unclosed flow sequence
    "a: 1\n a: 2\n",                            # bad indentation
    "a: 'open\n",                               # unclosed quote
    "a: &x [1]\nb: *y\n",                       # unknown alias
    "[" * 1200 + "]" * 1200,                    # deeper than libyaml's 1,000
    "单位: 某局\n单位: 某局\n金额: 1_000.50\n日期: 2024-13-45\n",  # read, then reported
])
def test_errors_as_pyyaml_reports_them(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _loaded(text, monkeypatch, True)
    assert fast == _loaded(text, monkeypatch, False)
    assert fast[4], "each of these texts is reported"


def test_values_yaml_cannot_make_are_said_why_in_chinese() -> None:
    text = "a: 2024-13-45\nb: !!binary 123\nc: !foo bar\nd: 2024-02-30\n"
    _, _, found = yamlload.load_text(text, "x.yaml")
    assert [(d.rule, d.location.line) for d in found] == [("yaml.bad_value", n) for n in (1, 2, 3, 4)]
    assert [d.message for d in found] == [
        "“2024-13-45”无法识别（不是真实存在的日期）。",
        "“123”无法识别（不是有效的 base64 数据）。",
        "“bar”无法识别（不能使用以“!”开头的 YAML 标签）。",
        "“2024-02-30”无法识别（不是真实存在的日期）。"]
