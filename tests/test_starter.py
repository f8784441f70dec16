"""`budgetdoc new`: a commented starting file that checks with only "fill this in" messages,
and that becomes a department which checks clean once they are filled in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from budgetdoc import cli, pipeline, starter
from budgetdoc.kinds import file_name
from budgetdoc.profile import SEARCH_ENV
from budgetdoc.resources import data_file

PLACEHOLDER = "待填写"


def _new(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(["new", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _unfilled(text: str) -> int:
    """Placeholders outside comments: what the officer has to replace."""
    return sum(line.split("#")[0].count(PLACEHOLDER) for line in text.splitlines())


@pytest.mark.parametrize(("profile", "kind"), [(p, k) for p, kinds in starter.available().items()
                                               for k in kinds])
def test_every_starting_file_checks_with_only_fill_in_messages(tmp_path: Path, profile: str,
                                                                kind: str) -> None:
    path = tmp_path / file_name(2026, data_file("kinds.yaml")[kind]["key"])
    path.write_text(starter.render(2026, kind, profile, None), encoding="utf-8")
    diagnostics = pipeline.run(path).diagnostics
    assert {d.rule for d in diagnostics} == {"text.placeholder"}
    assert len(diagnostics) == _unfilled(path.read_text("utf-8")) > 50  # each one, once


def test_the_default_budget_has_one_and_a_region_inherits_it(tmp_path: Path,
                                                             monkeypatch) -> None:
    assert "预算" in starter.available()["default"]
    region = tmp_path / "region"
    region.mkdir()
    (region / "profile.yaml").write_text("label: 某地格式\nextends: default\nkinds: [budget]\n",
                                         encoding="utf-8")
    monkeypatch.setenv(SEARCH_ENV, str(tmp_path))
    assert starter.available()["region"] == ["预算", "决算"]  # none of its own: the default's
    data = yaml.safe_load(starter.render(2026, "预算", "region", "某局"))
    assert data["meta"]["profile"] == "region"
    assert "profile" not in yaml.safe_load(starter.render(2026, "预算", "default", "某局"))[
        "meta"]


def test_new_writes_the_file_named_by_its_year(tmp_path: Path, capsys) -> None:
    path = tmp_path / "departments" / "县自然资源局" / "2026.yaml"
    status, out, _ = _new(capsys, str(path), "--department", "某县自然资源局")
    assert status == 0 and f"已生成：{path}" in out
    data = yaml.safe_load(path.read_text("utf-8"))
    assert data["meta"] == {"department": "某县自然资源局", "year": 2026, "kind": "预算",
                            "published": PLACEHOLDER, "unit": "万元"}
    assert data["projects"][0]["owner"] == "某县自然资源局"
    assert "# 每一项的含义和示例见 docs/data-file-reference.md" in path.read_text("utf-8")


def test_new_into_a_folder_takes_the_year(tmp_path: Path, capsys) -> None:
    status, _, _ = _new(capsys, str(tmp_path / "某局"), "--year", "2027")
    assert status == 0
    assert yaml.safe_load((tmp_path / "某局" / "2027.yaml").read_text("utf-8"))["meta"][
        "year"] == 2027


@pytest.mark.parametrize(("args", "message"), [
    (["x/notes.yaml"], "无法从“x/notes.yaml”看出预算年度"),
    (["x"], "无法从“x”看出预算年度"),
    (["x/2026.yaml", "--year", "2025"], "与 --year 2025 不一致"),
    (["x/2026.yaml", "--profile", "nowhere"], "没有地区格式 nowhere"),
])
def test_new_explains_what_it_cannot_do(tmp_path: Path, capsys, monkeypatch, args: list[str],
                                        message: str) -> None:
    monkeypatch.chdir(tmp_path)
    status, _, err = _new(capsys, *args)
    assert status == 2 and message in err
    assert not any(tmp_path.rglob("*.yaml"))


def test_new_never_overwrites_a_file(tmp_path: Path, capsys) -> None:
    path = tmp_path / "2026.yaml"
    path.write_text("meta: {department: 已填写的数据}\n", encoding="utf-8")
    status, _, err = _new(capsys, str(path))
    assert status == 2 and "文件已存在" in err
    assert path.read_text("utf-8") == "meta: {department: 已填写的数据}\n"


@pytest.mark.parametrize("name", ["某局: 第二分局", "#某局", "某局 ", '"某局"', "- 某局"])
def test_a_department_name_yaml_would_misread_is_quoted(name: str) -> None:
    data = yaml.safe_load(starter.render(2026, "预算", "default", name))
    assert data["meta"]["department"] == name


def _filled(data: dict[str, Any]) -> dict[str, Any]:
    """The starting file completed as an officer would (a small county bureau)."""
    data["meta"]["published"] = "2026-02-20"
    data["overview"].update(functions="负责全县自然资源管理。", sections=["办公室"], staff={
        "authorized": 5, "actual": 6, "in_service": 5, "retired": 1, "lixiu": 0})
    data["basic"] = [{"function": "2010350", "general_budget": 80},
                     {"function": "2080505", "general_budget": 20}]
    data["basic_economic"] = {"30101": 60, "30108": 20, "30201": 15, "30217": 1, "30231": 4}
    data["projects"][0].update(name="业务经费", function="2010302", general_budget=50,
                               economic={"302": 50}, policy_basis="《某某办法》",
                               allocation="业务工作 50 万元。")
    data["class_purposes"] = {"201": "机关日常运转", "208": "缴纳基本养老保险"}
    data["sangong"] = {"outbound": 0, "vehicle_purchase": 0, "vehicle_operation": 4,
                       "reception": 1}
    data["changes"]["general_budget"]["functions"] = {
        "2010350": {"prior": 70, "reason": "人员增加"}, "2080505": {"prior": 20},
        "2010302": {"prior": 50}}
    performance = data["performance"]
    performance["department"].update(contact="张三", phone="0994-1234567", goal="完成全年工作。",
                                     indicators=[["履职效能", "数量指标", "完成任务", "≥1项",
                                                  "计划标准", 90]])
    performance["projects"][0].update(project="业务经费", manager="李四", goal="保障业务。",
                                      indicators=[["产出指标", "数量指标", "完成任务", "≥1项",
                                                   "计划标准", "1", 90, "按完成比例赋分",
                                                   "工作资料"]])
    numbers = re.compile(r"prior|count|value|area|goods|works|services|\w*reserved|furniture|"
                         r"other|equipment_over_\d+|vehicles")

    def rest(node: Any) -> None:
        for key, value in list(node.items()) if isinstance(node, dict) else enumerate(node):
            if value == PLACEHOLDER:
                node[key] = 0 if numbers.fullmatch(str(key)) else "按实际情况说明"
            elif isinstance(value, dict | list):
                rest(value)

    rest(data)
    return data


def test_the_starting_file_filled_in_checks_clean_and_builds(tmp_path: Path) -> None:
    data = _filled(yaml.safe_load(starter.render(2026, "预算", "default", "某县自然资源局")))
    path = tmp_path / "2026.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = pipeline.run(path)
    # No list of 2026 codes ships: the 2024 one is used, which is said once, as a note.
    assert [d.rule for d in result.diagnostics] == ["codes.other_year"]
    assert result.ok and result.document is not None


def test_a_kind_without_a_starting_file_is_named_with_those_there(tmp_path: Path, capsys,
                                                                  monkeypatch) -> None:
    region = tmp_path / "region"
    region.mkdir()
    (region / "profile.yaml").write_text("label: 某地格式\nkinds: [final]\n", encoding="utf-8")
    monkeypatch.setenv(SEARCH_ENV, str(tmp_path))
    status, _, err = _new(capsys, str(tmp_path / "x" / "2026.决算.yaml"), "--kind", "决算",
                          "--profile", "region")
    assert status == 2
    assert "没有地区格式 region、文档类型 决算 的起始文件模板；现有：" in err


def test_new_final_into_a_folder_is_named_by_year_and_kind(tmp_path: Path, capsys) -> None:
    status, out, _ = _new(capsys, str(tmp_path / "某局"), "--year", "2026", "--kind", "决算")
    path = tmp_path / "某局" / "2026.决算.yaml"
    assert status == 0 and f"已生成：{path}" in out
    data = yaml.safe_load(path.read_text("utf-8"))
    assert data["meta"]["kind"] == "决算" and data["meta"]["year"] == 2026
    assert "# 每一项的含义和示例见 docs/final-file-reference.md" in path.read_text("utf-8")
