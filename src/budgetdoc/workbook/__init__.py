"""`budgetdoc import`: a workbook of public tables → a department file.

Read every sheet (workbook.read), recognise the tables by the layouts of the profile and of
data/import/layouts (workbook.layouts, workbook.recognise), rebuild the entered lines from the
most detailed figures (workbook.solve), write the file (workbook.emit), then build its tables
with the tool itself and compare every printed figure of the workbook with them: a file is
only written when each one agrees (a total printed with a 尾差 is declared as such).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import checks, figures, model, tables
from ..diagnostics import Diagnostic, Location, Severity
from ..numbers import round_cent
from ..profile import Profile, load
from ..resources import data_file
from ..validate import validate
from ..yamlload import load_text
from . import emit, layouts
from .read import Problem, Sheet, read_workbook, workbook_title
from .recognise import Fact, Read, find_title, read_sheet
from .solve import Solver

MAX_MISMATCHES = 20


@dataclass
class Imported:
    text: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def diagnostic(problem: Problem, workbook: Path) -> Diagnostic:
    entry = data_file("import/messages.yaml")[problem.rule]
    fields = {k: str(v) for k, v in problem.fields.items()}
    fields.setdefault("sheet", problem.sheet)
    where = ""
    if problem.sheet:
        where = data_file("import/messages.yaml")["where"].format(sheet=problem.sheet,
                                                                   cell=problem.cell)
    return Diagnostic(problem.rule, Severity.ERROR, entry["message"].format_map(fields),
                      entry["remedy"].format_map(fields), Location(str(workbook), path=where),
                      problem.fields)


def import_workbook(path: Path, profile_name: str = "default",
                    year: int | None = None) -> Imported:
    """The department file's text, or the problems that stop it (nothing half-done)."""
    profile = load(profile_name)
    try:
        reads, own = recognise(read_workbook(path), profile)
        text, notes = _department(path, reads, own, profile, year)
    except Problem as problem:
        return Imported(None, [diagnostic(problem, path)])
    if notes:
        return Imported(None, [diagnostic(n, path) for n in notes])
    return Imported(text)


def recognise(sheets: list[Sheet], profile: Profile) -> tuple[list[Read], bool]:
    """The recognised tables of the layout that knows most of the sheets."""
    best: tuple[int, layouts.Layout, list[tuple[Sheet, Any]]] | None = None
    for layout in layouts.candidates(profile.name):
        found = [(sheet, find_title(sheet, layout.tables)) for sheet in sheets]
        known = sum(1 for _, f in found if f)
        if best is None or known > best[0]:
            best = (known, layout, found)
    assert best is not None
    known, layout, found = best
    if not known:
        names = data_file("labels.yaml")["list_separator"].join(s.name for s in sheets)
        raise Problem("import.no_tables",
                      sheets=names or data_file("import/reading.yaml")["no_sheets"])
    seen = {id(f[0]) for _, f in found if f}
    for spec in layout.tables:
        if id(spec) not in seen:
            raise Problem("import.missing_table", table=spec.title, layout=layout.name)
    for sheet, f in found:
        if f is None and any(isinstance(v, int | float) and not isinstance(v, bool)
                             for row in sheet.cells for v in row):
            raise Problem("import.unknown_sheet", sheet.name, "A1", layout=layout.name)
    reads = [read_sheet(sheet, f[0], f[1], profile, layout.own) for sheet, f in found if f]
    return reads, layout.own


def _unit(reads: list[Read]) -> str:
    units = data_file("import/reading.yaml")["units"]
    return min((r.unit for r in reads), key=lambda u: units[u])


def _scaled(fact: Fact, unit: str, file_unit: str) -> Fact:
    units = data_file("import/reading.yaml")["units"]
    factor = Decimal(units[unit]) / Decimal(units[file_unit])
    return Fact(fact.filter, fact.amount * factor, fact.sheet, fact.cell, fact.address)


def _meta(path: Path, reads: list[Read], profile: Profile, year: int | None) -> dict[str, Any]:
    settings = data_file("import/reading.yaml")
    placeholder = emit.texts()["placeholder"]
    department = next((r.department for r in reads if r.department), "")
    title = workbook_title(path)
    if year is None:
        year = next((r.year for r in reads if r.year), None)
    if year is None:
        import re
        match = re.search(settings["year"], title)
        year = int(match.group(1)) if match else None
    if year is None:
        raise Problem("import.no_year")
    words = " ".join([title, *(r.sheet.text(0, 0) for r in reads)])
    kind = next((v for k, v in settings["kinds"].items() if k in words),
                settings["default_kind"])
    meta: dict[str, Any] = {"department": department or placeholder, "year": year,
                            "kind": kind, "unit": _unit(reads)}
    if profile.name != "default":
        meta["profile"] = profile.name
    return meta


