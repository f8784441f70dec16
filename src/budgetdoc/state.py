"""What the output folder remembers: `.budgetdoc/state.json`, one record per department file.

A record is what happened to the file last time (an Outcome) with its fingerprint and the
SHA-256 of each document written, so that an unchanged department whose documents are still
those bytes is not built again. The file is read as untrusted: a record whose fields are not
of their types, or whose paths are not plain paths inside the output folder, is dropped with
a note (that department is then built again); an unreadable file means a full build.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields
from typing import Any

from .diagnostics import Diagnostic
from .outdir import STATE_FOLDER, OutputFolder, relative_path

STATE = f"{STATE_FOLDER}/state.json"
VERSION = 3  # 3: each record names its kind of document
STATUSES = ("ok", "warnings", "failed", "environment", "internal")
ACTIONS = ("built", "checked", "skipped", "earlier")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class Outcome:
    """What happened to one department: picklable, the row of the summary, the record."""

    source: str
    year: int | None
    department: str
    status: str  # one of STATUSES
    kind: str = ""  # 预算 · 决算 (meta.kind), as far as it is known
    errors: int = 0
    warnings: int = 0
    rules: dict[str, int] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)  # relative to the output folder
    hashes: list[str] = field(default_factory=list)  # SHA-256 of each output as written
    report: str = ""
    previous: bool = False  # outputs (and report) are the last good build's; this one failed
    fingerprint: str = ""
    action: str = "built"  # one of ACTIONS
    seconds: float = 0.0
    detail: str = ""
    diagnostics: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "warnings")


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _diagnostic(value: object) -> bool:
    try:
        Diagnostic.from_json(value)  # type: ignore[arg-type]
    except (KeyError, TypeError, AttributeError, ValueError):
        return False
    return True


_VALID = {
    "source": lambda v: isinstance(v, str) and v != "",
    "year": lambda v: v is None or _count(v),
    "department": lambda v: isinstance(v, str),
    "status": lambda v: v in STATUSES,
    "kind": lambda v: isinstance(v, str),
    "errors": _count,
    "warnings": _count,
    "rules": lambda v: isinstance(v, dict) and all(
        isinstance(k, str) and _count(n) for k, n in v.items()),
    "outputs": lambda v: isinstance(v, list) and all(relative_path(p) == p for p in v),
    "hashes": lambda v: isinstance(v, list) and all(
        isinstance(h, str) and _SHA256.match(h) for h in v),
    "report": lambda v: v == "" or relative_path(v) == v,
    "previous": lambda v: isinstance(v, bool),
    "fingerprint": lambda v: isinstance(v, str),
    "action": lambda v: v in ACTIONS,
    "seconds": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "detail": lambda v: isinstance(v, str),
    "diagnostics": lambda v: isinstance(v, list) and all(_diagnostic(d) for d in v),
}
assert set(_VALID) == {f.name for f in fields(Outcome)}


def valid(entry: object) -> bool:
    """Every field present and of its type, one hash per output."""
    return (isinstance(entry, dict) and set(entry) == set(_VALID)
            and all(check(entry[name]) for name, check in _VALID.items())
            and len(entry["outputs"]) == len(entry["hashes"]))


@dataclass
class Loaded:
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    dropped: int = 0  # records not of the right shape
    unreadable: bool = False  # the file is there but is not a state file at all


def load(folder: OutputFolder) -> Loaded:
    content = folder.read(STATE)
    if content is None:
        return Loaded()
    try:
        state = json.loads(content.decode("utf-8"))
    except ValueError:
        return Loaded(unreadable=True)
    if not isinstance(state, dict):
        return Loaded(unreadable=True)
    if state.get("version") != VERSION:  # an older tool's: built again, nothing to say
        return Loaded()
    records = state.get("departments")
    if not isinstance(records, dict):
        return Loaded(unreadable=True)
    loaded = Loaded()
    for key, entry in records.items():
        if isinstance(key, str) and valid(entry):
            loaded.entries[key] = entry
        else:
            loaded.dropped += 1
    return loaded


def save(folder: OutputFolder, entries: dict[str, dict[str, Any]]) -> None:
    state = {"version": VERSION, "departments": dict(sorted(entries.items()))}
    folder.write(STATE, json.dumps(state, ensure_ascii=False, indent=1).encode("utf-8"))


def recorded(entry: dict[str, Any] | None, **changes: Any) -> Outcome | None:
    """The outcome a (valid) record holds, with `changes`; None for no record."""
    if entry is None:
        return None
    return Outcome(**{**entry, **changes})
