"""One department, end to end: load → schema → model → tables → checks → document model.

Each stage returns (value, diagnostics); a stage runs only if the ones before it produced no
error. Nothing here writes files.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from . import checks, figures, model, narrative, performance, rules, tables
from .diagnostics import Diagnostic, Location, Severity, diagnostic, has_errors
from .document import Document, Part
from .figures import Comparison
from .model import Department
from .profile import available, load
from .resources import data_file
from .validate import chinese_path, validate
from .yamlload import load_file


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
    """Last year's file beside a department's file: 2023.yaml next to 2024.yaml."""
    return path.with_name(f"{year - 1}{path.suffix}")


def run(path: Path, *, with_prior: bool = True) -> Result:
    result = Result(path)
    data, source_map, found = load_file(path)
    result.diagnostics += found
    if data is None or has_errors(found):
        return result
    if not isinstance(data, dict):
        result.diagnostics += validate(data, source_map)
        return result
    found = validate(data, source_map)
    result.diagnostics += found
    if has_errors(found):
        return result
    profile_name = data["meta"].get("profile", "default")
    if profile_name in available():
        found = rules.text_rules(data, source_map, profile_name)
        result.diagnostics += found
        if has_errors(found):
            return result
    else:
        result.diagnostics.append(diagnostic(
            "schema.enum", source_map.locate(("meta", "profile")),
            path=chinese_path(("meta", "profile")), value=profile_name,
            allowed=data_file("labels.yaml")["list_separator"].join(available())))
        return result
    department, found = model.build(data, source_map, load(profile_name))
    result.diagnostics += found
    result.department = department
    if has_errors(found):
        return result
    # Declared printed totals (尾差) are addressed by table cell: resolve them on a first
    # build, then build again with the overrides in the ledger.
    overrides, found = checks.resolve_deviations(department, tables.build_tables(department))
    result.diagnostics += found
    department.ledger.overrides = overrides
    built = tables.build_tables(department)
    for table in built:
        result.diagnostics += checks.table_identities(department, table)
    result.diagnostics += checks.department_checks(department)
    result.diagnostics += rules.department_rules(department)
    prior_file = prior_path(path, department.year)
    prior_values = _prior_year(prior_file) if with_prior else None
    result.comparisons = figures.comparisons(department, prior_values)
    if prior_values is None and with_prior and prior_file.exists():
        needed = any(c.prior is None and c.required for c in result.comparisons)
        if needed:
            result.diagnostics.append(diagnostic("changes.prior_file", Location(str(path)),
                                                 prior_file=str(prior_file)))
    result.diagnostics += checks.changes(department, result.comparisons, prior_file.name)
    result.diagnostics += narrative.missing_purposes(department)
    declared, found = narrative.declared_figures(department, result.comparisons)
    result.diagnostics += found
    result.document = assemble(department, built, result.comparisons, declared)
    return result


def _prior_year(path: Path) -> dict[str, Decimal] | None:
    """Last year's comparable figures, computed from last year's file; None if unusable."""
    if not path.exists():
        return None
    prior = run(path, with_prior=False)
    if prior.department is None or not prior.ok:
        return None
    return {cid: value for cid, (_, value, _) in figures.current_values(prior.department).items()}


def assemble(department: Department, built: list[tables.Table],
             comparisons: list[Comparison], declared: narrative.Declared) -> Document:
    spec = data_file(f"profiles/{department.profile.name}/document.yaml")
    published = department.data["meta"].get("published")
    values = {
        "department": department.name,
        "year": department.year,
        "published": datetime.date.fromisoformat(published) if published else None,
    }
    headings = [tables.render_line(h, **values) for h in spec["parts"]]
    parts = [Part(h) for h in headings]
    prose = narrative.build(department, comparisons, built, performance.tables(department),
                            declared)
    parts[0].blocks.extend(prose["overview"])
    parts[1].blocks.extend(built)
    parts[2].blocks.extend(prose["explanation"])
    parts[3].blocks.extend(prose["glossary"])
    return Document(
        department=department.name,
        year=department.year,
        title=tables.render_line(spec["title"], **values),
        parts=parts,
        closing=[tables.render_line(c, **values) for c in spec["closing"]],
        toc_title=spec["toc_title"],
        author=department.name,
    )


def errors_and_warnings(diagnostics: list[Diagnostic]) -> tuple[int, int]:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    return errors, len(diagnostics) - errors
