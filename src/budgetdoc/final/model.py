"""A 决算 department file → ledger lines.

Money is typed per function 项 (`accounts`): income by kind, spending by fund and kind,
opening and closing carry-over by fund. Every table of the 决算 is a sum over these lines
(ledger.py), so a figure printed in several tables is one figure.

Line kinds (function dimension): income; basic, project, remit, operation, subsidy (spending);
opening, closing (结转和结余); surplus_used (使用非财政拨款结余), distribution (结余分配).
三公 lines (sangong dimension) carry kind `actual` (决算数) or `budget` (全年预算数).
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostic
from ..ledger import FUNCTION, SANGONG, Ledger, Line
from ..model import Department, _Builder
from ..profile import Profile
from ..yamlload import PathKey, SourceMap

SPENDING = ("basic", "project", "remit", "operation", "subsidy")
CARRY = ("opening", "closing")
SANGONG_ITEMS = ("outbound", "vehicle_purchase", "vehicle_operation", "reception")
NONFISCAL = "nonfiscal"


class _FinalBuilder(_Builder):
    def build(self) -> Department:
        self.codes.start(self.year)
        self._accounts()
        self._basic_economic()
        self._surplus()
        self._sangong_lines()
        return Department(self.data, self.map, self.profile, Ledger(self.lines), self.codes)

    def _line(self, path: PathKey, value: Any, **fields: str) -> None:
        self.lines.append(Line(path, FUNCTION, self.amount(value), **fields))

    def _accounts(self) -> None:
        for path, entry, code in self.function_entries("accounts"):
            for source, value in (entry.get("income") or {}).items():
                self._line((*path, "income", source), value, source=source, kind="income",
                           function=code)
            for fund, kinds in (entry.get("spending") or {}).items():
                for kind, value in kinds.items():
                    self._line((*path, "spending", fund, kind), value, source=fund, kind=kind,
                               function=code)
            for kind in CARRY:
                for fund, value in (entry.get(kind) or {}).items():
                    self._line((*path, kind, fund), value, source=fund, kind=kind,
                               function=code)

    def _surplus(self) -> None:
        for key, kind in (("surplus_used", "surplus_used"),
                          ("surplus_distributed", "distribution")):
            if key in self.data:
                self._line((key,), self.data[key], source=NONFISCAL, kind=kind)

    def _sangong_lines(self) -> None:
        for item in SANGONG_ITEMS:
            entry = (self.data.get("sangong") or {}).get(item) or {}
            for key, kind in (("actual", "actual"), ("budget", "budget")):
                if key in entry:
                    self.lines.append(Line(("sangong", item, key), SANGONG,
                                           self.amount(entry[key]), "general_budget",
                                           kind=kind, item=item))


def build(data: dict[str, Any], source_map: SourceMap,
          profile: Profile) -> tuple[Department, list[Diagnostic]]:
    builder = _FinalBuilder(data, source_map, profile)
    department = builder.build()
    return department, builder.diagnostics
