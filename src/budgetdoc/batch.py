"""Many departments at once: choose the files, skip what has not changed, build the rest in a
process pool, and keep the bureau's summary of every department.

Incremental builds rest on a fingerprint of everything a department's output depends on: its
file, last year's file beside it, and the tool itself (code, data, templates, schemas, version
and the bureau's fonts folder). Each department's fingerprint, outcome and outputs are recorded
in `<output>/.budgetdoc/state.json`; a department whose fingerprint is unchanged and whose
outputs are still in place is not rebuilt. A department that fails is recorded too, so an
unchanged failing file is reported again without being checked again.

The summary (`<output>/<year>/index.html`, `summary.json`, `summary.csv`, `summary.xlsx`)
lists every department of that year known to the output folder whose file still exists:
those of this run and those built before.
"""

from __future__ import annotations

import concurrent.futures
import csv
import datetime
import hashlib
import io
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import jinja2

from . import __version__, pipeline
from . import codes as codelists
from .build import build_one, write_atomic
from .diagnostics import rule_name
from .output import safe_name
from .report import format_text, is_wide, shown_path
from .resources import DATA, ROOT, SCHEMAS, TEMPLATES, data_file
from .writers import xlsx
from .writers.pdf import html_environment

YEAR_FILE = re.compile(r"^\d{4}$")
STATE = Path(".budgetdoc") / "state.json"
STATE_VERSION = 1


def _texts() -> dict[str, Any]:
    texts: dict[str, Any] = data_file("cli.yaml")["batch"]
    return texts


# --- which files ----------------------------------------------------------------------------

def _file_year(path: Path) -> int | None:
    return int(path.stem) if YEAR_FILE.match(path.stem) else None


def select_files(paths: Sequence[Path], year: int | None = None) -> list[Path]:
    """The department files to work on.

    A file named on the command line is taken as it is. A folder contributes, for every
    department folder below it (hidden folders skipped), its `<year>.yaml`: the one for
    `year` if given, otherwise the latest, since earlier years are last year's figures.
    """
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for files in _year_files(path).values():
            if year is None:
                found.append(max(files, key=lambda f: _file_year(f) or 0))
            else:
                found += [f for f in files if _file_year(f) == year]
    return found


def _year_files(path: Path) -> dict[Path, list[Path]]:
    """Each department folder below `path` (hidden ones skipped) with its `<year>.yaml`."""
    by_folder: dict[Path, list[Path]] = {}
    for file in sorted(path.rglob("*.yaml")):
        relative = file.relative_to(path).parts
        if not file.is_file() or any(part.startswith(".") for part in relative):
            continue
        if _file_year(file) is not None:
            by_folder.setdefault(file.parent, []).append(file)
    return by_folder


def without_year(paths: Sequence[Path], year: int) -> list[tuple[str, Path]]:
    """The departments of the folders among `paths` that have no file for `year`: the name
    their latest file declares (else their folder's), and their folder."""
    missing = []
    for path in paths:
        if not path.is_dir():
            continue
        for folder, files in _year_files(path).items():
            if all(_file_year(f) != year for f in files):
                latest = max(files, key=lambda f: _file_year(f) or 0)
                missing.append((_department_name(latest) or folder.name, folder))
    return missing


# --- fingerprints ---------------------------------------------------------------------------

def _digest_files(digest: Any, files: Iterable[Path], base: Path) -> None:
    for file in sorted(files):
        if file.is_file() and "__pycache__" not in file.parts:
            digest.update(str(file.relative_to(base)).encode("utf-8") + b"\0")
            digest.update(file.read_bytes() + b"\0")


