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
