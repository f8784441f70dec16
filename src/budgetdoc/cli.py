"""The `budgetdoc` command: check, dump, build. `main(argv)` returns the exit status.

Exit status: 0 clean, 1 data errors, 2 usage, 3 warnings under --strict, 4 missing
environment (fonts), 70 internal error.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import pipeline
from .diagnostics import Diagnostic
from .resources import data_file

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_WARNINGS, EXIT_ENVIRONMENT = 0, 1, 2, 3, 4
EXIT_INTERNAL = 70


def _text(key: str, **fields: Any) -> str:
    return str(data_file("cli.yaml")[key]).format(**fields)


def _parser() -> argparse.ArgumentParser:
    cli = data_file("cli.yaml")
    parser = argparse.ArgumentParser(prog="budgetdoc", description=cli["description"])
    commands = parser.add_subparsers(dest="command", required=True)
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
    return parser


def department_files(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder contributes every *.yaml below it, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.yaml") if p.is_file())
        else:
            found.append(path)
    return found


def _select(diagnostics: list[Diagnostic], only: list[str], skip: list[str]) -> list[Diagnostic]:
    def wanted(rule: str, patterns: list[str]) -> bool:
        return any(rule == p or rule.startswith(p.rstrip("*").rstrip(".") + ".") for p in patterns)

    kept = [d for d in diagnostics if not only or wanted(d.rule, only)]
    return [d for d in kept if not wanted(d.rule, skip)]


EXCERPT = 100  # characters of the offending line shown around the column


def _window(text: str, column: int) -> tuple[str, int]:
    """At most EXCERPT characters of a line around `column`, and the column within them."""
    if len(text) <= EXCERPT:
        return text, column
    start = max(0, min(column - 1 - EXCERPT // 2, len(text) - EXCERPT))
    marker = "…" if start else ""
    return marker + text[start:start + EXCERPT] + "…", column - start + len(marker)


def format_text(diagnostics: list[Diagnostic]) -> str:
    """Grouped by file, sorted by line: `file:line:col: 错误 [rule] message`, excerpt, caret."""
    out: list[str] = []
    sources: dict[str, list[str]] = {}
    for d in diagnostics:
        loc = d.location
        head = f"{loc}: {d.severity.label} [{d.rule}]"
        if loc.path and loc.path not in d.message:
            head += f" {loc.path}{data_file('labels.yaml')['path_suffix']}"
        out.append(f"{head} {d.message}")
        if loc.line:
            if loc.file not in sources:
                try:
                    sources[loc.file] = Path(loc.file).read_text("utf-8-sig").splitlines()
                except (OSError, UnicodeDecodeError):
                    sources[loc.file] = []
            lines = sources[loc.file]
            if 0 < loc.line <= len(lines):
                text, column = _window(lines[loc.line - 1], loc.column or 1)
                out.append(f"    {text}")
                if loc.column:
                    pad = "".join("\u3000" if ord(ch) > 0x2E7F else " "
                                  for ch in text[: column - 1])
                    out.append(f"    {pad}^")
        out.append(f"    → {d.remedy}")
    return "\n".join(out)


def _check(args: argparse.Namespace) -> int:
    files = department_files(args.files)
    if not files:
        print(_text("no_files", path=" ".join(map(str, args.files))), file=sys.stderr)
        return EXIT_USAGE
    everything: list[Diagnostic] = []
    for file in files:
        result = pipeline.run(file)
        found = _select(result.sorted_diagnostics(), args.only, args.skip)
        everything += found
        if args.format == "text":
            print(format_text(found) if found else _text("clean", file=file))
    errors, warnings = pipeline.errors_and_warnings(everything)
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
        print(_text("summary", files=len(files), errors=errors, warnings=warnings))
    if errors:
        return EXIT_ERRORS
    return EXIT_WARNINGS if args.strict and warnings else EXIT_OK


def _dump(args: argparse.Namespace) -> int:
    result = pipeline.run(args.file)
    if result.document is None:
        print(format_text(result.sorted_diagnostics()), file=sys.stderr)
        return EXIT_ERRORS
    print(json.dumps(result.document.to_json(), ensure_ascii=False, indent=1))
    return EXIT_ERRORS if not result.ok else EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from .build import build_one
    from .writers.pdf import FontsError

    files = department_files(args.files)
    if not files:
        print(_text("no_files", path=" ".join(map(str, args.files))), file=sys.stderr)
        return EXIT_USAGE
    status = EXIT_OK
    for file in files:
        try:
            built = build_one(file, args.output, args.fonts)
        except FontsError as error:
            print(str(error), file=sys.stderr)
            return EXIT_ENVIRONMENT
        if not built.ok:
            print(format_text(built.diagnostics), file=sys.stderr)
            print(_text("failed", file=file), file=sys.stderr)
            status = EXIT_ERRORS
            continue
        for path in built.outputs:
            print(_text("built", path=path))
    return status


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        command = {"check": _check, "dump": _dump, "build": _build}[args.command]
        return command(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # an internal fault: say so plainly, never a traceback
        print(_text("internal", kind=type(error).__name__, detail=error), file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
