"""Many departments at once: skip what has not changed, build the rest in a process pool,
and keep the bureau's summary of every department.

Incremental builds rest on a fingerprint of everything a department's output depends on: its
file, last year's file beside it, and the tool itself (code, data, templates, schemas, version
and the bureau's fonts folder). Each department's fingerprint, outcome and the SHA-256 of its
outputs are recorded in `<output>/.budgetdoc/state.json` (state.py); a department whose
fingerprint is unchanged and whose outputs are still those bytes is not rebuilt. A department
that fails is recorded too, so an unchanged failing file is reported again without being
checked again.

One build at a time writes into an output folder: the run holds `.budgetdoc/lock` (fcntl)
and a second run is refused with a message naming the first. Holding it, the run first
completes the sets of files a killed run left half renamed and removes the temporary files
of our naming it left (outdir.py). Every write stays inside the output folder.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TextIO

from . import __version__, state
from . import codes as codelists
from . import profile as profiles
from .build import renderers
from .datafiles import declared, declared_kind, file_year
from .job import build_department, environment_text, texts, worker_died
from .kinds import related_paths, year_and_kind
from .outdir import OutputFolder, Refused, WriteFailed, open_output
from .resources import DATA, ROOT, SCHEMAS, TEMPLATES, listed
from .state import Outcome, recorded
from .summary import key, write_summaries
from .writers import lean_fonts

# --- fingerprints ---------------------------------------------------------------------------


def _digest_files(digest: Any, files: Iterable[Path], base: Path) -> None:
    for file in sorted(files):
        if file.is_file() and "__pycache__" not in file.parts:
            digest.update(str(file.relative_to(base)).encode("utf-8") + b"\0")
            digest.update(file.read_bytes() + b"\0")


def tool_fingerprint(fonts_dir: Path | None = None) -> str:
    """The tool's part of every fingerprint: version, code, data, templates, schemas, the
    bureau's code lists, profiles and fonts."""
    digest = hashlib.sha256(f"budgetdoc {__version__}\0".encode())
    package = Path(__file__).resolve().parent
    for folder in (package, DATA, TEMPLATES, SCHEMAS):
        _digest_files(digest, folder.rglob("*"), ROOT if folder != package else package)
    for folder in codelists.folders()[:-1]:  # a bureau's own code lists
        if folder.is_dir():
            digest.update(f"{folder.resolve()}\0".encode())
            _digest_files(digest, folder.rglob("*.yaml"), folder)
    for folder in profiles.roots()[:-1]:  # a bureau's own profiles (BUDGETDOC_PROFILES)
        if folder.is_dir():
            digest.update(f"{folder.resolve()}\0".encode())
            _digest_files(digest, (p for p in folder.rglob("*") if p.suffix in (".yaml", ".j2")),
                          folder)
    digest.update(f"lean fonts {lean_fonts.fingerprint()}\0".encode())
    if fonts_dir is not None and fonts_dir.is_dir():
        for font in sorted(p for p in fonts_dir.rglob("*") if p.is_file()):
            info = font.stat()
            digest.update(f"{font.name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def input_files(path: Path) -> list[Path]:
    """The files a department's output is made from: its own, last year's beside it, and for
    a 决算 the same year's 预算 (kinds.related_paths).

    For a file not named by its year, every YAML file beside it counts (its year is inside).
    """
    named = year_and_kind(path)
    if named is None:
        return sorted(p for p in path.parent.glob("*.yaml") if p.is_file())
    return [path, *(p for p in related_paths(path, *named) if p.is_file())]


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


def unchanged(earlier: Outcome | None, print_fingerprint: str, folder: OutputFolder) -> bool:
    """An earlier outcome still stands: same inputs, and its files are the bytes it wrote."""
    if earlier is None or earlier.fingerprint != print_fingerprint:
        return False
    if earlier.status in ("internal", "environment") or not earlier.report:
        return False
    return folder.is_file(earlier.report) and _intact(earlier, folder)


def _intact(earlier: Outcome, folder: OutputFolder) -> bool:
    """Every output of an earlier build is still there with the content it was written with."""
    return [folder.digest(f) for f in earlier.outputs] == earlier.hashes


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
        line = texts()["progress"].format(bar=bar, done=self.done, total=self.total,
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
    notes: list[str] = field(default_factory=list)  # about the output folder, in Chinese
    interrupted: bool = False  # Ctrl-C: the outcomes are those that finished
    problem: str = ""  # the state or the summaries could not be written: why, in Chinese

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def internal(self) -> bool:
        return any(o.status == "internal" for o in self.outcomes)

    @property
    def environment(self) -> bool:
        return bool(self.problem) or any(o.status == "environment" for o in self.outcomes)


def holder() -> dict[str, Any]:
    """What the lock file says about this run, for a second run to name it."""
    return {"pid": os.getpid(), "started": datetime.datetime.now().isoformat(timespec="seconds"),
            "command": " ".join(sys.argv), "folder": os.getcwd()}


def build_all(files: Sequence[Path], output: Path, *, jobs: int | None = None,
              force: bool = False, fonts_dir: Path | None = None,
              progress: Progress | None = None,
              before_build: Callable[[], None] | None = None,
              unused: Sequence[Path] = ()) -> Run:
    """Build every file (changed ones only unless `force`), then write the summaries.

    `before_build` runs once, before the first department is built (the fonts check), and
    only if something is to be built. Raises outdir.Busy if another build holds the output
    folder, outdir.WriteFailed if it cannot be created or written, outdir.Refused if its
    `.budgetdoc` is a link.
    """
    checked = False
    if files and before_build and not output.is_dir():  # a first build: nothing written yet
        before_build()
        checked = True
    with open_output(output) as folder:
        folder.lock(holder())
        notes = _recover(folder)
        loaded = state.load(folder)
        notes += _state_notes(loaded)
        run = _build(files, folder, loaded.entries, jobs=jobs, force=force,
                     fonts_dir=fonts_dir, progress=progress,
                     before_build=None if checked else before_build, unused=unused)
        run.notes[:0] = notes
        return run


def _recover(folder: OutputFolder) -> list[str]:
    notes = []
    finished = folder.finish_interrupted()
    if finished:
        notes.append(texts()["notes"]["finished"].format(count=finished))
    removed = folder.remove_temporaries()
    if removed:
        notes.append(texts()["notes"]["temporaries"].format(count=len(removed)))
    return notes


def _state_notes(loaded: state.Loaded) -> list[str]:
    found = texts()["notes"]
    if loaded.unreadable:
        return [found["state_unreadable"].format(path=state.STATE)]
    if loaded.dropped:
        return [found["state_dropped"].format(path=state.STATE, count=loaded.dropped)]
    return []


def _build(files: Sequence[Path], folder: OutputFolder, entries: dict[str, dict[str, Any]], *,
           jobs: int | None, force: bool, fonts_dir: Path | None, progress: Progress | None,
           before_build: Callable[[], None] | None, unused: Sequence[Path]) -> Run:
    tool = tool_fingerprint(fonts_dir)
    files = list({key(source): source for source in files}.values())  # each file once
    clashing = _clashes(files, entries)
    outcomes: dict[str, Outcome] = {}
    todo: list[tuple[Path, str]] = []
    for source in files:
        if key(source) in clashing:  # neither is built: each would overwrite the other
            outcome = outcomes[key(source)] = clashing[key(source)]
            _keep_previous(outcome, recorded(entries.get(key(source))), folder)
        else:
            print_fingerprint = fingerprint(source, tool)
            earlier = recorded(entries.get(key(source)), source=str(source),
                               action="skipped", seconds=0.0)
            if force or earlier is None or not unchanged(earlier, print_fingerprint, folder):
                todo.append((source, print_fingerprint))
                continue
            outcome = outcomes[key(source)] = earlier
        if progress:
            progress.step(outcome.department)
    if todo and before_build:
        before_build()
    reports = {name: entry["report"] for name, entry in entries.items() if entry["report"]}
    interrupted = False
    try:
        for outcome in _run(todo, folder, fonts_dir, jobs):
            _keep_previous(outcome, recorded(entries.get(key(Path(outcome.source)))), folder)
            outcomes[key(Path(outcome.source))] = outcome
            entries[key(Path(outcome.source))] = asdict(outcome)
            if progress:
                progress.step(outcome.department or outcome.source)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if progress:
            progress.close()
    ordered = [outcomes[key(source)] for source in files if key(source) in outcomes]
    _same_documents(ordered)
    run = Run(ordered, [], interrupted=interrupted)
    try:
        _remove_old_reports(ordered, reports, entries, folder)
        if todo:
            state.save(folder, {**entries, **{key(Path(o.source)): asdict(o) for o in ordered
                                              if key(Path(o.source)) not in clashing}})
        run.summaries = write_summaries(folder, ordered, entries, unused)
    except (Refused, WriteFailed) as error:  # the documents are written; the record not
        run.problem = environment_text(error)
    return run


def _remove_old_reports(outcomes: list[Outcome], before: dict[str, str],
                        entries: dict[str, dict[str, Any]], folder: OutputFolder) -> None:
    """A report written under a new name (its department was renamed) replaces the file's
    earlier one, unless some department's record still names that one."""
    named = {o.report for o in outcomes} | {str(entry["report"]) for entry in entries.values()}
    reports = texts()["reports_folder"]
    for outcome in outcomes:
        old = before.get(key(Path(outcome.source)))
        if not old or old in named:
            continue
        path = PurePosixPath(old)  # from the state file: only ever a report of ours
        if path.suffix == ".html" and len(path.parts) == 3 and path.parts[1] == reports:
            folder.remove(old)


def _keep_previous(outcome: Outcome, earlier: Outcome | None, folder: OutputFolder) -> None:
    """A department not built this time still links to its last good documents, which the
    build kept, if they are still the bytes that build wrote; and, if this time wrote no
    report (its worker died, the disk was full), to its last report."""
    if outcome.ok or earlier is None:
        return
    if earlier.outputs and _intact(earlier, folder):
        outcome.outputs, outcome.hashes, outcome.previous = earlier.outputs, earlier.hashes, True
    if outcome.status in ("environment", "internal") and not outcome.report and \
            earlier.report and folder.is_file(earlier.report):
        outcome.report = earlier.report


def _run(todo: list[tuple[Path, str]], folder: OutputFolder, fonts_dir: Path | None,
         jobs: int | None) -> Iterable[Outcome]:
    """Each department's outcome as it finishes, built in a pool of worker processes."""
    if not todo:
        return
    from . import workers  # pebble and asyncio: only when something is to be built

    count = min(jobs or os.cpu_count() or 1, len(todo))
    tasks = [(source, folder.root, fonts_dir, print_fingerprint)
             for source, print_fingerprint in todo]
    with renderers(count):
        for index, result in workers.run(build_department, tasks, count):
            if isinstance(result, Outcome):
                yield result
                continue
            source, print_fingerprint = todo[index]
            if isinstance(result, workers.Died):
                status, detail = "environment", worker_died(result.exitcode,
                                                            result.memory_limit)
            else:
                status, detail = "internal", f"{type(result).__name__}: {result}"
            yield Outcome(str(source), file_year(source), declared(source)[1], status,
                          kind=declared_kind(source), action="checked",
                          fingerprint=print_fingerprint, detail=detail)


def _clashes(files: list[Path], entries: dict[str, dict[str, Any]]) -> dict[str, Outcome]:
    """Files that would write the same department's documents for the same year.

    Seen before anything is built, so that neither overwrites the other's (or an earlier
    run's) documents: every file of this run declaring the same year and department fails,
    and so does a file of this run declaring those of another, still existing file built
    in an earlier run. Nothing about a clash is recorded; it is looked for on every run.
    """
    claims: dict[tuple[int | None, str, str], list[str]] = {}
    this_run = {key(source) for source in files}
    for source in files:  # one department, year and kind of document: a 决算 is no clash
        year, name = declared(source)
        if name:
            claims.setdefault((year or file_year(source), name, declared_kind(source)),
                              []).append(str(source))
    for name, entry in entries.items():
        earlier = recorded(entry)
        if name in this_run or earlier is None or not earlier.outputs or \
                not earlier.department or not Path(name).is_file():
            continue
        claim = claims.get((earlier.year, earlier.department, earlier.kind))
        if claim:
            claim.append(earlier.source)
    clashing = {}
    for (year, department, kind), sources in claims.items():
        if len(sources) < 2:
            continue
        for source in sources:
            if key(Path(source)) in this_run:
                clashing[key(Path(source))] = Outcome(
                    source, year, department, "failed", kind=kind, action="checked",
                    detail=texts()["same_department"].format(others=_others(sources, source)))
    return clashing


def _others(sources: list[str], own: str) -> str:
    """The files a clash is with, as its message names them."""
    return listed(s for s in sources if s != own)


def _same_documents(outcomes: list[Outcome]) -> None:
    """Two files built into the same documents both fail (the clash was not seen before the
    build because a file declares its department in a way `declared` does not read)."""
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
            outcome.detail = texts()["same_department_built"].format(
                others=_others(sources, outcome.source))