def tool_fingerprint(fonts_dir: Path | None = None) -> str:
    """The tool's part of every fingerprint: version, code, data, templates, schemas, the
    bureau's code lists and fonts."""
    digest = hashlib.sha256(f"budgetdoc {__version__}\0".encode())
    package = Path(__file__).resolve().parent
    for folder in (package, DATA, TEMPLATES, SCHEMAS):
        _digest_files(digest, folder.rglob("*"), ROOT if folder != package else package)
    for folder in codelists.folders()[:-1]:  # a bureau's own code lists
        if folder.is_dir():
            digest.update(f"{folder.resolve()}\0".encode())
            _digest_files(digest, folder.rglob("*.yaml"), folder)
    if fonts_dir is not None and fonts_dir.is_dir():
        for font in sorted(p for p in fonts_dir.rglob("*") if p.is_file()):
            info = font.stat()
            digest.update(f"{font.name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def input_files(path: Path) -> list[Path]:
    """The files a department's output is made from: its own and last year's beside it.

    For a file not named by its year, every YAML file beside it counts (its year is inside).
    """
    year = _file_year(path)
    if year is None:
        return sorted(p for p in path.parent.glob("*.yaml") if p.is_file())
    prior = pipeline.prior_path(path, year)
    return [path, prior] if prior.is_file() else [path]


def fingerprint(path: Path, tool: str) -> str:
    digest = hashlib.sha256(tool.encode())
    for file in input_files(path):
        digest.update(file.name.encode("utf-8") + b"\0")
        try:
            digest.update(file.read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
        digest.update(b"\0")
    return digest.hexdigest()


# --- one department -------------------------------------------------------------------------

@dataclass
class Outcome:
    """What happened to one department: picklable, and the row of the summary."""

    source: str
    year: int | None
    department: str
    status: str  # ok · warnings · failed · internal
    errors: int = 0
    warnings: int = 0
    rules: dict[str, int] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)  # relative to the output folder
    sizes: list[int] = field(default_factory=list)
    report: str = ""
    previous: bool = False  # outputs are the last good build's, this one failed
    fingerprint: str = ""
    action: str = "built"  # built · checked · skipped
    seconds: float = 0.0
    detail: str = ""
    diagnostics: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "warnings")


def _report_path(source: Path, year: int | None, department: str) -> Path:
    """Where a department's check report goes, relative to the output folder: named by the
    department (unique in a year, as its documents are), else by its folder or file."""
    name = department or (source.parent.name if _file_year(source) is not None
                          else source.stem)
    texts = _texts()
    return Path(str(year or texts["unknown_year"])) / texts["reports_folder"] / \
        f"{safe_name(name)}.html"


def _report_html(outcome: Outcome, text: str) -> str:
    texts = _texts()
    source = shown_path(outcome.source)
    title = texts["report_title"].format(department=outcome.department or source)
    return _template("report.html").render(title=title, source=source,
                                           text=text or texts["report_clean"])


def build_department(source: Path, output: Path, fonts_dir: Path | None,
                     print_fingerprint: str) -> Outcome:
    """Build one department and write its check report; never raises."""
    started = time.perf_counter()
    year = _file_year(source)
    outcome = Outcome(str(source), year, "", "internal", fingerprint=print_fingerprint)
    try:
        built = build_one(source, output, fonts_dir)
        counts = Counter(d.rule for d in built.diagnostics)
        severities = Counter(d.severity.name.lower() for d in built.diagnostics)
        outcome.year = built.year or year
        outcome.department = built.department or _department_name(source)
        outcome.errors, outcome.warnings = severities["error"], severities["warning"]
        outcome.rules = dict(sorted(counts.items()))
        outcome.diagnostics = [d.to_json() for d in built.diagnostics]
        outcome.status = ("failed" if not built.ok else "warnings" if outcome.warnings
                          else "ok")
        outcome.action = "built" if built.ok else "checked"
        outcome.outputs = [str(p.relative_to(output)) for p in built.outputs]
        outcome.sizes = [p.stat().st_size for p in built.outputs]
        report = _report_path(source, outcome.year, outcome.department)
        write_atomic(output / report,
                     _report_html(outcome, format_text(built.diagnostics, shown_path))
                     .encode("utf-8"))
        outcome.report = str(report)
    except Exception as error:  # one department's fault never stops the others
        outcome.status, outcome.action = "internal", "checked"
        outcome.department = outcome.department or _department_name(source)
        outcome.detail = f"{type(error).__name__}: {error}"
    outcome.seconds = round(time.perf_counter() - started, 3)
    return outcome


def _declared(source: Path) -> tuple[int | None, str]:
    """The year and department a file declares under `meta:`, read without loading it.

    Best effort (the first 8 KB, block style): for a file that did not load far enough to be
    a department, and to see before building that two files would write the same documents.
    """
    try:
        text = source.read_text("utf-8", errors="replace")[:8192]
    except OSError:
        return None, ""
    meta = re.search(r"^meta:[ \t]*(?:#.*)?\n((?:[ \t]+\S.*\n|[ \t]*(?:#.*)?\n)*)", text, re.M)
    block = meta.group(1) if meta else ""
    name = re.search(r"^[ \t]+department:[ \t]*['\"]?([^'\"\n#]+)", block, re.M)
    year = re.search(r"^[ \t]+year:[ \t]*['\"]?(\d{4})\b", block, re.M)
    return (int(year.group(1)) if year else None), (name.group(1).strip() if name else "")


