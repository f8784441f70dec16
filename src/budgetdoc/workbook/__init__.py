"""`budgetdoc import`: a workbook of public tables → a department file.

Read every sheet (workbook.read), recognise the tables by the layouts of the profile and of
data/import/layouts (workbook.layouts, workbook.recognise), rebuild the entered lines from the
most detailed figures (workbook.solve), make the file's sections (workbook.department: money
from the tables, the places to fill from the profile's starting file) and write it
(workbook.emit), then build its tables with the tool itself and compare every printed figure
of the workbook with them, in the unit and at the precision its sheet prints: a file is only
written when each one agrees (a total printed with a 尾差 is declared as such).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, Location, Severity
from ..numbers import from_wan, round_to
from ..profile import Profile, load
from ..resources import data_file, listed
from . import department, emit, layouts
from .read import Problem, Sheet, read_workbook, workbook_title
from .recognise import Fact, Read, find_title, read_sheet

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
    """The tables as the layout reads them that knows most of the sheets (our own export
    first among equals); where it cannot read them, the next that can (the Shanghai
    template's titles and headers are our own Shanghai tables', its rows are not). Raises the
    first layout's problem when none can."""
    tried = []
    for layout in layouts.candidates(profile.name):
        found = [(sheet, find_title(sheet, layout.tables)) for sheet in sheets]
        known = sum(1 for _, f in found if f)
        if known:
            tried.append((known, layout, found))
    if not tried:
        _other_kind(sheets)
        names = listed(s.name for s in sheets)
        raise Problem("import.no_tables",
                      sheets=names or data_file("import/reading.yaml")["no_sheets"])
    tried.sort(key=lambda t: -t[0])
    first: Problem | None = None
    for _, layout, found in tried:
        try:
            return _read(layout, found, profile), layout.own
        except Problem as problem:
            first = first or problem
    assert first is not None
    raise first


def _read(layout: layouts.Layout, found: list[tuple[Sheet, Any]],
          profile: Profile) -> list[Read]:
    seen = {id(f[0]) for _, f in found if f}
    for spec in layout.tables:
        if id(spec) not in seen:
            raise Problem("import.missing_table", table=spec.title, layout=layout.name)
    for sheet, f in found:
        if f is None and any(isinstance(v, int | float) and not isinstance(v, bool)
                             for row in sheet.cells for v in row):
            raise Problem("import.unknown_sheet", sheet.name, "A1", layout=layout.name)
    # the two-sided tables last: they may name a 类 as the code trees print it
    tables = sorted(((sheet, f) for sheet, f in found if f),
                    key=lambda pair: pair[1][0].layout == "balance")
    reads: list[Read] = []
    for sheet, (spec, row) in tables:
        names = {code: name for r in reads for code, name in r.names.items()}
        reads.append(read_sheet(sheet, spec, row, profile, layout.own, names))
    return reads


def _other_kind(sheets: list[Sheet]) -> None:
    """Raise import.kind_not_importable for a workbook of a kind no layout reads (a 决算's
    tables): its sheet names or first cells name that kind."""
    settings = data_file("import/reading.yaml")
    for sheet in sheets:
        words = " ".join([sheet.name, *sheet.row_texts(0)[:3]]) if sheet.height else sheet.name
        for word, kind in settings["kinds"].items():
            if word in words and kind not in settings["importable_kinds"]:
                raise Problem("import.kind_not_importable", kind=kind, sheet=sheet.name)


def _unit(reads: list[Read]) -> str:
    units = data_file("import/reading.yaml")["units"]
    return min((r.unit for r in reads), key=lambda u: units[u])


def _meta(path: Path, reads: list[Read], profile: Profile, year: int | None) -> dict[str, Any]:
    settings = data_file("import/reading.yaml")
    placeholder = emit.texts()["placeholder"]
    department = next((r.department for r in reads if r.department), "")
    title = workbook_title(path)
    if year is None:
        year = next((r.year for r in reads if r.year), None)
    if year is None:
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
    printed = [f for r in reads for f in r.facts]
    items = [name for r in reads for name in r.items]
    sections = department.build(meta, [f.in_unit(unit) for f in printed], items, reads,
                                profile)
    mismatches = verify(sections.data, printed, profile)
    if mismatches and own:
        declared = _deviations(mismatches)
        if declared:
            sections.data["known_deviations"] = declared
            mismatches = verify(sections.data, printed, profile)
    problems = [Problem("import.mismatch", f.sheet, f.cell, printed=f"{f.amount:,.2f}",
                        computed=f"{computed:,.2f}") for f, computed, _ in mismatches]
    head = emit.texts()["head"].format(department=meta["department"], year=meta["year"],
                                       kind=meta["kind"], workbook=path.name, unit=unit)
    return sections.text(head), problems[:MAX_MISMATCHES]


def verify(data: dict[str, Any], facts: list[Fact],
           profile: Profile) -> list[tuple[Fact, Decimal, Any]]:
    """Every printed figure that the file's figures (`data`) do not print the same (in the
    figure's unit, at its decimals)."""
    model = department.department_model(emit.department_file(data, ""), profile)
    found = []
    for fact in facts:
        figure = model.ledger.total(fact.filter)
        value = round_to(from_wan(figure.value, fact.unit), fact.decimals)
        if value != fact.amount:
            found.append((fact, value, figure))
    return found


def _rounded(fact: Fact) -> bool:
    """A figure printed coarser than the cent of a 元: a total may differ from its lines."""
    return fact.unit != data_file("labels.yaml")["yuan"] or fact.decimals < 2


def _deviations(mismatches: list[tuple[Fact, Decimal, Any]]) -> list[dict[str, Any]]:
    """尾差: a total printed other than the sum of its lines, declared at its first cell."""
    declared, keys = [], set()
    for fact, _, figure in mismatches:
        if fact.address is None or not _rounded(fact) or not figure.key or figure.key in keys:
            continue
        keys.add(figure.key)
        table, row, column = fact.address
        declared.append({"table": table, "row": row, "column": column, "printed": fact.amount})
    return declared
