"""What an officer writes is printed where the format has a place for it, and a warning names
what it has no place for (issue 13: a 政府性基金 project's texts used to vanish)."""

from __future__ import annotations

from pathlib import Path

from budgetdoc import pipeline

MINIMAL = (Path(__file__).parent / "fixtures" / "minimal.yaml").read_text("utf-8")
FUND_PROJECT = """\
  - name: 城市基础设施配套项目
    function: "2120801"
    fund_budget: 30.00
    policy_basis: 《城市基础设施配套费征收管理办法》
    owner: 测试局建设科
    allocation: 道路维修 20 万元，管网改造 10 万元。
class_purposes:"""


def _run(tmp_path: Path, text: str) -> pipeline.Result:
    path = tmp_path / "2024.yaml"
    path.write_text(text, encoding="utf-8")
    return pipeline.run(path)


def _section(result: pipeline.Result, start: str) -> list[str]:
    assert result.document is not None
    lines, inside = [], False
    for block in result.document.parts[2].blocks:
        text = getattr(block, "text", "")
        if getattr(block, "level", 0) == 2:
            inside = text.startswith(start)
        elif inside and text:
            lines.append(text)
    return lines


def test_a_fund_project_is_described_in_section_eight(tmp_path: Path) -> None:
    text = MINIMAL.replace("class_purposes:", FUND_PROJECT).replace(
        '  "208": 缴纳基本养老保险', '  "208": 缴纳基本养老保险\n  "212": 城市基础设施建设')
    text += "code_names:\n  \"212\": 城乡社区支出\n  \"21208\": 国有土地使用权出让收入安排的支出\n" \
            "  \"2120801\": 征地和拆迁补偿支出\n"
    result = _run(tmp_path, text.replace("    fund_budget: {prior: 0}",
                                         "    fund_budget: {prior: 0, reason: 新增配套项目}"))
    assert "text.unprinted" not in {d.rule for d in result.diagnostics}
    section = _section(result, "八、")
    assert "（一）项目名称：城市基础设施配套项目" in section
    assert "设立的政策依据：《城市基础设施配套费征收管理办法》" in section
    assert "预算安排规模：30.00 万元" in section
    assert "项目承担单位：测试局建设科" in section
    assert "资金分配情况：道路维修 20 万元，管网改造 10 万元。" in section


def test_a_text_with_no_place_in_the_format_is_a_warning(tmp_path: Path) -> None:
    text = MINIMAL.replace("class_purposes:", """\
  - name: 自有资金项目
    function: "2010302"
    unit_other: 10.00
    policy_basis: 单位章程第五条
class_purposes:""")
    result = _run(tmp_path, text)
    [warning] = [d for d in result.diagnostics if d.rule == "text.unprinted"]
    assert "单位章程第五条" in warning.message
    assert warning.location.line == text.splitlines().index(
        "    policy_basis: 单位章程第五条") + 1
