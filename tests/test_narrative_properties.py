"""Properties of the prose on generated priors: the direction word follows the sign of the
change, the rate follows the printed amounts, and a share's denominator is the total its
section names. Everything is read back from the generated sentences themselves."""

from __future__ import annotations

import re
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetdoc import pipeline
from budgetdoc.numbers import change_rate, share
from conftest import variant

amounts = st.integers(min_value=0, max_value=10**7).map(lambda c: Decimal(c) / 100)

CHANGE = re.compile(r"比上年预算(增加|减少) ([\d,]+\.\d\d) 万元，(增长|下降) ([\d.]+)%")
ITEM = re.compile(r"预算数为 ([\d,]+\.\d\d) 万元，比上年预算(增加|减少) ([\d,]+\.\d\d) 万元，"
                  r"(增长|下降) ([\d.]+)%")
SHARE = re.compile(r"([\d,]+\.\d\d) 万元，占 ([\d.]+)%")
TOTAL = re.compile(r"(?:收入预算|支出预算|拨款合计) ([\d,]+\.\d\d) 万元，其中")


def D(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _document(priors: dict[str, Decimal]) -> list[str]:
    def edit(data) -> None:
        # 单位资金 too, so that the totals of sections 二/三 and 五 differ
        data["projects"].append({"name": "自有资金项目", "function": "2010302", "unit_other": 30})
        changes = data["changes"]
        changes["income"]["unit_funds"] = {"prior": 30}
        for path, value in priors.items():
            node = changes
            *parents, leaf = path.split("/")
            for key in parents:
                node = node[key]
            node[leaf] = {"prior": float(value), "reason": "测试原因"}

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "2024.yaml"
        path.write_text(variant(edit), encoding="utf-8")
        result = pipeline.run(path)
    assert result.ok, [d.message for d in result.diagnostics]
    return [b.text for b in result.document.parts[2].blocks if hasattr(b, "text")]


PRIORS = ["income/general_budget", "expenditure/basic", "expenditure/project",
          "general_budget/basic", "general_budget/project", "general_budget/functions/2010350",
          "general_budget/functions/2080505", "general_budget/functions/2010302",
          "sangong/reception", "sangong/vehicle_operation", "operating_costs",
          "income/unit_funds"]

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.fixed_dictionaries({p: amounts for p in PRIORS}))
def test_direction_words_and_rates(priors: dict[str, Decimal]) -> None:
    lines = _document(priors)
    found = 0
    for line in lines:
        for word, _diff, rate_word, _rate in CHANGE.findall(line):
            assert (word, rate_word) in (("增加", "增长"), ("减少", "下降"))
            found += 1
        for current, word, diff, rate_word, rate in ITEM.findall(line):
            prior = D(current) - D(diff) if word == "增加" else D(current) + D(diff)
            assert (word == "增加") == (prior <= D(current)) == (rate_word == "增长")
            assert Decimal(rate) == change_rate(D(current), prior)
    assert found >= 10


@SETTINGS
@given(st.fixed_dictionaries({p: amounts for p in PRIORS}))
def test_shares_use_the_total_their_section_names(priors: dict[str, Decimal]) -> None:
    lines = _document(priors)
    checked = 0
    total = None
    for line in lines:
        named = TOTAL.search(line)
        if named:
            total = D(named.group(1))
        if line.startswith("（二）一般公共预算当年拨款结构情况"):
            total = D(next(TOTAL.search(x).group(1) for x in lines if "拨款合计" in x))
        for amount, printed in SHARE.findall(line):
            assert total is not None
            assert Decimal(printed) == share(D(amount), total), (line, total)
            checked += 1
    assert checked >= 5
