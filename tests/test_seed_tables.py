"""The four seed budgets: every figure printed in their eleven tables, reproduced.

Expected figures are transcribed by hand from the seed text (tests/fixtures/seed_figures),
never produced by this code.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from budgetdoc import pipeline
from seedfigures import EXAMPLES, expected, missing, normal, table_figures

ROOT = Path(__file__).resolve().parents[1]


def _document(folder: str) -> dict:
    result = pipeline.run(ROOT / "examples" / "departments" / folder / "2024.yaml")
    assert result.document is not None, [d.message for d in result.diagnostics]
    return result.document.to_json()


def _tables(document: dict) -> dict[str, dict]:
    return {str(block["number"]): block for part in document["parts"]
            for block in part["blocks"] if block.get("type") == "table"}


@pytest.mark.parametrize("seed", sorted(EXAMPLES))
def test_part2_figures_reproduced(seed: str) -> None:
    tables = _tables(_document(EXAMPLES[seed]))
    want = expected(seed)["part2"]
    total = sum(len(figures or []) for figures in want.values())
    lost = {n: missing(figures or [], table_figures(tables[n])) for n, figures in want.items()}
    lost_count = sum(len(v) for v in lost.values())
    assert total > 150  # the fixture really holds the seed's tables
    assert (total - lost_count) / total >= 0.98, {n: v for n, v in lost.items() if v}


@pytest.mark.parametrize("seed", sorted(EXAMPLES))
def test_no_figure_the_seed_does_not_print(seed: str) -> None:
    tables = _tables(_document(EXAMPLES[seed]))
    for number, figures in expected(seed)["part2"].items():
        have = table_figures(tables[number])
        ours = [figure for figure, count in have.items() for _ in range(count)]
        assert missing(ours, Counter(figures or [])) == [], number


# What each example is warned about: its declared 尾差 (declared printed totals, and the sums
# they leave 0.01 off their parts) and the slips its published text carries (kept as printed).
EXPECTED_WARNINGS = {
    "000": {"narrative.rounding": 1, "text.allocation_sum": 1, "text.names_run_together": 1,
            "text.phones_run_together": 1},
    "001": {"balance.rounding": 5, "balance.subtotal_rounding": 10, "text.doubled_word": 1},
    "003": {"balance.rounding": 4, "narrative.rounding": 5},
    "004": {"balance.rounding": 6, "narrative.rounding": 1, "text.doubled_word": 1,
            "text.lead_in_repeated": 1},
}


@pytest.mark.parametrize("seed", sorted(EXAMPLES))
def test_examples_get_exactly_their_expected_warnings(seed: str) -> None:
    result = pipeline.run(ROOT / "examples" / "departments" / EXAMPLES[seed] / "2024.yaml")
    assert result.ok, [f"{d.location} {d.message}" for d in result.diagnostics]
    assert {d.severity.name for d in result.diagnostics} == {"WARNING"}
    assert Counter(d.rule for d in result.diagnostics) == EXPECTED_WARNINGS[seed]


def _slips(seed: str) -> dict[str, list]:
    result = pipeline.run(ROOT / "examples" / "departments" / EXAMPLES[seed] / "2024.yaml")
    found: dict[str, list] = {}
    for d in result.diagnostics:
        if d.rule.startswith("text."):
            found.setdefault(d.rule, []).append(d)
    return found


def test_published_slips_are_found_where_the_seeds_print_them() -> None:
    # 004 §三 国有资本经营预算: "…均未安排国有资本经营预算预算支出"; §十二: "主要原因是是调标增资".
    slips = _slips("004")
    assert slips["text.doubled_word"][0].details["word"] == "预算预算"
    assert slips["text.lead_in_repeated"][0].message.endswith("“主要原因是是调标增资，工会经费及福…”。")
    # 001 §七 债券资金管理: "中央、省、市、县、乡五级财政财政部门".
    assert _slips("001")["text.doubled_word"][0].details["word"] == "财政财政"
    # 000 §七 金融风险防范: 1 + 10.42 + 10.42 = 21.84 listed for a 28.00 project;
    # 部门联系人 陈慧陈雪儿 联系电话 23625572367817 (two names, two numbers).
    slips = _slips("000")
    assert "合计 21.84 万元，与项目金额 28.00 万元不一致" in slips["text.allocation_sum"][0].message
    assert slips["text.names_run_together"][0].details["value"] == "陈慧陈雪儿"
    assert slips["text.phones_run_together"][0].details["fixed"] == "2362557、2367817"


def test_empty_tables_carry_the_seed_sentence() -> None:
    tables = _tables(_document(EXAMPLES["004"]))
    assert tables["8"]["rows"] == []
    assert tables["8"]["empty_note"] == (
        "昌吉回族自治州人民政府驻北京联络处 2024 年没有使用政府性基金预算拨款安排的支出，"
        "政府性基金预算支出情况表为空表。")
    assert tables["11"]["empty_note"].endswith("上年结转结余情况明细表为空表。")
    assert "empty_note" not in tables["7"]


def test_part_headings_and_closing() -> None:
    document = _document(EXAMPLES["004"])
    assert [p["heading"] for p in document["parts"]] == [
        "第一部分 2024 年昌吉回族自治州人民政府驻北京联络处部门概况",
        "第二部分 2024 年部门预算公开表",
        "第三部分 2024 年部门预算情况说明",
        "第四部分 名词解释",
    ]
    assert document["closing"] == ["昌吉回族自治州人民政府驻北京联络处", "2024年2月23日"]


def test_table_7_rows_as_the_seed_prints_them() -> None:
    table = _tables(_document(EXAMPLES["004"]))["7"]
    assert [row["cells"][:6] for row in table["rows"]] == [
        ["", "", "", "总计", "", "72.00"],
        ["", "", "", "昌吉回族自治州人民政府驻北京联络处", "", "72.00"],
        ["201", "", "", "一般公共服务支出", "", "72.00"],
        ["201", "03", "", "政府办公厅（室）及相关机构事务", "", "72.00"],
        ["201", "03", "02", "一般行政管理事务", "机构运行补助经费", "72.00"],
    ]


@pytest.mark.parametrize("seed", sorted(EXAMPLES))
def test_part3_figures_reproduced(seed: str) -> None:
    """≥ 97% of the amounts, shares and rates printed in 第三部分, section by section."""
    from seedfigures import section_figures

    have = section_figures(_document(EXAMPLES[seed]))
    want = expected(seed)["part3"]
    total = sum(len(figures or []) for figures in want.values())
    lost = {n: missing(figures or [], have.get(n, Counter())) for n, figures in want.items()}
    assert total > 100
    assert (total - sum(len(v) for v in lost.values())) / total >= 0.97, {
        n: v for n, v in lost.items() if v}


def test_contents_lines_of_the_tables_as_the_seed_prints_them() -> None:
    # Seed 004's 目录 under 第二部分, transcribed (the extraction's space after 、 dropped).
    seed = ["一、部门收支总体情况表", "二、部门收入总体情况表", "三、部门支出总体情况表",
            "四、财政拨款收支预算总体情况表", "五、一般公共预算支出情况表",
            "六、一般公共预算基本支出情况表", "七、一般公共预算项目支出情况表",
            "八、政府性基金预算支出情况表", "九、国有资本经营预算支出情况表",
            "十、财政拨款“三公”经费支出情况表", "十一、上年结转结余情况明细表"]
    tables = _tables(_document(EXAMPLES["004"]))
    assert [tables[str(n)]["contents"] for n in range(1, 12)] == seed


def _cell_text(cell: str | dict) -> str:
    return cell if isinstance(cell, str) else cell["text"]


@pytest.mark.parametrize("seed", sorted(EXAMPLES))
def test_project_performance_tables_as_the_seed_prints_them(seed: str) -> None:
    """预算单位 and 项目资金 of each 项目支出绩效目标表: the project's own entry only, never a
    carry-over item of the same name (001's 财政业务工作经费 prints 152.00, not 161.12)."""
    document = _document(EXAMPLES[seed])
    forms = [block for part in document["parts"] for block in part["blocks"]
             if block.get("type") == "table" and block.get("kind") == "form"]
    printed = {}
    for form in forms:
        rows = [[_cell_text(c) for c in row["cells"]] for row in form["rows"]]
        if rows[1][0] != "项目名称":
            continue
        printed[rows[1][1]] = {"unit": rows[0][1], "total": normal(rows[2][2]),
                               "fiscal": normal(rows[2][4]), "other": normal(rows[2][6])}
    want = {}
    for entry in expected(seed)["performance_projects"]:
        printed_name = entry.pop("project")
        want[entry.pop("named", printed_name)] = entry
    assert printed == want
