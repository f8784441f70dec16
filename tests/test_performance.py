"""The 项目支出绩效目标表 of 第三部分: whose lines make its 项目资金, whose name it prints."""

from __future__ import annotations

from typing import Any

from budgetdoc import pipeline
from conftest import variant


def _project_table(write, edit) -> list[list[str]]:
    def with_table(data: dict[str, Any]) -> None:
        data["performance"] = {"projects": [{"project": "业务经费", "manager": "张三",
                                             "goal": "保障业务工作"}]}
        edit(data)

    result = pipeline.run(write(variant(with_table)))
    assert result.document is not None, [d.message for d in result.diagnostics]
    forms = [block for part in result.document.parts for block in part.blocks
             if getattr(block, "kind", "") == "form"]
    return [[cell.display for cell in row.cells] for row in forms[-1].rows]


def test_funds_are_the_projects_own_entry_not_a_carryover_of_the_same_name(write) -> None:
    def carryover(data: dict[str, Any]) -> None:
        data["carryover"] = [{"name": "业务经费", "function": "2010302",
                              "source": "carryover_general", "kind": "project", "amount": 5}]

    rows = _project_table(write, carryover)
    assert rows[2][1:] == ["年度预算总额", "50.00", "其中：财政拨款", "50.00", "其他资金", "0.00"]


def test_unit_is_the_projects_own_unit_when_it_names_one(write) -> None:
    def owned(data: dict[str, Any]) -> None:
        data["overview"]["subordinate_units"] = ["测试局信息中心"]
        data["projects"][0]["owner"] = "测试局信息中心"

    assert _project_table(write, owned)[0] == ["预算单位", "测试局信息中心"]


def test_unit_is_the_department_when_the_project_names_none(write) -> None:
    assert _project_table(write, lambda data: None)[0] == ["预算单位", "测试局"]
