"""第一、三、四部分: each section and each conditional form, on the smallest input."""

from __future__ import annotations

from budgetdoc import pipeline
from conftest import MINIMAL, variant


def text(write, source: str, part: int = 2) -> list[str]:
    result = pipeline.run(write(source))
    assert result.ok, [f"{d.rule} {d.message}" for d in result.diagnostics]
    return [b.text for b in result.document.parts[part].blocks if hasattr(b, "text")]


def section(lines: list[str], start: str, end: str | None = None) -> list[str]:
    i = next(n for n, line in enumerate(lines) if line.startswith(start))
    j = next((n for n, line in enumerate(lines) if end and line.startswith(end)), len(lines))
    return lines[i:j]


def _fund(data) -> None:
    data["projects"].append({"name": "基金项目", "function": "2120801", "fund_budget": 30})
    data["class_purposes"]["212"] = "城市建设"
    data["code_names"] = {"21208": "国有土地使用权出让收入安排的支出",
                          "2120801": "城乡社区规划与管理"}
    data["changes"]["income"]["fund_budget"] = {"prior": 0, "reason": "新增城市建设项目"}
    data["changes"]["expenditure"]["project"] = {"prior": 50, "reason": "新增城市建设项目"}


def test_overview_with_staff_changes(write) -> None:
    lines = text(write, MINIMAL, part=0)
    assert lines[2] == "测试局无下属预算单位，下设 0 个科室。"
    assert lines[3] == ("测试局编制数 5，实有人数 6 人，其中：在职 5 人，增加 1 人；"
                        "退休 1 人，增加 0 人；离休 0 人，增加 0 人。")
    units = MINIMAL.replace("overview:\n", "overview:\n  subordinate_units: [一中心]\n"
                                           "  sections: [办公室, 业务科]\n")
    assert text(write, units, part=0)[2] == (
        "测试局有下属预算单位 1 个，分别是：一中心，下设 2 个科室，分别是：办公室、业务科。")


def test_only_general_budget(write) -> None:
    lines = section(text(write, MINIMAL), "四、", "五、")
    assert "收入全部为一般公共预算拨款，无政府性基金预算拨款和国有资本经营预算。" in lines
    assert lines[-1] == ("一般公共预算支出包括：一般公共服务支出 130.00 万元，主要用于机关日常运转和业务"
                         "工作；社会保障和就业支出 20.00 万元，主要用于缴纳基本养老保险。")


def test_fund_budget_present(write) -> None:
    lines = text(write, variant(_fund))
    four = section(lines, "四、", "五、")
    assert not any(line.startswith("收入全部为") for line in four)
    assert "收入预算包括：一般公共预算拨款 150.00 万元、政府性基金预算拨款 30.00 万元。" in four
    assert four[-1] == "政府性基金预算支出包括：城乡社区支出 30.00 万元，主要用于城市建设。"
    eight = section(lines, "八、", "九、")
    assert eight[1] == ("测试局 2024 年政府性基金预算拨款安排的支出 30.00 万元，其中：基本支出 0.00 万元，"
                        "项目支出 30.00 万元。")
    assert "政府性基金预算 30.00 万元，占 16.67%，比上年预算增加 30.00 万元，增长 100.00%，" \
           "主要原因是新增城市建设项目。" in lines


def test_transfer_lines(write) -> None:
    lines = text(write, MINIMAL)
    assert lines.count("上级一般公共预算安排的转移支付资金未安排。") == 1
    assert "上级政府性基金安排的转移支付资金未安排。" in lines
    source = MINIMAL.replace('  - function: "2080505"\n    general_budget: 20.00\n',
                             '  - function: "2080505"\n    general_transfer: 20.00\n').replace(
        "    fund_budget: {prior: 0}\n",
        "    fund_budget: {prior: 0}\n    general_transfer: {prior: 20.00}\n").replace(
        "general_budget: {prior: 140.00, reason: 人员增加}",
        "general_budget: {prior: 120.00, reason: 人员增加}")
    lines = text(write, source)
    assert ("上级一般公共预算安排的转移支付 20.00 万元，占 13.33%，比上年预算增加 0.00 万元，"
            "增长 0.00%。") in lines


def test_unit_funds_shown_when_only_last_year_had_them(write) -> None:
    source = MINIMAL.replace("    fund_budget: {prior: 0}\n", "    fund_budget: {prior: 0}\n"
                             "    unit_funds: {prior: 45.00, reason: 不再安排单位资金}\n")
    lines = text(write, source)
    assert ("单位资金 0.00 万元，占 0.00%，比上年预算减少 45.00 万元，下降 100.00%，"
            "主要原因是不再安排单位资金。") in lines
    assert not any(line.startswith("单位资金") for line in text(write, MINIMAL))


def test_default_reason_when_both_years_are_zero(write) -> None:
    lines = text(write, MINIMAL)
    assert ("政府性基金预算 0.00 万元，占 0.00%，比上年预算增加 0.00 万元，增长 0.00%，"
            "主要原因是2023 年和 2024 年均未安排政府性基金预算支出。") in lines


def test_unchanged_amount_without_reason_has_no_reason_clause(write) -> None:
    lines = section(text(write, MINIMAL), "五、", "六、")
    assert "项目支出 50.00 万元，比上年预算增加 0.00 万元，增长 0.00%。" in lines


def test_one_item_per_general_budget_xiang(write) -> None:
    lines = section(text(write, MINIMAL), "（三）", "六、")
    assert lines[1:] == [
        "1、一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）一般行政管理事务（项）：2024 年预算数为"
        " 50.00 万元，比上年预算增加 0.00 万元，增长 0.00%。",
        "2、一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）事业运行（项）：2024 年预算数为"
        " 80.00 万元，比上年预算增加 8.00 万元，增长 11.11%。主要原因是人员增加。",
        "3、社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）："
        "2024 年预算数为 20.00 万元，比上年预算增加 2.00 万元，增长 11.11%。主要原因是缴费基数提高。",
    ]


