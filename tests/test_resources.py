"""The project's own data files read the same with libyaml's parser as with PyYAML's."""

from __future__ import annotations

import pytest
import yaml

from budgetdoc import resources

DATA_FILES = sorted(p.relative_to(resources.DATA).as_posix()
                    for p in resources.DATA.rglob("*.yaml"))


def test_libyaml_is_used() -> None:
    assert resources._DATA_LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("relative", DATA_FILES)
def test_data_file_reads_as_the_python_parser_reads_it(relative: str) -> None:
    text = (resources.DATA / relative).read_text("utf-8")
    assert resources.data_file(relative) == yaml.load(text, Loader=yaml.SafeLoader)


def test_the_systems_reasons_are_said_in_chinese(tmp_path) -> None:
    import errno

    from budgetdoc import yamlload
    from budgetdoc.resources import data_file, system_reason

    assert set(data_file("system_errors.yaml")["reasons"]) <= set(errno.errorcode.values())
    assert system_reason(OSError(errno.ENAMETOOLONG, "File name too long")) == "文件名或路径过长"
    assert system_reason(9999) == "系统错误（错误码 9999）"
    folder = tmp_path / "2024.yaml"
    folder.mkdir()
    _, _, found = yamlload.load_file(folder)
    assert [d.message for d in found] == ["无法读取文件：这是一个文件夹，不是文件。"]
