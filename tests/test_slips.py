"""Slips real publications carry (doubled words, 主要原因是是, allocation amounts that do not add
up, names and numbers run together): each warned about, at its place, with what to write."""

from __future__ import annotations

from budgetdoc import pipeline
from conftest import MINIMAL


def warned(write, text: str) -> dict[str, list]:
    result = pipeline.run(write(text))
    assert result.ok, [d.message for d in result.diagnostics]
    found: dict[str, list] = {}
    for d in result.diagnostics:
        found.setdefault(d.rule, []).append(d)
    return found


def test_doubled_word_at_its_column(write) -> None:
    text = MINIMAL.replace("reason: 人员增加}\n    fund_budget",
                           "reason: 部门预算预算人员增加}\n    fund_budget")
    [slip] = warned(write, text)["text.doubled_word"]
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "预算预算" in ln)
    assert (slip.location.line, slip.location.column) == (
        line, text.splitlines()[line - 1].index("预算预算") + 1)
    assert slip.severity.name == "WARNING" and "改为“预算”" in slip.remedy


def test_single_repeated_characters_and_allowed_doubles_pass(write) -> None:
    text = MINIMAL + "other_matters: 常常开展调研，层层落实，研究研究再定。\n"
    assert "text.doubled_word" not in warned(write, text)


def test_reason_that_repeats_the_lead_in(write) -> None:
    text = MINIMAL.replace("basic: {prior: 90.00, reason: 人员增加}",
                           "basic: {prior: 90.00, reason: 是人员增加}", 1)
    [slip] = warned(write, text)["text.lead_in_repeated"]
    assert "“主要原因是是人员增加…”" in slip.message and "写成“人员增加…”" in slip.remedy
    purpose = MINIMAL.replace('"201": 机关日常运转和业务工作', '"201": 用于机关日常运转')
    [slip] = warned(write, purpose)["text.lead_in_repeated"]
    assert "主要用于用于机关日常运转" in slip.message
    fine = MINIMAL.replace("basic: {prior: 90.00, reason: 人员增加}",
                           "basic: {prior: 90.00, reason: 人员是增加的}", 1)
    assert "text.lead_in_repeated" not in warned(write, fine)


def test_allocation_amounts_that_do_not_add_up(write) -> None:
    line = '    economic: {"302": 50.00}\n'
    wrong = MINIMAL.replace(line, line + "    allocation: 办公费 20 万元、差旅费 25.5 万元\n")
    [slip] = warned(write, wrong)["text.allocation_sum"]
    assert "列出 2 个金额，合计 45.50 万元，与项目金额 50.00 万元不一致" in slip.message
    right = MINIMAL.replace(line, line + "    allocation: 办公费 20 万元、差旅费 300000 元\n")
    assert "text.allocation_sum" not in warned(write, right)
    one = MINIMAL.replace(line, line + "    allocation: 主要用于办公，其中办公费 20 万元\n")
    assert "text.allocation_sum" not in warned(write, one)


def test_allocation_may_list_the_fiscal_part_only(write) -> None:
    line = '    economic: {"302": 50.00}\n'
    text = MINIMAL.replace(line, line + "    unit_other: 30.00\n"
                                        "    allocation: 办公费 20 万元；差旅费 30 万元\n")
    text = text.replace("project: {prior: 50.00}\n  general_budget",
                        "project: {prior: 50.00, reason: 新增单位资金}\n  general_budget")
    text = text.replace("    state_capital_budget: {prior: 0}\n",
                        "    state_capital_budget: {prior: 0}\n    unit_funds: {prior: 0, reason: 新增}\n")
    assert "text.allocation_sum" not in warned(write, text)


def test_names_and_numbers_run_together(write) -> None:
    text = MINIMAL + ("performance:\n  department:\n    contact: 陈慧陈雪儿\n"
                      "    phone: \"23625572367817\"\n  projects:\n    - project: 业务经费\n"
                      "      manager: 张三13912345678\n")
    found = warned(write, text)
    assert "“陈慧陈雪儿”" in found["text.names_run_together"][0].message
    assert "如“2362557、2367817”" in found["text.phones_run_together"][0].remedy
    [mixed] = found["text.name_with_number"]
    assert "人名（张三）" in mixed.remedy and "（13912345678）" in mixed.remedy


def test_ordinary_contacts_pass(write) -> None:
    text = MINIMAL + ("performance:\n  department:\n    contact: 王晶磊、高艳\n"
                      "    phone: \"0994-2345678、15199367129\"\n")
    found = warned(write, text)
    assert not {r for r in found if r.startswith("text.")}
