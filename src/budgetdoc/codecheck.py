"""The codes a department file uses, checked against the year's lists and its `code_names`.

One way names a code a list lacks: the file's top-level `code_names` (code → name), for any
kind and level. Such a code is accepted with one note; a name that contradicts a list is an
error; a code that has no name anywhere is an error (a document never prints a blank name).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import codes as codelists
from .resources import data_file
from .yamlload import PathKey

Report = Callable[..., None]  # report(rule, path, *, key=False, **fields)


def _labels() -> dict[str, Any]:
    labels: dict[str, Any] = data_file("labels.yaml")["code_lists"]
    return labels


class CodeChecker:
    def __init__(self, data: dict[str, Any], code_list: codelists.CodeList,
                 report: Report) -> None:
        self.code_list = code_list
        self.given: dict[str, str] = {str(k): str(v) for k, v in
                                      (data.get("code_names") or {}).items()}
        self.report = report
        self.done: set[str] = set()  # codes already checked: one message per code

    def name(self, kind: str, code: str) -> str:
        return self.code_list.name(kind, code) or self.given.get(code) or ""

    def start(self, year: int) -> None:
        """Say once which other year's list stands in, and check every given name."""
        other: dict[int, list[str]] = {}
        for kind, found in self.code_list.lists.items():
            if found.year != year:
                other.setdefault(found.year, []).append(kind)
        for used, kinds in sorted(other.items()):
            self.report("codes.other_year", ("meta", "year"), year=year, used=used,
                        kind=_labels()["and"].join(self.kind_label(k) for k in kinds),
                        kind_key=kinds[0])
        for code, given in self.given.items():
            for kind in codelists.KINDS:
                known = self.code_list.name(kind, code)
                if known is not None and known != given:
                    self.report("codes.name_mismatch", ("code_names", code), code=code,
                                expected=known, given=given, list=self.list_label(kind))
                    break

    def kind_label(self, kind: str) -> str:
        return str(data_file("labels.yaml")["code_kinds"][kind])

    def list_label(self, kind: str) -> str:
        """`2024 年支出功能分类科目表（部分科目）`, for messages."""
        labels = _labels()
        found = self.code_list.lists.get(kind)
        if found is None:
            return str(labels["none"].format(kind=self.kind_label(kind)))
        state = labels["complete" if found.complete else "partial"]
        return str(labels["list"].format(year=found.year, kind=self.kind_label(kind),
                                         state=state))

    def check(self, kind: str, code: str, path: PathKey, *, key: bool = False) -> None:
        """A code used at `path`: it, and its 类 and 款, must have a name."""
        if code in self.done:
            return
        self.done.add(code)
        if not self._named(kind, code, path, key=key):
            return
        for parent in (code[:n] for n in codelists.LEVELS[kind] if n < len(code)):
            if parent in self.done:
                continue
            self.done.add(parent)
            if self.code_list.name(kind, parent) is None and parent not in self.given:
                self.report("codes.missing_parent", path, key=key, code=code, parent=parent,
                            list=self.list_label(kind))
            elif self.code_list.name(kind, parent) is None:
                self._accepted(kind, parent)

    def _named(self, kind: str, code: str, path: PathKey, *, key: bool) -> bool:
        if self.code_list.name(kind, code) is not None:
            return True
        if code not in self.given:
            self.report("codes.no_name", path, key=key, code=code, list=self.list_label(kind))
            return False
        self._accepted(kind, code)
        return True

    def _accepted(self, kind: str, code: str) -> None:
        """A code the list lacks, named in code_names: a note, or a warning when the list
        is a complete official one (then the code is probably wrong)."""
        rule = "codes.unknown" if self.code_list.complete(kind) else "codes.named"
        self.report(rule, ("code_names", code), code=code, name=self.given[code],
                    list=self.list_label(kind))
