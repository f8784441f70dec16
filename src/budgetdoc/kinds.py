"""Kinds of document (预算, 决算): what `meta.kind` selects besides the profile's data.

data/kinds.yaml maps each `meta.kind` to a key and the JSON Schema of its department file.
The key also names the kind's folder in a profile, and here the code a kind needs: how its
file becomes a ledger, which checks run on it, and what its narrative checks first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import checks, model, rules
from .diagnostics import Diagnostic
from .figures import Comparison
from .model import Department
from .narrative import Declared, declared, providers
from .profile import Profile
from .resources import data_file
from .yamlload import SourceMap

BuildModel = Callable[[dict[str, Any], SourceMap, Profile], tuple[Department, list[Diagnostic]]]
NarrativeChecks = Callable[[Department, list[Comparison]], tuple[Declared, list[Diagnostic]]]


@dataclass(frozen=True)
class Kind:
    name: str  # 预算 | 决算, as written in meta.kind
    key: str  # budget | final
    schema: str
    label: str
    build_model: BuildModel
    checks: Callable[[Department], list[Diagnostic]]
    narrative_checks: NarrativeChecks
    printed_texts: tuple[str, ...]  # where the file holds text meant to be printed


def _budget_checks(dept: Department) -> list[Diagnostic]:
    return checks.department_checks(dept) + rules.department_rules(dept)


def _budget_narrative(dept: Department,
                      comparisons: list[Comparison]) -> tuple[Declared, list[Diagnostic]]:
    found = providers.checks(dept)
    figures, more = declared.declared_figures(dept, comparisons)
    return figures, found + more


_CODE: dict[str, tuple[BuildModel, Callable[[Department], list[Diagnostic]], NarrativeChecks]] = {
    "budget": (model.build, _budget_checks, _budget_narrative),
}


def kinds() -> dict[str, Kind]:
    """Every kind of document, by the name written in meta.kind."""
    found = {}
    for name, spec in data_file("kinds.yaml").items():
        build, check, narrative = _CODE[spec["key"]]
        found[name] = Kind(name, spec["key"], spec["schema"], spec["label"], build, check,
                           narrative, tuple(spec.get("printed_texts", ())))
    return found


def schema_of(kind: Any) -> str | None:
    """The schema of a `meta.kind` value, or None if it names no kind."""
    found = kinds().get(kind) if isinstance(kind, str) else None
    return found.schema if found else None
