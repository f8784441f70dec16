"""Diagnostics: every problem the tool reports, as a record with a rule id and a location.

User mistakes are never raised as exceptions through the pipeline: each stage returns its
diagnostics, and the CLI prints them. Message text lives in data/messages.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from .resources import data_file


class Severity(IntEnum):
    NOTE = 0  # information: never fails a check, not even under --strict
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        labels: dict[str, str] = data_file("messages.yaml")["severity"]
        return labels[self.name.lower()]


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    path: str = ""  # the path in Chinese titles, e.g. 项目支出[2].金额

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where


@dataclass(frozen=True)
class Diagnostic:
    rule: str
    severity: Severity
    message: str
    remedy: str
    location: Location
    details: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.name.lower(),
            "message": self.message,
            "remedy": self.remedy,
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "path": self.location.path,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Diagnostic:
        """The inverse of to_json (a worker process sends diagnostics back this way)."""
        return cls(data["rule"], Severity[data["severity"].upper()], data["message"],
                   data["remedy"], Location(data["file"], data["line"], data["column"],
                                            data["path"]))


def diagnostic(rule: str, location: Location, **fields: Any) -> Diagnostic:
    """Build a diagnostic from the message catalogue: severity, message and remedy by rule id."""
    entry = data_file("messages.yaml")["rules"][rule]
    text = {k: str(v) for k, v in fields.items()}
    return Diagnostic(
        rule=rule,
        severity=Severity[entry["severity"].upper()],
        message=entry["message"].format_map(text),
        remedy=entry["remedy"].format_map(text),
        location=location,
        details=fields,
    )


def rule_name(rule: str) -> str:
    """A rule's Chinese name (data/rule_names.yaml), for pages a bureau's staff read."""
    names: dict[str, str] = data_file("rule_names.yaml")["rules"]
    return names.get(rule, rule)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def counts(diagnostics: list[Diagnostic]) -> tuple[int, int, int]:
    """(errors, warnings, notes)."""
    found = [d.severity for d in diagnostics]
    return (found.count(Severity.ERROR), found.count(Severity.WARNING),
            found.count(Severity.NOTE))
