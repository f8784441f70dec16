"""The `budgetdoc` command: new, check, dump, build, codes, import. `main(argv)` returns
the exit status.

Exit status: 0 clean, 1 data errors, 2 usage, 3 warnings under --strict, 4 an environment
problem (fonts missing, disk full, output folder not writable or busy, a department's worker
out of memory or killed), 70 internal error, 130 interrupted (Ctrl-C, SIGTERM).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import signal
import sys
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import arguments, codecommands, outdir, pipeline
from . import codes as codelists
from .datafiles import Selection, select, without_year
from .diagnostics import Diagnostic, counts
from .profile import available
from .report import format_text
from .resources import data_file, listed, system_reason

if TYPE_CHECKING:
    from . import batch

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_WARNINGS, EXIT_ENVIRONMENT = 0, 1, 2, 3, 4
EXIT_INTERNAL, EXIT_INTERRUPTED = 70, 130


def _text(key: str, **fields: Any) -> str:
    return str(data_file("cli.yaml")[key]).format(**fields)


def _parser() -> argparse.ArgumentParser:
    cli = data_file("cli.yaml")
    arguments.install()
    parser = argparse.ArgumentParser(prog="budgetdoc", description=cli["description"])
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help=cli["commands"]["new"])
    new.add_argument("file", type=Path, help=cli["new"]["file"])
    new.add_argument("--year", type=arguments.year, default=None, help=cli["new"]["year"])
    new.add_argument("--kind", default=cli["new"]["default_kind"], help=cli["new"]["kind"])
    new.add_argument("--profile", default="default", help=cli["new"]["profile"])
    new.add_argument("--department", default=None, help=cli["new"]["department"])
    check = commands.add_parser("check", help=cli["commands"]["check"])
    check.add_argument("files", nargs="+", type=Path, help=cli["args"]["files"])
    check.add_argument("--format", choices=["text", "json", "csv"], default="text",
                       help=cli["args"]["format"])
    check.add_argument("--strict", action="store_true", help=cli["args"]["strict"])
    check.add_argument("--only", action="append", default=[], help=cli["args"]["only"])
    check.add_argument("--skip", action="append", default=[], help=cli["args"]["skip"])
    dump = commands.add_parser("dump", help=cli["commands"]["dump"])
    dump.add_argument("file", type=Path, help=cli["args"]["file"])
    build = commands.add_parser("build", help=cli["commands"]["build"])
    build.add_argument("files", nargs="+", type=Path, help=cli["args"]["files"])
    build.add_argument("-o", "--output", type=Path, default=Path("output"),
                       help=cli["args"]["output"])
    build.add_argument("--fonts", type=Path, default=None, help=cli["args"]["fonts"])
    build.add_argument("-j", "--jobs", type=arguments.positive, default=None, help=cli["jobs"])
    build.add_argument("--force", action="store_true", help=cli["force"])
    build.add_argument("-q", "--quiet", action="store_true", help=cli["quiet"])
    for command in (check, build):
        command.add_argument("--year", type=arguments.year, default=None, help=cli["year"])
    for command in (check, dump, build):
        codecommands.add_folder_option(command)
    codecommands.add_parser(commands)
    imported = commands.add_parser("import", help=cli["commands"]["import"])
    imported.add_argument("workbook", type=Path, help=cli["args"]["workbook"])
    imported.add_argument("-o", "--output", type=Path, required=True,
                          help=cli["args"]["import_output"])
    imported.add_argument("--year", type=arguments.year, default=None,
                          help=cli["args"]["import_year"])
    imported.add_argument("--profile", default="default", choices=available(),
                          help=cli["args"]["profile"])
    imported.add_argument("--force", action="store_true", help=cli["args"]["overwrite"])
    return arguments.finish(parser)


def _select(diagnostics: list[Diagnostic], only: list[str], skip: list[str]) -> list[Diagnostic]:
    def wanted(rule: str, patterns: list[str]) -> bool:
        return any(rule == p or rule.startswith(p.rstrip("*").rstrip(".") + ".") for p in patterns)

    kept = [d for d in diagnostics if not only or wanted(d.rule, only)]
    return [d for d in kept if not wanted(d.rule, skip)]


def _selected(args: argparse.Namespace) -> Selection:
    """The department files named or found; each data-like file left unread is named on
    stderr, and with --year so is each department that has no file for it."""
    selection = select(args.files, args.year)
    for path in selection.unused:
        print(_text("unused_file", path=path), file=sys.stderr)
    missing = without_year(args.files, args.year) if args.year is not None else []
    if missing:
        departments = listed(_text("missing_year_department", name=name, folder=folder)
                             for name, folder in missing)
        print(_text("missing_year", year=args.year, count=len(missing),
                    departments=departments), file=sys.stderr)
    if not selection.files:
        print(_text("no_files", path=" ".join(map(str, args.files))), file=sys.stderr)
    return selection


def _check(args: argparse.Namespace) -> int:
    files = _selected(args).files
    if not files:
        return EXIT_USAGE
    everything: list[Diagnostic] = []
    for file in files:
        result = pipeline.run(file)
        found = _select(result.sorted_diagnostics(), args.only, args.skip)
        everything += found
        if args.format == "text":
            print(format_text(found) if found else _text("clean", file=file))
    errors, warnings, notes = counts(everything)
    if args.format == "json":
        print(json.dumps([d.to_json() for d in everything], ensure_ascii=False, indent=2))
    elif args.format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(data_file("cli.yaml")["csv_header"])
        for d in everything:
            loc = d.location
            writer.writerow([loc.file, loc.line or "", loc.column or "", d.severity.label,
                             d.rule, loc.path, d.message, d.remedy])
        sys.stdout.write(buffer.getvalue())
    else:
        print(_text("summary", files=len(files), errors=errors, warnings=warnings)
              + (_text("summary_notes", notes=notes) if notes else ""))
    if errors:
        return EXIT_ERRORS
    return EXIT_WARNINGS if args.strict and warnings else EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from .build import write_atomic
    from .starter import StarterError, render, target

    try:
        path, year = target(args.file, args.year, args.kind)
        text = render(year, args.kind, args.profile, args.department)
    except StarterError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    if path.exists():
        print(data_file("cli.yaml")["new"]["exists"].format(path=path), file=sys.stderr)
        return EXIT_USAGE
    write_atomic(path, text.encode("utf-8"))
    print(data_file("cli.yaml")["new"]["written"].format(path=path))
    return EXIT_OK


def _dump(args: argparse.Namespace) -> int:
    result = pipeline.run(args.file)
    if result.document is None:
        print(format_text(result.sorted_diagnostics()), file=sys.stderr)
        return EXIT_ERRORS
    print(json.dumps(result.document.to_json(), ensure_ascii=False, indent=1))
    return EXIT_ERRORS if not result.ok else EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from . import batch
    from .writers.pdf_fonts import FontsError, require_fonts

    selection = _selected(args)
    if not selection.files:
        return EXIT_USAGE
    progress = batch.Progress(len(selection.files), sys.stderr,
                              sys.stderr.isatty() and not args.quiet)
    try:
        with _terminate_as_interrupt():
            run = batch.build_all(selection.files, args.output, jobs=args.jobs,
                                  force=args.force, fonts_dir=args.fonts, progress=progress,
                                  before_build=lambda: require_fonts(args.fonts),
                                  unused=selection.unused)
    except FontsError as error:
        print(str(error), file=sys.stderr)
        return EXIT_ENVIRONMENT
    except (outdir.Busy, outdir.Refused, outdir.WriteFailed) as error:
        usage, message = _output_problem(error, args.output)
        print(message, file=sys.stderr)
        return EXIT_USAGE if usage else EXIT_ENVIRONMENT
    _report_run(run, args)
    if run.interrupted:
        print(_text("interrupted", built=sum(o.action == "built" for o in run.outcomes)),
              file=sys.stderr)
        return EXIT_INTERRUPTED
    if run.internal:
        return EXIT_INTERNAL
    if run.environment:
        return EXIT_ENVIRONMENT
    return EXIT_ERRORS if run.failed else EXIT_OK


def _report_run(run: batch.Run, args: argparse.Namespace) -> None:
    from . import summary

    for note in run.notes:
        print(note, file=sys.stderr)
    for outcome in run.outcomes:
        if args.quiet:
            break
        if outcome.action == "built":
            for path in outcome.outputs:
                print(_text("built", path=args.output / path))
        elif outcome.action == "checked":
            text = format_text([Diagnostic.from_json(d) for d in outcome.diagnostics])
            if outcome.status in ("environment", "internal"):
                if text:
                    print(text, file=sys.stderr)
                print(_text(f"failed_{outcome.status}", file=outcome.source,
                            detail=outcome.detail), file=sys.stderr)
            else:
                print(text or outcome.detail, file=sys.stderr)
                print(_text("failed", file=outcome.source), file=sys.stderr)
    print(summary.terminal_table(run.outcomes))
    counts = Counter(o.action for o in run.outcomes)
    print(_text("built_counts", total=len(run.outcomes), built=counts["built"],
                skipped=counts["skipped"], failed=len(run.failed)))
    for path in run.summaries:
        print(_text("summary_written", path=path))
    if run.problem:
        print(run.problem, file=sys.stderr)


def _output_problem(error: outdir.Busy | outdir.Refused | outdir.WriteFailed,
                    output: Path) -> tuple[bool, str]:
    """(a usage error?, the message) for an output folder that cannot be used."""
    if isinstance(error, outdir.Busy):
        holder = {"pid": "?", "started": "?", "command": "?", "folder": "?", **error.holder}
        return False, _text("busy", path=output, **holder)
    if isinstance(error, outdir.Refused):
        return False, _text("output_refused", path=output / error.relative)
    if isinstance(error.error, NotADirectoryError | FileExistsError):
        return True, _text("output_is_file", path=output)
    if error.disk_full:
        return False, _text("output_disk_full", path=output)
    return False, _text("output_not_writable", path=output,
                        reason=system_reason(error.error))


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM stops a build as Ctrl-C does: the workers end, what finished is recorded."""
    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a handler
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _import(args: argparse.Namespace) -> int:
    from .build import write_atomic
    from .workbook import import_workbook

    if args.output.exists() and not args.force:
        print(_text("exists", path=args.output), file=sys.stderr)
        return EXIT_USAGE
    imported = import_workbook(args.workbook, args.profile, args.year)
    if imported.text is None:
        print(format_text(imported.diagnostics), file=sys.stderr)
        print(_text("not_imported", path=args.output), file=sys.stderr)
        return EXIT_ERRORS
    write_atomic(args.output, imported.text.encode("utf-8"))
    print(_text("imported", path=args.output))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        command = {"new": _new, "check": _check, "dump": _dump, "build": _build,
                   "codes": codecommands.run, "import": _import}[args.command]
        with codelists.folder_first(getattr(args, "codes", None)):
            return command(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as error:  # an internal fault: say so plainly, never a traceback
        print(_text("internal", kind=type(error).__name__, detail=error), file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
