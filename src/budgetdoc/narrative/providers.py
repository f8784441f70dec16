"""The registry of providers: named sources of template values, per document kind.

A profile's narrative.yaml says which providers each section's template uses; a provider
declares the table roles it reads, so a profile whose table set lacks one is refused when
it is loaded (see `check_profile`), never printed as a blank or `None` in a sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..diagnostics import Diagnostic
from ..model import Department
from .context import Context

ANY_KIND = "*"

Make = Callable[[Context], dict[str, Any]]
Check = Callable[[Department], list[Diagnostic]]


@dataclass(frozen=True)
class Provider:
    name: str
    make: Make
    needs: tuple[str, ...]  # table roles it reads
    check: Check | None  # what the department must have stated for it (run only if used)


PROVIDERS: dict[str, dict[str, Provider]] = {}


def provider(kind: str, name: str, needs: tuple[str, ...] = (),
             check: Check | None = None) -> Callable[[Make], Make]:
    """Register a provider for one kind of document (or ANY_KIND)."""
    def register(make: Make) -> Make:
        PROVIDERS.setdefault(kind, {})[name] = Provider(name, make, needs, check)
        return make
    return register


def used(dept: Department) -> list[Provider]:
    """The providers the profile's sections use, each once, in the order first used."""
    known = available(dept.profile.kind)
    sections = dept.profile.data("narrative.yaml").get("sections") or {}
    names = dict.fromkeys(n for names in sections.values() for n in names if n in known)
    return [known[n] for n in names]


def checks(dept: Department) -> list[Diagnostic]:
    """The checks of the providers the document uses (a purpose is asked for only where the
    document prints it)."""
    return [d for p in used(dept) if p.check is not None for d in p.check(dept)]


def available(kind: str) -> dict[str, Provider]:
    return PROVIDERS.get(ANY_KIND, {}) | PROVIDERS.get(kind, {})


def values(ctx: Context, names: list[str]) -> dict[str, Any]:
    """The union of the named providers' values (each computed once per document)."""
    known = available(ctx.dept.profile.kind)
    out: dict[str, Any] = {}
    for name in names:
        out |= ctx.values(name, known[name].make)
    return out
