"""One sheet → the figures it prints: which table it is (by its title), where its header is
(checked cell by cell), its unit and department, and every amount as a `Fact`: the filter of
ledger lines it sums (row × column, as the tables are built) and the printed amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from ..document import HeaderCell
from ..ledger import Filter
from ..profile import Profile
from ..resources import data_file
from ..writers.docx_table import place
from .layouts import TableSpec
from .read import Problem, Sheet, amount, cell_name, normal, text_of


@dataclass(frozen=True)
class Fact:
    filter: Filter
    amount: Decimal  # as printed, in `unit`
    sheet: str
    cell: str
    address: tuple[int, str, int] | None = None  # (table, row, column) in our own tables
    unit: str = ""  # the sheet's unit (万元, 元)
    decimals: int = 2  # the decimals the sheet prints

    def in_unit(self, unit: str) -> Fact:
        """The figure in another unit (exact where that unit is finer, as the file's is)."""
        units = _settings()["units"]
        factor = Decimal(units[self.unit]) / Decimal(units[unit])
        return replace(self, amount=self.amount * factor, unit=unit)


@dataclass
class Read:
    spec: TableSpec
    sheet: Sheet
    unit: str
    department: str
    year: int | None
    facts: list[Fact] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # function code → printed name
    items: list[str] = field(default_factory=list)  # carry-over items, in order
    operating_costs: Fact | None = None


def _settings() -> dict[str, Any]:
    found: dict[str, Any] = data_file("import/reading.yaml")
    return found


def find_title(sheet: Sheet, specs: list[TableSpec]) -> tuple[TableSpec, int] | None:
    """The table a sheet holds, by a title in its first rows, and the title's row."""
    for row in range(min(sheet.height, _settings()["title_rows"])):
        text = normal("".join(sheet.row_texts(row)))
        for spec in specs:
            if text and spec.pattern.search(text):
                return spec, row
    return None


def _anchor(sheet: Sheet, spec: TableSpec, after: int) -> tuple[int, int]:
    first = normal(spec.header[0][0].text)
    accepted = spec.accepted.get((0, 0))
    for row in range(after + 1, min(sheet.height, after + 1 + _settings()["title_rows"])):
        for column in range(sheet.width):
            text = normal(sheet.text(row, column))
            if text and (text == first or (accepted and accepted.fullmatch(text))):
                return row, column
    raise Problem("import.no_header", sheet.name, cell_name(after + 1, 0),
                  table=spec.title, text=spec.header[0][0].text)


def _check_header(sheet: Sheet, spec: TableSpec, top: int, left: int) -> None:
    grid, _ = place(spec.header, str)
    index = {id(cell): (r, c) for r, row in enumerate(spec.header) for c, cell in enumerate(row)}
    for r, slots in enumerate(grid):
        for slot in slots:
            if not isinstance(slot.cell, HeaderCell):
                continue
            where = (top + r, left + slot.column)
            found = normal(sheet.text(*where))
            expected = normal(slot.cell.text)
            accepted = spec.accepted.get(index[id(slot.cell)])
            if found != expected and not (accepted and accepted.fullmatch(found)):
                raise Problem("import.header_moved", sheet.name, cell_name(*where),
                              table=spec.title, text=slot.cell.text,
                              found=sheet.text(*where) or _settings()["blank_cell"])


def _unit(sheet: Sheet, top: int, left: int, spec: TableSpec) -> str:
    settings = _settings()
    for row in range(top):
        match = re.search(settings["unit_line"], "".join(sheet.row_texts(row)))
        if match:
            return match.group(1)
    for fmt in sheet.formats.values():
        for unit in sorted(settings["units"], key=len, reverse=True):
            if unit in fmt:
                return unit
    raise Problem("import.no_unit", sheet.name, cell_name(max(top - 1, 0), 0), table=spec.title)


def _department(sheet: Sheet, top: int) -> str:
    for row in range(top):
        for text in sheet.row_texts(row):
            match = re.search(_settings()["department_line"], text)
            if match:
                return match.group(1).strip()
    return ""


def read_sheet(sheet: Sheet, spec: TableSpec, title_row: int, profile: Profile,
               own: bool, names: dict[str, str] | None = None) -> Read:
    """The figures of one sheet; `names`: the function names other sheets print by code
    (a two-sided table may name its 类 by them)."""
    top, left = _anchor(sheet, spec, title_row)
    _check_header(sheet, spec, top, left)
    title = normal("".join(sheet.row_texts(title_row)))
    year = re.search(_settings()["year"], title)
    found = Read(spec, sheet, _unit(sheet, top, left, spec), _department(sheet, top),
                 int(year.group(1)) if year else None)
    reader = _Rows(found, profile, top + len(spec.header), left, own, names or {})
    getattr(reader, spec.layout)()
    return found


class _Rows:
    """The data rows of one recognised sheet, read by the table's layout."""

    def __init__(self, found: Read, profile: Profile, first: int, left: int, own: bool,
                 names: dict[str, str]) -> None:
        self.found, self.profile, self.first, self.left = found, profile, first, left
        self.sheet, self.spec = found.sheet, found.spec
        self.number = found.spec.number if own else None
        self.names = names
        self.settings = _settings()

    # -- helpers ---------------------------------------------------------------------------
    def rows(self) -> range:
        return range(self.first, self.sheet.height)

    def amounts(self, row: int, start: int, count: int) -> list[Decimal | None]:
        return [amount(self.sheet.raw(row, start + j), self.sheet.name, cell_name(row, start + j))
                for j in range(count)]

    def add(self, row: int, start: int, values: list[Decimal | None], narrow: dict[str, Any],
            columns: list[dict[str, Any]], name: str | None) -> None:
        unit, decimals = self.found.unit, self.spec.decimals
        for j, (value, column) in enumerate(zip(values, columns, strict=True)):
            where = cell_name(row, start + j)
            if column.get("figure") == "operating_costs":  # 机关运行经费, a blank is none
                self.found.operating_costs = Fact(Filter(), value or Decimal(0),
                                                  self.sheet.name, where, None, unit, decimals)
                continue
            dimension = column.get("dimension", self.spec.dimension)
            selector = self.profile.selector(column, dimension).narrow(**narrow)
            address = (self.number, name, j + 1) if self.number and name else None
            self.found.facts.append(Fact(selector, value or Decimal(0), self.sheet.name,
                                         where, address, unit, decimals))

    def is_total(self, *texts: str) -> bool:
        labels = {*self.settings["total_labels"], normal(self.spec.total_label)}
        return any(normal(t) in labels for t in texts if t)

    def is_filler(self, texts: list[str]) -> bool:
        return all(not t or t in self.settings["filler"] for t in texts)

    # -- code trees ------------------------------------------------------------------------
    def code(self, row: int, previous: str) -> tuple[str, str]:
        """The classification code of a row (split or joined), and text after a joined code."""
        parts = []
        for i in range(self.spec.codes):
            value = self.sheet.raw(row, self.left + i)
            text = text_of(value)
            if i and isinstance(value, int | float) and text:
                text = text.zfill(2)
            parts.append(text)
        if not parts[0] and any(parts[1:]):  # 类 (and 款) printed only where they change
            inherited = previous[: 3 if parts[1] else 5]
            parts = [inherited, *[p for p in parts[1:] if p]]
        joined = " ".join(p for p in parts if p)
        if not joined:
            return "", ""
        match = re.match(self.settings["joined_code"], joined)
        if not match or (self.spec.codes == 2 and match.group(3)):
            raise Problem("import.bad_code", self.sheet.name, cell_name(row, self.left),
                          text=joined)
        code = "".join(g for g in match.groups()[:3] if g)
        return code, match.group(4).strip()

    def check_class(self, code: str, row: int) -> None:
        if self.spec.dimension == "economic":
            from ..codes import ECONOMIC, for_year
            known = for_year(self.found.year or 0).name(ECONOMIC, code[:3]) is not None or \
                code[:3] in self.profile.project_economic_classes
        else:
            known = code[:3] in self.profile.function_classes
        if not known:
            raise Problem("import.unknown_class", self.sheet.name, cell_name(row, self.left),
                          code=code, cls=code[:3])

    def tree(self) -> None:
        columns = self.spec.spec["columns"]
        lead = self.spec.lead
        previous = ""
        for row in self.rows():
            texts = [self.sheet.text(row, self.left + i) for i in range(lead)]
            values = self.amounts(row, self.left + lead, len(columns))
            has_amounts = any(v is not None for v in values)
            if self.is_total(*texts):
                self.add(row, self.left + lead, values, {}, columns, self.total_name())
                continue
            try:
                code, rest = self.code(row, previous)
            except Problem:
                if has_amounts:
                    raise
                continue  # a note under the table (空表说明, 注：…)
            name = texts[self.spec.codes] or rest
            project = texts[self.spec.codes + 1] if lead > self.spec.codes + 1 else ""
            if not code:
                if has_amounts and not (self.spec.layout == "project_tree" and name):
                    raise Problem("import.no_code", self.sheet.name, cell_name(row, self.left),
                                  table=self.spec.title)
                continue
            if not has_amounts and self.is_filler(texts):
                continue
            self.check_class(code, row)
            previous = code
            attribute = "economic" if self.spec.dimension == "economic" else "function"
            if self.spec.layout == "project_tree" and len(code) == 7 and project:
                narrow = {"function": code, "project": project}
                address_name = project
            else:
                narrow = {attribute: code}
                address_name = code
            if name and not project:
                self.found.names.setdefault(code, name)
            self.add(row, self.left + lead, values, narrow, columns, address_name)

    function_tree = economic_tree = project_tree = tree

    def total_name(self) -> str:
        return self.spec.total_label

    # -- fixed rows, items, single row -----------------------------------------------------
    def fixed_rows(self) -> None:
        columns = self.spec.spec["columns"]
        labels = {normal(r["label"]): r for r in self.spec.spec["rows"]}
        for row in self.rows():
            label = self.sheet.text(row, self.left)
            values = self.amounts(row, self.left + 1, len(columns))
            spec = labels.get(normal(label))
            if spec is None:
                if any(v is not None for v in values):
                    raise Problem("import.unknown_row", self.sheet.name,
                                  cell_name(row, self.left), table=self.spec.title, text=label)
                continue
            self.add(row, self.left + 1, values, {"items": frozenset(spec["items"])}, columns,
                     spec["label"])

    def carryover_items(self) -> None:
        columns = self.spec.spec["columns"]
        seen_department = False
        for row in self.rows():
            label = self.sheet.text(row, self.left)
            values = self.amounts(row, self.left + 1, len(columns))
            if not label or (self.is_filler([label]) and not any(values)):
                continue
            if self.is_total(label):
                self.add(row, self.left + 1, values, {}, columns, self.total_name())
            elif not any(v is not None for v in values):
                continue  # a note under the table (空表说明)
            elif not seen_department and label == self.found.department:
                seen_department = True  # the department's own line repeats the total
            else:
                index = str(len(self.found.items))
                self.found.items.append(label)
                self.add(row, self.left + 1, values, {"items": frozenset({index})}, columns,
                         label)

    def items_row(self) -> None:
        """One row of amounts under the header, each column its own figure (a blank row:
        every figure none)."""
        columns = self.spec.spec["columns"]
        for row in self.rows():
            values = self.amounts(row, self.left, len(columns))
            if any(v is not None for v in values):
                break
        else:
            row, values = self.first, [None] * len(columns)
        self.add(row, self.left, values, {}, columns, self.total_name())

    # -- two-sided tables ------------------------------------------------------------------
    def balance(self) -> None:
        spec = self.spec.spec
        right = spec["right_columns"]
        lefts = spec["left"]
        position = 0
        for row in self.rows():
            label = self.sheet.text(row, self.left)
            value = self.amounts(row, self.left + 1, 1)
            if label and not self.is_filler([label]):
                position = self.left_line(row, label, value, lefts, position)
            text = self.sheet.text(row, self.left + 2)
            values = self.amounts(row, self.left + 3, len(right))
            if not text or self.is_filler([text]):
                continue
            if normal(text) == normal(spec["right_total"]):
                self.add(row, self.left + 3, values, {}, right, spec["right_total"])
                continue
            code = self.class_code(text)
            if code is None:
                if any(v is not None for v in values):
                    raise Problem("import.unknown_row", self.sheet.name,
                                  cell_name(row, self.left + 2), table=self.spec.title,
                                  text=text)
                continue
            self.add(row, self.left + 3, values, {"function": code}, right, code)

    def left_line(self, row: int, label: str, value: list[Decimal | None],
                  lefts: list[dict[str, Any]], position: int) -> int:
        spec = self.spec.spec
        total = spec["left_total"]
        if normal(label) == normal(total["label"]):
            sources = total.get("sources") or [
                g for r in lefts if r.get("level") == 1 for g in r["sources"]]
            self.add(row, self.left + 1, value, {}, [{"sources": sources}], total["label"])
            return position
        for i in range(position, len(lefts)):
            if self.label_matches(label, lefts[i]):
                self.add(row, self.left + 1, value, {}, [{"sources": lefts[i]["sources"]}],
                         lefts[i]["label"])
                return i + 1
        if value[0] is not None:
            raise Problem("import.unknown_row", self.sheet.name, cell_name(row, self.left),
                          table=self.spec.title, text=label)
        return position

    def label_matches(self, label: str, spec: dict[str, Any]) -> bool:
        if normal(label) == normal(spec["label"]):
            return True
        bare = re.sub(self.settings["numbering"], "", normal(label))
        wanted = re.sub(self.settings["numbering"], "", normal(spec["label"]))
        return bare == wanted or bool(spec.get("match") and re.fullmatch(spec["match"], bare))

    def class_code(self, text: str) -> str | None:
        """The function 类 a line of the right side names: as our own table writes it (its
        right_label), else by a leading code or a name after its numbering (一、)."""
        found = normal(text)
        if self.spec.right_label is not None:
            match = self.spec.right_label.fullmatch(found)
            if match is None:
                return None
            fields = match.groupdict()
            if fields.get("code"):
                return self.known_class(fields["code"])
            return self.class_named(fields.get("name") or "")
        match = re.match(r"^(\d{3})(?!\d)", found)
        if match:
            return self.known_class(match.group(1))
        return self.class_named(re.sub(self.settings["numbering"], "", found))

    def known_class(self, code: str) -> str | None:
        return code if code in self.profile.function_classes else None

    def class_named(self, name: str) -> str | None:
        """The 类 of a name: as the other tables print it, else as the year's code list."""
        from ..codes import FUNCTION, for_year
        codes = for_year(self.found.year or 0)
        for code in self.profile.function_classes:
            if name and name in (normal(self.names.get(code, "")),
                                 normal(codes.name(FUNCTION, code) or "")):
                return code
        return None
