"""The registry of providers: named sources of template values, per document kind.

A profile's narrative.yaml says which providers each section's template uses; a provider
declares the table roles it reads, so a profile whose table set lacks one is refused when
it is loaded (see `check_profile`), never printed as a blank or `None` in a sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .context import Context

ANY_KIND = "*"

Make = Callable[[Context], dict[str, Any]]


@dataclass(frozen=True)
class Provider:
    name: str
    make: Make
    needs: tuple[str, ...]  # table roles it reads


PROVIDERS: dict[str, dict[str, Provider]] = {}


def provider(kind: str, name: str, needs: tuple[str, ...] = ()) -> Callable[[Make], Make]:
    """Register a provider for one kind of document (or ANY_KIND)."""
    def register(make: Make) -> Make:
        PROVIDERS.setdefault(kind, {})[name] = Provider(name, make, needs)
        return make
    return register


def available(kind: str) -> dict[str, Provider]:
    return PROVIDERS.get(ANY_KIND, {}) | PROVIDERS.get(kind, {})


def values(ctx: Context, names: list[str]) -> dict[str, Any]:
    """The union of the named providers' values (each computed once per document)."""
    known = available(ctx.dept.profile.kind)
    out: dict[str, Any] = {}
    for name in names:
        out |= ctx.values(name, known[name].make)
    return out
