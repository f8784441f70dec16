#!/usr/bin/env python3
"""Fill the generated blocks of docs/profiles.md (the profile writer's guide, in Chinese).

    .venv/bin/python scripts/profiles_doc.py          # rewrite the blocks in place

Each block `<!-- 生成：NAME -->` … `<!-- 生成结束 -->` is made from the code and the data it
documents: the keys of each profile file from schemas/profile/*.schema.json, the table
settings' defaults from data/table_defaults.yaml, the providers from the registry in
src/budgetdoc/narrative/ (with their Chinese descriptions from docs/profile-providers.yaml, and
the values each gives found by running it on the examples), and the profile rules from
data/messages.yaml. tests/test_docs.py checks that the file is what this script makes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DOC = ROOT / "docs" / "profiles.md"
DESCRIPTIONS = ROOT / "docs" / "profile-providers.yaml"
SCHEMAS = ROOT / "schemas" / "profile"
# Examples the providers are run on to list the values they give (each provider on the first
# whose profile it works with).
SAMPLES = ["examples/departments/changji-beijing-office/2024.yaml",
           "examples/departments/sh-wanli/2025.yaml",
           "examples/departments/urumqi-finance-committee/2024.决算.yaml"]
BLOCK = re.compile(r"(<!-- 生成：(\w+) -->\n).*?(<!-- 生成结束 -->)", re.S)
KIND_NAMES = {"*": "各种文档", "budget": "预算（budget）", "final": "决算（final）"}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _type(node: dict[str, Any]) -> str:
    if "enum" in node:
        return " 或 ".join(f"`{v}`" for v in node["enum"])
    if "const" in node:
        return f"`{node['const']}`"
    if "anyOf" in node:
        return " 或 ".join(_type(n) for n in node["anyOf"])
    names = {"string": "文字", "integer": "整数", "number": "数字", "boolean": "true 或 false",
             "array": "列表", "object": "若干项（键: 值）"}
    return names.get(node.get("type", ""), "")


def _keys(node: dict[str, Any], prefix: str = "", defs: dict[str, Any] | None = None,
          required: tuple[str, ...] = (),
          nested: bool = True) -> list[tuple[str, dict[str, Any], bool]]:
    """(dotted key, schema node, required) for every property, depth first (or only the
    first level)."""
    defs = defs or {}
    out = []
    for key, child in (node.get("properties") or {}).items():
        child = defs.get(child.get("$ref", "").rsplit("/", 1)[-1], child) if "$ref" in child \
            else child
        name = f"{prefix}{key}"
        out.append((name, child, key in (node.get("required") or required)))
        if not nested:
            continue
        items = child.get("items")
        if isinstance(items, dict) and "$ref" in items:
            items = defs.get(items["$ref"].rsplit("/", 1)[-1], items)
        if child.get("type") == "object" and "properties" in child:
            out += _keys(child, f"{name}.", defs)
        elif isinstance(items, dict) and "properties" in items:
            out += _keys(items, f"{name}[].", defs)
    return out


def keys_table(schema_file: str, nested: bool = True) -> str:
    schema = json.loads((SCHEMAS / schema_file).read_text("utf-8"))
    rows = ["| 键 | 名称 | 说明 | 填写 | 必填 |", "|---|---|---|---|---|"]
    for name, node, required in _keys(schema, defs=schema.get("$defs"), nested=nested):
        rows.append(f"| `{name}` | {_cell(node.get('title', ''))} | "
                    f"{_cell(node.get('description', ''))} | {_type(node)} | "
                    f"{'是' if required else ''} |")
    return "\n".join(rows)


def table_keys() -> str:
    """The keys of one table of tables.yaml, and of a column filter and a fixed row."""
    schema = json.loads((SCHEMAS / "tables.schema.json").read_text("utf-8"))
    defs = schema["$defs"]
    defaults = yaml.safe_load((ROOT / "data" / "table_defaults.yaml").read_text("utf-8"))
    out = []
    for title, node in (("每张表（tables 下的一项）", defs["table"]),
                        ("金额列与取数口径（columns、right_columns 的每一项）", defs["filter"]),
                        ("固定行（rows、left、left_total 的每一项）", defs["row"])):
        out += [f"**{title}**", "", "| 键 | 名称 | 说明 | 填写 | 必填 | 默认 |",
                "|---|---|---|---|---|---|"]
        for name, child, required in _keys(node, defs=defs, nested=False):
            default = defaults.get(name, "") if node is defs["table"] else ""
            default = str(default).lower() if isinstance(default, bool) else default
            out.append(f"| `{name}` | {_cell(child.get('title', ''))} | "
                       f"{_cell(child.get('description', ''))} | {_type(child)} | "
                       f"{'是' if required else ''} | {_cell(default)} |")
        out.append("")
    return "\n".join(out).rstrip()


def _values() -> dict[str, dict[str, list[str]]]:
    """kind → provider → the names of the values it gives, found by running it."""
    from budgetdoc import pipeline, tables
    from budgetdoc.kinds import by_key
    from budgetdoc.narrative.context import Context
    from budgetdoc.narrative.providers import PROVIDERS

    contexts = []
    for sample in SAMPLES:
        result = pipeline.run(ROOT / sample)
        department = result.department
        assert department is not None and result.ok, sample
        contexts.append(Context(department, result.comparisons,
                                tables.build_tables(department), {},
                                by_key(department.profile.kind).named_tables(department)))
    found: dict[str, dict[str, list[str]]] = {}
    for kind, providers in PROVIDERS.items():
        for name, provider in providers.items():
            for ctx in contexts:
                try:
                    found.setdefault(kind, {})[name] = list(provider.make(ctx))
                    break
                except KeyError:  # a setting, table or comparison its profile lacks
                    continue
            else:
                raise SystemExit(f"provider {name} runs on no sample: add one to SAMPLES")
    return found


def providers() -> str:
    from budgetdoc.narrative.providers import PROVIDERS

    described = yaml.safe_load(DESCRIPTIONS.read_text("utf-8"))
    values = _values()
    problems = []
    out = []
    for kind in sorted(PROVIDERS, key=lambda k: (k != "*", k)):
        out += [f"**{KIND_NAMES.get(kind, kind)}**", "",
                "| 取值来源 | 提供什么 | 模板中的取值 | 用到的表（角色） | 用到的设置 | 比较项 | "
                "印出数据文件中的 |", "|---|---|---|---|---|---|---|"]
        texts = described.get(kind) or {}
        problems += [f"{kind}/{n}: described but not in the code"
                     for n in texts if n not in PROVIDERS[kind]]
        for name, provider in sorted(PROVIDERS[kind].items()):
            text = texts.get(name)
            if text is None:
                problems.append(f"{kind}/{name}: not described in {DESCRIPTIONS.name}")
                continue
            given = values[kind][name]
            if sorted(given) != sorted(text["values"]):
                problems.append(f"{kind}/{name}: gives {given}, described {list(text['values'])}")
            listed = "<br>".join(f"`{v}`：{_cell(d)}" for v, d in text["values"].items())
            out.append(" | ".join([
                f"| `{name}`", _cell(text["what"]), listed,
                "、".join(f"`{r}`" for r in provider.needs),
                "、".join(f"`{s}`" for s in provider.settings),
                "、".join(f"`{c}`" for c in provider.compares),
                "、".join(f"`{r}`" for r in provider.reads) + " |"]))
        out.append("")
    if problems:
        raise SystemExit("docs/profile-providers.yaml is not current:\n" + "\n".join(problems))
    return "\n".join(out).rstrip()


def rules() -> str:
    messages = yaml.safe_load((ROOT / "data" / "messages.yaml").read_text("utf-8"))["rules"]
    names = yaml.safe_load((ROOT / "data" / "rule_names.yaml").read_text("utf-8"))["rules"]
    rows = ["| 规则 | 名称 | 信息 |", "|---|---|---|"]
    for rule, entry in messages.items():
        if rule.startswith(("profile.", "kind.")):
            rows.append(f"| `{rule}` | {names.get(rule, '')} | {_cell(entry['message'])} |")
    return "\n".join(rows)


BLOCKS = {
    "profile": lambda: keys_table("profile.schema.json"),
    "document": lambda: keys_table("document.schema.json"),
    "tables": lambda: keys_table("tables.schema.json", nested=False),
    "table": table_keys,
    "narrative": lambda: keys_table("narrative.schema.json"),
    "providers": providers,
    "rules": rules,
}


def render(text: str) -> str:
    """`text` with every generated block made anew."""
    def fill(match: re.Match[str]) -> str:
        return f"{match[1]}{BLOCKS[match[2]]()}\n{match[3]}"
    return BLOCK.sub(fill, text)


if __name__ == "__main__":
    DOC.write_text(render(DOC.read_text("utf-8")), encoding="utf-8")
