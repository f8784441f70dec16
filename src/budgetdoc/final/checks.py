"""Checks of a 决算 department (filled in below as the rules are added)."""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..figures import Comparison
from ..model import Department
from ..narrative import Declared


def department_checks(dept: Department) -> list[Diagnostic]:
    return []


def narrative_checks(dept: Department,
                     comparisons: list[Comparison]) -> tuple[Declared, list[Diagnostic]]:
    return {}, []
