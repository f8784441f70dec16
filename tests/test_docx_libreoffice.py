"""The DOCX as LibreOffice shows it (skipped where LibreOffice is not installed).

Converted with scripts/docx_pages.py, the way docs/ says to look at a DOCX on Linux.
"""

from __future__ import annotations

import itertools
import os
import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest

from budgetdoc import pipeline
from budgetdoc.writers import docx

ROOT = Path(__file__).resolve().parents[1]
PAGES = runpy.run_path(str(ROOT / "scripts" / "docx_pages.py"))
needs_libreoffice = pytest.mark.skipif(
    PAGES["soffice"]() is None or not shutil.which("pdftotext"),
    reason="LibreOffice (libreoffice-writer-nogui) or poppler-utils not installed")

# A number cut at a line end: `86.` / `07`, `41.4` / `3`, `2,211.` / `66`, or letters `PP` / `P`.
_CUT = [(r"\d[.,]$", r"^\d"), (r"\d\.\d$", r"^\d"), (r"\d$", r"^[.,]\d"), (r"[A-Z]$", r"^[A-Z]")]


def broken_numbers(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    return [f"{a[-10:]}│{b[:10]}" for a, b in itertools.pairwise(lines)
            if a and b and any(re.search(end, a) and re.search(start, b)
                               for end, start in _CUT)]


def test_the_detector_sees_a_cut_number() -> None:
    assert broken_numbers("比上年预算增加 86.\n07 万元") == ["上年预算增加 86.│07 万元"]
    assert broken_numbers("合计 152.00\n146.00\n（PPP）有关") == []


@needs_libreoffice
def test_numbers_are_never_broken_across_lines(tmp_path: Path) -> None:
    """The 财政局's DOCX had 9 numbers cut (`86.│07 万元`, `2,211.│66`, `PP│P`)."""
    result = pipeline.run(ROOT / "examples" / "departments" / "changji-finance-bureau" /
                          "2024.yaml")
    assert result.document is not None
    source = tmp_path / "document.docx"
    source.write_bytes(docx.render(result.document))
    [pdf] = PAGES["to_pdf"]([source], tmp_path / "pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "1,521.66" in text and "2,211.66" in text
    assert broken_numbers(text) == []


@pytest.mark.skipif(not shutil.which("fc-match"), reason="fontconfig not installed")
@pytest.mark.parametrize(("named", "face"), [("宋体", "Noto Serif CJK SC"),
                                             ("黑体", "Noto Sans CJK SC"),
                                             ("仿宋_GB2312", "Noto Serif CJK SC")])
def test_fonts_conf_gives_the_word_fonts_chinese_faces(named: str, face: str) -> None:
    env = {**os.environ, "FONTCONFIG_FILE": str(PAGES["FONTS_CONF"])}
    found = subprocess.run(["fc-match", "-f", "%{family[0]}", named], check=True,
                           capture_output=True, text=True, env=env).stdout
    assert found in (face, "FandolFang") if named == "仿宋_GB2312" else found == face
