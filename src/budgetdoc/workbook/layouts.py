"""What a workbook's tables look like: the profile's own tables (our export) and the layouts
under data/import/ (other systems' exports), in one form.

A layout is data: the table's title (a pattern), its header rows with their spans, and what
each amount column, fixed row or balance line holds, in the vocabulary of tables.yaml. Our
own tables are recognised by the profile's settings: titles and the right side's 类 names are
templates (`{{ year }}年部门收入预算总表`, `{{ numeral }}、{{ name }}`), read as patterns.
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
    "items_row": (SANGONG, 0, 0),  # each column names its own dimension
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
    total_label: str = ""  # our own tables: the name of their total rows (尾差 addresses)
    right_label: re.Pattern[str] | None = None  # our own two-sided tables: a 类 on the right
    decimals: int = 2  # the decimals its amounts are printed with


@dataclass
class Layout:
    name: str
    tables: list[TableSpec] = field(default_factory=list)
    own: bool = False  # the profile's own tables: addresses for 尾差 are known


_FIELD = re.compile(r"\{\{\s*(\w+)[^}]*\}\}")


def template_pattern(template: str) -> re.Pattern[str]:
    """A one-line template of tables.yaml as a pattern on normalised text: each field a named
    group (`year` four digits, `code` a 类, as data/import/reading.yaml says; others any text)."""
    fields = data_file("import/reading.yaml")["template_fields"]
    out, seen, at = [], set(), 0
    for match in _FIELD.finditer(template):
        out.append(re.escape(normal(template[at:match.start()])))
        name = match.group(1)
        out.append(f"(?P={name})" if name in seen
                   else f"(?P<{name}>{fields.get(name, fields['other'])})")
        seen.add(name)
        at = match.end()
    out.append(re.escape(normal(template[at:])))
    return re.compile("".join(out))


def template_label(template: str) -> str:
    """A title template as messages name the table: its fields left out (部门收入预算总表)."""
    return re.sub(data_file("import/reading.yaml")["template_label"], "", template).strip()


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
    """Our own export: the profile's tables as its settings print them (title, header with
    or without the ※ 1 2 3 row, total rows, the right side's 类, decimals)."""
    layout = Layout(data_file("import/reading.yaml")["own_layout"].format(profile=profile),
                    own=True)
    settings = load(profile).tables
    for spec in settings["tables"]:
        shape = SHAPES[spec["layout"]]

        def setting(key: str, spec: dict[str, Any] = spec) -> Any:
            return tables.setting(spec, settings, key)

        right = template_pattern(setting("right_label")) if spec["layout"] == "balance" else None
        layout.tables.append(TableSpec(
            template_label(spec["title"]), template_pattern(spec["title"]), spec["layout"],
            tables.header_rows(spec, settings), {}, spec, spec["number"], shape[1], shape[2],
            tables.layout_dimension(spec), setting("total_label"), right,
            int(setting("decimals"))))
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
