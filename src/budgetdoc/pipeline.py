"""One department, end to end: load → kind → schema → profile → model → tables → checks →
comparisons → document model (assembled by the profile's skeleton).

Each stage returns (value, diagnostics); a stage runs only if the ones before it produced no
error. Nothing here writes files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import (
    assemble,
    checks,
    figures,
    narrative,
    profile_check,
    rules,
    tables,
    unprinted,
)
from .datafiles import prior_file
from .diagnostics import Diagnostic, Location, diagnostic, has_errors
from .document import Document
from .figures import Comparison
from .kinds import Kind, kinds
from .model import Department
from .profile import DEFAULT, Profile, available, folder, load
from .profile import kinds as profile_kinds
from .resources import data_file, listed
from .validate import chinese_path, type_name, using_schema, validate
from .yamlload import SourceMap, load_file


@dataclass
class Result:
    file: Path
    department: Department | None = None
    document: Document | None = None
    comparisons: list[Comparison] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    def sorted_diagnostics(self) -> list[Diagnostic]:
        return sorted(self.diagnostics, key=lambda d: (d.location.file, d.location.line or 0,
                                                       d.location.column or 0, d.rule))


def prior_path(path: Path, year: int) -> Path:
    """Last year's file beside a department's file: 2023.yaml next to 2024.yaml (any of the
    spellings data/files.yaml accepts, of the same kind)."""
    return prior_file(path, year)


def run(path: Path, *, with_prior: bool = True) -> Result:
    result = Result(path)
    data, source_map, found = load_file(path)
    result.diagnostics += found
    if data is None or has_errors(found):
        return result
    kind, found = _kind(data, source_map)
    result.diagnostics += found
    if kind is None:
        return result
    with using_schema(kind.schema):
        _run(result, data, source_map, kind, with_prior)
    return result


def _kind(data: Any, source_map: SourceMap) -> tuple[Kind | None, list[Diagnostic]]:
    """The kind of document the file declares; a file too broken to tell is checked against
    the default schema, which says what is wrong with its `meta`."""
    meta = data.get("meta") if isinstance(data, dict) else None
    value = meta.get("kind") if isinstance(meta, dict) else None
    known = kinds()
    if value is None or not isinstance(data, dict):
        return None, validate(data, source_map) or [diagnostic(
            "schema.required", source_map.locate(("meta",)), path=chinese_path(("meta",)),
            missing=chinese_path(("meta", "kind")), missing_key="kind")]
    path = ("meta", "kind")
    if not isinstance(value, str):
        labels = data_file("labels.yaml")["types"]
        return None, [diagnostic("schema.type", source_map.locate(path), path=chinese_path(path),
                                 expected=labels["string"], actual=type_name(value))]
    if value not in known:
        return None, [diagnostic("schema.enum", source_map.locate(path), path=chinese_path(path),
                                 value=value, allowed=listed(known))]
    return known[value], []


def _profile(data: dict[str, Any], source_map: SourceMap,
             kind: Kind) -> tuple[Profile | None, list[Diagnostic]]:
    written = data["meta"].get("profile", DEFAULT)
    path = ("meta", "profile")
    name = written
    if written.startswith("."):  # a folder beside the department file
        name = str((Path(source_map.file).parent / written).resolve())
        if folder(name) is None:
            return None, [diagnostic("profile.not_found", source_map.locate(path),
                                     path=written, folder=name)]
    elif name not in available():
        return None, [diagnostic("schema.enum", source_map.locate(path), path=chinese_path(path),
                                 value=name, allowed=listed(available()))]
    problems = list(profile_check.check_settings(name))
    if problems:
        return None, problems
    if kind.key not in profile_kinds(name):
        offered = [k.name for k in kinds().values() if k.key in profile_kinds(name)]
        return None, [diagnostic("kind.not_in_profile", source_map.locate(path),
                                 profile=written, kind=kind.name, offered=listed(offered))]
    problems = list(profile_check.check(name, kind.key))
    if problems:
        return None, problems
    return load(name, kind.key), []


def _run(result: Result, data: dict[str, Any], source_map: SourceMap, kind: Kind,
         with_prior: bool) -> None:
    found = validate(data, source_map)
    result.diagnostics += found
    if has_errors(found):
        return
    profile, found = _profile(data, source_map, kind)
    result.diagnostics += found
    if profile is None:
        return
    found = rules.text_rules(data, source_map, profile.name, profile.kind)
    result.diagnostics += found
    if has_errors(found):
        return
    department, found = kind.build_model(data, source_map, profile)
    result.diagnostics += found
    result.department = department
    if has_errors(found):
        return
    found = kind.link(department, result.file)
    result.diagnostics += found
    if has_errors(found):
        return
    # Declared printed totals (尾差) are addressed by table cell: resolve them on a first
    # build, then build again with the overrides in the ledger.
    overrides, found = checks.resolve_deviations(department, tables.build_tables(department))
    result.diagnostics += found
    department.ledger.overrides = overrides
    built = tables.build_tables(department)
    for table in built:
        result.diagnostics += checks.table_identities(department, table)
    result.diagnostics += kind.checks(department)
    prior_file = prior_path(result.file, department.year)
    prior_values = _prior_year(prior_file) if with_prior else None
    result.comparisons = figures.comparisons(department, prior_values)
    if prior_values is None and with_prior and prior_file.exists():
        needed = any(c.prior is None and c.required for c in result.comparisons)
        if needed:
            result.diagnostics.append(diagnostic("changes.prior_file",
                                                 Location(str(result.file)),
                                                 prior_file=str(prior_file)))
    result.diagnostics += checks.changes(department, result.comparisons, prior_file.name)
    declared_figures, found = kind.narrative_checks(department, result.comparisons)
    result.diagnostics += found
    ctx = narrative.Context(department, result.comparisons, built, declared_figures,
                            kind.named_tables(department))
    result.document = assemble.document(ctx)
    result.diagnostics += unprinted.check(department, result.document, list(kind.printed_texts))


def _prior_year(path: Path) -> dict[str, Decimal] | None:
    """Last year's comparable figures, computed from last year's file; None if unusable."""
    if not path.exists():
        return None
    prior = run(path, with_prior=False)
    if prior.department is None or not prior.ok:
        return None
    return {cid: value for cid, (_, value, _) in figures.current_values(prior.department).items()}
