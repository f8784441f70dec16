"""Every table's header rows and body rows span the same number of columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetdoc import pipeline
from seedfigures import EXAMPLES

ROOT = Path(__file__).resolve().parents[1]


def _widths(rows: list[list], span=lambda c: (c.colspan, c.rowspan)) -> list[int]:
    """The width of each row on a grid where row-spanning cells occupy the rows below."""
    carried: dict[int, int] = {}  # row index → columns taken by cells from rows above
    widths = []
    for i, row in enumerate(rows):
        width = carried.get(i, 0)
        for cell in row:
            colspan, rowspan = span(cell)
            width += colspan
            for below in range(i + 1, i + rowspan):
                carried[below] = carried.get(below, 0) + colspan
        widths.append(width)
    return widths


@pytest.mark.parametrize("folder", sorted(EXAMPLES.values()))
def test_headers_and_rows_have_one_width(folder: str) -> None:
    document = pipeline.run(ROOT / "examples" / "departments" / folder / "2024.yaml").document
    for table in document.tables():
        header = _widths(table.header)
        body = _widths([row.cells for row in table.rows])
        widths = set(header) | set(body)
        assert len(widths) == 1, (table.caption or table.title, header, body)
