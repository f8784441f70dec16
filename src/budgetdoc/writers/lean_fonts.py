"""Lean CJK fonts: the system's Noto CJK faces cut down to the characters government text
uses, built once at setup (scripts/build_fonts.py, from data/lean_fonts.yaml) into
build/fonts/, and put before the full faces in the PDF's font stacks.

They draw exactly as the faces they are cut from (same outlines, advances, metrics and
bounding boxes: pages are pixel-identical), but WeasyPrint reads and subsets a 2–3 MB file
instead of a 19–27 MB collection, and the glyphs are numbered compactly, which the embedded
subsets (every glyph id up to the highest one used) benefit from: smaller PDFs, less memory,
faster renders. A character outside them (a rare one in a name) falls through to the full
face after them in the stack.

The build is checked before it is used: its manifest must name the current recipe (the data
file and the builder's version), the source font files as they are now, and each built
file's size and hash. If anything differs, or nothing was built, the PDF uses the full faces alone:
the same pages, only larger and slower.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..resources import DATA, ROOT, data_file

RECIPE = "lean_fonts.yaml"
FOLDER = ROOT / "build" / "fonts"
MANIFEST = "manifest.json"
LICENCE = "OFL.txt"
# Raised whenever lean_fonts_build makes different bytes from the same recipe and sources
# (tests/test_lean_fonts.py builds a face again and compares it with the manifest's hash).
BUILDER_VERSION = 1


@dataclass(frozen=True)
class LeanFace:
    family: str  # the lean family (Budgetdoc GB Serif)
    source: str  # the system family it is cut from (Noto Serif CJK SC)
    weight: int  # CSS weight
    path: Path


def recipe() -> dict[str, Any]:
    loaded: dict[str, Any] = data_file(RECIPE)
    return loaded


def recipe_digest() -> str:
    """What a build depends on besides its sources: the recipe and the builder's version."""
    digest = hashlib.sha256(f"builder {BUILDER_VERSION}\0".encode())
    digest.update((DATA / RECIPE).read_bytes())
    return digest.hexdigest()


@functools.cache
def characters() -> str:
    """Every character the lean faces keep, in code point order."""
    spec = recipe()["characters"]
    found: set[str] = set()
    for block in spec["encodings"]:
        (lead_first, lead_last), (trail_first, trail_last) = block["lead"], block["trail"]
        for lead in range(lead_first, lead_last + 1):
            for trail in range(trail_first, trail_last + 1):
                try:
                    found.update(bytes((lead, trail)).decode(block["codec"]))
                except UnicodeDecodeError:  # an unassigned or user-defined code
                    continue
    for first, last in spec["unicode"]:
        found.update(chr(c) for c in range(first, last + 1))
    return "".join(sorted(found))


def file_name(postscript: str, style: str) -> str:
    return f"{postscript}-{style}.otf"


def source_stamp(path: str) -> dict[str, int]:
    """How a source font file is recognised again: its size and modification time."""
    info = os.stat(path)
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns}


def sha256(path: Path) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def problems(folder: Path = FOLDER) -> list[str]:
    """Why the build in `folder` cannot be used (empty when it can)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return [f"no build in {folder}"]
    if manifest.get("recipe") != recipe_digest():
        return ["built from another recipe or builder"]
    found = []
    for name, entry in manifest.get("fonts", {}).items():
        path = folder / name
        try:
            if source_stamp(entry["source"]["file"]) != entry["source"]["stamp"]:
                found.append(f"source of {name} changed: {entry['source']['file']}")
            elif path.stat().st_size != entry["size"] or sha256(path) != entry["sha256"]:
                found.append(f"{name} differs from its manifest")
        except (OSError, KeyError, TypeError):
            found.append(f"{name} or its source is missing")
    expected = {file_name(f["postscript"], style) for f in recipe()["faces"]
                for style in recipe()["weights"]}
    if set(manifest.get("fonts", {})) != expected:
        found.append("the manifest does not list every face")
    if not (folder / LICENCE).is_file():
        found.append(f"{LICENCE} is missing")
    return found


@functools.cache
def installed(folder: Path = FOLDER) -> tuple[LeanFace, ...]:
    """The lean faces built in `folder`, if the build checks; otherwise none. Checked once
    per process (hashing ~9 MB)."""
    if problems(folder):
        return ()
    fonts = json.loads((folder / MANIFEST).read_text("utf-8"))["fonts"]
    return tuple(LeanFace(entry["family"], entry["source"]["family"], entry["weight"],
                          folder / name) for name, entry in sorted(fonts.items()))


def fingerprint(folder: Path = FOLDER) -> str:
    """Part of a batch's tool fingerprint: the PDF's bytes change with the lean fonts."""
    if not installed(folder):
        return "none"
    return hashlib.sha256((folder / MANIFEST).read_bytes()).hexdigest()
