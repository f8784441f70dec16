"""Rules on the facts a department states (not the tables): text, dates, 政府采购, 绩效.

Each rule is a small function `(dept) -> list[Diagnostic]`; `text_rules` run on the raw
data before any writer can meet a control character.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from . import slips
from .diagnostics import Diagnostic, diagnostic
from .model import Department
from .numbers import ZERO, D, to_wan
from .profile import profile_file
from .resources import data_file
from .validate import chinese_path
from .yamlload import PathKey, SourceMap, strings

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _settings(profile: str, kind: str) -> dict[str, Any]:
    settings: dict[str, Any] = profile_file(profile, "checks.yaml", kind)
    return settings


def text_rules(data: dict[str, Any], source_map: SourceMap, profile: str,
               kind: str) -> list[Diagnostic]:
    """Control characters (writers cannot print them) and leftover placeholders."""
    placeholders = [re.compile(p) for p in _settings(profile, kind)["placeholders"]]
    found: list[Diagnostic] = []
    for path, text in strings(data):
        where = source_map.locate(path, label=chinese_path(path))
        control = CONTROL.search(text)
        if control:
            found.append(diagnostic("text.control_char", where, path=where.path,
                                    char=f"U+{ord(control.group()):04X}"))
        for pattern in placeholders:
            match = pattern.search(text)
            if match:
                found.append(diagnostic("text.placeholder", where, path=where.path,
                                        text=match.group()))
                break
    return found


def file_year(dept: Department) -> list[Diagnostic]:
    """A file named by the convention (2024.yaml, 2024.决算.yaml) names its year and kind:
    both must be those inside it, since last year's and the same year's files are found by
    name."""
    from .kinds import by_key, file_name, year_and_kind

    named = year_and_kind(Path(dept.source_map.file))
    if named is None:
        return []
    year, kind = named
    found = []
    expected = file_name(dept.year, dept.profile.kind)
    if year != dept.year:
        found.append(diagnostic("meta.year_mismatch", dept.locate(("meta", "year")),
                                file_year=year, year=dept.year, expected=expected))
    if kind != dept.profile.kind:
        found.append(diagnostic("meta.file_kind", dept.locate(("meta", "kind")),
                                file_kind=by_key(kind).name, kind=dept.data["meta"]["kind"],
                                expected=expected))
    return found


def future_year(dept: Department, today: datetime.date | None = None) -> list[Diagnostic]:
    today = today or datetime.date.today()
    ahead = _settings(dept.profile.name, dept.profile.kind)["future_years"]
    if dept.year > today.year + ahead:
        return [diagnostic("meta.future_year", dept.locate(("meta", "year")), year=dept.year,
                           today=today.year, ahead=ahead)]
    return []


def timeliness(dept: Department) -> list[Diagnostic]:
    meta = dept.data["meta"]
    if not (meta.get("approved") and meta.get("published")):
        return []
    try:
        approved = datetime.date.fromisoformat(meta["approved"])
        published = datetime.date.fromisoformat(meta["published"])
    except ValueError:
        return []
    limit = _settings(dept.profile.name, dept.profile.kind)["publication_days"]
    where = dept.locate(("meta", "published"))
    days = (published - approved).days
    if days < 0:
        return [diagnostic("meta.publication_order", where, published=published,
                           approved=approved)]
    if days > limit:
        return [diagnostic("meta.late_publication", where, published=published,
                           approved=approved, days=days, limit=limit)]
    return []


def procurement(dept: Department) -> list[Diagnostic]:
    data = dept.data.get("procurement")
    if not data:
        return []
    unit = dept.data["meta"]["unit"]
    names = data_file("labels.yaml")["procurement"]

    def amount(key: str) -> Decimal:
        return to_wan(D(data.get(key) or 0), unit)

    total = amount("goods") + amount("works") + amount("services")
    found = []
    for reserved, within, within_value in (("sme_reserved", "total", total),
                                           ("small_micro_reserved", "sme_reserved",
                                            amount("sme_reserved"))):
        if amount(reserved) > within_value:
            found.append(diagnostic(
                "procurement.reserved", dept.locate(("procurement", reserved)),
                reserved_name=names[reserved], reserved=dept.money(amount(reserved)),
                total_name=names[within], total=dept.money(within_value)))
    return found


def performance(dept: Department) -> list[Diagnostic]:
    data = dept.data.get("performance") or {}
    narrative = dept.profile.data("narrative.yaml")
    if "performance_tables" not in narrative:
        return []  # the format prints no performance tables (narrative.unused_text says so)
    settings = _settings(dept.profile.name, dept.profile.kind)
    titles = narrative["performance_tables"]
    projects = {p["name"] for p in dept.data.get("projects") or []}
    found: list[Diagnostic] = []
    tables: list[tuple[PathKey, str, int]] = []
    if data.get("department"):
        tables.append((("performance", "department"), titles["department"]["title"],
                       settings["weight_columns"]["department"]))
    covered = set()
    for i, table in enumerate(data.get("projects") or []):
        covered.add(table["project"])
        if table["project"] not in projects:
            found.append(diagnostic("performance.unknown_project",
                                    dept.locate(("performance", "projects", i, "project")),
                                    project=table["project"]))
        tables.append((("performance", "projects", i),
                       titles["project"]["title"] + data_file("labels.yaml")["path_suffix"]
                       + table["project"],
                       settings["weight_columns"]["project"]))
    if data.get("projects") is not None:
        for i, project in enumerate(dept.data.get("projects") or []):
            if project["name"] not in covered:
                found.append(diagnostic("performance.missing_table",
                                        dept.locate(("projects", i, "name")),
                                        project=project["name"]))
    for path, title, column in tables:
        found += _weights(dept, path, title, column, settings["performance_weight_total"])
    return found


def _weights(dept: Department, path: PathKey, title: str, column: int,
             expected: int) -> list[Diagnostic]:
    node: Any = dept.data
    for key in path:
        node = node[key]
    rows = node.get("indicators") or []
    if not rows:
        return []
    total = ZERO
    for i, row in enumerate(rows):
        try:
            total += Decimal(str(row[column]).strip() or "0")
        except InvalidOperation:
            return [diagnostic("performance.bad_weight",
                               dept.locate((*path, "indicators", i, column)), table=title,
                               row=i + 1, value=row[column])]
    if total != expected:
        return [diagnostic("performance.weights", dept.locate((*path, "indicators")),
                           table=title, sum=format(total.normalize(), "f"), expected=expected)]
    return []


def department_name(dept: Department) -> list[Diagnostic]:
    units = set(dept.subordinate_units)
    found = []
    for i, project in enumerate(dept.data.get("projects") or []):
        owner = project.get("owner")
        if owner and owner != dept.name and owner not in units:
            found.append(diagnostic("text.department_name", dept.locate(("projects", i, "owner")),
                                    project=project["name"], owner=owner))
    return found


RULES: tuple[Callable[[Department], list[Diagnostic]], ...] = (
    file_year, future_year, timeliness, procurement, performance, department_name,
    slips.department_slips)


def department_rules(dept: Department) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for rule in RULES:
        found += rule(dept)
    return found
