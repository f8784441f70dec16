"""`budgetdoc codes install FILE --year Y --kind K` and `budgetdoc codes list [--year Y]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from . import arguments
from . import codes as codelists
from .codeinstall import InstallError, counts_by_level, install, orphans
from .resources import data_file, listed

EXIT_OK, EXIT_ERRORS = 0, 1


def _text(key: str, **fields: Any) -> str:
    return str(data_file("cli.yaml")["codes"][key]).format(**fields)


def add_folder_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--codes", type=Path, default=None, help=_text("folder_option"))


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("codes", help=_text("command"))
    actions = parser.add_subparsers(dest="action", required=True)
    put = actions.add_parser("install", help=_text("install"))
    put.add_argument("source", type=Path, help=_text("source"))
    put.add_argument("--year", type=arguments.year, required=True, help=_text("year"))
    put.add_argument("--kind", choices=codelists.KINDS, required=True, help=_text("kind"))
    put.add_argument("--partial", action="store_true", help=_text("partial"))
    show = actions.add_parser("list", help=_text("list"))
    show.add_argument("--year", type=arguments.year, default=None, help=_text("year_for"))
    for sub in (put, show):
        add_folder_option(sub)


def run(args: argparse.Namespace) -> int:
    return _install(args) if args.action == "install" else _list(args)


def _kind(kind: str) -> str:
    return str(data_file("labels.yaml")["code_kinds"][kind])


def _install(args: argparse.Namespace) -> int:
    folder = codelists.folders()[0]
    try:
        target, parsed, replaced = install(args.source, args.year, args.kind, folder,
                                           complete=not args.partial)
    except InstallError as error:
        print(_text("failed", reason=error), file=sys.stderr)
        return EXIT_ERRORS
    print(_text("installed", year=args.year, kind=_kind(args.kind), count=len(parsed.codes),
                levels=counts_by_level(parsed.codes, args.kind), file=target)
          + (_text("replaced") if replaced else ""))
    if folder == codelists.SHIPPED:
        print(_text("in_project"))
    loose = orphans(parsed.codes, args.kind)
    if loose:
        print(_text("orphans", count=len(loose), examples=listed(loose[:5])))
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    print(_text("folders", folders=listed(codelists.folders())))
    found = codelists.available()
    if not found:
        print(_text("none"))
    for entry in found:
        print(_text("row", year=entry.year, kind=_kind(entry.kind), count=len(entry.names),
                    levels=counts_by_level(entry.names, entry.kind),
                    state=_text("complete" if entry.complete else "partial_state"),
                    file=entry.file))
    if args.year is not None:
        chosen = codelists.for_year(args.year)
        uses = [_text("year_use", kind=_kind(kind), used=chosen.lists[kind].year,
                      state=_text("complete" if chosen.complete(kind) else "partial_state"))
                if kind in chosen.lists else _text("year_none", kind=_kind(kind))
                for kind in codelists.KINDS]
        print(_text("year_uses", year=args.year, uses=_text("uses_separator").join(uses)))
    return EXIT_OK
