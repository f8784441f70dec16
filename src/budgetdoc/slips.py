"""Text slips real publications carry: a doubled word (预算预算), a reason that repeats the
template's lead-in (主要原因是是), amounts in a project's allocation text that add up to
another figure than the project, names or phone numbers run together. All warnings; the
settings are the profile's checks.yaml `slips`."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from .diagnostics import Diagnostic, Location, diagnostic
from .ledger import Filter
from .model import Department
from .resources import data_file, listed
from .yamlload import PathKey, strings


def _settings(dept: Department) -> dict[str, Any]:
    settings: dict[str, Any] = dept.profile.data("checks.yaml")["slips"]
    return settings


def _at(dept: Department, path: PathKey, text: str, index: int) -> Location:
    """The column of text[index] when the value is on one line (plain or quoted)."""
    where = dept.locate(path)
    style = dept.source_map.typed.get(path, ("", ""))[1]
    if "\n" in text or style not in ("", '"', "'") or where.column is None:
        return where
    return replace(where, column=where.column + index + (1 if style else 0))


def doubled_words(dept: Department) -> list[Diagnostic]:
    settings = _settings(dept)
    low, high = settings["doubled_min_chars"], settings["doubled_max_chars"]
    pattern = re.compile(rf"([\u4e00-\u9fff]{{{low},{high}}})\1")
    found = []
    for path, text in strings(dept.data):
        for match in pattern.finditer(text):
            if match.group() in settings["doubled_allowed"]:
                continue
            found.append(diagnostic("text.doubled_word", _at(dept, path, text, match.start()),
                                    path=dept.locate(path).path, word=match.group(),
                                    once=match.group(1)))
    return found


def repeated_lead_ins(dept: Department) -> list[Diagnostic]:
    lead_ins: dict[str, str] = _settings(dept)["lead_ins"]
    found = []
    for path, text in strings(dept.data):
        lead = next((lead_ins[k] for k in path if isinstance(k, str) and k in lead_ins), None)
        if lead is None:
            continue
        start = next((lead[i:] for i in range(len(lead)) if text.startswith(lead[i:])), None)
        if start:
            rest = text[len(start):]
            found.append(diagnostic("text.lead_in_repeated", _at(dept, path, text, 0),
                                    path=dept.locate(path).path, start=start, lead=lead,
                                    printed=lead + text[:12], fixed=rest[:20]))
    return found


def allocation_sums(dept: Department) -> list[Diagnostic]:
    settings = _settings(dept)
    labels = data_file("labels.yaml")
    fiscal = dept.profile.source_set(["fiscal"])
    found = []
    for i, project in enumerate(dept.data.get("projects") or []):
        for field in settings["allocation_fields"]:
            text = project.get(field)
            amounts = _amounts(text, labels) if isinstance(text, str) else []
            if len(amounts) < settings["allocation_min_amounts"]:
                continue
            listed = sum((Decimal(n) / (10000 if u == labels["yuan"] else 1)
                          for n, u in amounts), Decimal(0))
            lines = dept.ledger.select(Filter(project=project["name"], entry=("projects", i)))
            total = sum((ln.amount for ln in lines), Decimal(0))
            part = sum((ln.amount for ln in lines if ln.source in fiscal), Decimal(0))
            if listed not in (total, part):
                found.append(diagnostic("text.allocation_sum",
                                        dept.locate(("projects", i, field)),
                                        project=project["name"], count=len(amounts),
                                        listed=dept.money(listed), amount=dept.money(total)))
    return found


def _amounts(text: str, labels: dict[str, Any]) -> list[tuple[str, str]]:
    """`76 万元`, `81万元`, `5000 元` in a text: (number, unit word)."""
    units = "|".join(re.escape(labels[u]) for u in ("wan", "yuan"))
    return re.findall(rf"(\d+(?:\.\d+)?)\s*({units})", text)


def run_together(dept: Department) -> list[Diagnostic]:
    settings = _settings(dept)
    split = re.compile("[" + re.escape(settings["name_separators"]) + "]")
    found = []
    for path, text in strings(dept.data):
        key = path[-1] if path else None
        where = dept.locate(path)
        if key in settings["name_fields"]:
            if re.search(r"\d", text):
                found.append(diagnostic("text.name_with_number", where, path=where.path,
                                        value=text, name=re.sub(r"[\d\s\-]+", "", text),
                                        number=re.sub(r"[^\d\-]", "", text)))
            elif any(len(part) > settings["name_max_chars"] for part in split.split(text)):
                found.append(diagnostic("text.names_run_together", where, path=where.path,
                                        value=text, limit=settings["name_max_chars"]))
        if key in settings["phone_fields"]:
            for number in re.findall(r"\d+", text):
                if len(number) > settings["phone_max_digits"]:
                    found.append(diagnostic("text.phones_run_together", where, path=where.path,
                                            value=number, digits=len(number),
                                            fixed=_split_phone(number, settings)))
    return found


def _split_phone(number: str, settings: dict[str, Any]) -> str:
    half = len(number) // 2
    if len(number) % 2 == 0 and half in settings["phone_lengths"]:
        return listed((number[:half], number[half:]))
    return number


def department_slips(dept: Department) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for rule in (doubled_words, repeated_lead_ins, allocation_sums, run_together):
        found += rule(dept)
    return found
