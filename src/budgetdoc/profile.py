"""A profile: one region's format — table layouts, sources, fixed lists — loaded from data/.

A region with a different table set is a new folder under data/profiles/, not new code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .ledger import Filter, sources_in
from .resources import DATA, data_file

DEFAULT = "default"


@dataclass(frozen=True)
class Profile:
    name: str
    sources: dict[str, dict[str, Any]]
    economic_kind: dict[str, list[str]]
    tolerance_per_part: Decimal
    sangong_economic: dict[str, str]
    function_classes: list[str]
    project_economic_classes: list[str]
    tables: dict[str, Any]

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


def available() -> list[str]:
    return sorted(p.name for p in (DATA / "profiles").iterdir() if p.is_dir())


@functools.cache
def load(name: str = DEFAULT) -> Profile:
    base = f"profiles/{name}"
    sources = data_file(f"{base}/sources.yaml")
    classes = data_file(f"{base}/classes.yaml")
    return Profile(
        name=name,
        sources=sources["sources"],
        economic_kind=sources["economic_kind"],
        tolerance_per_part=Decimal(str(sources["rounding_tolerance_per_part"])),
        sangong_economic=sources["sangong_economic"],
        function_classes=[str(c) for c in classes["function_classes"]],
        project_economic_classes=[str(c) for c in classes["project_economic_classes"]],
        tables=data_file(f"{base}/tables.yaml"),
    )
