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