def _department_name(source: Path) -> str:
    return _declared(source)[1]


# --- state ----------------------------------------------------------------------------------

def load_state(output: Path) -> dict[str, dict[str, Any]]:
    try:
        state = json.loads((output / STATE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        return {}
    entries = state.get("departments")
    return entries if isinstance(entries, dict) else {}


def save_state(output: Path, entries: dict[str, dict[str, Any]]) -> None:
    state = {"version": STATE_VERSION, "departments": dict(sorted(entries.items()))}
    write_atomic(output / STATE, json.dumps(state, ensure_ascii=False, indent=1).encode())


def recorded(entry: dict[str, Any] | None, **changes: Any) -> Outcome | None:
    """An outcome from the state file, or None if the entry is not one (edited, older)."""
    if not isinstance(entry, dict):
        return None
    known = {name: entry[name] for name in Outcome.__dataclass_fields__ if name in entry}
    try:
        return Outcome(**{**known, **changes})
    except TypeError:
        return None


def _key(source: Path) -> str:
    return str(source.resolve())


def unchanged(earlier: Outcome | None, print_fingerprint: str, output: Path) -> bool:
    """An earlier outcome still stands: same inputs, and its files are where it left them."""
    if earlier is None or earlier.fingerprint != print_fingerprint:
        return False
    if earlier.status == "internal" or not earlier.report:
        return False
    files = [output / f for f in [*earlier.outputs, earlier.report]]
    if not all(f.is_file() for f in files):
        return False
    return [(output / f).stat().st_size for f in earlier.outputs] == earlier.sizes


# --- the run --------------------------------------------------------------------------------

class Progress:
    """A one-line progress bar on a terminal; silent elsewhere."""

    WIDTH = 24

    def __init__(self, total: int, stream: TextIO, enabled: bool) -> None:
        self.total, self.stream, self.enabled = total, stream, enabled and total > 0
        self.done, self.started = 0, time.monotonic()

    def step(self, label: str) -> None:
        self.done += 1
        if not self.enabled:
            return
        filled = self.WIDTH * self.done // self.total
        bar = "█" * filled + "░" * (self.WIDTH - filled)
        line = _texts()["progress"].format(bar=bar, done=self.done, total=self.total,
                                           seconds=int(time.monotonic() - self.started),
                                           label=label[:20])
        self.stream.write("\r\x1b[2K" + line)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


@dataclass
class Run:
    outcomes: list[Outcome]
    summaries: list[Path]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def internal(self) -> bool:
        return any(o.status == "internal" for o in self.outcomes)


def build_all(files: Sequence[Path], output: Path, *, jobs: int | None = None,
              force: bool = False, fonts_dir: Path | None = None,
              progress: Progress | None = None,
              before_build: Callable[[], None] | None = None) -> Run:
    """Build every file (changed ones only unless `force`), then write the summaries.

    `before_build` runs once, before the first department is built (the fonts check), and
    only if something is to be built.
    """
    state = load_state(output)
    tool = tool_fingerprint(fonts_dir)
    files = list({_key(source): source for source in files}.values())  # each file once
    clashing = _clashes(files, state)
    outcomes: dict[str, Outcome] = {}
    todo: list[tuple[Path, str]] = []
    for source in files:
        if _key(source) in clashing:  # neither is built: each would overwrite the other
            outcome = outcomes[_key(source)] = clashing[_key(source)]
            _keep_previous(outcome, recorded(state.get(_key(source))), output)
        else:
            print_fingerprint = fingerprint(source, tool)
            earlier = recorded(state.get(_key(source)), source=str(source),
                               action="skipped", seconds=0.0)
            if force or earlier is None or not unchanged(earlier, print_fingerprint, output):
                todo.append((source, print_fingerprint))
                continue
            outcome = outcomes[_key(source)] = earlier
        if progress:
            progress.step(outcome.department)
    if todo and before_build:
        before_build()
    reports = {key: str(entry["report"]) for key, entry in state.items()
               if isinstance(entry, dict) and entry.get("report")}
    try:
        for outcome in _run(todo, output, fonts_dir, jobs):
            _keep_previous(outcome, recorded(state.get(_key(Path(outcome.source)))), output)
            outcomes[_key(Path(outcome.source))] = outcome
            state[_key(Path(outcome.source))] = asdict(outcome)
            if progress:
                progress.step(outcome.department or outcome.source)
    finally:
        if progress:
            progress.close()
        if todo:
            save_state(output, state)
    ordered = [outcomes[_key(source)] for source in files]
    _same_documents(ordered)
    _remove_old_reports(ordered, reports, state, output)
    if todo:
        save_state(output, {**state, **{_key(Path(o.source)): asdict(o) for o in ordered
                                        if _key(Path(o.source)) not in clashing}})
    summaries = write_summaries(output, ordered, state)
    return Run(ordered, summaries)


def _remove_old_reports(outcomes: list[Outcome], before: dict[str, str],
                        state: dict[str, dict[str, Any]], output: Path) -> None:
    """A report written under a new name (its department was renamed) replaces the file's
    earlier one, unless some department's record still names that one."""
    named = {o.report for o in outcomes} | {
        str(entry.get("report")) for entry in state.values() if isinstance(entry, dict)}
    folder = _texts()["reports_folder"]
    for outcome in outcomes:
        old = before.get(_key(Path(outcome.source)))
        if not old or old in named:
            continue
        path = Path(old)  # from the state file: only ever a report of ours, in the output
        if (not path.is_absolute() and ".." not in path.parts and path.suffix == ".html"
                and len(path.parts) == 3 and path.parts[1] == folder):
            (output / path).unlink(missing_ok=True)


def _keep_previous(outcome: Outcome, earlier: Outcome | None, output: Path) -> None:
    """A failed department still links to its last good documents, which the build kept."""
    if outcome.ok or earlier is None or not earlier.outputs:
        return
    if all((output / f).is_file() for f in earlier.outputs):
        outcome.outputs, outcome.sizes, outcome.previous = earlier.outputs, earlier.sizes, True


def _run(todo: list[tuple[Path, str]], output: Path, fonts_dir: Path | None,
         jobs: int | None) -> Iterable[Outcome]:
    workers = min(jobs or os.cpu_count() or 1, len(todo))
    if workers <= 1:
        for source, print_fingerprint in todo:
            yield build_department(source, output, fonts_dir, print_fingerprint)
        return
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(build_department, source, output, fonts_dir, print_fingerprint):
                   (source, print_fingerprint) for source, print_fingerprint in todo}
        try:
            for future in concurrent.futures.as_completed(futures):
                try:
                    yield future.result()
                except Exception as error:  # a worker that died (killed, out of memory)
                    source, print_fingerprint = futures[future]
                    yield Outcome(str(source), _file_year(source), _department_name(source),
                                  "internal", action="checked", fingerprint=print_fingerprint,
                                  detail=f"{type(error).__name__}: {error}")
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _clashes(files: list[Path], state: dict[str, dict[str, Any]]) -> dict[str, Outcome]:
    """Files that would write the same department's documents for the same year.

    Seen before anything is built, so that neither overwrites the other's (or an earlier
    run's) documents: every file of this run declaring the same year and department fails,
    and so does a file of this run declaring those of another, still existing file built
    in an earlier run. Nothing about a clash is recorded; it is looked for on every run.
    """
    claims: dict[tuple[int | None, str], list[str]] = {}
    this_run = {_key(source) for source in files}
    for source in files:
        year, name = _declared(source)
        if name:
            claims.setdefault((year or _file_year(source), name), []).append(str(source))
    for key, entry in state.items():
        earlier = recorded(entry)
        if key in this_run or earlier is None or not earlier.outputs or \
                not earlier.department or not Path(key).is_file():
            continue
        claim = claims.get((earlier.year, earlier.department))
        if claim:
            claim.append(earlier.source)
    clashing = {}
    for (year, name), sources in claims.items():
        if len(sources) < 2:
            continue
        for source in sources:
            if _key(Path(source)) in this_run:
                clashing[_key(Path(source))] = Outcome(
                    source, year, name, "failed", action="checked",
                    detail=_texts()["same_department"].format(others=_others(sources, source)))
    return clashing


def _others(sources: list[str], own: str) -> str:
    """The files a clash is with, as its message names them."""
    return data_file("labels.yaml")["list_separator"].join(s for s in sources if s != own)


def _same_documents(outcomes: list[Outcome]) -> None:
    """Two files built into the same documents both fail (the clash was not seen before the
    build because a file declares its department in a way `_declared` does not read)."""
    by_outputs: dict[tuple[str, ...], list[Outcome]] = {}
    for outcome in outcomes:
        if outcome.outputs and not outcome.previous:
            by_outputs.setdefault(tuple(outcome.outputs), []).append(outcome)
    for group in by_outputs.values():
        if len(group) < 2:
            continue
        sources = [o.source for o in group]
        for outcome in group:
            outcome.status = "failed"
            outcome.detail = _texts()["same_department_built"].format(
                others=_others(sources, outcome.source))


# --- summaries ------------------------------------------------------------------------------

def _year_rows(outcomes: list[Outcome],
               state: dict[str, dict[str, Any]]) -> dict[str, list[Outcome]]:
    """For each year touched by this run: every department recorded for it whose file exists."""
    unknown = _texts()["unknown_year"]
    years = {str(o.year or unknown) for o in outcomes}
    current = {_key(Path(o.source)): o for o in outcomes}
    rows: dict[str, list[Outcome]] = {year: [] for year in years}
    for key, entry in state.items():
        if key in current or not isinstance(entry, dict) or \
                str(entry.get("year") or unknown) not in years:
            continue
        earlier = recorded(entry, action="earlier")
        if earlier is not None and Path(key).is_file():
            rows[str(earlier.year or unknown)].append(earlier)
    for outcome in outcomes:
        rows[str(outcome.year or unknown)].append(outcome)
    for year_rows in rows.values():
        year_rows.sort(key=lambda o: (o.department == "", o.department, o.source))
    return rows


def _links(outcome: Outcome, year: str) -> dict[str, str]:
    """Links to a department's files, relative to output/<year>/."""
    found = {Path(p).suffix.lstrip("."): p for p in outcome.outputs}
    if outcome.report:
        found["report"] = outcome.report
    return {kind: os.path.relpath(path, year).replace(os.sep, "/")
            for kind, path in found.items()}


def summary_records(rows: list[Outcome], year: str) -> list[dict[str, Any]]:
    texts = _texts()
    return [{
        "department": o.department,
        "source": o.source,
        "status": o.status,
        "status_text": texts["status"][o.status],
        "errors": o.errors,
        "warnings": o.warnings,
        "rules": o.rules,
        "links": _links(o, year),
        "previous": o.previous,
        "detail": o.detail,
        "diagnostics": o.diagnostics,
    } for o in rows]


def write_summaries(output: Path, outcomes: list[Outcome],
                    state: dict[str, dict[str, Any]]) -> list[Path]:
    written = []
    for year, rows in sorted(_year_rows(outcomes, state).items()):
        records = summary_records(rows, year)
        folder = output / year
        counts = Counter(r["status"] for r in records)
        summary = {"year": year, "tool": f"budgetdoc {__version__}",
                   "counts": dict(sorted(counts.items())), "departments": records}
        write_atomic(folder / "summary.json",
                     json.dumps(summary, ensure_ascii=False, indent=1).encode("utf-8"))
        write_atomic(folder / "summary.csv", _csv(records).encode("utf-8-sig"))
        write_atomic(folder / "summary.xlsx", _workbook(year, records))
        write_atomic(folder / "index.html", _index(year, records, counts).encode("utf-8"))
        written.append(folder / "index.html")
    return written


def _rules_text(rules: dict[str, int]) -> str:
    return " ".join(f"{rule}×{count}" if count > 1 else rule for rule, count in rules.items())


def _summary_rows(records: list[dict[str, Any]]) -> list[list[Any]]:
    """The rows of summary.csv and summary.xlsx (columns as csv_header)."""
    return [[r["department"], r["source"], r["status_text"], r["errors"], r["warnings"],
             _rules_text(r["rules"]), r["links"].get("docx", ""), r["links"].get("pdf", ""),
             r["links"].get("xlsx", ""), r["links"].get("report", ""), r["detail"]]
            for r in records]


def _csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_texts()["csv_header"])
    writer.writerows(_summary_rows(records))
    return buffer.getvalue()


def _workbook(year: str, records: list[dict[str, Any]]) -> bytes:
    created = datetime.datetime(int(year) if year.isdigit() else 2000, 1, 1)
    return xlsx.summary(_texts()["csv_header"], _summary_rows(records),
                        _texts()["summary_sheet"].format(year=year), created)


def _template(name: str) -> jinja2.Template:
    return html_environment().get_template(name)


def _index(year: str, records: list[dict[str, Any]], counts: Counter[str]) -> str:
    return _template("index.html").render(
        year=year, records=records, counts=counts, texts=_texts(), rule_name=rule_name,
        shown_path=shown_path)


# --- the terminal table ---------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if is_wide(ch) else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def terminal_table(outcomes: list[Outcome]) -> str:
    texts = _texts()
    header = texts["table_header"]
    rows = [[o.department or o.source, texts["status"][o.status], texts["action"][o.action],
             str(o.errors), str(o.warnings), _rules_text(o.rules) or o.detail]
            for o in outcomes]
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [_pad(cell, widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)

