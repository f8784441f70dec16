"""Bad input gets a Chinese message with file:line:column and exit 1, never a traceback."""

from __future__ import annotations

import re

import pytest

from budgetdoc.cli import main
from conftest import MINIMAL


def _check(path, capsys) -> tuple[int, str]:
    status = main(["check", str(path)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return status, out.out + out.err


def _located(text: str, path, line: int, column: int | None = None) -> bool:
    where = f"{path}:{line}" + (f":{column}" if column else "")
    return where in text


def test_minimal_department_is_clean(write, capsys) -> None:
    status, out = _check(write(MINIMAL), capsys)
    assert status == 0, out
    assert "未发现问题" in out


def test_duplicate_key_names_both_lines(write, capsys) -> None:
    text = MINIMAL.replace('  "30101": 60.00\n', '  "30101": 60.00\n  "30101": 10.00\n')
    path = write(text)
    status, out = _check(path, capsys)
    line = text.splitlines().index('  "30101": 10.00') + 1
    assert status == 1
    assert _located(out, path, line, 3)
    assert f"第 {line - 1} 行" in out and "重复" in out


def test_wrong_type(write, capsys) -> None:
    path = write(MINIMAL.replace("general_budget: 80.00", "general_budget: 八十"))
    status, out = _check(path, capsys)
    assert status == 1
    assert _located(out, path, 11, 21)
    assert "基本支出[1].一般公共预算" in out and "应为数字" in out


def test_negative_amount(write, capsys) -> None:
    path = write(MINIMAL.replace("general_budget: 20.00", "general_budget: -20.00"))
    status, out = _check(path, capsys)
    assert status == 1
    assert _located(out, path, 13, 21)
    assert "小于允许的最小值 0" in out


def test_three_decimals(write, capsys) -> None:
    path = write(MINIMAL.replace('"30201": 15.00', '"30201": 15.005'))
    status, out = _check(path, capsys)
    assert status == 1
    assert _located(out, path, 17, 12)
    assert "小数位过多" in out and "Decimal" not in out


def test_unknown_key_points_at_the_key(write, capsys) -> None:
    line = '    function: "2010302"\n'
    text = MINIMAL.replace(line, line + "    fundng: 3\n")
    path = write(text)
    status, out = _check(path, capsys)
    assert status == 1
    assert _located(out, path, text.splitlines().index("    fundng: 3") + 1, 5)
    assert "不认识的项“fundng”" in out


def test_broken_yaml(write, capsys) -> None:
    path = write(MINIMAL.replace("  unit: 万元", "  unit: [万元"))
    status, out = _check(path, capsys)
    assert status == 1
    assert re.search(re.escape(str(path)) + r":\d+:\d+: 错误 \[yaml.syntax\]", out)


def test_tab_indentation(write, capsys) -> None:
    path = write(MINIMAL.replace("  year: 2024", "\tyear: 2024"))
    status, out = _check(path, capsys)
    assert status == 1
    assert _located(out, path, 3)
    assert "制表符" in out


@pytest.mark.parametrize("content", [b"", b"# nothing\n", b"   \n"])
def test_empty_file(tmp_path, capsys, content: bytes) -> None:
    path = tmp_path / "2024.yaml"
    path.write_bytes(content)
    status, out = _check(path, capsys)
    assert status == 1 and "空的" in out


def test_not_utf8(tmp_path, capsys) -> None:
    path = tmp_path / "2024.yaml"
    gbk = "测试局".encode("gbk")
    path.write_bytes(MINIMAL.replace("测试局", "X").encode("utf-8").replace(b"X", gbk))
    status, out = _check(path, capsys)
    assert status == 1
    assert _located(out, path, 2, 15) and "UTF-8" in out


def test_bom_is_accepted(tmp_path, capsys) -> None:
    path = tmp_path / "2024.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode("utf-8"))
    status, out = _check(path, capsys)
    assert status == 0, out


def test_alias_bomb_is_bounded(write, capsys) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefgh":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}, " \
                f"*{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
    status, out = _check(write(bomb), capsys)
    assert status == 1 and "锚点" in out


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_not_a_number(write, capsys, value: str) -> None:
    path = write(MINIMAL.replace("general_budget: 80.00", f"general_budget: {value}"))
    status, out = _check(path, capsys)
    assert status == 1
    assert _located(out, path, 11, 21) and "不是有效的金额" in out


def test_absurd_amount(write, capsys) -> None:
    path = write(MINIMAL.replace("general_budget: 80.00", "general_budget: 1.0e+308"))
    status, out = _check(path, capsys)
    assert status == 1 and "大于允许的最大值" in out and "E+308" in out


def test_exponent_without_dot_is_text_in_yaml(write, capsys) -> None:
    # YAML 1.1 reads 1e308 as text, not a number: the officer is told a number is expected.
    path = write(MINIMAL.replace("general_budget: 80.00", "general_budget: 1e308"))
    status, out = _check(path, capsys)
    assert status == 1 and "应为数字" in out


def test_negative_zero_is_zero(write, capsys) -> None:
    text = MINIMAL.replace('  "30231": 4.00\n', '  "30231": 4.00\n  "30299": -0\n')
    status, out = _check(write(text), capsys)
    assert status == 0, out


def test_missing_required_names_the_field_in_chinese(write, capsys) -> None:
    path = write(MINIMAL.replace("  unit: 万元\n", ""))
    status, out = _check(path, capsys)
    assert status == 1 and "缺少必填项“填报金额单位”" in out


def test_top_level_not_a_mapping(write, capsys) -> None:
    status, out = _check(write("- 1\n- 2\n"), capsys)
    assert status == 1 and "应为若干项" in out


def test_missing_file(tmp_path, capsys) -> None:
    status, out = _check(tmp_path / "nope.yaml", capsys)
    assert status == 1 and "无法读取文件" in out


# --- what a clerk types: each message shows the exact text to write instead -----------------

@pytest.mark.parametrize(("typed", "problem", "fixed"), [
    ("８０.００", "全角数字或符号", "general_budget: 80.00"),
    ("1,080.00", "千位分隔符", "general_budget: 1080.00"),
    ("1，080.00", "全角数字或符号、千位分隔符", "general_budget: 1080.00"),
    ("￥80.00", "货币符号", "general_budget: 80.00"),
    ("80.00元", "单位", "general_budget: 0.008。换算成万元后超过两位小数"),
    ("800000元", "单位", "general_budget: 80.00"),
    ("80 万元", "单位", "general_budget: 80.00"),
    ('"80.00"', "引号", "general_budget: 80.00"),
])
def test_a_number_written_as_a_clerk_writes_it(write, capsys, typed, problem, fixed) -> None:
    path = write(MINIMAL.replace("general_budget: 80.00", f"general_budget: {typed}"))
    status, out = _check(path, capsys)
    assert status == 1
    assert _located(out, path, 11, 21)
    assert f"（含有{problem}）" in out and f"请写成：{fixed}" in out
    assert "[schema.number_text]" in out and "schema.type" not in out


def test_an_amount_in_wan_under_a_yuan_file_is_converted(write, capsys) -> None:
    text = MINIMAL.replace("  unit: 万元", "  unit: 元").replace("general_budget: 80.00",
                                                                 "general_budget: 80万元")
    status, out = _check(write(text), capsys)
    assert status == 1 and "请写成：general_budget: 800000.00" in out


def test_a_phone_number_typed_as_a_number_needs_quotes(write, capsys) -> None:
    path = write(MINIMAL + "performance:\n  department:\n    contact: 张三\n"
                 "    phone: 15199367129\n  projects:\n    - project: 业务经费\n"
                 "      manager: 0571234\n")
    status, out = _check(path, capsys)
    assert status == 1
    assert out.count("[schema.quote_text]") == 2 and "请按文字填写" not in out
    lines = len(MINIMAL.splitlines())
    assert _located(out, path, lines + 4, 12)
    assert '请加引号，写成：phone: "15199367129"' in out
    assert '请加引号，写成：manager: "0571234"' in out  # as typed: YAML read it as octal


def test_fullwidth_colon_after_a_key(write, capsys) -> None:
    path = write(MINIMAL.replace("  department: 测试局", "  department：测试局"))
    status, out = _check(path, capsys)
    assert status == 1
    assert _located(out, path, 2, 13)
    assert "中文冒号" in out and "写成：department: 测试局" in out
    assert "mapping" not in out and "expected" not in out


def test_no_space_after_a_colon(write, capsys) -> None:
    path = write(MINIMAL.replace("  department: 测试局", "  department:测试局"))
    status, out = _check(path, capsys)
    assert status == 1 and _located(out, path, 2, 13) and "写成：department: 测试局" in out


def test_fullwidth_spaces_as_indentation(write, capsys) -> None:
    path = write(MINIMAL.replace("  year: 2024", "\u3000year: 2024"))
    status, out = _check(path, capsys)
    assert status == 1
    assert _located(out, path, 3, 1)
    assert "全角空格" in out and "改为 2 个英文空格" in out
    assert "重复" not in out and "删除" not in out.replace("请删除行首的全角空格", "")


def test_fullwidth_spaces_inside_text_are_kept(write, capsys) -> None:
    text = MINIMAL.replace("  department: 测试局", "  department: 测试局\n  \u3000 \u3000")
    text += "other_matters: |\n  \u3000\u3000一、说明：\n\u3000\u3000二、\n"
    _, out = _check(write(text), capsys)
    assert "全角空格" not in out


def test_tab_indentation_is_said_in_chinese(write, capsys) -> None:
    path = write(MINIMAL.replace("  year: 2024", "\tyear: 2024"))
    _, out = _check(path, capsys)
    assert _located(out, path, 3, 1) and "[yaml.tab]" in out and "cannot" not in out


@pytest.mark.parametrize(("edit", "line", "words"), [
    (("  year: 2024", "  year 2024"), 3, "缺少英文冒号"),
    (("  unit: 万元", "  unit: [万元"), 7, "方括号"),
    (("lixiu: {prior: 0}\n", 'lixiu: {prior: 0}\nother_matters: "未完\n'), 56, "引号没有配对"),
    (("  year: 2024", "   year: 2024"), 3, "缩进有误"),
    (("  kind: 预算", " kind: 预算"), 4, "缩进不一致"),
])
def test_yaml_problems_in_chinese_at_the_right_line(write, capsys, edit, line, words) -> None:
    path = write(MINIMAL.replace(*edit))
    status, out = _check(path, capsys)
    assert status == 1 and words in out, out
    assert re.search(re.escape(f"{path}:{line}:"), out), out
    assert not re.search(r"[a-z]{4,} [a-z]{3,}", out.split("→")[0].split("]")[1]), out


@pytest.mark.parametrize(("typo", "suggestion"), [
    ("genaral_budget", "general_budget"), ("fund_budgt", "fund_budget"), ("functon", "function")])
def test_a_misspelt_key_gets_did_you_mean(write, capsys, typo, suggestion) -> None:
    path = write(MINIMAL.replace("  - function: \"2010350\"\n    general_budget: 80.00",
                                 f"  - function: \"2010350\"\n    general_budget: 80.00\n"
                                 f"    {typo}: 1"))
    status, out = _check(path, capsys)
    assert status == 1
    assert f"是否应为 {suggestion}" in out
    assert "unit_affiliate" not in out  # not the list of every allowed key


def test_a_retired_name_key_points_to_code_names(write, capsys) -> None:
    path = write(MINIMAL.replace('  - function: "2010350"\n',
                                 '  - function: "2010350"\n    name: 事业运行\n'))
    status, out = _check(path, capsys)
    assert status == 1 and "code_names" in out


def test_messages_quote_amounts_in_the_unit_of_the_file(write, capsys) -> None:
    yuan = (MINIMAL.replace("  unit: 万元", "  unit: 元")
            .replace('economic: {"302": 50.00}', 'economic: {"302": 400000.00}')
            .replace("general_budget: 50.00", "general_budget: 500000.00"))
    _, out = _check(write(yuan), capsys)
    assert "合计 400,000.00 元与其一般公共预算金额 500,000.00 元不一致" in out
    _, out = _check(write(MINIMAL.replace('economic: {"302": 50.00}', 'economic: {"302": 40.00}')),
                    capsys)
    assert "合计 40.00 万元与其一般公共预算金额 50.00 万元不一致" in out
    missing = yuan.replace('    economic: {"302": 400000.00}\n', "")
    _, out = _check(write(missing), capsys)
    assert '"302": 500000.00' in out


def test_fullwidth_colons_in_text_lines_are_not_keys(write, capsys) -> None:
    text = MINIMAL.replace("overview:\n", "overview:\n  sections:\n    - 2024：新设\n"
                                          "    - 1：办公室\n")
    status, out = _check(write(text), capsys)
    assert status == 0 and "中文冒号" not in out
