"""The command line's parsing in Chinese: argparse's own words (usage, its errors, the help
option), the names of the values in the usage lines and what a year or a count must be,
from data/argparse.yaml.

argparse looks each of its messages up through the module's `_` and `ngettext` (gettext) when
it uses it; `install()` points both at the Chinese table, before any parser is made (the help
option and the group titles are looked up then). A message missing from the table stays as
argparse wrote it; tests/test_cli.py checks that none is missing.
"""

from __future__ import annotations

import argparse
from typing import Any

from .resources import data_file


def _table() -> dict[str, Any]:
    found: dict[str, Any] = data_file("argparse.yaml")
    return found


def _message(text: str) -> str:
    return str(_table()["messages"].get(text, text))


def _plural(singular: str, plural: str, count: int) -> str:
    return _message(singular if count == 1 else plural)


def install() -> None:
    """argparse's messages in Chinese, for the parsers made after this."""
    argparse._ = _message  # type: ignore[attr-defined]
    argparse.ngettext = _plural  # type: ignore[attr-defined]


class Formatter(argparse.HelpFormatter):
    """Each option's help on the lines under it: argparse aligns the help column by counting
    characters, and a hanzi takes two columns of a terminal."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=6)


def finish(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """`parser` and every command under it: each value named in Chinese in the usage lines and
    messages (metavars by the argument's internal name), help laid out by `Formatter`."""
    names = _table()["metavars"]
    parser.formatter_class = Formatter
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            action.metavar = action.metavar or names.get(action.dest)
            for command in action.choices.values():
                finish(command)
        elif action.metavar is None and action.choices is None and action.nargs != 0 and \
                action.dest in names:
            action.metavar = names[action.dest]
    return parser


def year(text: str) -> int:
    """A year given on the command line: four digits."""
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(str(_table()["not_year"]).format(value=text))
    return int(text)


def positive(text: str) -> int:
    """A count given on the command line: a whole number from 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(str(_table()["not_positive"]).format(value=text))
    return value