def test_projects_section(write) -> None:
    lines = section(text(write, MINIMAL), "七、", "八、")
    assert lines[1:] == ["（一）项目名称：业务经费", "预算安排规模：50.00 万元",
                         "资金执行时间：2024 年 1 月 1 日—2024 年 12 月 31 日"]
    def no_general_project(data) -> None:
        project = data["projects"][0]
        del project["general_budget"], project["economic"]
        project["unit_other"] = 50
        data["changes"]["general_budget"]["project"] = {"prior": 0}
        del data["changes"]["general_budget"]["functions"]["2010302"]
        data["changes"]["income"]["general_budget"]["prior"] = 90
        data["changes"]["income"]["unit_funds"] = {"prior": 50}

    none = variant(no_general_project)
    assert section(text(write, none), "七、", "八、")[1:] == [
        "测试局 2024 年没有一般公共预算项目支出。"]


def test_sangong(write) -> None:
    lines = section(text(write, MINIMAL), "十、", "十一、")
    assert lines[1] == ("测试局 2024 年财政拨款“三公”经费预算数为 5.00 万元，其中：因公出国（境）费 0 万元，"
                        "公务用车购置费 0 万元，公务用车运行费 4.00 万元，公务接待费 1.00 万元。")
    assert lines[2].startswith("2024 年财政拨款“三公”经费预算比上年预算增加 0.00 万元，增长 0.00%，其中：")
    assert "因公出国（境）费增加 0.00 万元，增长 0.00%，主要原因是2023 年和 2024 年均未安排因公出国（境）费预算；" \
        in lines[2]


def _carry(data) -> None:
    data["carryover"] = [
        {"name": "维修经费", "function": "2010302", "source": "carryover_general",
         "kind": "project", "amount": 10, "purpose": "办公楼维修"},
        {"name": "特定目标 123", "function": "2010302", "source": "carryover_general",
         "kind": "project", "amount": 5, "classified": True}]
    data["changes"]["income"]["carryover_fiscal"] = {"prior": 15}
    data["changes"]["expenditure"]["project"] = {"prior": 65}


CARRY = variant(_carry)


def test_carryover_with_a_classified_item(write) -> None:
    lines = section(text(write, CARRY), "十一、", "十二、")
    assert lines[1:] == [
        "测试局 2024 年上年结转结余 15.00 万元，包括：财政拨款 15.00 万元，非财政拨款 0.00 万元，其中：",
        "1．维修经费 10.00 万元，主要用于办公楼维修。",
        "特定目标 123 5.00 万元，完全不予公开。",
    ]
    assert section(text(write, MINIMAL), "十一、", "十二、")[1] == (
        "测试局 2024 年没有上年结转结余预算安排的支出，上年结转结余情况明细表为空表。")


def test_other_matters_defaults(write) -> None:
    lines = section(text(write, MINIMAL), "十二、")
    assert "测试局 2024 年的机关运行经费财政拨款预算 20.00 万元，比上年预算增加 0.00 万元，增长 0.00%。" \
        in lines
    assert "2024 年，测试局未安排政府采购预算。" in lines
    assert ("2024 年，本部门预算绩效管理整体预算绩效目标 1 个，涉及金额 150.00 万元；当年财政拨款项目 1 个，"
            "涉及预算金额 50.00 万元；当年非财政拨款项目 0 个，涉及预算金额 0.00 万元。") in lines
    assert lines[-1] == "本部门无其他需说明事项。"
    own = text(write, MINIMAL + "other_matters: 本部门另有说明。\n")
    assert own[-1] == "本部门另有说明。"


def test_glossary_from_the_region_overridden_by_the_department(write) -> None:
    terms = text(write, MINIMAL, part=3)
    assert len(terms) == 8 and terms[0].startswith("一、财政拨款：")
    own = MINIMAL + "glossary:\n  - {term: 财政拨款, text: 本地解释。}\n  - {term: 新名词, text: 新解释。}\n"
    terms = text(write, own, part=3)
    assert terms[0] == "一、财政拨款：本地解释。" and terms[-1] == "九、新名词：新解释。"


def test_missing_purpose_is_an_error(write) -> None:
    result = pipeline.run(write(MINIMAL.replace('  "208": 缴纳基本养老保险\n', "")))
    [error] = [d for d in result.diagnostics if d.rule == "narrative.missing_purpose"]
    assert "208" in error.message and "社会保障和就业支出" in error.message


def test_declared_rate_and_share(write) -> None:
    source = MINIMAL + ("known_deviations:\n  - {figure: general_budget.basic, rate: 11.12}\n"
                        "  - {figure: general_budget.classes.201, share: 86.66}\n")
    result = pipeline.run(write(source))
    assert [d.rule for d in result.diagnostics] == ["narrative.rounding", "narrative.rounding"]
    lines = [b.text for b in result.document.parts[2].blocks if hasattr(b, "text")]
    assert any("增长 11.12%" in line for line in lines)
    assert "1、一般公共服务支出（类）130.00 万元，占 86.66%。" in lines
    far = MINIMAL + "known_deviations:\n  - {figure: general_budget.basic, rate: 12.00}\n"
    assert "narrative.deviation_too_large" in {d.rule for d in pipeline.run(write(far)).diagnostics}
    unknown = MINIMAL + "known_deviations:\n  - {figure: income.nothing_here, rate: 1.00}\n"
    assert "narrative.deviation_unknown" in {
        d.rule for d in pipeline.run(write(unknown)).diagnostics}
