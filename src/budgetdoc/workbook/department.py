"""The department file's sections: money from the solved figures, the rest to fill.

Money and the code names come from the tables (workbook.solve). What tables cannot hold comes
from the profile's starting file (`budgetdoc new`, starter.yaml.j2), so an imported file asks
for what the profile's document prints: the starter's overview and meta lines (region,
published), every section the tables do not fill (政府采购, 国有资产, 绩效…) with its comments,
and the text of a project as the starter has it; the purposes it asks for (by 类 or by 项,
data/import/file.yaml) are listed for the codes that have 财政拨款 money, and every
comparison the narrative makes gets a reason to fill. Each such place holds 待填写.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml

from .. import checks, figures, model, starter, tables
from ..codes import ECONOMIC as ECONOMIC_CODES
from ..codes import FUNCTION as FUNCTION_CODES
from ..codes import for_year
from ..diagnostics import Severity
from ..profile import Profile
from ..validate import validate
from ..yamlload import load_text
from . import emit
from .recognise import Fact, Read
from .solve import Piece, Solver


@dataclass
class Starter:
    """The profile's starting file: its values, and each top-level section as written."""

    data: dict[str, Any] = field(default_factory=dict)
    blocks: dict[str, str] = field(default_factory=dict)


def profile_starter(profile: Profile, meta: dict[str, Any]) -> Starter:
    placeholder = emit.texts()["placeholder"]
    department = meta["department"] if meta["department"] != placeholder else None
    try:
        text = starter.render(meta["year"], meta["kind"], profile.name, department)
    except starter.StarterError:  # a profile or kind without one: the importer's own places
        return Starter()
    return Starter(yaml.safe_load(text) or {}, emit.sections(text))


@dataclass
class Sections:
    """What the file holds: `data` (every figure: it alone gives the tables), and from the
    starter the meta lines to add and the sections written as it has them (by key), whose
    placeholders may stand where amounts or counts go."""

    data: dict[str, Any]
    meta: dict[str, Any]
    blocks: dict[str, str]

    def text(self, head: str) -> str:
        return emit.department_file({**self.data, "meta": {**self.data["meta"], **self.meta}},
                                    head, self.blocks)


def build(meta: dict[str, Any], facts: list[Fact], items: list[str], reads: list[Read],
          profile: Profile) -> Sections:
    """The file's sections (`facts` in its unit)."""
    texts = emit.texts()
    placeholder = texts["placeholder"]
    template = profile_starter(profile, meta)
    solver = Solver(facts, profile, items)
    pieces, carryover = solver.function_pieces()
    names = {code: name for r in reads for code, name in r.names.items()}
    code_list = for_year(meta["year"])

    def name_of(code: str) -> str:
        return names.get(code) or code_list.name(FUNCTION_CODES, code) or ""

    basic, project_money = _basic(pieces)
    data: dict[str, Any] = {"meta": meta, "overview": {
        "functions": placeholder, "subordinate_units": [], "sections": []}}
    given = {c: n for c, n in sorted(names.items())
             if n and n != code_list.name(FUNCTION_CODES, c) and
             n != code_list.name(ECONOMIC_CODES, c)}
    if given:
        data["code_names"] = given
    data["basic"] = list(basic.values())
    if economic := solver.economic():
        data["basic_economic"] = economic
    data["projects"] = _projects(solver.projects(), project_money, profile, name_of,
                                 _project_texts(template, profile))
    if carryover:
        data["carryover"] = [{**item, "purpose": placeholder} for item in carryover]
    data |= _purposes(pieces, profile, template)
    sangong = solver.sangong()
    if sangong:
        data["sangong"] = {item: split.get("general_budget") if set(split) == {"general_budget"}
                           else split for item, split in sangong.items()}
    operating = next((r.operating_costs for r in reads if r.operating_costs), None)
    if operating is not None:
        data["operating_costs"] = operating.in_unit(meta["unit"]).amount
    data["changes"] = _changes(data, profile, placeholder)
    extra_meta = {k: v for k, v in (template.data.get("meta") or {}).items() if k not in meta}
    blocks = {key: text for key, text in template.blocks.items()
              if key == "overview" or key not in emit.ORDER}
    return Sections(data, extra_meta, blocks)


