"""A profile: one region's format for one kind of document.

A profile is a folder (under data/profiles/, a bureau's own folders named by
BUDGETDOC_PROFILES, or a folder a department file names relative to itself). Its
`profile.yaml` names the document kinds it formats (data/kinds.yaml) and, optionally, a
profile it `extends`. Files shared by its kinds (sources, checks, DOCX and PDF layout) sit in
the folder; each kind has a subfolder (`budget/`, `final/`) with the document's skeleton,
tables, sentence settings, comparisons and sentence templates. A file is looked for in the
kind's subfolder, then the profile's folder, then the same two places of the profile it
extends, and so on: a region overrides what differs and inherits the rest. A region with a
different table set or another order of parts is a new folder, not new code.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .ledger import Filter, sources_in
from .resources import DATA

DEFAULT = "default"
PROFILES = DATA / "profiles"
# A bureau keeps its own profile folders outside the installation: BUDGETDOC_PROFILES names
# folders (separated like PATH) searched before the profiles shipped under data/profiles/.
SEARCH_ENV = "BUDGETDOC_PROFILES"


class ProfileError(Exception):
    """A profile folder that cannot be used: the message is Chinese and names the file."""


def roots() -> list[Path]:
    extra = [Path(p) for p in os.environ.get(SEARCH_ENV, "").split(os.pathsep) if p]
    return [*extra, PROFILES]


def folder(name: str) -> Path | None:
    """The folder of the profile `name`: an absolute path to a profile folder (a department
    file may name one relative to itself), or the first search root that has it."""
    if os.path.isabs(name):
        return Path(name) if (Path(name) / "profile.yaml").is_file() else None
    for root in roots():
        if (root / name / "profile.yaml").is_file():
            return root / name
    return None


def available() -> list[str]:
    return sorted({p.name for root in roots() if root.is_dir() for p in root.iterdir()
                   if (p / "profile.yaml").is_file()})


@functools.cache
def _load(path: Path) -> Any:
    """A YAML file of a profile, parsed once (a bureau's own files are data like ours)."""
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def settings(name: str) -> dict[str, Any]:
    """The profile's own profile.yaml (label, kinds, extends)."""
    where = folder(name)
    loaded: dict[str, Any] = (_load(where / "profile.yaml") if where else None) or {}
    return loaded


def chain(name: str) -> list[str]:
    """The profile and those it extends, nearest first."""
    names: list[str] = []
    while name and name not in names and folder(name) is not None:
        names.append(name)
        name = settings(name).get("extends", "")
    return names


def kinds(name: str) -> list[str]:
    """The kinds of document (budget, final) the profile or one it extends formats."""
    found: list[str] = []
    for ancestor in chain(name):
        found += [k for k in settings(ancestor).get("kinds") or [] if k not in found]
    return found


def folders(name: str, kind: str = "") -> list[Path]:
    """Where the profile's files are looked for, nearest first."""
    out: list[Path] = []
    for ancestor in chain(name):
        base = folder(ancestor)
        assert base is not None
        if kind:
            out.append(base / kind)
        out.append(base)
    return out


def find(name: str, file: str, kind: str = "") -> Path:
    """The nearest `file` for this profile and kind."""
    for candidate in folders(name, kind):
        if (candidate / file).is_file():
            return candidate / file
    raise ProfileError(f"{name}/{kind}/{file}")


def profile_file(name: str, file: str, kind: str = "") -> Any:
    """The parsed nearest `file` (a YAML file of the profile's folders)."""
    return _load(find(name, file, kind))


@dataclass(frozen=True)
class Profile:
    name: str
    kind: str  # the kind's subfolder: budget | final
    sources: dict[str, dict[str, Any]]
    economic_kind: dict[str, list[str]]
    tolerance_per_part: Decimal
    sangong_economic: dict[str, str]
    function_classes: list[str]  # the 类 list of the two-sided tables (the latest year's)
    project_economic_classes: list[str]
    tables: dict[str, Any]

    def data(self, file: str) -> Any:
        """A YAML file of this profile and kind (nearest in the chain)."""
        return profile_file(self.name, file, self.kind)

    def template_folders(self) -> list[Path]:
        """Where the kind's sentence templates are, nearest first."""
        return [f / "templates" for f in folders(self.name, self.kind)
                if (f / "templates").is_dir()]

    def source_set(self, groups: list[str]) -> frozenset[str]:
        return sources_in(groups, self.sources)

    def selector(self, spec: dict[str, Any], dimension: str) -> Filter:
        """A Filter from a column or row spec (`sources`, `kinds`, `economic`, `items`)."""
        return Filter(
            dimension=dimension,
            sources=self.source_set(spec["sources"]) if "sources" in spec else None,
            kinds=frozenset(spec["kinds"]) if "kinds" in spec else None,
            economic=spec.get("economic", ""),
            items=frozenset(spec["items"]) if "items" in spec else None,
        )

    def kind_of_economic(self, code: str) -> str:
        for kind, classes in self.economic_kind.items():
            if code[:3] in classes:
                return kind
        return "operating"

    def classes_for(self, year: int) -> list[str]:
        """The 类 list of the two-sided tables for `year`: classes.yaml gives one list, or
        lists by year (`function_classes_by_year`), the latest not after `year` applying."""
        by_year = profile_file(self.name, "classes.yaml", self.kind).get(
            "function_classes_by_year")
        if not by_year:
            return self.function_classes
        usable = [y for y in sorted(by_year) if int(y) <= year] or sorted(by_year)[:1]
        return [str(c) for c in by_year[usable[-1]]]

    def table_spec(self, role: str) -> dict[str, Any] | None:
        """The layout of the table that plays `role` (fund, carryover, …), if the kind has one."""
        for spec in self.tables["tables"]:
            if spec.get("role") == role:
                return spec
        return None


@functools.cache
def load(name: str = DEFAULT, kind: str = "budget") -> Profile:
    sources = profile_file(name, "sources.yaml", kind)
    classes = profile_file(name, "classes.yaml", kind)
    return Profile(
        name=name,
        kind=kind,
        sources=sources["sources"],
        economic_kind=sources["economic_kind"],
        tolerance_per_part=Decimal(str(sources["rounding_tolerance_per_part"])),
        sangong_economic=sources.get("sangong_economic") or {},
        function_classes=[str(c) for c in classes.get("function_classes") or
                          list(classes["function_classes_by_year"].values())[-1]],
        project_economic_classes=[str(c) for c in classes.get("project_economic_classes", [])],
        tables=profile_file(name, "tables.yaml", kind),
    )
