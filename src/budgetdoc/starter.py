"""`budgetdoc new`: a commented starting file for a department, year, kind and profile.

A profile's kind folder holds the starting file as a Jinja2 template, `starter.yaml.j2`
(data/profiles/default/budget/), found like the profile's other files: a region or a kind
(决算) gets its own by adding the file, and a region that extends another inherits its
starting file until it has one. Every value the officer gives holds a placeholder (待填写,
one of checks.yaml's placeholders), so `check` on the new file lists exactly what remains to
be filled in, and nothing else.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import jinja2

from .profile import DEFAULT, ProfileError, find
from .profile import available as profiles
from .profile import kinds as profile_kinds
from .resources import data_file, listed

FILE = "starter.yaml.j2"
_PLAIN = re.compile(r"[^\s:#'\"{}\[\],&*!|>%@`-][^:#'\"{}\[\],]*")


class StarterError(ValueError):
    """What the user asked for cannot be written (a Chinese message for the terminal)."""


def _text(key: str, **fields: object) -> str:
    return str(data_file("cli.yaml")["new"][key]).format(**fields)


def available() -> dict[str, list[str]]:
    """Each profile with a starting file, and the kinds (as meta.kind names them) it has."""
    names = {spec["key"]: name for name, spec in data_file("kinds.yaml").items()}
    found: dict[str, list[str]] = {}
    for profile in profiles():
        for key in profile_kinds(profile):
            try:
                find(profile, FILE, key)
            except ProfileError:
                continue
            found.setdefault(profile, []).append(names.get(key, key))
    return found


def _scalar(text: str) -> str:
    """`text` as a YAML scalar: plain when it reads back the same, else double-quoted."""
    return text if _PLAIN.fullmatch(text) and text == text.strip() else json.dumps(
        text, ensure_ascii=False)


@functools.cache
def _environment(folder: Path) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=False,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              trim_blocks=True, lstrip_blocks=True)


def render(year: int, kind: str, profile: str, department: str | None) -> str:
    """The starting file's text."""
    if kind not in available().get(profile, []):
        choices = listed(f"{p}/{k}" for p, kinds in available().items() for k in kinds)
        raise StarterError(_text("no_template", profile=profile, kind=kind, choices=choices))
    template = find(profile, FILE, data_file("kinds.yaml")[kind]["key"])
    unfilled = _text("placeholder")
    name = _scalar(department) if department else unfilled
    return _environment(template.parent).get_template(FILE).render(
        year=year, prior_year=year - 1, kind=kind, department=name, owner=name,
        profile=profile, named_profile="" if profile == DEFAULT else profile,
        department_label=department or _text("this_department"))


def target(path: Path, year: int | None, kind: str | None = None) -> tuple[Path, int]:
    """The file to write and its year: a folder gets the kind's file of the year
    (`<year>.yaml`, `<year>.决算.yaml`: data/kinds.yaml); a file so named gives its year,
    which --year must not contradict."""
    from .kinds import file_name, year_and_kind

    if path.suffix.lower() not in (".yaml", ".yml"):
        if year is None:
            raise StarterError(_text("year_needed", path=path))
        known = data_file("kinds.yaml").get(kind) if kind else None
        return path / file_name(year, known["key"] if known else "budget"), year
    named = year_and_kind(path)
    stem_year = named[0] if named else None
    if stem_year is not None and year is not None and stem_year != year:
        raise StarterError(_text("year_mismatch", path=path, year=year))
    chosen = year if year is not None else stem_year
    if chosen is None:
        raise StarterError(_text("year_needed", path=path))
    return path, chosen
