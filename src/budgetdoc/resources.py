"""Where the project's data and templates live, and loading them once."""

from __future__ import annotations

import errno as errnos
import functools
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SCHEMAS = ROOT / "schemas"
TEMPLATES = ROOT / "templates"


# libyaml's parser when PyYAML has it (its wheels do): the data files load ~8× faster, which
# is most of a new process's first check. Same YAML, same results (tests/test_resources.py).
_DATA_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def data_file(relative: str) -> Any:
    """A YAML file under data/, parsed once (project-owned data: trusted, plain safe load)."""
    with open(DATA / relative, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_DATA_LOADER)


def listed(items: Iterable[Any]) -> str:
    """Items named as a Chinese list (labels.yaml `list_separator`: 甲、乙、丙)."""
    return str(data_file("labels.yaml")["list_separator"]).join(str(item) for item in items)


@functools.cache
def schema(name: str) -> dict[str, Any]:
    """A JSON Schema under schemas/, numbers as Decimal so `multipleOf` is exact."""
    with open(SCHEMAS / name, encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle, parse_float=Decimal)
    return loaded


def in_chinese(said: str, fragments: dict[str, str], other: str) -> str:
    """What a library `said` (in English), in Chinese: the value of the first of `fragments`
    (English text → Chinese) found in it, else `other`."""
    return next((chinese for english, chinese in fragments.items() if english in said),
                str(other))


def system_reason(error: OSError | int | None) -> str:
    """What the operating system said, in Chinese (data/system_errors.yaml)."""
    number = error.errno if isinstance(error, OSError) else error
    texts = data_file("system_errors.yaml")
    name = errnos.errorcode.get(number or 0, "")
    return str(texts["reasons"].get(name) or texts["other"].format(errno=number or "?"))
