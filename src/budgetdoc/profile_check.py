"""A profile is checked when it is first used, before any department is built with it.

Its files are validated against schemas/profile/*.schema.json (the same Chinese messages as
a department file, located in the profile's file), then the parts are checked against each
other: every section the skeleton names has its providers and its template, and every table
role the narrative reads is in the table set. A bureau that misspells a key or leaves out a
table the prose needs gets an error naming the file and line, never a `None` in a sentence.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from . import narrative
from .diagnostics import Diagnostic, Location, diagnostic
from .profile import Profile, ProfileError, available, find, folder, folders, load
from .resources import data_file, listed
from .validate import chinese_path, using_schema, validate
from .yamlload import SourceMap, load_file

_SCHEMAS = {"profile.yaml": "profile/profile.schema.json",
            "document.yaml": "profile/document.schema.json",
            "tables.yaml": "profile/tables.schema.json",
            "narrative.yaml": "profile/narrative.schema.json"}
_WORD = re.compile(r"words\.(\w+)")
_COMPARISON_KEYS = ("id", "compare", "transfer")  # narrative.yaml entries naming a comparison


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


def _setting(spec: dict[str, Any], name: str) -> bool:
    """narrative.yaml has the setting `name` (words.x: the word x)."""
    if name.startswith("words."):
        return name[len("words."):] in (spec.get("words") or {})
    return name in spec


def _comparison_ids(node: Any) -> list[str]:
    """Comparison ids named in narrative.yaml (income_items' id and transfer, …)."""
    if isinstance(node, dict):
        return [v for k, v in node.items() if k in _COMPARISON_KEYS and isinstance(v, str)] + [
            i for v in node.values() if isinstance(v, (dict, list)) for i in _comparison_ids(v)]
    if isinstance(node, list):
        return [i for v in node for i in _comparison_ids(v)]
    return []


def _words(profile: Profile, sections: list[str]) -> list[tuple[str, str]]:
    """(word, file) for each `words.x` the document's templates and skeleton use."""
    found = []
    for templates in profile.template_folders():
        for path in sorted(templates.glob("*.j2")):
            if path.stem in sections or path.stem.startswith("_"):
                found += [(w, path.name) for w in _WORD.findall(path.read_text("utf-8"))]
    document = find(profile.name, "document.yaml", profile.kind)
    found += [(w, document.name) for w in _WORD.findall(document.read_text("utf-8"))]
    return list(dict.fromkeys(found))


def _narrative_checks(profile: Profile, names: list[str],
                      narrative_map: SourceMap) -> list[Diagnostic]:
    """What the used sections' providers and templates need from narrative.yaml and
    comparisons.yaml is there."""
    spec = profile.data("narrative.yaml")
    sections = spec.get("sections") or {}
    comparisons = {c["id"] for c in profile.data("comparisons.yaml")["comparisons"]}
    found = []
    for name in names:
        used = sections.get(name) or []
        for setting in narrative.needed_settings(spec, profile, used):
            if not _setting(spec, setting):
                found.append(diagnostic("profile.missing_setting",
                                        _position(narrative_map, f"{name}:"), section=name,
                                        setting=setting))
        for cid in narrative.needed_comparisons(profile, used):
            if cid not in comparisons:
                found.append(diagnostic("profile.missing_comparison",
                                        _position(narrative_map, f"{name}:"), section=name,
                                        comparison=cid, known=listed(sorted(comparisons))))
    for cid in dict.fromkeys(_comparison_ids(spec)):
        if cid not in comparisons:
            found.append(diagnostic("profile.missing_comparison", _position(narrative_map, cid),
                                    section="narrative.yaml", comparison=cid,
                                    known=listed(sorted(comparisons))))
    words = spec.get("words") or {}
    for word, file in _words(profile, names):
        if word not in words:
            found.append(diagnostic("profile.missing_word", _position(narrative_map, "words:"),
                                    word=word, file=file, words=listed(words)))
    return found


def _cross_checks(profile: Profile, document_map: SourceMap,
                  narrative_map: SourceMap) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    spec = profile.data("document.yaml")
    sections = profile.data("narrative.yaml").get("sections") or {}
    roles = [t.get("role", "") for t in profile.tables["tables"]]
    templates = profile.template_folders()
    for part in spec["parts"]:
        for item in part["content"]:
            for role in item.get("tables", []) if item.get("tables") != "all" else []:
                if role not in roles:
                    found.append(diagnostic("profile.unknown_role",
                                            _position(document_map, role), role=role,
                                            roles=listed(roles)))
            for name in item.get("sections", []):
                where = _position(document_map, name)
                if name not in sections:
                    found.append(diagnostic("profile.unknown_section", where, section=name,
                                            sections=listed(sections)))
                    continue
                if not any((f / f"{name}.j2").is_file() for f in templates):
                    found.append(diagnostic("profile.missing_template", where, section=name,
                                            folders=listed(templates)))
                unknown = narrative.missing_providers(profile, sections[name])
                if unknown:
                    found.append(diagnostic(
                        "profile.unknown_provider", where, section=name,
                        names=listed(unknown),
                        known=listed(sorted(narrative.available(profile.kind)))))
                for role in sorted(narrative.needed_roles(profile, sections[name])):
                    if role not in roles:
                        found.append(diagnostic("profile.missing_role", where, section=name,
                                                role=role, roles=listed(roles)))
    used = [n for part in spec["parts"] for item in part["content"]
            for n in item.get("sections", []) if n in sections]
    return found + _narrative_checks(profile, used, narrative_map)


def _missing_files(name: str, kind: str) -> list[Diagnostic]:
    """Every file a document of `kind` is made from must be in the profile or one it extends."""
    base = folder(name)
    assert base is not None
    found = []
    for file in data_file("profile_files.yaml")["required"]:
        try:
            find(name, file, kind)
        except ProfileError:
            searched = listed(folders(name, kind))
            found.append(diagnostic("profile.missing_file", Location(str(base / "profile.yaml")),
                                    file=file, folders=searched))
    return found


@functools.cache
def check_settings(name: str) -> tuple[Diagnostic, ...]:
    """The profile.yaml of the profile and of each it extends (read before anything else of
    the profile: which kinds it formats, what it extends)."""
    found: list[Diagnostic] = []
    seen: list[str] = []
    while name and name not in seen and folder(name) is not None:
        seen.append(name)
        data, source_map, problems = _validated(
            folder(name) / "profile.yaml", "profile.yaml")  # type: ignore[operator]
        found += problems
        if problems or not isinstance(data, dict):
            break
        name = data.get("extends", "")
        if name and folder(name) is None:
            with using_schema(_SCHEMAS["profile.yaml"]):
                where = chinese_path(("extends",))
            found.append(diagnostic("schema.enum", source_map.locate(("extends",)), path=where,
                                    value=name, allowed=listed(available())))
    return tuple(found)


@functools.cache
def check(name: str, kind: str) -> tuple[Diagnostic, ...]:
    """Every problem of the profile `name` for documents of `kind`, located in its files
    (its profile.yaml files were checked by `check_settings`)."""
    found = _missing_files(name, kind)
    if found:
        return tuple(found)
    maps: dict[str, SourceMap] = {}
    for file in ("document.yaml", "tables.yaml", "narrative.yaml"):
        _, maps[file], problems = _validated(find(name, file, kind), file)
        found += problems
    if found:
        return tuple(found)
    return tuple(_cross_checks(load(name, kind), maps["document.yaml"], maps["narrative.yaml"]))
