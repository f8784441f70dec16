from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# A small, valid department: every figure in it can be checked by hand.
#   basic 一般公共预算 80 + 20 = 100 = table 6 (60 + 20 + 15 + 1 + 4); project 50 (302).
MINIMAL = (Path(__file__).parent / "fixtures" / "minimal.yaml").read_text("utf-8").split(
    "\n", 1)[1]


@pytest.fixture
def write(tmp_path: Path):
    """write(text, name='2024.yaml') → the path of a department file holding `text`."""

    def _write(text: str, name: str = "2024.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def variant(edit) -> str:
    """MINIMAL with `edit(data)` applied to a parsed copy, dumped back to YAML."""
    import yaml

    data = yaml.safe_load(MINIMAL)
    edit(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def matches_golden(golden: Path, text: str) -> None:
    """`text` equals the reviewed golden file. With BUDGETDOC_UPDATE_GOLDEN=1 the file is
    rewritten instead (review its diff before committing); without it nothing is written."""
    if os.environ.get("BUDGETDOC_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
        return
    assert golden.exists(), f"no golden file {golden}: run with BUDGETDOC_UPDATE_GOLDEN=1"
    want = golden.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                        str(golden), "rendered", n=2))
    assert text == want, f"differs from the golden file (review, then regenerate):\n{diff[:6000]}"


class WarningRecords(logging.Handler):
    """Collects every WARNING or worse of the logger it is added to."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def weasyprint_warnings() -> Iterator[list[logging.LogRecord]]:
    """Every WARNING or worse the weasyprint logger (and its children) emits."""
    handler = WarningRecords()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
