"""The document model: every number and sentence final, ready for any writer.

Writers (DOCX, HTML → PDF) only lay this out; they never compute. `to_json` is the
`budgetdoc dump` format and the basis of golden files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .ledger import Figure
from .numbers import fmt_amount


@dataclass
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text}
        if self.colspan > 1:
            out["colspan"] = self.colspan
        if self.rowspan > 1:
            out["rowspan"] = self.rowspan
        return out


@dataclass
class Cell:
    """A body cell: text (codes, names) or an amount (printed blank when zero)."""

    text: str = ""
    figure: Figure | None = None

    @property
    def value(self) -> Decimal | None:
        return self.figure.value if self.figure is not None else None

    @property
    def display(self) -> str:
        if self.figure is None:
            return self.text
        return fmt_amount(self.figure.value) if self.figure.value else ""

    def to_json(self) -> str:
        return self.display


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
    number: int
    caption: str  # 表 N
    title: str
    department_line: str
    unit_line: str
    orientation: str
    header: list[list[HeaderCell]]
    rows: list[Row]
    empty_note: str | None = None
    # For checks: per side, which amount columns sum into which (printed column numbers),
    # and which labelled rows sum into which (fixed-row tables).
    column_sums: list[dict[int, list[int]]] = field(default_factory=list)
    label_sums: dict[str, list[str]] = field(default_factory=dict)
    # Two-sided tables: the pair of labels whose first columns must be equal (收入 = 支出).
    balance: tuple[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "table",
            "number": self.number,
            "caption": self.caption,
            "title": self.title,
            "department_line": self.department_line,
            "unit_line": self.unit_line,
            "orientation": self.orientation,
            "header": [[c.to_json() for c in row] for row in self.header],
            "rows": [r.to_json() for r in self.rows],
        }
        if self.empty_note is not None:
            out["empty_note"] = self.empty_note
        return out


@dataclass
class Heading:
    text: str
    level: int

    def to_json(self) -> dict[str, Any]:
        return {"type": "heading", "level": self.level, "text": self.text}


@dataclass
class Paragraph:
    text: str
    style: str = "body"

    def to_json(self) -> dict[str, Any]:
        return {"type": "paragraph", "style": self.style, "text": self.text}


Block = Heading | Paragraph | Table


@dataclass
class Part:
    heading: str
    blocks: list[Block] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"heading": self.heading, "blocks": [b.to_json() for b in self.blocks]}


@dataclass
class Document:
    department: str
    year: int
    title: str
    parts: list[Part]
    closing: list[str] = field(default_factory=list)

    def tables(self) -> list[Table]:
        return [b for part in self.parts for b in part.blocks if isinstance(b, Table)]

    def to_json(self) -> dict[str, Any]:
        return {
            "department": self.department,
            "year": self.year,
            "title": self.title,
            "parts": [p.to_json() for p in self.parts],
            "closing": self.closing,
        }
