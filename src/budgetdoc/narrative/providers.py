"""The registry of providers: named sources of template values, per document kind.

A profile's narrative.yaml says which providers each section's template uses; a provider
declares the table roles it reads, so a profile whose table set lacks one is refused when
it is loaded (see `check_profile`), never printed as a blank or `None` in a sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..diagnostics import Diagnostic, diagnostic
from ..model import Department
from ..resources import listed
from ..validate import chinese_path
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
    reads: tuple[str, ...] = ()  # the department file's text it prints (overview.main_unit)
    settings: tuple[str, ...] = ()  # narrative.yaml keys it reads (words.x: one word)
    compares: tuple[str, ...] = ()  # comparisons (comparisons.yaml ids) it prints


PROVIDERS: dict[str, dict[str, Provider]] = {}


def provider(kind: str, name: str, *, needs: tuple[str, ...] = (), check: Check | None = None,
             reads: tuple[str, ...] = (), settings: tuple[str, ...] = (),
             compares: tuple[str, ...] = ()) -> Callable[[Make], Make]:
    """Register a provider for one kind of document (or ANY_KIND), with what it needs: table
    roles, narrative.yaml settings and comparisons (checked when a profile is loaded), the
    department's statements (checked when it is built) and the text it prints."""
    def register(make: Make) -> Make:
        PROVIDERS.setdefault(kind, {})[name] = Provider(name, make, needs, check, reads,
                                                        settings, compares)
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
    document prints it), the department's own words, and text the format has no place for."""
    found = [d for p in used(dept) if p.check is not None for d in p.check(dept)]
    return found + _wording(dept) + _unused(dept)


def _wording(dept: Department) -> list[Diagnostic]:
    """`wording` may only replace words the profile's sentences use."""
    words = dept.profile.data("narrative.yaml").get("words") or {}
    return [diagnostic("narrative.unknown_wording", dept.locate(("wording", key), key=True),
                       key=key, profile=dept.profile.name, keys=listed(words))
            for key in dept.data.get("wording") or {} if key not in words]


def _value(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for key in dotted.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _unused(dept: Department) -> list[Diagnostic]:
    """Text a provider of some profile prints but none of this document's providers does:
    the format has no place for it, so it would silently not appear (a warning)."""
    printed = {key for p in used(dept) for key in p.reads}
    declared = {key for p in available(dept.profile.kind).values() for key in p.reads}
    return [diagnostic("narrative.unused_text", dept.locate(tuple(key.split(".")), key=True),
                       item=chinese_path(tuple(key.split("."))), profile=dept.profile.name)
            for key in sorted(declared - printed) if _value(dept.data, key)]


def available(kind: str) -> dict[str, Provider]:
    return PROVIDERS.get(ANY_KIND, {}) | PROVIDERS.get(kind, {})


def values(ctx: Context, names: list[str]) -> dict[str, Any]:
    """The union of the named providers' values (each computed once per document)."""
    known = available(ctx.dept.profile.kind)
    out: dict[str, Any] = {}
    for name in names:
        out |= ctx.values(name, known[name].make)
    return out
