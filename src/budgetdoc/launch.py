"""The `budgetdoc` command's entry point.

A build of files (not folders: most of a bureau's folder is usually unchanged, or built by a
pool) starts its PDF renderer process (writers/pdf_process.py) before the rest of the tool
is loaded (~0.2 s), so that WeasyPrint is imported and the fonts are prepared on the other
core while this process loads the tool, checks the files and renders the DOCX. Then the
command runs as `budgetdoc.cli.main`.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The build options that take a value (cli.py); the other words are the files to build.
VALUED = {"-o", "--output", "--fonts", "-j", "--jobs", "--year"}


def builds_files(argv: list[str]) -> bool:
    """A build command naming files only (a quick reading; the command parses it again)."""
    if argv[:1] != ["build"]:
        return False
    words, skip = [], False
    for word in argv[1:]:
        if skip or word.startswith("-"):
            skip = not skip and word in VALUED
            continue
        words.append(word)
    return bool(words) and all(Path(word).is_file() for word in words)


def main() -> int:
    if not builds_files(sys.argv[1:]):
        from .cli import main as command

        return command()
    from .writers import pdf_process

    pdf_process.start()
    try:
        from .cli import main as command

        return command()
    finally:
        pdf_process.stop()
