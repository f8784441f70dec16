"""Checks over the department and its tables. Each check is a small function returning
diagnostics; the identities of DOMAIN.md ("How the numbers relate") are checked on the
figures as printed, so a declared 尾差 shows up where it breaks a sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from . import plausibility
from .diagnostics import Diagnostic, Location, diagnostic
from .document import Cell, Table
from .figures import Comparison, operating_costs
from .ledger import ECONOMIC, FUNCTION, SANGONG, Figure, Filter
from .model import Department
from .numbers import D, fmt_amount, from_wan, round_cent, round_to, to_wan
from .resources import data_file
from .yamlload import PathKey

Overrides = dict[frozenset[PathKey], Decimal]


def _printed(cell: Cell) -> Decimal:
    """The amount as the table prints it (its unit and decimals)."""
    shown = cell.shown
    return shown if shown is not None else Decimal(0)


def _step(cell: Cell) -> Decimal:
    """One unit of the last printed decimal: the 尾差 a rounded part can carry."""
    return Decimal(1).scaleb(-cell.decimals)


def _fmt(cell: Cell, value: Decimal) -> str:
    return fmt_amount(value, decimals=cell.decimals)


def _where(dept: Department, figure: Figure | None) -> Location:
    """A figure is located at the first line it sums (where its money was typed)."""
    if figure is None or not figure.key:
        return Location(dept.source_map.file)
    return dept.locate(min(figure.key, key=lambda p: tuple(str(x) for x in p)))


def _cells(table: Table, row: str, column: int) -> Cell | None:
    for candidate in table.rows:
        for names, cells in candidate.addresses:
            if row in names and column in cells:
                return cells[column]
    return None


def resolve_deviations(dept: Department, tables: list[Table]) -> tuple[Overrides, list[Diagnostic]]:
    """Turn `known_deviations` (table, row, column, printed) into overrides by figure key."""
    overrides: Overrides = {}
    found: list[Diagnostic] = []
    by_number = {t.number: t for t in tables}
    for i, entry in enumerate(dept.data.get("known_deviations") or []):
        if "table" not in entry:
            continue  # a printed rate or share: see narrative.declared_figures
        path: PathKey = ("known_deviations", i)
        where = dept.locate(path)
        fields: dict[str, Any] = {"table": entry["table"], "row": entry["row"],
                                  "column": entry["column"]}
        table = by_number.get(entry["table"])
        cell = _cells(table, str(entry["row"]), entry["column"]) if table else None
        if cell is None or cell.figure is None or not cell.figure.key:
            found.append(diagnostic("balance.deviation_no_cell", where, **fields))
            continue
        printed = D(entry["printed"])
        computed = round_to(from_wan(cell.figure.computed, cell.unit), cell.decimals)
        diff = printed - computed
        allowed = _step(cell) * cell.figure.parts
        fields |= {"printed": _fmt(cell, printed), "computed": _fmt(cell, computed),
                   "diff": _fmt(cell, abs(diff)), "tolerance": _fmt(cell, allowed)}
        if abs(diff) > allowed:
            found.append(diagnostic("balance.deviation_too_large", where, **fields))
            continue
        overrides[cell.figure.key] = to_wan(printed, cell.unit)
        if diff:
            found.append(diagnostic("balance.rounding", where, **fields))
    return overrides, found


def _compare(dept: Department, table: Table, label: str, column: int, total: Cell,
             parts: list[Cell], named: str = "") -> Iterable[Diagnostic]:
    """A total against the sum of its printed parts: equal, a 尾差 within the tolerance
    (reported under the identity's own rule `named`, else balance.subtotal_rounding), or an
    error."""
    if total.figure is None or total.figure.overridden:
        return  # a declared printed figure was reported where it was declared
    value = _printed(total)
    summed = sum((_printed(p) for p in parts), Decimal(0))
    diff = value - summed
    if not diff:
        return
    allowed = _step(total) * max(total.figure.parts, len(parts))
    known = data_file("messages.yaml")["rules"]
    rounding = named if named in known else "balance.subtotal_rounding"
    rule = rounding if abs(diff) <= allowed else "balance.subtotal"
    yield diagnostic(rule, _where(dept, total.figure), table=table.number, row=label,
                     column=column, value=_fmt(total, value), parts=_fmt(total, summed),
                     diff=_fmt(total, abs(diff)))


def table_identities(dept: Department, table: Table) -> list[Diagnostic]:
    """Subtotals = Σ children; 合计 columns = Σ their columns; 收入总计 = 支出总计."""
    found: list[Diagnostic] = []
    children: dict[int, list[int]] = {}
    for i, row in enumerate(table.rows):
        if row.parent is not None:
            children.setdefault(row.parent, []).append(i)
    for parent, kids in children.items():
        names, cells = table.rows[parent].addresses[0]
        for column, total in cells.items():
            parts = [table.rows[k].addresses[0][1][column] for k in kids]
            found += _compare(dept, table, names[0], column, total, parts,
                              table.identities.get("tree", ""))
    labelled: dict[str, dict[int, Cell]] = {}
    for row in table.rows:
        for side, (names, cells) in enumerate(row.addresses):
            if side == 0 or table.balance is None:
                labelled.setdefault(names[0], cells)
            for column, members in table.column_sums[min(side, len(table.column_sums) - 1)].items():
                if column in cells:
                    found += _compare(dept, table, names[0], column, cells[column],
                                      [cells[m] for m in members if m in cells],
                                      table.identities.get(f"column:{column}", ""))
    for label, members in table.label_sums.items():
        if label not in labelled:
            continue
        for column, total in labelled[label].items():
            parts = [labelled[m][column] for m in members if m in labelled and
                     column in labelled[m]]
            found += _compare(dept, table, label, column, total, parts,
                              table.identities.get(f"label:{label}", ""))
    if table.balance is not None and table.rows:
        found += _balance(dept, table)
    return found


def _balance(dept: Department, table: Table) -> list[Diagnostic]:
    last = table.rows[-1]
    (_, income), (_, expenditure) = last.addresses
    found: list[Diagnostic] = []
    classes = [row.addresses[1][1] for row in table.rows[:-1] if len(row.addresses) > 1]
    classes += [row.addresses[0][1] for row in table.rows[:-1]
                if len(row.addresses) == 1 and row.addresses[0][0][0].isdigit()]
    for column, total in expenditure.items():
        found += _compare(dept, table, table.balance[1], column, total,
                          [c[column] for c in classes if column in c])
    left, right = _printed(income[1]), _printed(expenditure[1])
    if left != right:
        found.append(diagnostic("balance.total", _where(dept, income[1].figure),
                                table=table.number, income=_fmt(income[1], left),
                                expenditure=_fmt(expenditure[1], right)))
    return found


def basic_by_economic(dept: Department, rule: str = "crosstable.basic_by_economic"
                      ) -> list[Diagnostic]:
    """Table 6 total = table 5 基本支出 total (two decompositions of the same money); `rule`
    and `rule`_rounding name the difference."""
    profile = dept.profile
    economic = dept.ledger.total(Filter(dimension=ECONOMIC))
    functional = dept.ledger.total(Filter(dimension=FUNCTION,
                                          sources=profile.source_set(["general"]),
                                          kinds=frozenset({"basic", "personnel", "operating"})))
    a, b = round_cent(economic.value), round_cent(functional.value)
    if a == b:
        return []
    allowed = profile.tolerance_per_part * max(economic.parts, functional.parts)
    rule = f"{rule}_rounding" if abs(a - b) <= allowed else rule
    where = dept.locate(("basic_economic",)) if economic.key else _where(dept, functional)
    return [diagnostic(rule, where, economic=dept.money(economic.value),
                       functional=dept.money(functional.value),
                       diff=dept.money(abs(economic.value - functional.value)))]


def sangong_by_economic(dept: Department) -> list[Diagnostic]:
    """公务接待费 and 公务用车运行费 normally equal lines 30217 and 30231 of table 6."""
    found: list[Diagnostic] = []
    labels = {row["items"][0]: row["label"] for spec in dept.profile.tables["tables"]
              if spec["layout"] == "fixed_rows" for row in spec["rows"] if len(row["items"]) == 1}
    general = dept.profile.source_set(["general"])
    for item, code in dept.profile.sangong_economic.items():
        sangong = dept.ledger.total(Filter(dimension=SANGONG, sources=general,
                                           items=frozenset({item})))
        economic = dept.ledger.total(Filter(dimension=ECONOMIC, economic=code))
        if round_cent(sangong.value) != round_cent(economic.value):
            where = _where(dept, sangong if sangong.key else economic)
            found.append(diagnostic("crosstable.sangong_economic", where,
                                    item=labels.get(item, item), sangong=dept.money(sangong.value),
                                    code=code, name=dept.economic_name(code),
                                    economic=dept.money(economic.value)))
    return found


def operating_costs_match(dept: Department) -> list[Diagnostic]:
    """机关运行经费 is the 公用经费 of 行政 and 参公 units: it matches the economic table's
    公用经费 unless the department declares 事业 units, whose 公用经费 that table includes."""
    institution = data_file("labels.yaml")["unit_kinds"]["institution"]
    if dept.data.get("operating_costs") is None or institution in dept.unit_kinds:
        return []
    value = operating_costs(dept)
    operating = dept.ledger.total(Filter(dimension=ECONOMIC, kinds=frozenset({"operating"})))
    if round_cent(value) == round_cent(operating.value):
        return []
    spec = dept.profile.table_spec("general_basic_economic") or {}
    return [diagnostic("crosstable.operating_costs", dept.locate(("operating_costs",)),
                       value=dept.money(value), operating=dept.money(operating.value),
                       table=spec.get("number", ""))]


def fund_basic_split(dept: Department) -> list[Diagnostic]:
    """Tables 8 and 9 print 人员经费 and 公用经费: their basic money must be split."""
    found: list[Diagnostic] = []
    for spec in dept.profile.tables["tables"]:
        if not spec.get("split_basic"):
            continue
        sources = dept.profile.source_set(spec["columns"][0]["sources"])
        for line in dept.ledger.select(Filter(sources=sources, kinds=frozenset({"basic"}))):
            if line.amount:
                found.append(diagnostic("model.fund_basic_unsplit", dept.locate(line.path),
                                        code=line.function, table=spec["number"],
                                        source=dept.profile.sources[line.source]["name"]))
    return found


def staff_counts(dept: Department) -> list[Diagnostic]:
    staff = (dept.data.get("overview") or {}).get("staff") or {}
    if "actual" not in staff:
        return []
    parts = sum(staff.get(k, 0) for k in ("in_service", "retired", "lixiu"))
    if parts == staff["actual"]:
        return []
    return [diagnostic("staff.actual_mismatch", dept.locate(("overview", "staff", "actual")),
                       actual=staff["actual"], sum=parts)]


def changes(dept: Department, found: list[Comparison], prior_file: str) -> list[Diagnostic]:
    """Every comparison the narrative makes has last year's figure, and a reason if it moved."""
    out: list[Diagnostic] = []
    prior_word = data_file("labels.yaml")["prior_figure"][dept.profile.kind]
    for comparison in found:
        if not comparison.required:
            if _entered(dept, comparison):
                out.append(diagnostic("changes.unused", dept.locate(comparison.path, key=True),
                                      item=comparison.label))
            continue
        where = dept.locate(comparison.path, key=True)
        if comparison.prior_in_file is not None and comparison.prior is not None:
            shown = str if comparison.count else dept.money
            out.append(diagnostic("changes.prior_mismatch", where, item=comparison.label,
                                  prior_word=prior_word,
                                  given=shown(comparison.prior),
                                  derived=shown(comparison.prior_in_file)))
        if comparison.prior is None:
            if comparison.id == "sangong.total":
                continue  # reported on its items
            out.append(diagnostic("changes.missing_prior", where, item=comparison.label,
                                  prior_file=prior_file, prior_word=prior_word))
            continue
        diff = comparison.current - comparison.prior
        if (diff and not (comparison.reason or "").strip() and not comparison.count
                and not comparison.reason_optional):
            labels = data_file("labels.yaml")["direction"]
            out.append(diagnostic("changes.missing_reason", where, item=comparison.label,
                                  direction=labels["up" if diff > 0 else "down"],
                                  diff=dept.money(abs(diff))))
    return out


def _entered(dept: Department, comparison: Comparison) -> bool:
    node: Any = dept.data
    for key in comparison.path:
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return True


def department_checks(dept: Department) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for check in (basic_by_economic, sangong_by_economic, operating_costs_match,
                  fund_basic_split, staff_counts, plausibility.unit_mixup):
        found += check(dept)
    return found