def _basic(pieces: list[Piece]) -> tuple[dict[str, dict[str, Any]],
                                          dict[str, dict[str, Decimal]]]:
    """基本支出 by 项 (with its 人员经费 / 公用经费 where split), and project money by 项."""
    basic: dict[str, dict[str, Any]] = {}
    project_money: dict[str, dict[str, Decimal]] = {}
    for piece in pieces:
        if piece.kind == "project":
            money = project_money.setdefault(piece.code, {})
            money[piece.source] = money.get(piece.source, Decimal(0)) + piece.amount
            continue
        entry = basic.setdefault(piece.code, {"function": piece.code})
        target = entry if piece.kind == "basic" else entry.setdefault(piece.kind, {})
        target[piece.source] = target.get(piece.source, Decimal(0)) + piece.amount
    return basic, project_money


def _project_texts(template: Starter, profile: Profile) -> dict[str, str]:
    """The texts the profile asks of a project, as the starter writes them (待填写; the
    承担单位 the department itself); without a starter, those of data/import/file.yaml."""
    texts = emit.texts()
    if not template.data:
        return dict.fromkeys(texts["project_texts"], texts["placeholder"])
    projects = template.data.get("projects") or [{}]
    skip = {*texts["project_keys"], *profile.sources}
    return {k: v for k, v in projects[0].items() if k not in skip and isinstance(v, str)}


def _purposes(pieces: list[Piece], profile: Profile, template: Starter) -> dict[str, Any]:
    """The purposes the profile asks for (by 类 or by 项), one per code of 财政拨款 money."""
    placeholder = emit.texts()["placeholder"]
    lengths: dict[str, int] = emit.texts()["purposes"]
    asked = [key for key in lengths if key in template.data] if template.data else [
        next(iter(lengths))]
    fiscal = profile.source_set(["fiscal"])
    return {key: {code: placeholder for code in sorted(
        {p.code[:lengths[key]] for p in pieces if p.source in fiscal})} for key in asked}


def _projects(named: list[dict[str, Any]], money: dict[str, dict[str, Decimal]],
              profile: Profile, name_of: Callable[[str], str],
              to_fill: dict[str, str]) -> list[dict[str, Any]]:
    """Named projects (项目支出表) take the 一般公共预算 project money of their 项; what no
    named project takes stays with one project per 项 whose name is to be filled."""
    general = [s for s in profile.sources if s in profile.source_set(["general"])]
    texts = emit.texts()
    found = []
    for project in named:
        need = sum(project["economic"].values(), Decimal(0))
        available = money.get(project["function"], {})
        entry: dict[str, Any] = {"name": project["name"], "function": project["function"]}
        for source in general:
            take = min(need, available.get(source, Decimal(0)))
            if take:
                entry[source] = take
                available[source] -= take
                need -= take
        if need:
            entry[general[0]] = entry.get(general[0], Decimal(0)) + need
        entry["economic"] = project["economic"]
        found.append(entry | to_fill)
    for code, sources in sorted(money.items()):
        left = {s: v for s, v in sources.items() if v}
        if left:
            found.append({"name": texts["project_name"].format(code=code, name=name_of(code)),
                          "function": code, **left, **to_fill})
    return found


def _changes(data: dict[str, Any], profile: Profile, placeholder: str) -> dict[str, Any]:
    """A reason to fill for every money comparison the narrative will make."""
    department = department_model(emit.department_file(data, ""), profile)
    changes: dict[str, Any] = {}
    for cid, (_, value, is_count) in figures.current_values(department).items():
        spec = next((s for s in figures.catalogue(profile)
                     if cid == s["id"] or cid.startswith(s["id"] + ".")), {})
        if is_count or (spec.get("when") != "always" and not value):
            continue
        node = changes
        *parents, last = cid.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = {"reason": placeholder}
    return changes


def department_model(text: str, profile: Profile) -> model.Department:
    """The department a written file gives (its 尾差 declarations applied)."""
    data, source_map, found = load_text(text, "<import>")
    found += validate(data, source_map) if data is not None else []
    if data is None or any(d.severity is Severity.ERROR for d in found):
        raise AssertionError("import wrote an invalid file: "
                             + "; ".join(d.message for d in found))
    department, _ = model.build(data, source_map, profile)
    overrides, _ = checks.resolve_deviations(department, tables.build_tables(department))
    department.ledger.overrides = overrides
    return department
