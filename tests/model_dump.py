"""A readable text dump of a document model, for golden files (reviewed when they change)."""

from __future__ import annotations

from typing import Any


def _cell(cell: Any) -> str:
    if isinstance(cell, dict):
        spans = "".join(f" {k}={cell[k]}" for k in ("colspan", "rowspan") if k in cell)
        return f"{cell['text']}{{{spans.strip()}}}"
    return cell


def dump(document: dict) -> str:
    lines = [f"# {document['department']}", f"# {document['title']}"]
    if document.get("contents_levels"):
        lines.append(f"# 目录级数: {document['contents_levels']}")
    if document.get("orientation"):
        lines.append(f"# 文字页面: {document['orientation']}")
    for part in document["parts"]:
        lines += ["", f"= {part['heading']}"]
        for block in part["blocks"]:
            if block["type"] == "heading":
                lines.append(f"{'=' * (block['level'])} {block['text']}")
            elif block["type"] == "paragraph":
                lines.append(("- " if block["style"] == "item" else "") + block["text"])
            else:
                lines.append(f"[{block['caption'] or block['kind']}] {block['title']}"
                             f" {block['subtitle']} ({block['orientation']})".rstrip())
                if block["contents"]:
                    lines.append(f"  目录: {block['contents']}")
                if block.get("outline"):
                    lines.append(f"  书签: {block['outline']}")
                for line in (block["department_line"], block["unit_line"]):
                    if line:
                        lines.append(f"  {line}")
                for row in block["header"]:
                    lines.append("  H| " + " | ".join(_cell(c) for c in row))
                for row in block["rows"]:
                    lines.append(f"  {row['level'][:4]:4}| " + " | ".join(
                        _cell(c) for c in row["cells"]))
                if "note" in block:
                    lines.append(f"  {block['note']}")
                if "empty_note" in block:
                    lines.append(f"  ({block['empty_note']})")
    lines += ["", *document["closing"]]
    return "\n".join(lines) + "\n"
