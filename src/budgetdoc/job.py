"""One department of a batch, as a pool worker builds it: its documents and its check report
written together as one set, and an Outcome that says what happened in Chinese.

Never raises: a data error is a failed outcome with its diagnostics; the output folder
refusing a write (disk full, read-only, a link inside it) is an environment outcome that
names the file and the cause; anything else is an internal error of this department only.
"""

from __future__ import annotations

import errno
import hashlib
import time
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any

from .build import prepare, write_outputs
from .datafiles import declared, declared_kind, file_year
from .outdir import OutputFolder, Refused, WriteFailed
from .output import safe_name
from .report import format_text, shown_path
from .resources import data_file, system_reason
from .state import Outcome
from .writers.html import html_environment
from .writers.pdf_fonts import FontsError


def texts() -> dict[str, Any]:
    found: dict[str, Any] = data_file("cli.yaml")["batch"]
    return found


def report_path(source: Path, year: int | None, department: str, kind: str = "") -> str:
    """Where a department's check report goes in the output folder: named by the department
    (unique in a year and kind, as its documents are) and the kind's suffix (a 决算's report
    beside the 预算's), else by its folder or file."""
    name = department or (source.parent.name if file_year(source) is not None else source.stem)
    suffix = (data_file("kinds.yaml").get(kind) or {}).get("suffix", "")
    found = texts()
    return str(PurePosixPath(str(year or found["unknown_year"]), found["reports_folder"],
                             f"{safe_name(name + suffix)}.html"))


def _report_html(outcome: Outcome, text: str) -> bytes:
    found = texts()
    source = shown_path(outcome.source)
    title = found["report_title"].format(department=outcome.department or source)
    page = html_environment().get_template("report.html").render(
        title=title, source=source, text=text or found["report_clean"])
    return page.encode("utf-8")


def build_department(source: Path, output: Path, fonts_dir: Path | None,
                     print_fingerprint: str) -> Outcome:
    """Build one department into `output` and write its check report; never raises."""
    started = time.perf_counter()
    year = file_year(source)
    outcome = Outcome(str(source), year, "", "internal", kind=declared_kind(source),
                      fingerprint=print_fingerprint)
    try:
        built = prepare(source, fonts_dir)
        counts = Counter(d.rule for d in built.diagnostics)
        severities = Counter(d.severity.name.lower() for d in built.diagnostics)
        outcome.year = built.year or year
        outcome.department = built.department or declared(source)[1]
        outcome.errors, outcome.warnings = severities["error"], severities["warning"]
        outcome.rules = dict(sorted(counts.items()))
        outcome.diagnostics = [d.to_json() for d in built.diagnostics]
        outcome.status = ("failed" if not built.ok else "warnings" if outcome.warnings
                          else "ok")
        outcome.action = "built" if built.ok else "checked"
        report = report_path(source, outcome.year, outcome.department, outcome.kind)
        page = _report_html(outcome, format_text(built.diagnostics, shown_path))
        with OutputFolder(output) as folder:
            write_outputs(folder, built, {report: page})
        outcome.outputs = list(built.contents)
        outcome.hashes = [hashlib.sha256(c).hexdigest() for c in built.contents.values()]
        outcome.report = report
    except (Refused, WriteFailed, FontsError, MemoryError) as error:
        _not_written(outcome, source, environment_text(error))
    except Exception as error:  # one department's fault never stops the others
        _not_written(outcome, source, f"{type(error).__name__}: {error}", "internal")
    outcome.seconds = round(time.perf_counter() - started, 3)
    return outcome


def _not_written(outcome: Outcome, source: Path, detail: str,
                 status: str = "environment") -> None:
    outcome.status, outcome.action, outcome.detail = status, "checked", detail
    outcome.department = outcome.department or declared(source)[1]


def environment_text(error: BaseException) -> str:
    """What went wrong outside the data, in Chinese, with the file it happened to."""
    found = texts()["environment"]
    if isinstance(error, Refused):
        return str(found["refused"]).format(path=error.relative)
    if isinstance(error, WriteFailed):
        key = ("disk_full" if error.disk_full else "read_only" if error.error.errno in (
            errno.EACCES, errno.EPERM, errno.EROFS) else "write_failed")
        return str(found[key]).format(path=error.relative, errno=error.error.errno,
                                      reason=system_reason(error.error))
    if isinstance(error, MemoryError):
        return str(found["memory"])
    return str(error)


def worker_died(exitcode: int | None, memory_limit: int | None) -> str:
    """Why a department's worker ended without a result, in Chinese."""
    found = texts()["environment"]
    if memory_limit is not None:
        return str(found["memory_limit"]).format(limit=f"{memory_limit / 2**30:.1f}")
    if exitcode is not None and exitcode < 0:
        return str(found["killed"]).format(signal=-exitcode)
    return str(found["died"]).format(code=exitcode if exitcode is not None else "?")
