"""The users' documentation keeps up with the tool: the generated key reference is current,
every command is in the user guide, and the documents' links lead somewhere."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest

from budgetdoc import cli

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "user-guide.md"


@pytest.mark.parametrize(("kind", "document"), [("预算", "data-file-reference.md"),
                                              ("决算", "final-file-reference.md")])
def test_data_file_reference_is_current(kind: str, document: str) -> None:
    expected = runpy.run_path(str(ROOT / "scripts" / "format_doc.py"))["render"](kind)
    actual = (ROOT / "docs" / document).read_text("utf-8")
    assert actual == expected, f"run: .venv/bin/python scripts/format_doc.py {kind} > " \
                               f"docs/{document}"


def test_profile_guide_is_current() -> None:
    """docs/profiles.md: its generated tables (profile files' keys, providers, rules) are what
    scripts/profiles_doc.py makes from the code now."""
    doc = runpy.run_path(str(ROOT / "scripts" / "profiles_doc.py"))
    actual = (ROOT / "docs" / "profiles.md").read_text("utf-8")
    assert doc["render"](actual) == actual, "run: .venv/bin/python scripts/profiles_doc.py"


def test_every_command_is_in_the_user_guide() -> None:
    parser = cli._parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    guide = GUIDE.read_text("utf-8")
    assert set(commands) == {"new", "check", "dump", "build", "codes", "import"}
    for command in commands:
        assert f"budgetdoc {command}" in guide, command


def test_the_readme_opens_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text("utf-8").splitlines()
    assert lines[2:6] == [
        "```sh",
        "bash scripts/bootstrap.sh && .venv/bin/budgetdoc build examples/departments -o output",
        "bash scripts/bootstrap.sh && .venv/bin/python -m pytest",
        "```"]


@pytest.mark.parametrize("document", ["README.md", "docs/user-guide.md", "docs/development.md",
                                      "docs/transcribing.md", "docs/profiles.md",
                                      "docs/final-guide.md"])
def test_relative_links_and_named_files_exist(document: str) -> None:
    path = ROOT / document
    text = path.read_text("utf-8")
    links = re.findall(r"\]\(([^)#:]+)\)", text)
    named = re.findall(r"`((?:docs|scripts|templates|data|schemas|examples)/[\w./-]+)`", text)
    assert links or named
    for link in links:
        assert (path.parent / link).exists(), link
    for name in named:
        if "<" not in name:
            assert (ROOT / name).exists(), name
