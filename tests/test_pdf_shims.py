"""The shims on WeasyPrint and pydyf (writers/pdf_shims.py): pinned to the exact upstream
code they stand in for, and the same PDF (byte for byte, but for the compression level)."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import tinyhtml5

from budgetdoc import pipeline
from budgetdoc.writers import pdf, pdf_shims
from seedfigures import GOLDEN_EXAMPLES
from test_pdf import POPPLER, _poppler, synthetic

ROOT = Path(__file__).resolve().parents[1]


UPSTREAM = """
import hashlib, importlib, inspect, json, sys
found = {}
for dotted in sys.argv[1:]:
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        try:
            item = importlib.import_module(".".join(parts[:end]))
            break
        except ImportError:
            continue
    for attribute in parts[end:]:
        item = getattr(item, attribute)
    item = item.fget if isinstance(item, property) else item
    found[dotted] = hashlib.sha256(inspect.getsource(item).encode()).hexdigest()
print(json.dumps(found))
"""


def test_the_shims_are_for_the_installed_versions() -> None:
    """An upgrade of WeasyPrint or pydyf fails here: derive each shim again from the new
    code (or drop it), measure it again, then update VERSIONS and PINNED."""
    assert {name: metadata.version(name) for name in pdf_shims.VERSIONS} == pdf_shims.VERSIONS
    assert pdf_shims.install()


def test_the_upstream_code_of_each_shim_is_unchanged() -> None:
    """The source of every function a shim replaces, wraps or copies, as it was when the
    shim was written (read in a new process, where nothing is patched yet)."""
    found = json.loads(subprocess.run([sys.executable, "-c", UPSTREAM, *pdf_shims.PINNED],
                                      check=True, capture_output=True, text=True).stdout)
    changed = sorted(name for name, digest in pdf_shims.PINNED.items()
                     if found[name] != digest)
    assert changed == [], f"changed upstream, check the shims relying on them: {changed}"


# --- the HTML parse ---------------------------------------------------------------------------

def _walk(element: ElementTree.Element) -> list[tuple[Any, ...]]:
    found = [(element.tag, element.attrib, element.text, element.tail)]
    for child in element:
        found += _walk(child)
    return found


@pytest.mark.parametrize("name", [*sorted(GOLDEN_EXAMPLES), "synthetic"])
def test_our_pages_parse_to_the_trees_tinyhtml5_makes(name: str) -> None:
    """The document and its 目录 probe, for every example and every kind of block."""
    profile = "default"
    if name == "synthetic":
        document = synthetic()
    else:
        result = pipeline.run(ROOT / "examples" / "departments" / GOLDEN_EXAMPLES[name])
        assert result.document is not None and result.department is not None
        document, profile = result.document, result.department.profile.name
    pages = [pdf.render_html(document, profile=profile)] + [
        pdf.contents_probe_html(document, None, profile, density)
        for density in pdf.pdf_fonts.settings(profile)["contents"]["densities"]]
    for html in pages:
        parsed = pdf_shims._expat_tree(html)
        assert parsed is not None
        assert _walk(parsed) == _walk(tinyhtml5.parse(html, namespace_html_elements=False))


def test_a_page_expat_cannot_read_is_left_to_weasyprint() -> None:
    import weasyprint

    assert pdf_shims._expat_tree("<html><head></head><body><p>a & b</p></body></html>") is None
    assert pdf_shims._expat_tree("<p>no html element</p>") is None
    page = pdf_shims.parse_html("<html><body><p>a & b</p></body></html>", "/")
    assert type(page) is weasyprint.HTML


# --- the leaders ------------------------------------------------------------------------------

def test_a_dot_is_repeated_only_after_the_expected_operators() -> None:
    tj, tm = b"[<0a3b>0] TJ", b"1 0 0 -1 694.2 180.1 Tm"
    assert pdf_shims._shown_twice([b"BT", tm, tj, tm, tj, b"ET"]) == tj
    assert pdf_shims._shown_twice([tm, tj, tm, b"[<0a3c>0] TJ", b"ET"]) is None
    assert pdf_shims._shown_twice([tj, b"0 0 0 rg", tj, b"ET"]) is None
    assert pdf_shims._shown_twice([tm, tj, tm, tj]) is None


# --- the same bytes ---------------------------------------------------------------------------

RENDER = """
import sys
from pathlib import Path
from budgetdoc import pipeline
from budgetdoc.writers import pdf, pdf_shims
mode = sys.argv[1]
if mode == "none":
    pdf_shims._installed = False
elif mode == "level9":
    pdf_shims.COMPRESSION_LEVEL = 9
document = pipeline.run(Path("examples/departments/changji-beijing-office/2024.yaml")).document
sys.stdout.buffer.write(pdf.render(document))
"""


def _rendered(mode: str) -> bytes:
    return subprocess.run([sys.executable, "-c", RENDER, mode], cwd=ROOT, check=True,
                          capture_output=True).stdout


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_the_shims_give_the_same_pdf(tmp_path: Path) -> None:
    """Without the shims, and with them at pydyf's compression level: the same bytes (the
    leaders drawn from repeated operators, each object written once, the page parsed by
    expat). At level 6 only the compressed streams differ: the same text."""
    upstream, same_level, shimmed = _rendered("none"), _rendered("level9"), _rendered("6")
    assert same_level == upstream
    assert shimmed != upstream and abs(len(shimmed) - len(upstream)) < 0.01 * len(upstream)
    assert _poppler("pdftotext", shimmed, tmp_path) == _poppler("pdftotext", upstream, tmp_path)
