"""A profile is checked when it is first used, before any department is built with it.

Its files are validated against schemas/profile/*.schema.json (the same Chinese messages as
a department file, located in the profile's file), then the parts are checked against each
other: every section the skeleton names has its providers and its template, and every table
role the narrative reads is in the table set. A bureau that misspells a key or leaves out a
table the prose needs gets an error naming the file and line, never a `None` in a sentence.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from . import narrative
from .diagnostics import Diagnostic, Location, diagnostic
from .profile import Profile, chain, find, folder, load
from .resources import data_file
from .validate import using_schema, validate
from .yamlload import SourceMap, load_file

_SCHEMAS = {"profile.yaml": "profile/profile.schema.json",
            "document.yaml": "profile/document.schema.json",
            "tables.yaml": "profile/tables.schema.json"}


def _validated(path: Path, file: str) -> tuple[Any, SourceMap, list[Diagnostic]]:
    data, source_map, found = load_file(path)
    if found:
        return None, source_map, found
    with using_schema(_SCHEMAS[file]):
        return data, source_map, validate(data, source_map)


def _position(source_map: SourceMap, text: str) -> Location:
    """Where `text` (a section or role name) first appears in the file."""
    lines = Path(source_map.file).read_text("utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if text in line:
            return Location(source_map.file, number, line.index(text) + 1)
    return Location(source_map.file)


def _cross_checks(profile: Profile, document_map: SourceMap) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    spec = profile.data("document.yaml")
    sections = profile.data("narrative.yaml").get("sections") or {}
    separator = data_file("labels.yaml")["list_separator"]
    roles = [t.get("role", "") for t in profile.tables["tables"]]
    templates = profile.template_folders()
    for part in spec["parts"]:
        for item in part["content"]:
            for role in item.get("tables", []) if item.get("tables") != "all" else []:
                if role not in roles:
                    found.append(diagnostic("profile.unknown_role",
                                            _position(document_map, role), role=role,
                                            roles=separator.join(roles)))
            for name in item.get("sections", []):
                where = _position(document_map, name)
                if name not in sections:
                    found.append(diagnostic("profile.unknown_section", where, section=name,
                                            sections=separator.join(sections)))
                    continue
                if not any((f / f"{name}.j2").is_file() for f in templates):
                    found.append(diagnostic("profile.missing_template", where, section=name,
                                            folders=separator.join(map(str, templates))))
                unknown = narrative.missing_providers(profile, sections[name])
                if unknown:
                    found.append(diagnostic(
                        "profile.unknown_provider", where, section=name,
                        names=separator.join(unknown),
                        known=separator.join(sorted(narrative.available(profile.kind)))))
                for role in sorted(narrative.needed_roles(profile, sections[name])):
                    if role not in roles:
                        found.append(diagnostic("profile.missing_role", where, section=name,
                                                role=role, roles=separator.join(roles)))
    return found


@functools.cache
def check(name: str, kind: str) -> tuple[Diagnostic, ...]:
    """Every problem of the profile `name` for documents of `kind`, located in its files."""
    found: list[Diagnostic] = []
    for ancestor in chain(name):
        base = folder(ancestor)
        assert base is not None
        found += _validated(base / "profile.yaml", "profile.yaml")[2]
    maps: dict[str, SourceMap] = {}
    for file in ("document.yaml", "tables.yaml"):
        _, maps[file], problems = _validated(find(name, file, kind), file)
        found += problems
    if found:
        return tuple(found)
    return tuple(_cross_checks(load(name, kind), maps["document.yaml"]))
