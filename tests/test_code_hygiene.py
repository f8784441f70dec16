"""Project rules that a test can hold: lint, no document prose in code, a readable schema."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tokenize
from pathlib import Path

from budgetdoc.resources import data_file, schema

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def test_ruff_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_no_chinese_string_literals_in_src() -> None:
    """Prose, messages and labels live in data/ and templates/, never in code."""
    offenders = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline)
        docstring_next = True
        for token in tokens:
            if token.type == tokenize.STRING and CJK.search(token.string):
                is_docstring = docstring_next and token.string.startswith(('"""', "'''"))
                if not is_docstring:
                    offenders.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
            docstring_next = token.type in (tokenize.INDENT, tokenize.NEWLINE, tokenize.NL,
                                            tokenize.DEDENT, tokenize.COMMENT) or (
                token.type == tokenize.OP and token.string == ":")
    assert offenders == []


def _properties(node: dict, path: str = ""):
    for key, sub in node.get("properties", {}).items():
        yield f"{path}.{key}", sub
        yield from _walk(sub, f"{path}.{key}")
    for key, sub in node.get("patternProperties", {}).items():
        yield f"{path}.<{key}>", sub
        yield from _walk(sub, f"{path}.<{key}>")


def _walk(node: dict, path: str):
    yield from _properties(node, path)
    if isinstance(node.get("items"), dict):
        yield f"{path}[]", node["items"]
        yield from _walk(node["items"], f"{path}[]")
    for sub in node.get("anyOf", []):
        yield from _walk(sub, path)


def test_every_schema_property_has_a_chinese_title_and_description() -> None:
    missing = [path for path, node in _walk(schema("department.schema.json"), "")
               if not (CJK.search(node.get("title", "")) and
                       CJK.search(node.get("description", "")))]
    assert missing == []


def test_every_message_has_text_and_a_remedy() -> None:
    for rule, entry in data_file("messages.yaml")["rules"].items():
        assert entry["severity"] in ("error", "warning", "note"), rule
        assert CJK.search(entry["message"]) and CJK.search(entry["remedy"]), rule
