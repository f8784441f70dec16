"""Properties of the calculator on generated departments (hypothesis).

The identities are those of DOMAIN.md, written out here independently of tables.yaml's
`sum_of` declarations, and totals are compared with sums taken straight from the data.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetdoc import checks, codes, model, tables
from budgetdoc.numbers import ZERO, change_rate, share
from budgetdoc.profile import load
from budgetdoc.yamlload import SourceMap

CODES = codes.for_year(2024)
FUNCTION_LEAVES = sorted(c for c in CODES.names["function"] if len(c) == 7)
ECONOMIC_LEAVES = sorted(c for c in CODES.names["economic"] if len(c) == 5)
PROJECT_CLASSES = load().project_economic_classes
CURRENT_SOURCES = ["general_budget", "general_transfer", "fund_budget", "state_capital_budget",
                   "special_account", "unit_business", "unit_other"]
CARRY_SOURCES = ["carryover_general", "carryover_fund", "carryover_special_account",
                 "carryover_unit"]

amounts = st.integers(min_value=0, max_value=10**9).map(lambda cents: Decimal(cents) / 100)
positive = st.integers(min_value=1, max_value=10**9).map(lambda cents: Decimal(cents) / 100)


@st.composite
def departments(draw: Any) -> dict[str, Any]:
    basic = []
    for code in draw(st.lists(st.sampled_from(FUNCTION_LEAVES), unique=True, max_size=8)):
        entry: dict[str, Any] = {"function": code}
        for source in draw(st.lists(st.sampled_from(["general_budget", "general_transfer",
                                                     "unit_other"]), unique=True, max_size=2)):
            entry[source] = draw(amounts)
        if draw(st.booleans()):
            entry["personnel"] = {"fund_budget": draw(amounts)}
            entry["operating"] = {"state_capital_budget": draw(amounts)}
        basic.append(entry)
    projects = []
    for i in range(draw(st.integers(0, 5))):
        entry = {"name": f"项目{i}", "function": draw(st.sampled_from(FUNCTION_LEAVES))}
        split = draw(st.dictionaries(st.sampled_from(PROJECT_CLASSES), positive, max_size=3))
        if split:
            entry["economic"] = split
            entry["general_budget"] = sum(split.values(), ZERO)
        for source in draw(st.lists(st.sampled_from(CURRENT_SOURCES[2:]), unique=True,
                                    max_size=2)):
            entry[source] = draw(positive)
        if len(entry) == 2:
            entry["unit_other"] = draw(positive)
        projects.append(entry)
    carryover = [{"name": f"结转{i}", "function": draw(st.sampled_from(FUNCTION_LEAVES)),
                  "source": draw(st.sampled_from(CARRY_SOURCES)),
                  "kind": draw(st.sampled_from(["personnel", "operating", "project"])),
                  "amount": draw(amounts)} for i in range(draw(st.integers(0, 3)))]
    economic = draw(st.dictionaries(st.sampled_from(ECONOMIC_LEAVES), amounts, max_size=10))
    sangong = draw(st.dictionaries(
        st.sampled_from(["outbound", "reception", "vehicle_purchase", "vehicle_operation"]),
        st.one_of(amounts, st.fixed_dictionaries({"general_budget": amounts,
                                                  "fund_budget": amounts}))))
    return {
        "meta": {"department": "生成局", "year": 2024, "kind": "预算", "unit": "万元"},
        "basic": basic, "projects": projects, "carryover": carryover,
        "basic_economic": economic, "sangong": sangong,
    }


def _build(data: dict[str, Any]) -> tuple[model.Department, dict[int, Any]]:
    department, _ = model.build(data, SourceMap("generated.yaml"), load())
    return department, {t.number: t for t in tables.build_tables(department)}


def _values(row: Any, side: int = 0) -> dict[int, Decimal]:
    return {k: c.value or ZERO for k, c in row.addresses[side][1].items()}


def _row(table: Any, name: str, side: int = 0) -> dict[int, Decimal]:
    for row in table.rows:
        if len(row.addresses) > side and name in row.addresses[side][0]:
            return _values(row, side)
    raise AssertionError(f"no row {name} in table {table.number}")


COLUMN_IDENTITIES = {  # table → {column: its parts}, from DOMAIN.md
    2: {1: [2, 9, 10, 11, 12], 2: [3, 4, 5, 6, 7, 8]},
    3: {1: [2, 3]}, 5: {1: [2, 3]}, 6: {1: [2, 3]},
    7: {1: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]},
    8: {1: [2, 3, 4]}, 9: {1: [2, 3, 4]}, 10: {1: [2, 3, 4]},
    11: {1: [2, 6], 2: [3, 4, 5], 6: [7, 8, 9]},
}

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(departments())
def test_every_subtotal_is_the_sum_of_its_parts(data: dict[str, Any]) -> None:
    _, built = _build(data)
    for table in built.values():
        for i, row in enumerate(table.rows):
            kids = [r for r in table.rows if r.parent == i]
            if kids:
                for column, value in _values(row).items():
                    assert value == sum((_values(k)[column] for k in kids), ZERO), (
                        table.number, row.addresses[0][0], column)


@FAST
@given(departments())
def test_column_identities(data: dict[str, Any]) -> None:
    _, built = _build(data)
    for number, identities in COLUMN_IDENTITIES.items():
        for row in built[number].rows:
            values = _values(row)
            for column, parts in identities.items():
                assert values[column] == sum((values[p] for p in parts), ZERO), (number, column)


@FAST
@given(departments())
def test_income_equals_expenditure_and_the_data(data: dict[str, Any]) -> None:
    _, built = _build(data)
    entered = ZERO
    for entry in data["basic"]:
        entered += sum((v for k, v in entry.items() if k != "function" and not isinstance(v, dict)),
                       ZERO)
        entered += sum(entry.get("personnel", {}).values(), ZERO)
        entered += sum(entry.get("operating", {}).values(), ZERO)
    for entry in data["projects"]:
        entered += sum((v for k, v in entry.items() if k in CURRENT_SOURCES), ZERO)
    entered += sum((c["amount"] for c in data["carryover"]), ZERO)
    t1 = built[1]
    assert _row(t1, "收入总计")[1] == entered
    assert _row(t1, "支出总计", side=1)[1] == entered
    assert _row(built[3], "总计")[1] == entered
    assert _row(t1, "一、本年收入")[1] + _row(t1, "二、上年结转结余")[1] == entered
    general = sum((e.get(s, ZERO) for e in data["basic"] + data["projects"]
                   for s in ("general_budget", "general_transfer")), ZERO)
    if general:
        assert _row(built[5], "总计")[1] == general
        assert _row(built[4], "收入总计")[1] == _row(built[4], "支出总计", side=1)[1]
    project_economic = sum((v for p in data["projects"] for v in p.get("economic", {}).values()),
                           ZERO)
    if project_economic:
        assert _row(built[7], "总计")[1] == project_economic
    economic_total = sum(data["basic_economic"].values(), ZERO)
    if economic_total:
        assert _row(built[6], "总计")[1] == economic_total


@FAST
@given(departments())
def test_generated_departments_pass_the_table_checks(data: dict[str, Any]) -> None:
    department, built = _build(data)
    for table in built.values():
        assert checks.table_identities(department, table) == []


@given(amounts, amounts)
def test_share_is_a_percentage_of_its_whole(part: Decimal, rest: Decimal) -> None:
    whole = part + rest
    value = share(part, whole)
    assert Decimal(0) <= value <= Decimal(100)
    if whole:
        assert abs(value - part / whole * 100) <= Decimal("0.005")


@given(amounts, amounts)
def test_rate_conventions(current: Decimal, prior: Decimal) -> None:
    rate = change_rate(current, prior)
    assert rate >= 0
    if prior == 0:
        assert rate == (Decimal(100) if current else Decimal(0))
    else:
        assert abs(rate - abs(current - prior) / prior * 100) <= Decimal("0.005")
