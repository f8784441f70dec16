"""From a validated department file to the ledger, with the checks that need the whole file.

Each entered amount becomes one ledger line whose identity is the path where it was typed,
so any later diagnostic about a figure can point back to its lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import codes as codelists
from .codecheck import CodeChecker
from .diagnostics import Diagnostic, diagnostic
from .ledger import ECONOMIC, FUNCTION, PROJECT_ECONOMIC, SANGONG, Ledger, Line
from .numbers import ZERO, D, fmt_amount, fmt_money, in_unit, to_wan
from .profile import Profile
from .resources import listed
from .validate import chinese_path
from .yamlload import PathKey, SourceMap

SANGONG_ITEMS = ("outbound", "reception", "vehicle_purchase", "vehicle_operation")


@dataclass
class Department:
    data: dict[str, Any]
    source_map: SourceMap
    profile: Profile
    ledger: Ledger
    codes: CodeChecker
    # Figures taken from related files (a 决算's same-year 预算), filled by the kind's link step.
    linked: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.data["meta"]["department"])

    @property
    def year(self) -> int:
        return int(self.data["meta"]["year"])

    @property
    def unit(self) -> str:
        return str(self.data["meta"]["unit"])

    @property
    def subordinate_units(self) -> list[str]:
        """The names of the subordinate budget units (written as a name, or with its kind)."""
        units = (self.data.get("overview") or {}).get("subordinate_units") or []
        return [u["name"] if isinstance(u, dict) else u for u in units]

    @property
    def unit_kinds(self) -> set[str]:
        """The kinds (行政, 参公, 事业) of the budget units, where the file states them."""
        overview = self.data.get("overview") or {}
        units = [overview.get("main_unit"), *(overview.get("subordinate_units") or [])]
        return {u["kind"] for u in units if isinstance(u, dict)}

    def money(self, value: Decimal) -> str:
        """An amount for a message, in the unit the file uses."""
        return fmt_money(value, self.unit)

    def function_name(self, code: str) -> str:
        return self.codes.name(codelists.FUNCTION, code)

    def economic_name(self, code: str) -> str:
        return self.codes.name(codelists.ECONOMIC, code)

    def locate(self, path: PathKey, *, key: bool = False):  # type: ignore[no-untyped-def]
        return self.source_map.locate(path, key=key, label=chinese_path(path))


class _Builder:
    def __init__(self, data: dict[str, Any], source_map: SourceMap, profile: Profile) -> None:
        self.data = data
        self.map = source_map
        self.profile = profile
        self.unit = data["meta"]["unit"]
        self.lines: list[Line] = []
        self.diagnostics: list[Diagnostic] = []
        self.year = int(data["meta"]["year"])
        self.codes = CodeChecker(data, codelists.for_year(self.year), self.report)

    def amount(self, value: Any) -> Decimal:
        return to_wan(D(value), self.unit)

    def where(self, path: PathKey, *, key: bool = False):  # type: ignore[no-untyped-def]
        return self.map.locate(path, key=key, label=chinese_path(path))

    def report(self, rule: str, path: PathKey, *, key: bool = False, **fields: Any) -> None:
        self.diagnostics.append(diagnostic(rule, self.where(path, key=key), **fields))

    def build(self) -> Department:
        self.codes.start(self.year)
        self._basic()
        self._basic_economic()
        self._projects()
        self._carryover()
        self._sangong()
        ledger = Ledger(self.lines)
        return Department(self.data, self.map, self.profile, ledger, self.codes)

    def _sources(self, entry: dict[str, Any]) -> list[tuple[str, Any]]:
        return [(k, v) for k, v in entry.items() if k in self.profile.sources]

    def function_entries(self, key: str) -> Iterator[tuple[PathKey, dict[str, Any], str]]:
        """The entries of a list typed once per function 项 (`basic`, `accounts`), each code
        checked; a 项 typed twice is reported and its second entry left out."""
        seen: dict[str, int] = {}
        for i, entry in enumerate(self.data.get(key) or []):
            code = entry["function"]
            path: PathKey = (key, i)
            if code in seen:
                self.report("model.duplicate_function", (*path, "function"), code=code,
                            first=seen[code])
                continue
            seen[code] = self.map.values.get((*path, "function"), (0, 0))[0]
            self.codes.check(codelists.FUNCTION, code, (*path, "function"))
            yield path, entry, code

    def _basic(self) -> None:
        for path, entry, code in self.function_entries("basic"):
            for source, value in self._sources(entry):
                self.lines.append(Line((*path, source), FUNCTION, self.amount(value), source,
                                       "basic", code))
            for kind in ("personnel", "operating"):
                for source, value in self._sources(entry.get(kind) or {}):
                    self.lines.append(Line((*path, kind, source), FUNCTION, self.amount(value),
                                           source, kind, code))

    def _basic_economic(self) -> None:
        for code, value in (self.data.get("basic_economic") or {}).items():
            path: PathKey = ("basic_economic", code)
            self.codes.check(codelists.ECONOMIC, code, path, key=True)
            self.lines.append(Line(path, ECONOMIC, self.amount(value), "general_budget",
                                   self.profile.kind_of_economic(code), economic=code))

    def _projects(self) -> None:
        general = self.profile.source_set(["general"])
        seen: dict[str, int] = {}
        for i, entry in enumerate(self.data.get("projects") or []):
            path: PathKey = ("projects", i)
            name, code = entry["name"], entry["function"]
            if name in seen:
                self.report("model.duplicate_project", (*path, "name"), name=name,
                            first=seen[name])
            seen.setdefault(name, self.map.values.get((*path, "name"), (0, 0))[0])
            self.codes.check(codelists.FUNCTION, code, (*path, "function"))
            money = self._sources(entry)
            if not any(D(v) for _, v in money):
                self.report("model.project_no_money", (*path, "name"), name=name)
            for source, value in money:
                self.lines.append(Line((*path, source), FUNCTION, self.amount(value), source,
                                       "project", code, project=name))
            general_part = sum((self.amount(v) for s, v in money if s in general), ZERO)
            economic = entry.get("economic") or {}
            for cls, value in economic.items():
                if cls not in self.profile.project_economic_classes:
                    self.report("codes.not_a_column", (*path, "economic", cls), key=True,
                                code=cls, allowed=listed(self.profile.project_economic_classes))
                self.lines.append(Line((*path, "economic", cls), PROJECT_ECONOMIC,
                                       self.amount(value), "general_budget", "project", code,
                                       cls, project=name))
            split = sum((self.amount(v) for v in economic.values()), ZERO)
            if not economic and self.profile.table_spec("general_project") is None:
                continue  # no table prints projects by economic 类: nothing to split
            if general_part and not economic:
                self.report("model.economic_missing", (*path, "name"), name=name,
                            amount=fmt_amount(in_unit(general_part, self.unit),
                                              separators=False))
            elif split != general_part:
                self.report("model.economic_mismatch", (*path, "economic"), name=name,
                            economic=fmt_money(split, self.unit),
                            amount=fmt_money(general_part, self.unit))

    def _carryover(self) -> None:
        for i, entry in enumerate(self.data.get("carryover") or []):
            path: PathKey = ("carryover", i)
            self.codes.check(codelists.FUNCTION, entry["function"], (*path, "function"))
            self.lines.append(Line((*path, "amount"), FUNCTION, self.amount(entry["amount"]),
                                   entry["source"], entry["kind"], entry["function"],
                                   project=entry["name"], item=str(i)))

    def _sangong(self) -> None:
        for item, value in (self.data.get("sangong") or {}).items():
            split = value if isinstance(value, dict) else {"general_budget": value}
            for source, amount in split.items():
                self.lines.append(Line(("sangong", item, source), SANGONG, self.amount(amount),
                                       source, item=item))


def build(data: dict[str, Any], source_map: SourceMap,
          profile: Profile) -> tuple[Department, list[Diagnostic]]:
    builder = _Builder(data, source_map, profile)
    department = builder.build()
    return department, builder.diagnostics
