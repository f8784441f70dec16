"""The bureau's summary of a batch: `<output>/<year>/index.html`, `summary.json`,
`summary.csv` and `summary.xlsx` listing every department of that year known to the output
folder whose file still exists (those of this run and those built before), and the
terminal's table.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .diagnostics import rule_name
from .job import texts
from .outdir import OutputFolder
from .report import is_wide, shown_path
from .resources import data_file
from .state import Outcome, recorded
from .writers.html import html_environment


def key(source: Path) -> str:
    """A department file's key in the state: its resolved path."""
    return str(source.resolve())


def _year_rows(outcomes: list[Outcome],
               state: dict[str, dict[str, Any]]) -> dict[str, list[Outcome]]:
    """For each year touched by this run: every department recorded for it whose file exists."""
    unknown = texts()["unknown_year"]
    years = {str(o.year or unknown) for o in outcomes}
    current = {key(Path(o.source)): o for o in outcomes}
    rows: dict[str, list[Outcome]] = {year: [] for year in years}
    for name, entry in state.items():
        if name in current or str(entry.get("year") or unknown) not in years:
            continue
        earlier = recorded(entry, action="earlier")
        if earlier is not None and Path(name).is_file():
            rows[str(earlier.year or unknown)].append(earlier)
    for outcome in outcomes:
        rows[str(outcome.year or unknown)].append(outcome)
    for year_rows in rows.values():
        year_rows.sort(key=lambda o: (o.department == "", o.department, o.source))
    return rows


def _links(outcome: Outcome, year: str) -> dict[str, str]:
    """Links to a department's files, relative to output/<year>/."""
    found = {Path(p).suffix.lstrip("."): p for p in outcome.outputs}
    if outcome.report:
        found["report"] = outcome.report
    return {kind: os.path.relpath(path, year).replace(os.sep, "/")
            for kind, path in found.items()}


def summary_records(rows: list[Outcome], year: str) -> list[dict[str, Any]]:
    found = texts()
    labels = {name: spec["label"] for name, spec in data_file("kinds.yaml").items()}
    return [{
        "department": o.department,
        "kind": o.kind,
        "kind_label": labels.get(o.kind, ""),
        "source": o.source,
        "status": o.status,
        "status_text": found["status"][o.status],
        "errors": o.errors,
        "warnings": o.warnings,
        "rules": o.rules,
        "links": _links(o, year),
        "previous": o.previous,
        "detail": o.detail,
        "diagnostics": o.diagnostics,
    } for o in rows]


def write_summaries(folder: OutputFolder, outcomes: list[Outcome],
                    state: dict[str, dict[str, Any]], unused: Sequence[Path] = ()) -> list[Path]:
    """Each year's summary files; `unused` are data-like files this run did not read."""
    written = []
    unread = [str(p) for p in unused]
    for year, rows in sorted(_year_rows(outcomes, state).items()):
        records = summary_records(rows, year)
        counts = Counter(r["status"] for r in records)
        summary = {"year": year, "tool": f"budgetdoc {__version__}",
                   "counts": dict(sorted(counts.items())), "departments": records,
                   "unused_files": unread}
        folder.write(f"{year}/summary.json",
                     json.dumps(summary, ensure_ascii=False, indent=1).encode("utf-8"))
        folder.write(f"{year}/summary.csv", _csv(records).encode("utf-8-sig"))
        folder.write(f"{year}/summary.xlsx", _workbook(year, records))
        folder.write(f"{year}/index.html", _index(year, records, counts, unread).encode("utf-8"))
        written.append(folder.root / year / "index.html")
    return written


def rules_text(rules: dict[str, int]) -> str:
    return " ".join(f"{rule}×{count}" if count > 1 else rule for rule, count in rules.items())


def _summary_rows(records: list[dict[str, Any]]) -> list[list[Any]]:
    """The rows of summary.csv and summary.xlsx (columns as csv_header)."""
    return [[r["department"], r["source"], r["status_text"], r["errors"], r["warnings"],
             rules_text(r["rules"]), r["links"].get("docx", ""), r["links"].get("pdf", ""),
             r["links"].get("xlsx", ""), r["links"].get("report", ""), r["detail"],
             r["kind_label"]]
            for r in records]


def _csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(texts()["csv_header"])
    writer.writerows(_summary_rows(records))
    return buffer.getvalue()


def _workbook(year: str, records: list[dict[str, Any]]) -> bytes:
    from .writers import xlsx  # not before a one-file build's check (batch imports this)

    created = datetime.datetime(int(year) if year.isdigit() else 2000, 1, 1)
    return xlsx.summary(texts()["csv_header"], _summary_rows(records),
                        texts()["summary_sheet"].format(year=year), created)


def _index(year: str, records: list[dict[str, Any]], counts: Counter[str],
           unused: list[str]) -> str:
    return html_environment().get_template("index.html").render(
        year=year, records=records, counts=counts, texts=texts(), rule_name=rule_name,
        shown_path=shown_path, unused=unused)


# --- the terminal table ---------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if is_wide(ch) else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _with_kind(o: Outcome) -> str:
    """The department as the terminal table names it: a kind other than the 预算 added."""
    name = o.department or o.source
    if (data_file("kinds.yaml").get(o.kind) or {}).get("suffix"):
        return str(texts()["with_kind"].format(department=name, kind=o.kind))
    return name


def terminal_table(outcomes: list[Outcome]) -> str:
    found = texts()
    header = found["table_header"]
    rows = [[_with_kind(o), found["status"][o.status], found["action"][o.action],
             str(o.errors), str(o.warnings), rules_text(o.rules) or o.detail]
            for o in outcomes]
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [_pad(cell, widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)
