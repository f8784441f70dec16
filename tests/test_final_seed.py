"""Seed 002 (乌鲁木齐 金融委 2024 年度部门决算) from its department file: every figure of its
第二部分 (the twelve sections and the 绩效自评表) in our document model, section by section,
and in the text of our DOCX and PDF, in that part. Expected figures are transcribed by hand
(tests/fixtures/seed_figures/002.yaml), never produced by this code."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from budgetdoc import pipeline
from budgetdoc.writers import docx, pdf
from docx_dump import dump
from seedfigures import (
    FIGURE,
    FINAL_EXAMPLES,
    expected,
    missing,
    normal,
    parts,
    section_figures,
    text_figures,
)

ROOT = Path(__file__).resolve().parents[1]
FOLDER, FILE = FINAL_EXAMPLES["002"]
SOURCE = ROOT / "examples" / "departments" / FOLDER / FILE
WANT = expected("002")


def _self_evaluation_figures() -> list[str]:
    """Every decimal figure the seed prints in its 绩效自评表, as printed."""
    found: list[str] = []
    for table in WANT["self_evaluation"]:
        texts = [v for row in table["funds"].values() for v in row]
        texts += [table["rate"], table["score"], *(table["total"] or [])]
        texts += [cell for row in table["indicators"] for cell in row]
        found += [normal(f) for text in texts for f in FIGURE.findall(str(text))]
    return found


def _section_figures() -> list[str]:
    return [normal(f) for figures in WANT["part2"].values() for f in figures or []]


@pytest.fixture(scope="module")
def result() -> pipeline.Result:
    return pipeline.run(SOURCE)


def test_the_example_checks_clean(result) -> None:
    # Only notes: the four codes the partial 2024 list lacks, named in code_names.
    assert result.ok and {d.rule for d in result.diagnostics} == {"codes.named"}


def test_every_section_prints_the_seeds_figures(result) -> None:
    have = section_figures(result.document.to_json(), part=1)
    for number, figures in WANT["part2"].items():
        assert missing(figures or [], have.get(number, Counter())) == [], number


def test_every_self_evaluation_figure_is_printed(result) -> None:
    tables = [b for b in result.document.parts[1].blocks
              if getattr(b, "kind", "") == "form"]
    assert [t.title for t in tables] == [t["table"] for t in WANT["self_evaluation"]]
    have: Counter[str] = Counter()
    for table in tables:
        for row in table.rows:
            for cell in row.cells:
                have.update(normal(f) for f in FIGURE.findall(cell.display))
    assert missing(_self_evaluation_figures(), have) == []


def test_computed_self_evaluation_figures(result) -> None:
    """执行率, 预算执行率得分 and 总分 are ours: the seed's, to the printed digit."""
    tables = [b for b in result.document.parts[1].blocks
              if getattr(b, "kind", "") == "form"]
    for table, printed in zip(tables, WANT["self_evaluation"], strict=True):
        texts = [cell.display for row in table.rows for cell in row.cells]
        assert printed["rate"] in texts and printed["score"] in texts, printed["table"]
        if printed["total"]:
            assert printed["total"][1] in texts


@pytest.fixture(scope="module")
def files(result, tmp_path_factory) -> tuple[bytes, Path]:
    """The DOCX and the PDF of the example (the PDF as a file, for poppler)."""
    path = tmp_path_factory.mktemp("002") / "document.pdf"
    path.write_bytes(pdf.render(result.document))
    return docx.render(result.document), path


@pytest.fixture(scope="module")
def rendered(result, files) -> tuple[list[str], str, str]:
    docx_bytes, path = files
    pdf_text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                              capture_output=True, text=True).stdout
    return [part.heading for part in result.document.parts], dump(docx_bytes), pdf_text


def test_two_builds_are_byte_identical(result, files) -> None:
    docx_bytes, path = files
    assert docx.render(result.document) == docx_bytes
    assert pdf.render(result.document) == path.read_bytes()


@pytest.mark.skipif(shutil.which("pdffonts") is None,
                    reason="poppler-utils is installed by scripts/bootstrap.sh")
def test_every_font_of_the_pdf_is_embedded(files) -> None:
    listing = subprocess.run(["pdffonts", str(files[1])], check=True, capture_output=True,
                             text=True).stdout.splitlines()[2:]
    assert listing and all(line.split()[-5] == "yes" for line in listing), listing


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="poppler-utils is installed by scripts/bootstrap.sh")
@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_98_percent_of_part_two_figures_are_in_the_files(rendered, kind: str) -> None:
    headings, docx_text, pdf_text = rendered
    cut = parts(docx_text if kind == "docx" else pdf_text, headings)
    assert len(cut) == 4
    want = _section_figures() + _self_evaluation_figures()
    assert len(want) > 150
    lost = missing(want, text_figures(cut[1]))
    assert (len(want) - len(lost)) / len(want) >= 0.98, (kind, lost)
    # Part one and the glossary print no decimal figure; the tables (part four) do not hold
    # the narrative's comparisons.
    assert sum(text_figures(cut[0]).values()) + sum(text_figures(cut[2]).values()) == 0
