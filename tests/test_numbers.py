from decimal import Decimal as D

import pytest

from budgetdoc.numbers import D as to_decimal
from budgetdoc.numbers import change_rate, fmt_amount, round_cent, share


@pytest.mark.parametrize(("part", "whole", "printed"), [
    ("232.31", "342.31", "67.87"),  # seed 004 一般公共预算 share
    ("110.00", "342.31", "32.13"),  # seed 004 单位资金 share
    ("0", "342.31", "0.00"),
    ("5", "0", "0.00"),
])
def test_share_as_the_seeds_print_it(part: str, whole: str, printed: str) -> None:
    assert share(D(part), D(whole)) == D(printed)


@pytest.mark.parametrize(("current", "prior", "printed"), [
    ("232.31", "202.18", "14.90"),  # seed 004: 增加 30.13，增长 14.90%
    ("221.34", "279.17", "20.71"),  # seed 000: 减少 57.83，下降 20.71%
    ("0.20", "0", "100.00"),  # last year 0 → 100.00%
    ("0", "0", "0.00"),  # both 0 → 0.00%
    ("0", "45.00", "100.00"),  # 下降 100.00%
])
def test_rate_as_the_seeds_print_it(current: str, prior: str, printed: str) -> None:
    assert change_rate(D(current), D(prior)) == D(printed)


def test_half_up_not_bankers() -> None:
    assert round_cent(D("0.125")) == D("0.13")
    assert round_cent(D("2.675")) == D("2.68")
    assert fmt_amount(D("2326.665")) == "2,326.67"
    assert fmt_amount(D("-0.001")) == "0.00"


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        to_decimal(0.1)
