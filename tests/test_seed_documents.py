"""The finished files: the seed's figures are in the text of our DOCX and PDF, in the right part.

The document model is tested against the seeds in test_seed_tables.py; here the same
hand-transcribed figures (tests/fixtures/seed_figures) are looked for in what a reader gets:
the text of the DOCX (read back from its XML) and of the PDF (pdftotext), cut at the part
headings, so a figure only counts in the part where the seed prints it.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from budgetdoc import pipeline
from budgetdoc.writers import docx, pdf
from docx_dump import dump
from seedfigures import EXAMPLES, expected, missing, parts, text_figures

ROOT = Path(__file__).resolve().parents[1]


def _share_found(want: list[str], have: Counter[str]) -> float:
    return (len(want) - len(missing(want, have))) / len(want)


@pytest.fixture(scope="module", params=sorted(EXAMPLES))
def rendered(request, tmp_path_factory) -> tuple[str, list[str], str, str]:
    """(seed, part headings, DOCX text, PDF text) of one seed's example."""
    seed = request.param
    result = pipeline.run(ROOT / "examples" / "departments" / EXAMPLES[seed] / "2024.yaml")
    assert result.document is not None and result.ok
    document = result.document
    docx_text = dump(docx.render(document))
    path = tmp_path_factory.mktemp(seed) / "document.pdf"
    path.write_bytes(pdf.render(document))
    pdf_text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                              capture_output=True, text=True).stdout
    return seed, [part.heading for part in document.parts], docx_text, pdf_text


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="poppler-utils is installed by scripts/bootstrap.sh")
@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_seed_figures_are_in_the_right_part(rendered, kind: str) -> None:
    seed, headings, docx_text, pdf_text = rendered
    cut = parts(docx_text if kind == "docx" else pdf_text, headings)
    assert len(cut) == 4
    want = expected(seed)
    part2 = [figure for figures in want["part2"].values() for figure in figures or []]
    part3 = [figure for figures in want["part3"].values() for figure in figures or []]
    assert len(part2) > 100 and len(part3) > 100
    found2 = _share_found(part2, text_figures(cut[1]))
    found3 = _share_found(part3, text_figures(cut[2]))
    assert found2 >= 0.97, (kind, "第二部分", found2)
    assert found3 >= 0.97, (kind, "第三部分", found3)
    # The other parts do not hold the tables: part 1 and part 4 have few figures, if any.
    assert sum(text_figures(cut[0]).values()) + sum(text_figures(cut[3]).values()) < 10
