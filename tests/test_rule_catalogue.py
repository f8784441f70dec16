"""Every rule id has its smallest failing input, and the minimal file does not trigger it;
docs/diagnostics.md is generated from exactly these examples."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest

from budgetdoc import pipeline
from budgetdoc.resources import data_file

ROOT = Path(__file__).resolve().parents[1]
DOC = runpy.run_path(str(ROOT / "scripts" / "diagnostics_doc.py"))
EXAMPLES = DOC["examples"]()
RULES = data_file("messages.yaml")["rules"]


def test_every_rule_has_a_chinese_name() -> None:
    names = data_file("rule_names.yaml")["rules"]
    assert sorted(set(RULES) ^ set(names)) == []
    assert all(re.search(r"[\u4e00-\u9fff]", name) for name in names.values())
    assert len(set(names.values())) == len(names)  # no two rules read alike


def test_every_rule_has_an_example() -> None:
    assert sorted(set(RULES) - set(EXAMPLES)) == []
    assert sorted(set(EXAMPLES) - set(RULES)) == []


@pytest.mark.parametrize("rule", sorted(r for r, e in EXAMPLES.items() if "bad" in e))
def test_example_triggers_its_rule(rule: str, tmp_path: Path, monkeypatch) -> None:
    path = DOC["materialize"](EXAMPLES[rule]["bad"], tmp_path)
    codes = DOC["codes_folder"](EXAMPLES[rule]["bad"], tmp_path)
    if codes is not None:
        monkeypatch.setenv("BUDGETDOC_CODES", str(codes))
    found = {d.rule for d in pipeline.run(path).diagnostics}
    assert rule in found, found


@pytest.mark.parametrize("base", sorted(DOC["BASES"]))
def test_minimal_file_triggers_nothing(base: str, tmp_path: Path) -> None:
    name, text = DOC["BASES"][base]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert pipeline.run(path).diagnostics == []


def test_document_only_rules_are_few() -> None:
    # Rules no input file can trigger are reached on documents (tests/test_checks.py).
    assert {r for r, e in EXAMPLES.items() if "bad" not in e} <= {
        "schema.other", "balance.subtotal", "balance.total"}


def test_diagnostics_doc_is_current() -> None:
    expected = DOC["render"]()
    actual = (ROOT / "docs" / "diagnostics.md").read_text("utf-8")
    assert actual == expected, "run: .venv/bin/python scripts/diagnostics_doc.py > docs/diagnostics.md"
