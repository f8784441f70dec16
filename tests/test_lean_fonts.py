"""The lean CJK fonts: built by bootstrap, checked before use, renamed, the licence beside
them, deterministic, the same pages as the full Noto faces, and a rare character still drawn
(by the full face after them in the stack)."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops

from budgetdoc import pipeline
from budgetdoc.document import Paragraph
from budgetdoc.writers import lean_fonts, lean_fonts_build, pdf
from seedfigures import GOLDEN_EXAMPLES
from test_pdf import POPPLER, _messages, _poppler, synthetic

ROOT = Path(__file__).resolve().parents[1]
needs_poppler = pytest.mark.skipif(not POPPLER or not shutil.which("pdftoppm"),
                                   reason="poppler-utils not installed")
RARE = "刘䶮、张堃、陶喆"  # 䶮 (CJK Ext. A), 堃 and 喆 (GBK): none of them in GB 2312


def _is_hanzi(character: str) -> bool:
    return unicodedata.name(character, "").startswith("CJK UNIFIED IDEOGRAPH")


# --- the build --------------------------------------------------------------------------------

def test_the_lean_fonts_are_built_and_check() -> None:
    """scripts/bootstrap.sh builds them; without them every PDF silently uses the full faces."""
    assert lean_fonts.problems() == []
    faces = lean_fonts.installed()
    assert sorted((f.family, f.weight, f.source) for f in faces) == [
        ("Budgetdoc GB Sans", 400, "Noto Sans CJK SC"),
        ("Budgetdoc GB Sans", 700, "Noto Sans CJK SC"),
        ("Budgetdoc GB Serif", 400, "Noto Serif CJK SC"),
        ("Budgetdoc GB Serif", 700, "Noto Serif CJK SC")]


def test_the_characters_come_from_the_gb_codecs() -> None:
    characters = lean_fonts.characters()
    hanzi = [c for c in characters if _is_hanzi(c)]
    assert len(hanzi) == 6763  # GB 2312 levels 1 and 2: 3,755 + 3,008
    assert "啊" in hanzi and "齄" in hanzi  # the first of level 1, the last of level 2
    assert not any(c in characters for c in RARE if _is_hanzi(c) and c not in "刘张陶")
    for expected in "0123456789ABCxyz（），。、：；“”《》【】—…％‰①Ⅰ≤≥×÷":
        assert expected in characters, expected


@pytest.mark.parametrize("name", sorted(GOLDEN_EXAMPLES))
def test_every_example_is_drawn_from_the_lean_fonts_alone(name: str) -> None:
    """The published documents transcribed as examples use no character outside them."""
    result = pipeline.run(ROOT / "examples" / "departments" / GOLDEN_EXAMPLES[name])
    assert result.document is not None and result.department is not None
    html = pdf.render_html(result.document, profile=result.department.profile.name)
    text = html[html.index("<body"):]
    assert set(text) <= set(lean_fonts.characters()) | {"\n"}


def test_the_faces_are_renamed_and_the_licence_is_beside_them() -> None:
    for face in lean_fonts.installed():
        with TTFont(face.path, lazy=True) as font:
            name = font["name"]
            names = [name.getDebugName(i) or "" for i in (1, 3, 4, 6, 16, 17)]
            names += [font["CFF "].cff.fontNames[0],
                      font["CFF "].cff.topDictIndex[0].FamilyName]
            assert not [n for n in names if "Noto" in n or "Source" in n], names
            assert name.getDebugName(1) == face.family
            assert "Adobe" in (name.getDebugName(0) or "")  # the copyright notice stays
            assert "Open Font License" in (name.getDebugName(13) or "")
    licence = (lean_fonts.FOLDER / lean_fonts.LICENCE).read_text("utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Reserved Font Name" in licence and "© 2017-2022 Adobe" in licence


def test_a_changed_build_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "fonts"
    shutil.copytree(lean_fonts.FOLDER, folder)
    assert lean_fonts.problems(folder) == []
    name = "BudgetdocGBSans-Regular.otf"
    data = bytearray((folder / name).read_bytes())
    data[-1] ^= 1
    (folder / name).write_bytes(bytes(data))
    assert lean_fonts.problems(folder) == [f"{name} differs from its manifest"]
    assert lean_fonts.installed(folder) == ()
    manifest = json.loads((folder / lean_fonts.MANIFEST).read_text("utf-8"))
    manifest["recipe"] = "an older recipe"
    (folder / lean_fonts.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert lean_fonts.problems(folder) == ["built from another recipe or builder"]
    assert lean_fonts.problems(tmp_path / "none") == [f"no build in {tmp_path / 'none'}"]


def test_the_build_is_deterministic(tmp_path: Path) -> None:
    """One face built again (the smallest, ~10 s) is the very file bootstrap built."""
    manifest = json.loads((lean_fonts.FOLDER / lean_fonts.MANIFEST).read_text("utf-8"))
    name = "BudgetdocGBSans-Regular.otf"
    entry = manifest["fonts"][name]
    face = next(f for f in lean_fonts.recipe()["faces"] if f["family"] == entry["family"])
    assert lean_fonts_build.find_source(face["source"], 400) == (
        entry["source"]["file"], entry["source"]["index"])
    lean_fonts_build.build_face(entry["source"]["file"], entry["source"]["index"], face,
                                "Regular", tmp_path / name)
    assert lean_fonts.sha256(tmp_path / name) == entry["sha256"]


def test_the_build_script_checks_before_building(tmp_path: Path) -> None:
    script = [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "scripts" / "build_fonts.py")]
    checked = subprocess.run([*script, "--check"], capture_output=True, text=True)
    assert checked.returncode == 0 and "up to date" in checked.stdout
    missing = subprocess.run([*script, "--check", "--folder", str(tmp_path / "x")],
                             capture_output=True, text=True)
    assert missing.returncode == 1 and "no build" in missing.stdout


# --- the pages --------------------------------------------------------------------------------

def _pages(data: bytes, folder: Path, name: str) -> list[Image.Image]:
    path = folder / f"{name}.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "100", "-gray", str(path), str(folder / name)],
                   check=True)
    return [Image.open(p) for p in sorted(folder.glob(f"{name}-*.pgm"))]


@needs_poppler
def test_lean_fonts_draw_the_same_pages_and_a_rare_character_is_not_a_box(
        weasyprint_warnings, tmp_path: Path, monkeypatch) -> None:
    """The same pages with and without the lean fonts (glyphs, advances, metrics, bounding
    boxes), including a line of characters they lack: drawn from the full Noto face, never
    as .notdef (which would differ from the full face's glyph, and log a warning)."""
    document = synthetic()
    document.parts[0].blocks.append(Paragraph(RARE))
    lean = pdf.render(document)
    monkeypatch.setattr(lean_fonts, "installed", lambda folder=None: ())
    full = pdf.render(document)
    assert _messages(weasyprint_warnings) == []
    fonts = _poppler("pdffonts", lean, tmp_path)
    assert "Budgetdoc-GB-Serif" in fonts and "Noto-Serif-CJK-SC" in fonts
    assert "Budgetdoc" not in _poppler("pdffonts", full, tmp_path)
    assert _poppler("pdftotext", lean, tmp_path) == _poppler("pdftotext", full, tmp_path)
    assert RARE in _poppler("pdftotext", lean, tmp_path)
    assert len(lean) < 0.6 * len(full)
    for one, other in zip(_pages(lean, tmp_path, "lean"), _pages(full, tmp_path, "full"),
                          strict=True):
        assert ImageChops.difference(one, other).getbbox() is None
