"""A department file as YAML text, with a Chinese comment before each section.

Amounts are written with two decimals in the file's unit, codes as quoted strings. Sections
taken from the profile's starting file are written as it has them, comments included.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from ..resources import data_file

ORDER = ("meta", "overview", "code_names", "basic", "basic_economic", "projects", "carryover",
         "class_purposes", "function_purposes", "sangong", "operating_costs", "changes",
         "known_deviations")


def texts() -> dict[str, Any]:
    found: dict[str, Any] = data_file("import/file.yaml")
    return found


def scalar(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text and (text.isdigit() or not _plain(text)):
        return json.dumps(text, ensure_ascii=False)
    return text or '""'


def _plain(text: str) -> bool:
    """Text YAML reads back as the same string without quotes."""
    import yaml

    try:
        return bool(yaml.safe_load(text) == text) and "#" not in text and ": " not in text
    except yaml.YAMLError:
        return False


def _lines(value: Any, indent: int) -> list[str]:
    pad = "  " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            head = f"{pad}{scalar(key)}:"
            if isinstance(item, dict | list) and item:
                out.append(head)
                out += _lines(item, indent + 1)
            elif isinstance(item, dict | list):
                out.append(f"{head} {'{}' if isinstance(item, dict) else '[]'}")
            else:
                out.append(f"{head} {scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            inner = _lines(item, indent + 1)
            if isinstance(item, dict) and inner:
                out.append(f"{pad}- {inner[0].lstrip()}")
                out += inner[1:]
            else:
                out.append(f"{pad}- {scalar(item)}")
    return out


def comment(text: str, indent: int = 0) -> list[str]:
    return [f"{'  ' * indent}# {line}".rstrip() for line in text.splitlines()]


_TOP = re.compile(r"^([A-Za-z_]\w*):")


def sections(text: str) -> dict[str, str]:
    """Each top-level section of a YAML file's text, with the comment lines just above it."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    above: list[str] = []
    for line in text.splitlines():
        key = _TOP.match(line)
        if key:
            current = found[key.group(1)] = [*above, line]
            above = []
        elif line.startswith("#"):
            above.append(line)
        elif not line.strip():
            if above:
                above = []  # a comment paragraph of its own
            elif current is not None:
                current.append(line)
        elif current is not None:
            current.append(line)
    return {key: "\n".join(lines).rstrip() for key, lines in found.items()}


def department_file(data: dict[str, Any], head: str,
                    blocks: dict[str, str] | None = None) -> str:
    """The file: `head` as a comment, then each section after its comment; a section in
    `blocks` as written there, and the blocks of other sections before the 尾差."""
    sections = texts()["sections"]
    blocks = blocks or {}
    out = [*comment(head), ""]
    for key in ORDER:
        if key == "known_deviations":
            out += [line for k, text in blocks.items() if k not in ORDER
                    for line in [*text.splitlines(), ""]]
        if key in blocks:
            out += [*blocks[key].splitlines(), ""]
            continue
        if key not in data:
            continue
        if key in sections:
            out += comment(sections[key])
        out += _lines({key: data[key]}, 0)
        out.append("")
    return "\n".join(out)
