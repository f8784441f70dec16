"""Fonts for the PDF: the bureau's own files first, then the lean CJK fonts (lean_fonts),
then the system's Noto CJK fonts they are cut from.

Each role (body ≈ 宋体, heading ≈ 黑体) names a system family (fontconfig) and the file
names to look for in an optional fonts folder. A font that is not there is an environment
error raised before rendering, never a page of boxes. The lean fonts are optional: without
a build that checks, the system family serves alone (same pages).
"""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..profile import profile_file
from ..resources import listed
from . import lean_fonts

PROFILE = "default"
ROLES = ("body", "heading")
WEIGHTS = {"regular": 400, "bold": 700}


class FontsError(RuntimeError):
    """The fonts the PDF needs are not available: an environment error, not a data error."""

    def __init__(self, message: str, missing: list[str] | None = None) -> None:
        super().__init__(message)
        self.missing = missing or []


def settings(profile: str = PROFILE) -> dict[str, Any]:
    loaded: dict[str, Any] = profile_file(profile, "pdf.yaml")
    return loaded


def _message(key: str, profile: str = PROFILE, **fields: object) -> str:
    return str(settings(profile)["messages"][key]).format(**fields)


@dataclass(frozen=True)
class FontFace:
    """An @font-face rule: one of the bureau's font files for a role and weight."""

    family: str
    path: Path
    weight: int

    @property
    def url(self) -> str:
        return self.path.resolve().as_uri()


def face_family(role: str) -> str:
    return f"budgetdoc-{role}"


def bureau_fonts(fonts_dir: Path | None, profile: str = PROFILE) -> list[FontFace]:
    """The font files found in the fonts folder, one per role and weight, first name wins."""
    if fonts_dir is None:
        return []
    spec = settings(profile)["fonts"]
    if not fonts_dir.is_dir():
        raise FontsError(_message("fonts_dir_missing", profile, path=fonts_dir))
    extensions = [e.lower() for e in spec["extensions"]]
    by_stem: dict[str, Path] = {}
    for path in sorted(fonts_dir.iterdir()):
        if path.is_file() and path.suffix.lower() in extensions:
            by_stem.setdefault(path.stem.lower(), path)
    faces = []
    for role in ROLES:
        for weight, stems in spec[role]["files"].items():
            found = next((by_stem[s.lower()] for s in stems if s.lower() in by_stem), None)
            if found is not None:
                faces.append(FontFace(face_family(role), found, WEIGHTS[weight]))
    if not faces:
        names = ", ".join(s for role in ROLES for stems in spec[role]["files"].values()
                          for s in stems)
        raise FontsError(_message("fonts_dir_empty", profile, path=fonts_dir, names=names,
                                  extensions=" ".join(extensions)))
    return faces


def lean_faces(profile: str = PROFILE) -> list[FontFace]:
    """@font-face rules for the lean fonts cut from the roles' system families, if built."""
    spec = settings(profile)["fonts"]
    sources = {spec[role]["family"] for role in ROLES}
    return [FontFace(face.family, face.path, face.weight) for face in lean_fonts.installed()
            if face.source in sources]


def font_stacks(faces: list[FontFace], profile: str = PROFILE) -> dict[str, str]:
    """CSS font-family values per role: the bureau's face (if any), the lean family cut
    from the system family (if built), the system family."""
    spec = settings(profile)["fonts"]
    provided = {f.family for f in faces}
    lean = {face.source: face.family for face in lean_fonts.installed()}
    stacks = {}
    for role in ROLES:
        families = [face_family(role)] if face_family(role) in provided else []
        if lean.get(spec[role]["family"]) in provided:
            families.append(lean[spec[role]["family"]])
        families.append(spec[role]["family"])
        stacks[role] = ", ".join(f'"{_css_name(f)}"' for f in families)
        stacks[role] += f", {_css_name(spec[role]['generic'])}"
    return stacks


def _css_name(name: str) -> str:
    """A font family name safe inside CSS quotes (it comes from project data)."""
    if not name or any(not (c.isalnum() or c in " -_") for c in name):
        raise ValueError(f"unsafe font family name in pdf.yaml: {name!r}")
    return name


@functools.cache
def installed_families() -> frozenset[str]:
    """Every family name fontconfig knows (all of a font's localized names).

    Asked once per process: every PDF render checks its fonts first, and a batch worker
    renders many (fc-list takes ~10 ms a call).
    """
    try:
        listing = subprocess.run(["fc-list", "--format", "%{family}\n"], check=True,
                                 capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise FontsError(_message("fontconfig_missing")) from error
    return frozenset(name.strip() for line in listing.splitlines() for name in line.split(","))


def missing_fonts(fonts_dir: Path | None = None, profile: str = PROFILE) -> list[str]:
    """The system font families the PDF needs and fontconfig does not have.

    A role whose regular face is in the fonts folder does not need its system family.
    """
    spec = settings(profile)["fonts"]
    provided = {f.family for f in bureau_fonts(fonts_dir, profile) if f.weight == 400}
    installed = installed_families()
    return [spec[role]["family"] for role in ROLES
            if face_family(role) not in provided and spec[role]["family"] not in installed]


def require_fonts(fonts_dir: Path | None = None, profile: str = PROFILE) -> None:
    """Raise FontsError naming the missing families, before anything is rendered."""
    missing = missing_fonts(fonts_dir, profile)
    if missing:
        raise FontsError(_message("missing_fonts", profile, fonts=listed(missing)), missing)
