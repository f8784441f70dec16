"""The prose of a document: sentence templates of the profile, fed only computed values.

A section is a template (`templates/<name>.j2` in the profile's kind folder) and the list of
providers whose values it uses (narrative.yaml `sections`). The rendered text is a list of
lines, one block each: `## ` a section heading, `### ` a subsection, `- ` a list item,
`@table:name` a table placed there, anything else a paragraph.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from ..diagnostics import Diagnostic, diagnostic
from ..document import Block, Heading, Paragraph, Table
from ..model import Department
from ..profile import Profile
from ..resources import listed
from . import (  # noqa: F401  (register the providers)
    budget,
    budget_other,
    common,
    final,
    final_other,
    shanghai,
)
from .context import Context, Declared, Money
from .providers import ANY_KIND, available, provider, values

__all__ = ["Context", "Declared", "Money", "render"]


@functools.cache
def _environment(folders: tuple[Path, ...]) -> Environment:
    loader = ChoiceLoader([FileSystemLoader(folder) for folder in folders])
    return Environment(loader=loader, autoescape=False, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _blocks(text: str, tables: dict[str, Table]) -> list[Block]:
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("### "):
            blocks.append(Heading(line[4:], 3))
        elif line.startswith("## "):
            blocks.append(Heading(line[3:], 2))
        elif line.startswith("- "):
            blocks.append(Paragraph(line[2:], "item"))
        elif line.startswith("@table:"):
            blocks.append(tables[line[len("@table:"):]])
        else:
            blocks.append(Paragraph(line))
    return blocks


def base_values(ctx: Context) -> dict[str, Any]:
    dept = ctx.dept
    return {"d": dept.name, "y": dept.year, "py": dept.year - 1, "words": ctx.words}


def render(ctx: Context, template: str, providers: list[str]) -> list[Block]:
    """The blocks of one template rendered with the values of `providers`."""
    env = _environment(tuple(ctx.dept.profile.template_folders()))
    text = env.get_template(f"{template}.j2").render(**base_values(ctx),
                                                     **values(ctx, providers))
    return _blocks(text, ctx.named)


def sections(ctx: Context, names: list[str]) -> list[Block]:
    spec = ctx.spec["sections"]
    return [block for name in names for block in render(ctx, name, spec[name])]


def _terms(data: dict[str, Any], spec: dict[str, Any]) -> dict[str, str]:
    """The region's terms, each replaced or followed by the department's own; only those the
    department names in `glossary_terms` (in that order) if it does."""
    terms = {g["term"]: g["text"] for g in spec["glossary"]}
    for g in data.get("glossary") or []:
        terms[g["term"]] = g["text"]
    chosen = data.get("glossary_terms")
    return {t: terms[t] for t in chosen if t in terms} if chosen else terms


def unknown_terms(dept: Department) -> list[Diagnostic]:
    """A term chosen in `glossary_terms` that neither the profile nor the file explains."""
    spec = dept.profile.data("narrative.yaml")
    known = {g["term"] for g in spec["glossary"]} | {
        g["term"] for g in dept.data.get("glossary") or []}
    return [diagnostic("narrative.unknown_term", dept.locate(("glossary_terms", i)),
                       term=term, terms=listed(sorted(known)))
            for i, term in enumerate(dept.data.get("glossary_terms") or [])
            if term not in known]


@provider(ANY_KIND, "glossary", check=unknown_terms, reads=("glossary", "glossary_terms"),
          settings=("glossary", "numerals"))
def glossary(ctx: Context) -> dict[str, Any]:
    """The terms and their explanations, numbered."""
    terms = _terms(ctx.dept.data, ctx.spec)
    numerals = ctx.spec["numerals"]
    return {"glossary": [{"numeral": numerals[i] if i < len(numerals) else str(i + 1),
                          "term": t, "text": x} for i, (t, x) in enumerate(terms.items())]}


def missing_providers(profile: Profile, names: list[str]) -> list[str]:
    """Provider names a profile's sections use that its kind does not have."""
    known = available(profile.kind)
    return [n for n in names if n not in known]


def needed_roles(profile: Profile, names: list[str]) -> set[str]:
    known = available(profile.kind)
    return {role for n in names if n in known for role in known[n].needs}


def needed_settings(spec: dict[str, Any], profile: Profile, names: list[str]) -> list[str]:
    """The narrative.yaml settings (words.x for a word) the providers `names` read; a name
    `words.project_{project_parts}` stands for one word per entry of that setting."""
    known = available(profile.kind)
    found: list[str] = []
    for setting in (s for n in names if n in known for s in known[n].settings):
        if "{" in setting:
            head, key = setting.split("{", 1)
            found += [f"{head}{value}" for value in spec.get(key.rstrip("}")) or []]
        else:
            found.append(setting)
    return list(dict.fromkeys(found))


def needed_comparisons(profile: Profile, names: list[str]) -> list[str]:
    known = available(profile.kind)
    return list(dict.fromkeys(c for n in names if n in known for c in known[n].compares))
