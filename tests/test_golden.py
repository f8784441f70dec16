"""Golden text dumps of each example's whole document model.

A change to a golden file is a change to what a department publishes: review the diff.
Regenerate with BUDGETDOC_UPDATE_GOLDEN=1; without it the test fails and rewrites nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetdoc import pipeline
from conftest import matches_golden
from model_dump import dump
from seedfigures import GOLDEN_EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden" / "model"


@pytest.mark.parametrize("name", sorted(GOLDEN_EXAMPLES))
def test_document_model_matches_golden(name: str) -> None:
    result = pipeline.run(ROOT / "examples" / "departments" / GOLDEN_EXAMPLES[name])
    assert result.document is not None
    matches_golden(GOLDEN / f"{name}.txt", dump(result.document.to_json()))
