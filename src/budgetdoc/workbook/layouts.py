"""What a workbook's tables look like: the profile's own tables (our export) and the layouts
under data/import/ (other systems' exports), in one form.

A layout is data: the table's title (a pattern), its header rows with their spans, and what
each amount column, fixed row or balance line holds, in the vocabulary of tables.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import tables
from ..document import HeaderCell
from ..ledger import ECONOMIC, FUNCTION, PROJECT_ECONOMIC, SANGONG
from ..profile import load
from ..resources import DATA, data_file
from .read import normal

# layout → (ledger dimension, code columns, text columns before the amounts)
SHAPES: dict[str, tuple[str, int, int]] = {
    "function_tree": (FUNCTION, 3, 4),
    "economic_tree": (ECONOMIC, 2, 3),
    "project_tree": (PROJECT_ECONOMIC, 3, 5),
    "fixed_rows": (SANGONG, 0, 1),
    "carryover_items": (FUNCTION, 0, 1),
    "balance": (FUNCTION, 0, 0),
    "single_row": (SANGONG, 0, 0),
}


@dataclass
class TableSpec:
    title: str  # as printed (messages)
    pattern: re.Pattern[str]  # finds the title in the sheet (on normalised text)
    layout: str
    header: list[list[HeaderCell]]
    accepted: dict[tuple[int, int], re.Pattern[str]]  # header cell → other accepted texts
    spec: dict[str, Any]  # columns, rows, left, right_columns … as in tables.yaml
    number: int | None = None  # its number in the profile's tables (our own export)
    codes: int = 0
    lead: int = 0
    dimension: str = FUNCTION


@dataclass
class Layout:
    name: str
    tables: list[TableSpec] = field(default_factory=list)
    own: bool = False  # the profile's own tables: addresses for 尾差 are known


def _exact(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(normal(text)))


def _header(rows: list[list[Any]]) -> tuple[list[list[HeaderCell]], dict[tuple[int, int],
                                                                          re.Pattern[str]]]:
    header, accepted = [], {}
    for r, row in enumerate(rows):
        cells = []
        for c, cell in enumerate(row):
            if isinstance(cell, str):
                cells.append(HeaderCell(cell))
                continue
            cells.append(HeaderCell(cell["text"], cell.get("colspan", 1), cell.get("rowspan", 1)))
            if "match" in cell:
                accepted[(r, c)] = re.compile(normal(cell["match"]))
        header.append(cells)
    return header, accepted


def own(profile: str) -> Layout:
    """Our own export: the profile's tables, each with its ※ 1 2 3 row."""
    layout = Layout(data_file("import/reading.yaml")["own_layout"].format(profile=profile),
                    own=True)
    settings = load(profile).tables
    for spec in settings["tables"]:
        shape = SHAPES[spec["layout"]]
        layout.tables.append(TableSpec(
            spec["title"], _exact(spec["title"]), spec["layout"],
            tables.header_rows(spec, settings),
            {}, spec, spec["number"], shape[1], shape[2], tables.layout_dimension(spec)))
    return layout


def imported(name: str) -> Layout:
    """A layout of data/import/layouts/<name>.yaml."""
    found = data_file(f"import/layouts/{name}.yaml")
    layout = Layout(found["name"])
    for spec in found["tables"]:
        shape = SHAPES[spec["layout"]]
        header, accepted = _header(spec["header"])
        title = spec.get("label", spec["title"])
        layout.tables.append(TableSpec(
            title, re.compile(normal(spec["title"])), spec["layout"], header, accepted, spec,
            None, spec.get("codes", shape[1]), spec.get("lead", shape[2]), shape[0]))
    return layout


def candidates(profile: str) -> list[Layout]:
    others = sorted(p.stem for p in (DATA / "import" / "layouts").glob("*.yaml"))
    return [own(profile), *(imported(name) for name in others)]
