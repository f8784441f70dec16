#!/usr/bin/env python3
"""Build docs/data-file-reference.md (Chinese) from the department file's JSON Schema, with an
example for every key taken from the example departments; and the same for the 决算 file
(docs/final-file-reference.md, from schemas/final.schema.json).

    .venv/bin/python scripts/format_doc.py > docs/data-file-reference.md
    .venv/bin/python scripts/format_doc.py 决算 > docs/final-file-reference.md

tests/test_docs.py checks that this output is the file in docs/, so a key added to the schema
is documented as soon as the reference is regenerated, and never silently missing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Per kind of document: its schema, the example files (the one using every key first), the
# reference's file name and title.
KINDS = {
    "预算": ("department.schema.json", "2024.yaml", "changji-beijing-office",
             "data-file-reference.md", "部门数据文件各项说明"),
    "决算": ("final.schema.json", "2024.决算.yaml", "urumqi-finance-committee",
             "final-file-reference.md", "部门决算数据文件各项说明"),
}
LONGEST = 36  # characters of an example shown


def _schema(kind: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "schemas" / KINDS[kind][0]).read_text("utf-8"))
    return loaded


SCHEMA = _schema("预算")  # the schema being documented (render sets it)


def _examples(kind: str) -> list[Path]:
    _, name, canonical, _, _ = KINDS[kind]
    return sorted((ROOT / "examples" / "departments").glob(f"*/{name}"),
                  key=lambda p: (p.parent.name != canonical, p.parent.name))


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref", "")
    if ref.startswith("#/$defs/"):
        return {**SCHEMA["$defs"][ref.split("/")[-1]], **{k: v for k, v in node.items()
                                                         if k != "$ref"}}
    return node


def _kind(node: dict[str, Any]) -> str:
    node = _resolve(node)
    if "enum" in node:
        return " 或 ".join(str(v) for v in node["enum"])
    if node.get("title") == "金额" or node.get("multipleOf") == 0.01:
        return "数字（两位小数）"
    if "anyOf" in node:
        return " 或 ".join(dict.fromkeys(_kind(n) for n in node["anyOf"]))
    kinds = node.get("type")
    names = {"string": "文字", "integer": "整数", "number": "数字", "boolean": "true 或 false",
             "array": "列表", "object": "（下级各项）"}
    if isinstance(kinds, list):
        return " 或 ".join(names[k] for k in kinds)
    return names.get(str(kinds), "")


def _children(node: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    node = _resolve(node)
    for key, sub in node.get("properties", {}).items():
        yield key, sub
    for pattern, sub in node.get("patternProperties", {}).items():
        yield f"<{_code_label(pattern)}>", sub
    items = node.get("items")
    if isinstance(items, dict):
        yield "[]", items
    for alternative in node.get("anyOf", []):
        if _resolve(alternative).get("type") == "object":
            yield from _children(alternative)


def _code_label(pattern: str) -> str:
    return {"^[0-9]{3}$": "类编码", "^[0-9]{5}$": "款编码", "^[0-9]{7}$": "项编码"}.get(
        pattern, "编码")


def _example(path: list[str], data: list[Any]) -> Any:
    """The first value any example department has at `path`."""
    for node in data:
        found = _follow(node, path)
        if found is not None:
            return found
    return None


def _follow(node: Any, path: list[str]) -> Any:
    """The value at `path` (the first item of a list, the first entry under a code); a code
    entry that ends the path is shown with its code: `{"302": 72.00}`."""
    for i, key in enumerate(path):
        if key == "[]":
            node = node[0] if isinstance(node, list) and node else None
        elif key.startswith("<"):
            first = next(iter(node.items()), None) if isinstance(node, dict) else None
            node = None if first is None else (
                first[1] if i < len(path) - 1 else _code_entry(*first))
        else:
            node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


def _code_entry(code: str, value: Any) -> str:
    return f'"{code}": {"…" if isinstance(value, dict) else value}'


def _shown(value: Any) -> str:
    if value is None or isinstance(value, dict):
        return ""
    if isinstance(value, list):
        value = json.dumps(value, ensure_ascii=False, default=str) if value else "[]"
    text = str(value).replace("\n", " ").replace("|", "\\|")
    return f"`{text[:LONGEST]}…`" if len(text) > LONGEST else f"`{text}`"


def _rows(node: dict[str, Any], path: list[str], data: list[Any]) -> Iterator[str]:
    for key, sub in _children(node):
        here = [*path, key]
        resolved = _resolve(sub)
        name = f"`{'.'.join(here[1:]).replace('.[]', '[]')}`"
        description = str(resolved.get("description", "")).replace("|", "\\|")
        yield (f"| {name} | {resolved.get('title', '')} | {description} | {_kind(sub)} | "
               f"{_shown(_example(here, data))} |")
        yield from _rows(sub, here, data)


def render(kind: str = "预算") -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from budgetdoc.yamlload import load_file  # amounts as typed: 35.20, not 35.2

    global SCHEMA
    SCHEMA = _schema(kind)
    schema_file, _, _, document, title = KINDS[kind]
    unit = SCHEMA["properties"]["meta"]["properties"]["unit"]["enum"][0]  # amounts as shown
    data = [d for d in (load_file(p)[0] for p in _examples(kind)) if d["meta"]["unit"] == unit]
    out = [f"# {title}（docs/{document}）", "",
           f"由 `scripts/format_doc.py` 根据 `schemas/{schema_file}` 生成，示例取自 "
           "`examples/departments` 中以万元填报的部门（过长的只显示开头）；"
           "`tests/test_docs.py` 检查本文件与数据格式一致。请勿手工修改本文件。"
           "怎样从零写一个部门的数据文件，见《用户指南》（docs/user-guide.md）。", "",
           f"{SCHEMA['description']}", "",
           "写法：`a.b` 表示 `a:` 下面的 `b:`；`[]` 表示列表中的每一条；`<项编码>` 这样的尖括号"
           "表示以编码为键（编码加英文引号，如 `\"2010302\": 72.00`）。", ""]
    for key, node in _children(SCHEMA):
        resolved = _resolve(node)
        out += [f"## `{key}` {resolved.get('title', '')}", "", str(resolved.get("description", "")),
                ""]
        rows = list(_rows(node, [key], data))
        if rows:
            out += ["| 键 | 名称 | 说明 | 填写 | 示例 |", "|---|---|---|---|---|", *rows, ""]
        else:
            shown = _shown(_example([key], data)) or "（示例中未用）"
            out += [f"填写：{_kind(node)}。示例：{shown}", ""]
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render(*sys.argv[1:2]))
