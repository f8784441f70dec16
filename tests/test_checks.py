"""Each rule: the smallest input that triggers it, and the same input fixed, which must not."""

from __future__ import annotations

from budgetdoc import checks, pipeline
from budgetdoc.document import Cell
from budgetdoc.ledger import Figure
from conftest import MINIMAL


def rules(path) -> dict[str, list]:
    found: dict[str, list] = {}
    for d in pipeline.run(path).diagnostics:
        found.setdefault(d.rule, []).append(d)
    return found


def test_minimal_is_clean(write) -> None:
    assert rules(write(MINIMAL)) == {}


def test_basic_by_economic_error_and_rounding(write) -> None:
    found = rules(write(MINIMAL.replace('"30101": 60.00', '"30101": 70.00')))
    [error] = found["crosstable.basic_by_economic"]
    assert "110.00" in error.message and "100.00" in error.message
    assert error.location.line == 15  # the first line of basic_economic
    found = rules(write(MINIMAL.replace('"30101": 60.00', '"30101": 60.01')))
    assert "crosstable.basic_by_economic_rounding" in found
    assert "crosstable.basic_by_economic" not in found


DEVIATION = "known_deviations:\n  - {table: 5, row: 总计, column: 2, printed: %s}\n"


def test_declared_rounding_is_printed_and_warned(write) -> None:
    path = write(MINIMAL + DEVIATION % "99.99")
    result = pipeline.run(path)
    found = [d.rule for d in result.diagnostics]
    assert found.count("balance.rounding") == 1
    # where the declared figure meets figures computed exactly, the sums are off by 0.01
    assert set(found) == {"balance.rounding", "balance.subtotal_rounding",
                          "crosstable.basic_by_economic_rounding"}
    table5 = next(t for t in result.document.tables() if t.number == 5)
    assert table5.rows[0].cells[5].display == "99.99"
    # the same figure (all 一般公共预算 basic lines) in table 3 follows the declaration
    table3 = next(t for t in result.document.tables() if t.number == 3)
    assert table3.rows[0].cells[5].display == "99.99"


def test_declared_rounding_too_large(write) -> None:
    found = rules(write(MINIMAL + DEVIATION % "99.00"))
    assert "balance.deviation_too_large" in found
    assert "balance.rounding" not in found


def test_declared_rounding_without_a_cell(write) -> None:
    text = MINIMAL + "known_deviations:\n  - {table: 5, row: \"2129999\", column: 1, printed: 1}\n"
    found = rules(write(text))
    assert found["balance.deviation_no_cell"][0].location.line == len(MINIMAL.splitlines()) + 2


def test_table_identity_broken_in_a_document() -> None:
    # The checker verifies any table: break one printed figure and it says where.
    import pathlib
    import tempfile

    from conftest import MINIMAL as text
    folder = pathlib.Path(tempfile.mkdtemp())
    (folder / "2024.yaml").write_text(text, encoding="utf-8")
    result = pipeline.run(folder / "2024.yaml")
    table1 = next(t for t in result.document.tables() if t.number == 1)
    total_row = table1.rows[-1]
    cell = total_row.addresses[1][1][1]
    wrong = Figure(cell.figure.value + 1, cell.figure.value + 1, cell.figure.key)
    total_row.addresses[1][1][1] = Cell(figure=wrong)
    found = {d.rule for d in checks.table_identities(result.department, table1)}
    assert found == {"balance.subtotal", "balance.total"}


def test_code_name_mismatch_is_an_error(write) -> None:
    text = MINIMAL + 'code_names: {"2010350": 行政运行}\n'
    [error] = rules(write(text))["codes.name_mismatch"]
    assert "事业运行" in error.message and error.location.line == len(text.splitlines())
    assert rules(write(MINIMAL + 'code_names: {"2010350": 事业运行}\n')) == {}


def _with_code(code: str, names: str = "") -> str:
    text = MINIMAL.replace('- function: "2080505"\n', f'- function: "{code}"\n')
    text = text.replace('"2080505": {prior: 18.00', f'"{code}": {{prior: 18.00')
    return text + (f"code_names: {{{names}}}\n" if names else "")


def test_a_named_code_the_partial_list_lacks_gets_one_note(write) -> None:
    # 2200101 行政运行 under 自然资源海洋气象等支出: the shipped list has only the 类 220.
    text = _with_code("2200101", '"22001": 自然资源事务, "2200101": 行政运行')
    text = text.replace('"208": 缴纳基本养老保险', '"220": 自然资源管理')
    found = rules(write(text))
    assert sorted(found) == ["codes.named"]
    assert [d.details["code"] for d in found["codes.named"]] == ["2200101", "22001"]
    assert {d.severity.name for d in found["codes.named"]} == {"NOTE"}
    assert "只收录了部分科目" in found["codes.named"][0].message
    result = pipeline.run(write(text))
    assert result.ok
    table2 = next(t for t in result.document.tables() if t.number == 2)
    names = [cell.text for row in table2.rows for cell in row.cells]
    assert "自然资源事务" in names and "行政运行" in names