def _department(path: Path, reads: list[Read], own: bool, profile: Profile,
                year: int | None) -> tuple[str, list[Problem]]:
    meta = _meta(path, reads, profile, year)
    unit = meta["unit"]
    facts = [_scaled(f, r.unit, unit) for r in reads for f in r.facts]
    items = [name for r in reads for name in r.items]
    data = _data(meta, facts, items, reads, profile, unit)
    head = emit.texts()["head"].format(department=meta["department"], year=meta["year"],
                                       kind=meta["kind"], workbook=path.name, unit=unit)
    text = emit.department_file(data, head)
    mismatches = verify(text, facts, profile)
    if mismatches and own and unit != data_file("labels.yaml")["yuan"]:
        declared = _deviations(mismatches)
        if declared:
            data["known_deviations"] = declared
            text = emit.department_file(data, head)
            mismatches = verify(text, facts, profile)
    problems = [Problem("import.mismatch", f.sheet, f.cell, printed=f"{f.amount:,.2f}",
                        computed=f"{computed:,.2f}") for f, computed, _ in mismatches]
    return text, problems[:MAX_MISMATCHES]


def _data(meta: dict[str, Any], facts: list[Fact], items: list[str], reads: list[Read],
          profile: Profile, unit: str) -> dict[str, Any]:
    texts = emit.texts()
    placeholder = texts["placeholder"]
    solver = Solver(facts, profile, items)
    pieces, carryover = solver.function_pieces()
    names = {code: name for r in reads for code, name in r.names.items()}
    from ..codes import ECONOMIC as ECONOMIC_CODES
    from ..codes import FUNCTION as FUNCTION_CODES
    from ..codes import for_year
    code_list = for_year(meta["year"])

    def name_of(code: str) -> str:
        return names.get(code) or code_list.name(FUNCTION_CODES, code) or ""

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
    data["projects"] = _projects(solver.projects(), project_money, profile, name_of, texts)
    if carryover:
        data["carryover"] = [{**item, "purpose": placeholder} for item in carryover]
    fiscal = profile.source_set(["fiscal"])
    classes = sorted({p.code[:3] for p in pieces if p.source in fiscal})
    data["class_purposes"] = {code: placeholder for code in classes}
    sangong = solver.sangong()
    if sangong:
        data["sangong"] = {item: split.get("general_budget") if set(split) == {"general_budget"}
                           else split for item, split in sangong.items()}
    operating = next((r.operating_costs for r in reads if r.operating_costs), None)
    if operating is not None:
        data["operating_costs"] = _scaled(operating, next(
            r.unit for r in reads if r.operating_costs), unit).amount
    data["changes"] = _changes(data, profile, placeholder)
    return data


def _projects(named: list[dict[str, Any]], money: dict[str, dict[str, Decimal]],
              profile: Profile, name_of: Any, texts: dict[str, Any]) -> list[dict[str, Any]]:
    """Named projects (项目支出表) take the 一般公共预算 project money of their 项; what no
    named project takes stays with one project per 项 whose name is to be filled."""
    general = [s for s in profile.sources if s in profile.source_set(["general"])]
    placeholder = texts["placeholder"]
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
        entry |= {"policy_basis": placeholder, "owner": placeholder, "allocation": placeholder}
        found.append(entry)
    for code, sources in sorted(money.items()):
        left = {s: v for s, v in sources.items() if v}
        if left:
            found.append({"name": texts["project_name"].format(code=code, name=name_of(code)),
                          "function": code, **left, "policy_basis": placeholder,
                          "owner": placeholder, "allocation": placeholder})
    return found


def _changes(data: dict[str, Any], profile: Profile, placeholder: str) -> dict[str, Any]:
    """A reason to fill for every money comparison the narrative will make."""
    department = _department_model(emit.department_file(data, ""), profile)
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


def _department_model(text: str, profile: Profile) -> model.Department:
    data, source_map, found = load_text(text, "<import>")
    found += validate(data, source_map) if data is not None else []
    if data is None or any(d.severity is Severity.ERROR for d in found):
        raise AssertionError("import wrote an invalid file: "
                             + "; ".join(d.message for d in found))
    department, _ = model.build(data, source_map, profile)
    overrides, _ = checks.resolve_deviations(department, tables.build_tables(department))
    department.ledger.overrides = overrides
    return department


def verify(text: str, facts: list[Fact], profile: Profile) -> list[tuple[Fact, Decimal, Any]]:
    """Every printed figure that the file's own tables do not print the same."""
    department = _department_model(text, profile)
    unit = department.data["meta"]["unit"]
    settings = data_file("import/reading.yaml")
    factor = Decimal(settings["units"][settings["wan"]]) / Decimal(settings["units"][unit])
    found = []
    for fact in facts:
        figure = department.ledger.total(fact.filter)
        value = round_cent(figure.value * factor)
        if value != fact.amount:
            found.append((fact, value, figure))
    return found


def _deviations(mismatches: list[tuple[Fact, Decimal, Any]]) -> list[dict[str, Any]]:
    """尾差: a total printed other than the sum of its lines, declared at its first cell."""
    declared, keys = [], set()
    for fact, _, figure in mismatches:
        if fact.address is None or not figure.key or figure.key in keys:
            continue
        keys.add(figure.key)
        table, row, column = fact.address
        declared.append({"table": table, "row": row, "column": column, "printed": fact.amount})
    return declared
