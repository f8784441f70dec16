"""Install a year's official code list from the file a bureau has (CSV or Excel .xlsx).

The table needs a code column and a name column, recognised by their header (编码, 科目编码,
代码 … / 名称, 科目名称 …, listed in data/codes_install.yaml), or the split form 类 · 款 · 项 ·
科目名称 of the printed 政府收支分类科目. Codes may be text or numbers, `2010101` or
`201 01 01`. Problems are reported in Chinese by row; nothing is written unless the whole
table reads cleanly.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import codes as codelists
from .resources import data_file, listed

Cell = Any


class InstallError(Exception):
    """A problem with the bureau's file, in Chinese, ready to print."""


@dataclass
class Parsed:
    codes: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # code → table row (1-based)
    skipped: int = 0  # rows without a code (headings, notes, blank rows)


def _texts() -> dict[str, Any]:
    texts: dict[str, Any] = data_file("codes_install.yaml")
    return texts


def _fail(key: str, **fields: Any) -> InstallError:
    return InstallError(str(_texts()["errors"][key]).format(**fields))


def read_rows(path: Path) -> list[list[Cell]]:
    """The cells of a CSV file (UTF-8 or GB18030, as Excel saves it) or of an .xlsx sheet."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise _fail("missing", file=path)
    if suffix == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return list(csv.reader(io.StringIO(raw.decode(encoding))))
            except UnicodeDecodeError:
                continue
        raise _fail("encoding", file=path)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    raise _fail("format", file=path, suffix=suffix or _texts()["no_suffix"])


def _xlsx_rows(path: Path) -> list[list[Cell]]:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on styles it cannot read
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # a damaged or mislabelled file: say so, never a traceback
        raise _fail("unreadable", file=path, kind=type(error).__name__) from error
    try:
        for sheet in book.worksheets:
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            if _header(rows) is not None:
                return rows
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)  # Excel keeps 2010101 as 2010101.0
    return str(cell).strip()


def _code(cell: Cell) -> str | None:
    """`2010101`, `201 01 01`, `201-01-01`, ２０１０１０１ → "2010101"; None if not a code."""
    text = re.sub(r"[\s\-._\u3001\u00b7]", "", unicodedata.normalize("NFKC", _text(cell)))
    return text if text.isdigit() else None


def _header(rows: list[list[Cell]]) -> tuple[int, dict[str, int]] | None:
    """(row index, role → column) of the first row naming a code and a name column."""
    names = _texts()["headers"]
    for index, row in enumerate(rows[:20]):
        cells = [re.sub(r"\s", "", unicodedata.normalize("NFKC", _text(c))) for c in row]
        roles: dict[str, int] = {}
        for role, words in names.items():
            for column, cell in enumerate(cells):
                if cell in words and role not in roles:
                    roles[role] = column
        if "name" in roles and ("code" in roles or "class" in roles):
            return index, roles
    return None


def parse(rows: list[list[Cell]], kind: str) -> Parsed:
    found = _header(rows)
    if found is None:
        raise _fail("no_header", headers=_texts()["headers_shown"])
    start, roles = found
    parsed = Parsed()
    parents = {"class": "", "kuan": ""}
    lengths = codelists.LEVELS[kind]
    for number, row in enumerate(rows[start + 1:], start=start + 2):
        def cell(role: str, row: list[Cell] = row) -> Cell:
            column = roles.get(role)
            return row[column] if column is not None and column < len(row) else None

        name = re.sub(r"^[\s\u3000]+|[\s\u3000]+$", "", _text(cell("name")))
        code = _code(cell("code")) if "code" in roles else _split_code(cell, parents)
        if not code and not _text(cell("code")):
            parsed.skipped += 1
            continue
        if code is None or len(code) not in lengths:
            raise _fail("bad_code", row=number, value=_text(cell("code")) or code,
                        lengths=listed(lengths))
        if not name:
            raise _fail("no_name", row=number, code=code)
        if code in parsed.codes and parsed.codes[code] != name:
            raise _fail("conflict", row=number, code=code, name=name,
                        first=parsed.rows[code], other=parsed.codes[code])
        parsed.codes.setdefault(code, name)
        parsed.rows.setdefault(code, number)
    if not parsed.codes:
        raise _fail("empty")
    return parsed


def _split_code(cell: Any, parents: dict[str, str]) -> str | None:
    """The 类 · 款 · 项 columns: each row fills one; the full code follows its parents."""
    parts = {role: _code(cell(role)) or "" for role in ("class", "kuan", "item")}
    if parts["class"]:
        parents["class"], parents["kuan"] = parts["class"], ""
        return parts["class"]
    if parts["kuan"] and parents["class"]:
        parents["kuan"] = parents["class"] + parts["kuan"].zfill(2)[-2:]
        return parents["kuan"]
    if parts["item"] and parents["kuan"]:
        return parents["kuan"] + parts["item"].zfill(2)[-2:]
    return None


def orphans(found: dict[str, str], kind: str) -> list[str]:
    """Codes whose 类 or 款 is not in the same list."""
    return sorted(code for code in found
                  if any(code[:n] not in found for n in codelists.LEVELS[kind] if n < len(code)))


def install(source: Path, year: int, kind: str, folder: Path, *,
            complete: bool = True) -> tuple[Path, Parsed, bool]:
    """Read `source` and write `<folder>/<year>/<kind>.yaml`; (file, codes, replaced)."""
    from .build import write_atomic

    parsed = parse(read_rows(source), kind)
    target = codelists.list_file(folder, year, kind)
    replaced = target.exists()
    header = str(_texts()["file_header"]).format(
        year=year, kind=data_file("labels.yaml")["code_kinds"][kind], source=source.name,
        date=datetime.date.today().isoformat())
    body = {"kind": kind, "year": year, "complete": complete,
            "source": str(_texts()["source"]).format(file=source.name,
                                                     date=datetime.date.today().isoformat()),
            "codes": dict(sorted(parsed.codes.items()))}
    text = header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=1000)
    write_atomic(target, text.encode("utf-8"))
    return target, parsed, replaced


def counts_by_level(found: dict[str, str], kind: str) -> str:
    """`类 27、款 180、项 1020`."""
    words = _texts()["levels"]
    lengths = codelists.LEVELS[kind]
    return listed(f"{words[i]} {sum(1 for c in found if len(c) == n)}"
                  for i, n in enumerate(lengths))