def test_strict_is_not_failed_by_a_named_code(write, capsys) -> None:
    from budgetdoc.cli import main

    text = _with_code("2080504", '"2080504": 未归口管理的行政单位离退休')
    assert main(["check", "--strict", str(write(text))]) == 0
    assert "提示 [codes.named]" in capsys.readouterr().out


def test_unknown_code_without_a_name_is_an_error(write) -> None:
    found = rules(write(_with_code("2080504")))
    assert list(found) == ["codes.no_name"]
    assert "code_names" in found["codes.no_name"][0].remedy


def test_code_whose_kuan_is_unknown(write) -> None:
    found = rules(write(_with_code("2080801", '"2080801": 某项')))
    assert [d.details["parent"] for d in found["codes.missing_parent"]] == ["20808"]


def test_economic_kuan_outside_the_list_is_usable_once_named(write) -> None:
    # 30297 is no code of the shipped list: an officer's own 款 (the name is the test's).
    text = MINIMAL.replace('"30201": 15.00', '"30201": 10.00\n  "30297": 5.00')
    assert list(rules(write(text))) == ["codes.no_name"]
    named = text + 'code_names: {"30297": 测试用款}\n'
    assert list(rules(write(named))) == ["codes.named"]
    result = pipeline.run(write(named))
    table6 = next(t for t in result.document.tables() if t.number == 6)
    assert "测试用款" in [cell.text for row in table6.rows for cell in row.cells]


def test_a_year_without_a_list_uses_another_and_says_so_once(write) -> None:
    text = MINIMAL.replace("  year: 2024", "  year: 2026")
    found = rules(write(text, "2026.yaml"))
    assert list(found) == ["codes.other_year"]
    [note] = found["codes.other_year"]
    assert "没有 2026 年" in note.message and "按 2024 年" in note.message
    assert "支出功能分类和部门预算支出经济分类" in note.message


def test_a_class_name_is_never_printed_blank(write) -> None:
    # 2023 (before any list) used to print 主要包括：。 with blank economic names.
    text = MINIMAL.replace("  year: 2024", "  year: 2023")
    result = pipeline.run(write(text, "2023.yaml"))
    assert result.ok
    lines = [b.text for part in result.document.parts for b in part.blocks if hasattr(b, "text")]
    assert not any("主要包括：。" in line or "：、" in line for line in lines)
    assert any("主要包括：基本工资" in line for line in lines)


def test_project_economic_split(write) -> None:
    found = rules(write(MINIMAL.replace('economic: {"302": 50.00}', 'economic: {"302": 40.00}')))
    assert "model.economic_mismatch" in found
    found = rules(write(MINIMAL.replace('    economic: {"302": 50.00}\n', "")))
    assert "model.economic_missing" in found


def test_duplicate_function_and_project(write) -> None:
    text = MINIMAL.replace('  - function: "2080505"\n    general_budget: 20.00\n',
                           '  - function: "2010350"\n    general_budget: 20.00\n')
    [dup] = rules(write(text))["model.duplicate_function"]
    assert "第 10 行" in dup.message
    text = MINIMAL.replace("class_purposes:", "  - {name: 业务经费, function: \"2010302\", "
                                       "unit_other: 5.00}\nclass_purposes:", 1)
    assert "model.duplicate_project" in rules(write(text))


def test_project_without_money(write) -> None:
    text = MINIMAL.replace("class_purposes:",
                           "  - {name: 空项目, function: \"2010302\"}\nclass_purposes:", 1)
    assert "model.project_no_money" in rules(write(text))


def test_fund_basic_must_be_split(write) -> None:
    text = MINIMAL.replace('    general_budget: 20.00\n', '    general_budget: 20.00\n'
                                                          '    fund_budget: 3.00\n')
    assert "model.fund_basic_unsplit" in rules(write(text))
    text = MINIMAL.replace('    general_budget: 20.00\n', '    general_budget: 20.00\n'
                                                          '    personnel: {fund_budget: 3.00}\n')
    assert "model.fund_basic_unsplit" not in rules(write(text))


def test_sangong_against_economic_lines(write) -> None:
    found = rules(write(MINIMAL.replace("reception: 1.00\n", "reception: 2.00\n")))
    [warning] = found["crosstable.sangong_economic"]
    assert "公务接待费" in warning.message and "30217" in warning.message


def test_operating_costs_against_table_6(write) -> None:
    assert "crosstable.operating_costs" in rules(write(MINIMAL + "operating_costs: 30.00\n"))
    assert rules(write(MINIMAL + "operating_costs: 20.00\n")) == {}


def test_staff_counts(write) -> None:
    assert "staff.actual_mismatch" in rules(write(MINIMAL.replace("actual: 6", "actual: 7")))


def test_missing_prior_and_reason(write) -> None:
    found = rules(write(MINIMAL.replace("    general_budget: {prior: 140.00, reason: 人员增加}\n",
                                        "")))
    assert [d.location.line for d in found["changes.missing_prior"]]
    found = rules(write(MINIMAL.replace("basic: {prior: 90.00, reason: 人员增加}",
                                        "basic: {prior: 90.00}", 1)))
    [missing] = found["changes.missing_reason"]
    assert "增加 10.00 万元" in missing.message, missing.message


