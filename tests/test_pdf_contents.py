"""The PDF's 目录: on one page whenever tightening it a little lets it fit, and never one line
alone on a page of its own (援疆办: page 3 held only 第四部分 名词解释)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from budgetdoc import pipeline
from budgetdoc.document import Document, Heading, Paragraph, Part
from budgetdoc.writers import pdf

ROOT = Path(__file__).resolve().parents[1]
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils")


def _pages(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f")]


def _numbered(page: str) -> int | None:
    found = re.search(r"-(\d+)-$", page)
    return int(found.group(1)) if found else None


@needs_poppler
def test_a_contents_that_overflows_by_a_line_is_tightened_onto_one_page(tmp_path) -> None:
    result = pipeline.run(ROOT / "examples" / "departments" / "changji-aid-office" / "2024.yaml")
    assert result.document is not None
    pages = _pages(pdf.render(result.document), tmp_path)
    assert pages[1].startswith("目录")
    assert "第四部分名词解释" in pages[1] and "第三部分" in pages[1]
    assert _numbered(pages[2]) == 1  # the body starts on the next page


def _long_contents(headings: int) -> Document:
    part = Part("第三部分 合成说明", [block for i in range(headings) for block in (
        Heading(f"{i + 1}、关于合成局某一方面情况的说明", 2), Paragraph("合成。"))])
    return Document("合成局", 2024, "2024 年部门预算公开", [part], toc_title="目录")


@needs_poppler
def test_a_contents_too_long_for_one_page_at_any_density_keeps_the_regular_spacing(
        tmp_path) -> None:
    document = _long_contents(60)
    assert pdf.contents_density(document) == "regular"  # no density fits: the loosest
    pages = _pages(pdf.render(document), tmp_path)
    contents = [p for p in pages if p and _numbered(p) is None][1:]  # after the cover
    assert len(contents) == 2
    assert len(re.findall(r"关于合成局", contents[1])) >= 10


def test_a_short_contents_keeps_the_regular_spacing() -> None:
    document = _long_contents(5)
    assert pdf.contents_density(document) == "regular"
    assert '<nav class="contents regular">' in pdf.render_html(document)
