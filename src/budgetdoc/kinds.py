"""Kinds of document (预算, 决算): what `meta.kind` selects besides the profile's data.

data/kinds.yaml maps each `meta.kind` to a key, the JSON Schema of its department file and
the suffix of its file name (2024.yaml is a 预算, 2024.决算.yaml a 决算). The key also names
the kind's folder in a profile, and here the code a kind needs: how its file becomes a
ledger, what it takes from related files, which checks run on it, what its narrative checks
first and which tables its prose places by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import checks, model, performance, rules
from .datafiles import recognise, same_kind_file
from .diagnostics import Diagnostic
from .document import Table
from .figures import Comparison
from .final import budget as final_budget
from .final import checks as final_checks
from .final import model as final_model
from .final import selfeval
from .model import Department
from .narrative import Declared, declared, providers
from .profile import Profile
from .resources import data_file
from .yamlload import SourceMap

BuildModel = Callable[[dict[str, Any], SourceMap, Profile], tuple[Department, list[Diagnostic]]]
Link = Callable[[Department, Path], list[Diagnostic]]
NarrativeChecks = Callable[[Department, list[Comparison]], tuple[Declared, list[Diagnostic]]]
NamedTables = Callable[[Department], dict[str, Table]]


@dataclass(frozen=True)
class Kind:
    name: str  # 预算 | 决算, as written in meta.kind
    key: str  # budget | final
    schema: str
    label: str
    suffix: str  # after the year in the file name: "" | .决算
    reads: tuple[str, ...]  # kinds whose file of the same year it reads (a 决算: the 预算)
    build_model: BuildModel
    link: Link  # figures from related files (the same year's 预算 of a 决算)
    checks: Callable[[Department], list[Diagnostic]]
    narrative_checks: NarrativeChecks
    named_tables: NamedTables  # tables the prose places by name (@table:name)
    printed_texts: tuple[str, ...]  # where the file holds text meant to be printed


def _budget_checks(dept: Department) -> list[Diagnostic]:
    return checks.department_checks(dept) + rules.department_rules(dept)


def _budget_narrative(dept: Department,
                      comparisons: list[Comparison]) -> tuple[Declared, list[Diagnostic]]:
    found = providers.checks(dept)
    figures, more = declared.declared_figures(dept, comparisons)
    return figures, found + more


def _no_link(dept: Department, path: Path) -> list[Diagnostic]:
    return []


_CODE: dict[str, tuple[BuildModel, Link, Callable[[Department], list[Diagnostic]],
                       NarrativeChecks, NamedTables]] = {
    "budget": (model.build, _no_link, _budget_checks, _budget_narrative, performance.tables),
    "final": (final_model.build, final_budget.link, final_checks.department_checks,
              final_checks.narrative_checks, selfeval.tables),
}


def kinds() -> dict[str, Kind]:
    """Every kind of document, by the name written in meta.kind."""
    found = {}
    for name, spec in data_file("kinds.yaml").items():
        found[name] = Kind(name, spec["key"], spec["schema"], spec["label"], spec["suffix"],
                           tuple(spec.get("reads") or ()), *_CODE[spec["key"]],
                           tuple(spec.get("printed_texts", ())))
    return found


def by_key(key: str) -> Kind:
    return next(k for k in kinds().values() if k.key == key)


def schema_of(kind: Any) -> str | None:
    """The schema of a `meta.kind` value, or None if it names no kind."""
    found = kinds().get(kind) if isinstance(kind, str) else None
    return found.schema if found else None


def file_name(year: int, key: str) -> str:
    """The file name of a department's document of `year` and kind `key`: 2024.决算.yaml."""
    return f"{year}{by_key(key).suffix}.yaml"


def related_paths(path: Path, year: int, key: str) -> list[Path]:
    """The files beside `path` a document of `year` and kind `key` is also made from: last
    year's of the same kind, and the same year's of the kinds it reads (each under whatever
    spelling data/files.yaml accepts, else the name it would have)."""
    kind = by_key(key)
    found = [same_kind_file(path, year - 1, kind.name)]
    found += [same_kind_file(path, year, by_key(other).name) for other in kind.reads]
    return [p for p in found if p != path]


def year_and_kind(path: Path) -> tuple[int, str] | None:
    """(year, kind key) of a file named as data/files.yaml accepts, or None."""
    named = recognise(path)
    if named is None or named[1] not in kinds():
        return None
    return named[0], kinds()[named[1]].key