def test_unused_change_entry(write) -> None:
    text = MINIMAL.replace('"2010302": {prior: 50.00}', '"2010302": {prior: 50.00}\n'
                                                        '      "2010399": {prior: 0}')
    assert "changes.unused" in rules(write(text))


# 2023: basic 72 + 18 = 90 (economic 50 + 20 + 15 + 1 + 4 = 90), project 50, in service 4.
LAST_YEAR = (MINIMAL.replace("year: 2024", "year: 2023")
             .replace("general_budget: 80.00", "general_budget: 72.00")
             .replace("general_budget: 20.00", "general_budget: 18.00")
             .replace('"30101": 60.00', '"30101": 50.00')
             .replace("actual: 6, in_service: 5", "actual: 5, in_service: 4"))


def test_last_years_file_supplies_the_priors(write) -> None:
    assert pipeline.run(write(LAST_YEAR, "2023.yaml")).ok
    without_priors = MINIMAL.replace("{prior: 140.00, reason: 人员增加}", "{reason: 人员增加}")
    without_priors = without_priors.replace('"2010350": {prior: 72.00, reason: 人员增加}',
                                            '"2010350": {reason: 人员增加}')
    path = write(without_priors)
    result = pipeline.run(path)
    assert result.ok, [d.message for d in result.diagnostics]
    priors = {c.id: c.prior for c in result.comparisons}
    assert str(priors["income.general_budget"]) == "140.00"
    assert str(priors["general_budget.functions.2010350"]) == "72.00"


def test_prior_that_contradicts_last_years_file(write) -> None:
    write(LAST_YEAR, "2023.yaml")
    path = write(MINIMAL.replace('"2010350": {prior: 72.00', '"2010350": {prior: 70.00'))
    found = rules(path)
    [warning] = found["changes.prior_mismatch"]
    assert "70.00" in warning.message and "72.00" in warning.message


def test_broken_last_year_file(write) -> None:
    write("meta: [", "2023.yaml")
    path = write(MINIMAL.replace("{prior: 140.00, reason: 人员增加}", "{reason: 人员增加}"))
    found = rules(path)
    assert "changes.prior_file" in found


# --- a unit mix-up: 元 figures under 万元 publish a budget ten thousand times too large -----

def _times(text: str, factor: int) -> str:
    """Every amount of MINIMAL (not the staff counts) multiplied by `factor`."""
    import re
    from decimal import Decimal

    def scale(match) -> str:
        return f"{match.group(1)}{Decimal(match.group(2)) * factor:.2f}"

    return re.sub(r"((?:general_budget|reception|vehicle_operation|prior|\"\d{3,5}\")"
                  r":\s*\{?\"?(?:\d{3}\"?:\s*)?)(\d+\.\d\d)", scale, text)


def test_yuan_figures_under_wan_are_an_error_saying_which_unit(write) -> None:
    text = _times(MINIMAL, 10000)
    assert "800000.00" in text and "in_service: 5" in text
    found = rules(write(text))
    [error] = found["plausibility.per_staff_high"]
    assert error.severity.name == "ERROR" and error.location.line == 6  # meta.unit
    assert "人均人员经费为 160,000.00 万元" in error.message
    assert "看起来是以元为单位填写的" in error.message and "unit: 元" in error.remedy
    fixed = text.replace("  unit: 万元", "  unit: 元")
    assert rules(write(fixed)) == {}  # the same figures, in the right unit: clean


def test_wan_figures_under_yuan_are_an_error_saying_which_unit(write) -> None:
    found = rules(write(MINIMAL.replace("  unit: 万元", "  unit: 元")))
    [error] = found["plausibility.per_staff_low"]
    assert "人均人员经费只有 16.00 元" in error.message
    assert "以万元为单位" in error.message and "unit: 万元" in error.remedy


def test_large_amounts_under_wan_without_staff_counts(write) -> None:
    text = _times(MINIMAL, 10000).replace(
        "  staff: {authorized: 5, actual: 6, in_service: 5, retired: 1, lixiu: 0}\n",
        "  functions: 测试\n")
    text = text.replace("  staff:\n    in_service: {prior: 4}\n    retired: {prior: 1}\n"
                        "    lixiu: {prior: 0}\n", "")
    found = rules(write(text))
    [error] = found["plausibility.large_amounts"]
    assert "最大 800,000.00 万元" in error.message and "以元为单位" in error.message


def test_a_large_department_with_a_few_large_projects_passes(write) -> None:
    # One 20 亿 project beside ordinary basic spending: large, but not a unit mix-up.
    text = MINIMAL.replace("general_budget: 50.00", "general_budget: 200000.00").replace(
        '{"302": 50.00}', '{"310": 200000.00}')
    assert not {r for r in rules(write(text)) if r.startswith("plausibility")}
