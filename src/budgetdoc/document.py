"""The document model: every number and sentence final, ready for any writer.

Writers (DOCX, HTML → PDF) only lay this out; they never compute. `to_json` is the
`budgetdoc dump` format and the basis of golden files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .ledger import Figure
from .numbers import fmt_amount, from_wan, round_to


@dataclass
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    blank_zero: bool = True  # the data tables leave a zero blank; forms print 0.00

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text}
        if self.colspan > 1:
            out["colspan"] = self.colspan
        if self.rowspan > 1:
            out["rowspan"] = self.rowspan
        return out


@dataclass
class Cell:
    """A body cell: text (codes, names) or an amount (printed blank when zero).

    A cell spanning several columns or rows (performance tables) stands once, at its
    top-left position; the positions it covers have no cell of their own (as in HTML).
    """

    text: str = ""
    figure: Figure | None = None
    colspan: int = 1
    rowspan: int = 1
    blank_zero: bool = True  # the data tables leave a zero blank; forms print 0.00
    unit: str = ""  # the unit it is printed in: "" for 万元 (as the ledger holds it), or 元
    decimals: int = 2

    @property
    def value(self) -> Decimal | None:
        return self.figure.value if self.figure is not None else None

    @property
    def shown(self) -> Decimal | None:
        """The amount as printed: in the cell's unit, rounded half-up to its decimals."""
        if self.figure is None:
            return None
        return round_to(from_wan(self.figure.value, self.unit), self.decimals)

    @property
    def display(self) -> str:
        if self.figure is None:
            return self.text
        if not self.figure.value and self.blank_zero:
            return ""
        return fmt_amount(from_wan(self.figure.value, self.unit), decimals=self.decimals)

    @property
    def is_amount(self) -> bool:
        return self.figure is not None

    def to_json(self) -> str | dict[str, Any]:
        if self.colspan == 1 and self.rowspan == 1:
            return self.display
        out: dict[str, Any] = {"text": self.display}
        if self.colspan > 1:
            out["colspan"] = self.colspan
        if self.rowspan > 1:
            out["rowspan"] = self.rowspan
        return out


@dataclass
class Row:
    cells: list[Cell]
    level: str  # total | department | class | kuan | xiang | project | item | label
    # How a row is addressed: per side (two-sided tables have two), the names it answers to
    # (code, 总计, a fixed label) and its amount cells by printed column number.
    addresses: list[tuple[tuple[str, ...], dict[int, Cell]]] = field(default_factory=list)
    parent: int | None = None  # index of the row this one sums into

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level, "cells": [c.to_json() for c in self.cells]}


@dataclass
class Table:
    number: int  # 1–11 in 第二部分; 0 for the performance tables of 第三部分
    caption: str  # 表 N, or "" where none is printed
    title: str
    department_line: str  # 编制部门：…, or ""
    unit_line: str  # 单位：万元, or ""
    orientation: str  # portrait | landscape
    header: list[list[HeaderCell]]  # repeated on every page; the last may be the ※ 1 2 3 row
    rows: list[Row]
    empty_note: str | None = None
    subtitle: str = ""  # e.g. （2024 年） under a performance table's title
    kind: str = "data"  # data: the amount tables; form: the performance tables
    # For checks: per side, which amount columns sum into which (printed column numbers),
    # and which labelled rows sum into which (fixed-row tables).
    column_sums: list[dict[int, list[int]]] = field(default_factory=list)
    label_sums: dict[str, list[str]] = field(default_factory=dict)
    # Two-sided tables: the pair of labels whose first columns must be equal (收入 = 支出).
    balance: tuple[str, str] | None = None
    contents: str = ""  # its line in the 目录 (一、部门收支总体情况表), or "" if not listed
    outline: str = ""  # its bookmark where caption and title do not tell it apart, or ""
    role: str = ""  # what it is in the document (income, fund, …): prose finds tables by role
    note: str = ""  # a footnote printed under the table (注：本表反映…), or ""
    # For checks: the named identity (a rule id) a sum stands for, by "tree", "column:N" or
    # "label:NAME"; a sum without one is checked under the generic balance rules.
    identities: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "table",
            "number": self.number,
            "caption": self.caption,
            "title": self.title,
            "contents": self.contents,
            "department_line": self.department_line,
            "unit_line": self.unit_line,
            "orientation": self.orientation,
            "kind": self.kind,
            "subtitle": self.subtitle,
            "header": [[c.to_json() for c in row] for row in self.header],
            "rows": [r.to_json() for r in self.rows],
        }
        if self.empty_note is not None:
            out["empty_note"] = self.empty_note
        if self.note:
            out["note"] = self.note
        if self.outline:
            out["outline"] = self.outline
        return out


@dataclass
class Heading:
    """level 1: a part (第一部分 …); 2: a section (一、…); 3: a subsection (（一）…)."""

    text: str
    level: int

    def to_json(self) -> dict[str, Any]:
        return {"type": "heading", "level": self.level, "text": self.text}


@dataclass
class Paragraph:
    """style: body (正文, first line indented two characters) or item (a list entry)."""

    text: str
    style: str = "body"

    def to_json(self) -> dict[str, Any]:
        return {"type": "paragraph", "style": self.style, "text": self.text}


Block = Heading | Paragraph | Table


@dataclass
class Part:
    heading: str  # printed where the part begins; "" when the part has no heading of its own
    blocks: list[Block] = field(default_factory=list)
    contents: str = ""  # its line in the 目录 where that differs from its heading

    @property
    def toc_line(self) -> str:
        return self.contents or self.heading

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"heading": self.heading}
        if self.contents:
            out["contents"] = self.contents
        return out | {"blocks": [b.to_json() for b in self.blocks]}


@dataclass
class Document:
    department: str
    year: int
    title: str  # 2024 年部门预算公开 (the title page: department, then this)
    parts: list[Part]
    closing: list[str] = field(default_factory=list)  # department name and date, at the end
    toc_title: str = ""  # 目录
    author: str = ""  # document metadata
    # The title page, line by line: (style, text); style department | title.
    cover: list[tuple[str, str]] = field(default_factory=list)
    file_name: str = ""  # see `name`
    contents_levels: int = 0  # heading levels the 目录 lists (0: the writer's own setting)
    orientation: str = "portrait"  # of the pages without a table: cover, 目录, prose

    @property
    def name(self) -> str:
        """The document's name for files and metadata: the skeleton's `file_name`, else the
        department followed by the title (昌吉回族自治州财政局2024年部门预算公开)."""
        return self.file_name or f"{self.department}{self.title.replace(' ', '')}"

    @property
    def cover_lines(self) -> list[tuple[str, str]]:
        """The title page: as the profile sets it, else the department, then the title."""
        return self.cover or [("department", self.department), ("title", self.title)]

    def tables(self) -> list[Table]:
        return [b for part in self.parts for b in part.blocks if isinstance(b, Table)]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "department": self.department,
            "year": self.year,
            "title": self.title,
            "toc_title": self.toc_title,
            "author": self.author,
            "cover": [list(line) for line in self.cover_lines],
        }
        if self.contents_levels:
            out["contents_levels"] = self.contents_levels
        if self.orientation != "portrait":
            out["orientation"] = self.orientation
        return out | {"parts": [p.to_json() for p in self.parts], "closing": self.closing}
