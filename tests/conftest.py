from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

# A small, valid department: every figure below can be checked by hand.
#   basic 一般公共预算 80 + 20 = 100 = table 6 (60 + 20 + 15 + 1 + 4); project 50 (302).
MINIMAL = textwrap.dedent("""\
    meta:
      department: 测试局
      year: 2024
      kind: 预算
      published: 2024-02-20
      unit: 万元
    overview:
      staff: {authorized: 5, actual: 6, in_service: 5, retired: 1, lixiu: 0}
    basic:
      - function: "2010350"
        general_budget: 80.00
      - function: "2080505"
        general_budget: 20.00
    basic_economic:
      "30101": 60.00
      "30108": 20.00
      "30201": 15.00
      "30217": 1.00
      "30231": 4.00
    projects:
      - name: 业务经费
        function: "2010302"
        general_budget: 50.00
        economic: {"302": 50.00}
    class_purposes:
      "201": 机关日常运转和业务工作
      "208": 缴纳基本养老保险
    sangong:
      reception: 1.00
      vehicle_operation: 4.00
    changes:
      income:
        general_budget: {prior: 140.00, reason: 人员增加}
        fund_budget: {prior: 0}
        state_capital_budget: {prior: 0}
      expenditure:
        basic: {prior: 90.00, reason: 人员增加}
        project: {prior: 50.00}
      general_budget:
        basic: {prior: 90.00, reason: 人员增加}
        project: {prior: 50.00}
        functions:
          "2010350": {prior: 72.00, reason: 人员增加}
          "2080505": {prior: 18.00, reason: 缴费基数提高}
          "2010302": {prior: 50.00}
      sangong:
        outbound: {prior: 0}
        vehicle_purchase: {prior: 0}
        vehicle_operation: {prior: 4.00}
        reception: {prior: 1.00}
      operating_costs: {prior: 20.00}
      staff:
        in_service: {prior: 4}
        retired: {prior: 1}
        lixiu: {prior: 0}
    """)


@pytest.fixture
def write(tmp_path: Path):
    """write(text, name='2024.yaml') → the path of a department file holding `text`."""

    def _write(text: str, name: str = "2024.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def variant(edit) -> str:
    """MINIMAL with `edit(data)` applied to a parsed copy, dumped back to YAML."""
    import yaml

    data = yaml.safe_load(MINIMAL)
    edit(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
