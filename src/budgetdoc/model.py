"""From a validated department file to the ledger, with the checks that need the whole file.

Each entered amount becomes one ledger line whose identity is the path where it was typed,
so any later diagnostic about a figure can point back to its lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import codes as codelists
from .diagnostics import Diagnostic, diagnostic
from .ledger import ECONOMIC, FUNCTION, PROJECT_ECONOMIC, SANGONG, Ledger, Line
from .numbers import ZERO, D, fmt_amount, to_wan
from .profile import Profile
from .resources import data_file
from .validate import chinese_path
from .yamlload import PathKey, SourceMap

SANGONG_ITEMS = ("outbound", "reception", "vehicle_purchase", "vehicle_operation")


@dataclass
class Department:
    data: dict[str, Any]
    source_map: SourceMap
    profile: Profile
    ledger: Ledger
    code_list: codelists.CodeList
    given_names: dict[str, str] = field(default_factory=dict)  # function code → name typed

    @property
    def name(self) -> str:
        return str(self.data["meta"]["department"])

    @property
    def year(self) -> int:
        return int(self.data["meta"]["year"])

    def function_name(self, code: str) -> str:
        return self.given_names.get(code) or self.code_list.name(codelists.FUNCTION, code) or ""

    def economic_name(self, code: str) -> str:
        return self.code_list.name(codelists.ECONOMIC, code) or self.given_names.get(code) or ""

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
        self.given_names: dict[str, str] = {}
        self.year = int(data["meta"]["year"])
        self.code_list = codelists.for_year(self.year)

    def amount(self, value: Any) -> Decimal:
        return to_wan(D(value), self.unit)

    def where(self, path: PathKey, *, key: bool = False):  # type: ignore[no-untyped-def]
        return self.map.locate(path, key=key, label=chinese_path(path))

    def report(self, rule: str, path: PathKey, *, key: bool = False, **fields: Any) -> None:
        self.diagnostics.append(diagnostic(rule, self.where(path, key=key), **fields))

    def build(self) -> Department:
        if self.code_list.year is None:
            self.report("codes.no_list", ("meta", "year"), year=self.year)
        self.given_names.update(self.data.get("code_names") or {})
        self._basic()
        self._basic_economic()
        self._projects()
        self._carryover()
        self._sangong()
        ledger = Ledger(self.lines)
        return Department(self.data, self.map, self.profile, ledger, self.code_list,
                          self.given_names)

    def _sources(self, entry: dict[str, Any]) -> list[tuple[str, Any]]:
        return [(k, v) for k, v in entry.items() if k in self.profile.sources]

    def _basic(self) -> None:
        seen: dict[str, int] = {}
        for i, entry in enumerate(self.data.get("basic") or []):
            code = entry["function"]
            path: PathKey = ("basic", i)
            if code in seen:
                self.report("model.duplicate_function", (*path, "function"), code=code,
                            first=seen[code])
                continue
            seen[code] = self.where((*path, "function"))[1] if False else (
                self.map.values.get((*path, "function"), (0, 0))[0])
            self._function_code(code, entry.get("name"), (*path, "function"))
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
            self._economic_code(code, path, key=True)
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
            self._function_code(code, entry.get("function_name"), (*path, "function"))
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
                    self.report("codes.unknown", (*path, "economic", cls), key=True, code=cls,
                                year=self.year, kind=self._kind_label("economic"))
                self.lines.append(Line((*path, "economic", cls), PROJECT_ECONOMIC,
                                       self.amount(value), "general_budget", "project", code,
                                       cls, project=name))
            split = sum((self.amount(v) for v in economic.values()), ZERO)
            if general_part and not economic:
                self.report("model.economic_missing", (*path, "name"), name=name,
                            amount=fmt_amount(general_part))
            elif split != general_part:
                self.report("model.economic_mismatch", (*path, "economic"), name=name,
                            economic=fmt_amount(split), amount=fmt_amount(general_part))

    def _carryover(self) -> None:
        for i, entry in enumerate(self.data.get("carryover") or []):
            path: PathKey = ("carryover", i)
            self._function_code(entry["function"], None, (*path, "function"))
            self.lines.append(Line((*path, "amount"), FUNCTION, self.amount(entry["amount"]),
                                   entry["source"], entry["kind"], entry["function"],
                                   project=entry["name"], item=str(i)))

    def _sangong(self) -> None:
        for item, value in (self.data.get("sangong") or {}).items():
            split = value if isinstance(value, dict) else {"general_budget": value}
            for source, amount in split.items():
                self.lines.append(Line(("sangong", item, source), SANGONG, self.amount(amount),
                                       source, item=item))

    def _kind_label(self, kind: str) -> str:
        return str(data_file("labels.yaml")["code_kinds"][kind])

    def _function_code(self, code: str, given: str | None, path: PathKey) -> None:
        known = self.code_list.name(codelists.FUNCTION, code)
        if given:
            self.given_names.setdefault(code, given)
        given = given or self.given_names.get(code)
        if self.code_list.year is None:
            return
        if known is None:
            rule = "codes.unknown" if given else "codes.no_name"
            self.report(rule, path, code=code, year=self.year, kind=self._kind_label("function"))
        elif given and given != known:
            self.report("codes.name_mismatch", path, code=code, expected=known, given=given)
        if known is None and not given:
            return
        for parent in (code[:3], code[:5]):
            if (self.code_list.name(codelists.FUNCTION, parent) is None
                    and parent not in self.given_names):
                self.report("codes.missing_parent", path, code=code, parent=parent,
                            year=self.year)

    def _economic_code(self, code: str, path: PathKey, *, key: bool = False) -> None:
        if self.code_list.year is None:
            return
        if self.code_list.name(codelists.ECONOMIC, code) is None:
            given = code in self.given_names  # code_names: a name the year's list lacks
            self.report("codes.unknown" if given else "codes.no_name", path, key=key,
                        code=code, year=self.year, kind=self._kind_label("economic"))
        elif self.code_list.name(codelists.ECONOMIC, code[:3]) is None:
            self.report("codes.missing_parent", path, key=key, code=code, parent=code[:3],
                        year=self.year)


def build(data: dict[str, Any], source_map: SourceMap,
          profile: Profile) -> tuple[Department, list[Diagnostic]]:
    builder = _Builder(data, source_map, profile)
    department = builder.build()
    return department, builder.diagnostics
