"""The 决算's sentences in their conditional forms, on variants of the minimal 决算 file
(tests/fixtures/minimal-final.yaml, amounts in 元): each form the primer describes, with its
figures worked out by hand in the comments."""

from __future__ import annotations

import shutil
from pathlib import Path

from budgetdoc import pipeline

FIXTURES = Path(__file__).parent / "fixtures"
FINAL = (FIXTURES / "minimal-final.yaml").read_text("utf-8")
BUDGET = (FIXTURES / "minimal.yaml").read_text("utf-8")


def _text(tmp_path: Path, text: str, name: str = "2024.决算.yaml") -> tuple[str, set[str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = pipeline.run(path)
    assert result.document is not None, result.sorted_diagnostics()
    lines = [b.text for part in result.document.parts for b in part.blocks
             if hasattr(b, "text")]
    return "\n".join(lines), {d.rule for d in result.diagnostics}


def test_the_minimal_file_reads_as_the_primer_says(tmp_path: Path) -> None:
    text, rules = _text(tmp_path, FINAL)
    assert rules == set()
    # 一: 收入总计 160 = 本年收入 160; 上年 140 → 增加 20, 20 / 140 = 14.29 %.
    assert "2024年度收入总计160.00万元，其中：本年收入合计160.00万元" in text
    assert "收入支出总体与上年相比，增加20.00万元，增长14.29%，主要原因是：人员增加。" in text
    # 二: 财政拨款 150 / 160 = 93.75 %, 其他收入 10 / 160 = 6.25 %; every kind listed.
    assert ("本年收入160.00万元，其中：财政拨款收入150.00万元，占93.75%；上级补助收入0.00万元，"
            "占0.00%") in text
    # 四: 预算数 150 = 决算数 150 → 0.00 % and the default reason for equal amounts.
    assert ("与年初预算相比，年初预算数150.00万元，决算数150.00万元，预决算差异率0.00%，"
            "主要原因是：严格按照预算执行，预决算无差异。") in text
    # 九: 三公 5 = 接待 1 + 运行维护 4; 因公出国 0 in both years: its default reason.
    assert "因公出国（境）费支出0.00万元，占0.00%，比上年增加0.00万元，增长0.00%，" \
           "主要原因是：本年度未安排因公出国（境）费支出。" in text
    # 十（二）: 5 = 3 + 0 + 2; 中小企业 3 / 5 = 60 %, 小微 1 / 5 = 20 % (of the total).
    assert "授予中小企业合同金额3.00万元，占政府采购支出总额的60.00%，其中：授予小微企业合同" \
           "金额1.00万元，占政府采购支出总额的20.00%。" in text
    # 七/八 empty; 十（三） one 其他用车, as 保有量 1: no difference clause.
    assert "本部门本年度无政府性基金预算财政拨款收入、支出及结转和结余" in text
    assert "国有资产占用情况中固定资产车辆1辆。" in text


def test_the_budget_difference_carries_its_sign(tmp_path: Path) -> None:
    text, rules = _text(tmp_path, FINAL.replace("  fiscal: 1500000\n", "  fiscal: 1600000\n")
                        .replace("  fiscal: {prior: 1300000, reason: 人员增加}",
                                 "  fiscal: {prior: 1300000, reason: 人员增加, "
                                 "budget_reason: 年中调减项目}"))
    # (150 − 160) / 160 = −6.25 %
    assert ("年初预算数160.00万元，决算数150.00万元，预决算差异率-6.25%，主要原因是：年中调减项目。"
            in text)
    assert rules == set()


def test_a_budget_of_zero_prints_no_rate_and_asks_for_a_reason(tmp_path: Path) -> None:
    text, rules = _text(tmp_path, FINAL.replace("  fiscal: 1500000\n", "  fiscal: 0\n"))
    assert "年初预算数0.00万元，决算数150.00万元，主要原因是：" in text
    assert {"final.variance.zero_budget", "final.variance.reason"} <= rules


def test_a_new_unit_gives_one_reason_everywhere(tmp_path: Path) -> None:
    start = FINAL.index("changes:")
    end = FINAL.index("performance:")
    text, rules = _text(tmp_path, FINAL[:start] + "no_prior_year:\n  reason: 测试局是新设单位\n"
                        + FINAL[end:])
    assert rules == set()
    assert "收入支出总体与上年相比，增加160.00万元，增长100.00%，主要原因是：测试局是新设单位。" in text
    assert "在职人员5人，增加5人；离休人员0人，增加0人；退休人员1人，增加1人。" in text
    # 一, 四, 五（一）, the three 项 of 五（三）, 三公 total, 公务用车, 接待, 机关运行经费; 因公出国
    # is 0 in both years and keeps its own default reason.
    assert text.count("主要原因是：测试局是新设单位") == 10


def test_fund_money_gives_the_non_empty_form(tmp_path: Path) -> None:
    variant = FINAL.replace("income: {general_budget: 800000}",
                            "income: {general_budget: 800000, fund_budget: 30000}").replace(
        "      general_budget: {basic: 800000}\n",
        "      general_budget: {basic: 800000}\n      fund_budget: {project: 20000}\n"
        "    closing: {fund_budget: 10000}\n    purpose: 专项建设\n").replace(
        "  fiscal: 1500000\n", "  fiscal: 1520000\n  fund_functions: {\"2010350\": 20000}\n", 1)
    text, rules = _text(tmp_path, variant)
    assert not {r for r in rules if r.startswith("final.variance")}
    # 基金: 收入 3, 支出 2, 年末 1; 年初预算 2 = 决算 2: 基本持平, no reason asked.
    assert ("2024年度政府性基金预算财政拨款收入3.00万元，支出2.00万元，年初结转和结余0.00万元，"
            "年末结转和结余1.00万元。支出具体情况如下：") in text
    assert ("（项）。主要用于：专项建设。年初预算为2.00万元，支出决算为2.00万元。"
            "决算数与预算数基本持平。") in text


def test_the_budget_file_beside_gives_the_initial_figures(tmp_path: Path) -> None:
    (tmp_path / "2024.yaml").write_text(BUDGET, encoding="utf-8")
    start, end = FINAL.index("initial_budget:"), FINAL.index("changes:")
    text, rules = _text(tmp_path, FINAL[:start] + FINAL[end:])
    assert rules == set()
    # The 预算's 财政拨款 is 150 (basic 100 + project 50): the 决算 spends exactly that.
    assert "年初预算数150.00万元，决算数150.00万元，预决算差异率0.00%" in text


def test_a_profile_comparing_each_item_with_its_budget(tmp_path: Path) -> None:
    """The Shanghai way of 五（三）: each 项 against its 年初预算 (a setting and a catalogue line)."""
    profile = tmp_path / "格式"
    shutil.copytree(Path(__file__).parents[1] / "data" / "profiles" / "default", profile)
    narrative = profile / "final" / "narrative.yaml"
    narrative.write_text(narrative.read_text("utf-8").replace(
        "function_basis: prior", "function_basis: initial"), encoding="utf-8")
    comparisons = profile / "final" / "comparisons.yaml"
    comparisons.write_text(comparisons.read_text("utf-8") + (
        '  - {id: functions, label: "{code} {name}", sources: [general_budget], '
        "kinds: [basic, project], per_function: true, initial: functions}\n"), encoding="utf-8")
    variant = FINAL.replace("  unit: 元\n", "  unit: 元\n  profile: ./格式\n").replace(
        "  general: 1500000\n", '  general: 1500000\n  functions: {"2010350": 900000, '
        '"2080505": 200000, "2010302": 400000}\n').replace(
        '    "2010350": {prior: 800000}', '    "2010350": {prior: 800000, budget_reason: 人员减少}'
    ).replace('    "2010302": {prior: 500000}', '    "2010302": {prior: 500000, budget_reason: 追加}')
    text, rules = _text(tmp_path, variant)
    assert rules == set()
    # 2010350: 80 against 90 → −11.11 %; 2010302: 50 against 40 → +25.00 %.
    assert "事业运行（项）：年初预算为90.00万元，支出决算为80.00万元，预决算差异率-11.11%，" \
           "主要原因是：人员减少。" in text
    assert "预决算差异率25.00%，主要原因是：追加。" in text


FUND = """\
  - function: "2120801"
    income: {fund_budget: 300000}
    spending:
      fund_budget: {project: 300000}
basic_economic:"""


def test_a_fund_spends_item_by_item_against_its_initial_budget(tmp_path: Path) -> None:
    """七, the non-empty form (primer, GBC template): each 项 with its 年初预算 and 决算, and
    the reason for the difference; 30 spent of 35 budgeted is less than the budget."""
    fund = (FINAL.replace("basic_economic:", FUND, 1)
            .replace("  fiscal: 1500000\n",
                     "  fiscal: 1850000\n  fund_functions: {\"2120801\": 350000}\n", 1)
            .replace("  fiscal: {prior: 1300000, reason: 人员增加}",
                     "  fiscal: {prior: 1300000, reason: 人员增加, budget_reason: 项目结余}")
            + "code_names:\n  \"212\": 城乡社区支出\n  \"21208\": 国有土地使用权出让收入安排的支出\n"
              "  \"2120801\": 征地和拆迁补偿支出\n")
    _, rules = _text(tmp_path, fund)
    assert "final.variance.reason" in rules  # 30 ≠ 35 and no reason: an error
    text, rules = _text(tmp_path, fund.replace(
        "  general: {prior: 1500000}",
        "  general: {prior: 1500000}\n  fund:\n    functions:\n"
        "      \"2120801\": {budget_reason: 拆迁进度慢于计划}"))
    assert "final.variance.reason" not in rules
    assert ("1、城乡社区支出（类）国有土地使用权出让收入安排的支出（款）征地和拆迁补偿支出（项）。"
            "年初预算为35.00万元，支出决算为30.00万元。决算数小于预算数的主要原因："
            "拆迁进度慢于计划。") in text
