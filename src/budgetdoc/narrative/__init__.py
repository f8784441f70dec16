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

from ..document import Block, Heading, Paragraph, Table
from ..profile import Profile
from . import budget, budget_other  # noqa: F401  (register the budget kind's providers)
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
    return {"d": dept.name, "y": dept.year, "py": dept.year - 1}


def render(ctx: Context, template: str, providers: list[str]) -> list[Block]:
    """The blocks of one template rendered with the values of `providers`."""
    env = _environment(tuple(ctx.dept.profile.template_folders()))
    text = env.get_template(f"{template}.j2").render(**base_values(ctx),
                                                     **values(ctx, providers))
    return _blocks(text, ctx.named)


def sections(ctx: Context, names: list[str]) -> list[Block]:
    spec = ctx.spec["sections"]
    return [block for name in names for block in render(ctx, name, spec[name])]


@provider(ANY_KIND, "glossary")
def glossary(ctx: Context) -> dict[str, Any]:
    """The region's terms, each replaced or followed by the department's own."""
    terms = {g["term"]: g["text"] for g in ctx.spec["glossary"]}
    for g in ctx.dept.data.get("glossary") or []:
        terms[g["term"]] = g["text"]
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
