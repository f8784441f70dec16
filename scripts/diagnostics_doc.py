#!/usr/bin/env python3
"""Build docs/diagnostics.md from the tested rule examples (tests/fixtures/rule_examples.yaml).

    .venv/bin/python scripts/diagnostics_doc.py > docs/diagnostics.md

tests/test_rule_catalogue.py runs every example and checks that this output is the file in
docs/, so the catalogue cannot go stale.
"""

from __future__ import annotations

import difflib
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
MINIMAL = (FIXTURES / "minimal.yaml").read_text("utf-8")
# The minimal file an example edits (`base`, default the 预算 one), and the name it is written
# under unless the example names it.
BASES = {"minimal.yaml": ("2024.yaml", MINIMAL),
         "minimal-final.yaml": ("2024.决算.yaml",
                                (FIXTURES / "minimal-final.yaml").read_text("utf-8"))}


def base(edit: dict[str, Any]) -> str:
    return BASES[edit.get("base", "minimal.yaml")][1]


def default_name(edit: dict[str, Any]) -> str:
    return BASES[edit.get("base", "minimal.yaml")][0]


def examples() -> dict[str, dict[str, Any]]:
    loaded: dict[str, dict[str, Any]] = yaml.safe_load(
        (FIXTURES / "rule_examples.yaml").read_text("utf-8"))
    return loaded


def apply(edit: dict[str, Any]) -> str:
    text = edit["content"] if "content" in edit else base(edit)
    for old, new in edit.get("replace", []):
        if old not in text:
            raise ValueError(f"example edit does not apply: {old!r}")
        text = text.replace(old, new, 1)
    return text + edit.get("append", "")


def _profile(spec: dict[str, Any], folder: Path) -> None:
    """A copy of a shipped profile beside the department file, with the example's edits."""
    target = folder / spec["name"]
    shutil.copytree(ROOT / "data" / "profiles" / spec["copy"], target)
    for relative, pairs in (spec.get("replace") or {}).items():
        path = target / relative
        text = path.read_text("utf-8")
        for old, new in pairs:
            if old not in text:
                raise ValueError(f"profile edit does not apply: {relative}: {old!r}")
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    for relative in spec.get("remove") or []:
        (target / relative).unlink()


def codes_folder(edit: dict[str, Any], folder: Path) -> Path | None:
    """For an example with `codes` (kind → changed fields), a codes folder holding the shipped
    2024 list of that kind with those fields changed (e.g. marked complete); else None."""
    if not edit.get("codes"):
        return None
    target = folder / "codes" / "2024"
    target.mkdir(parents=True, exist_ok=True)
    for kind, changes in edit["codes"].items():
        shipped = yaml.safe_load((ROOT / "data" / "codes" / "2024" / f"{kind}.yaml")
                                 .read_text("utf-8"))
        (target / f"{kind}.yaml").write_text(
            yaml.safe_dump({**shipped, **changes}, allow_unicode=True), encoding="utf-8")
    return target.parent


def materialize(edit: dict[str, Any], folder: Path) -> Path:
    """Write the example's file(s) into `folder`; return the department file's path."""
    if "profile" in edit:
        _profile(edit["profile"], folder)
    for name, other in (edit.get("beside") or {}).items():
        (folder / name).write_text(apply(other), encoding="utf-8")
    path = folder / edit.get("name", default_name(edit))
    path.parent.mkdir(parents=True, exist_ok=True)
    if edit.get("absent"):
        path.parent.rmdir() if not any(path.parent.iterdir()) else None
        return path
    if "bytes" in edit:
        path.write_bytes(bytes.fromhex(edit["bytes"]))
    elif "size" in edit:
        with open(path, "wb") as stream:
            stream.truncate(edit["size"])
    else:
        path.write_text(apply(edit), encoding="utf-8")
    return path


def _changed_lines(edit: dict[str, Any]) -> str:
    if "content" in edit:
        return edit["content"][:600] or "（空文件）"
    if "bytes" in edit:
        return f"（文件字节：{edit['bytes']}）"
    if "size" in edit:
        return f"（{edit['size']} 字节的文件）"
    if edit.get("absent"):
        return f"（文件 {edit['name']} 不存在）"
    after = apply(edit).splitlines()
    diff = difflib.unified_diff(base(edit).splitlines(), after, lineterm="", n=0)
    lines = [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    if edit.get("name"):
        lines.insert(0, f"# 文件名：{edit['name']}")
    profile = edit.get("profile")
    if profile:
        lines.insert(0, f"# 同目录另有格式文件夹 {profile['name']}（复制自 data/profiles/"
                        f"{profile['copy']}）")
        for relative, pairs in (profile.get("replace") or {}).items():
            lines += [f"# 格式文件 {profile['name']}/{relative}："]
            for old, new in pairs:
                lines += [f"-{line}" for line in old.splitlines()]
                lines += [f"+{line}" for line in new.splitlines()]
        lines += [f"# 删去格式文件 {profile['name']}/{r}" for r in profile.get("remove") or []]
    kinds = yaml.safe_load((ROOT / "data" / "labels.yaml").read_text("utf-8"))["code_kinds"]
    for kind, changes in (edit.get("codes") or {}).items():
        state = "完整的正式" if changes.get("complete") else ""
        lines.insert(0, f"# 已安装 2024 年{state}{kinds[kind]}科目表")
    for name in edit.get("beside") or {}:
        lines.insert(0, f"# 同目录另有 {name}")
    if "base" in edit:
        lines.insert(0, f"# 对 tests/fixtures/{edit['base']} 的改动")
    return "\n".join(lines) or "（见说明）"


def render() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from budgetdoc.resources import data_file

    rules = data_file("messages.yaml")["rules"]
    labels = data_file("messages.yaml")["severity"]
    names = data_file("rule_names.yaml")["rules"]
    out = ["# 检查规则目录（docs/diagnostics.md）", "",
           "由 `scripts/diagnostics_doc.py` 根据 `tests/fixtures/rule_examples.yaml` 生成，"
           "其中每个示例都由 `tests/test_rule_catalogue.py` 运行验证：示例必须报出该规则，"
           "`tests/fixtures/minimal.yaml` 不得报出。请勿手工修改本文件。", "",
           "示例是对最小数据文件 `tests/fixtures/minimal.yaml`（预算）的改动（- 删去，+ 加入）；"
           "决算的规则改动 `tests/fixtures/minimal-final.yaml`（金额单位为元），示例中注明。", ""]
    found = examples()
    for rule, entry in rules.items():
        example = found.get(rule, {})
        out += [f"## `{rule}`", "",
                f"- 名称：{names[rule]}",
                f"- 级别：{labels[entry['severity']]}",
                f"- 信息：{entry['message']}",
                f"- 处理：{entry['remedy']}", ""]
        if "bad" in example:
            out += ["最小示例：", "", "```diff", _changed_lines(example["bad"]), "```", ""]
        elif "document_only" in example:
            out += [f"说明：{example['document_only']}", ""]
        if "fix" in example:
            out += [f"改正：{example['fix']}", ""]
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render())
