"""The document model from the profile's skeleton (document.yaml): parts in order, each with
its heading and what it holds: prose sections by name, or tables of the kind's table set."""

from __future__ import annotations

import datetime
from typing import Any

from . import narrative
from .document import Block, Document, Part, Table
from .model import Department
from .tables import render_line


def _values(dept: Department, words: dict[str, Any]) -> dict[str, Any]:
    published = dept.data["meta"].get("published")
    return {
        "words": words,
        "department": dept.name,
        "year": dept.year,
        "published": datetime.date.fromisoformat(published) if published else None,
        "region": dept.data["meta"].get("region", ""),
    }


def _tables(tables: list[Table], which: str | list[str]) -> list[Block]:
    if which == "all":
        return list(tables)
    return [t for role in which for t in tables if t.role == role]


def _content(item: dict[str, Any], ctx: narrative.Context, tables: list[Table]) -> list[Block]:
    if "sections" in item:
        return narrative.sections(ctx, item["sections"])
    return _tables(tables, item["tables"])


def document(ctx: narrative.Context) -> Document:
    dept = ctx.dept
    spec = dept.profile.data("document.yaml")
    values = _values(dept, ctx.words)
    parts = []
    for part_spec in spec["parts"]:
        part = Part(render_line(part_spec["heading"], **values),
                    contents=render_line(part_spec.get("contents", ""), **values))
        for item in part_spec["content"]:
            part.blocks.extend(_content(item, ctx, ctx.tables))
        parts.append(part)
    title = render_line(spec["title"], **values)
    cover = [(line["style"], render_line(line["text"], **values))
             for line in spec.get("cover", [])]
    return Document(
        department=dept.name,
        year=dept.year,
        cover=cover,
        file_name=render_line(spec.get("file_name", ""), **values),
        title=title,
        parts=parts,
        closing=[render_line(c, **values) for c in spec.get("closing", [])],
        toc_title=spec["toc_title"],
        author=dept.name,
        contents_levels=int(spec.get("contents_levels", 0)),
        orientation=spec.get("orientation", "portrait"),
    )
