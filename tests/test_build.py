"""Writing one output file: atomically, and readable as the user's umask allows."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from budgetdoc.build import write_atomic


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_file_has_the_mode_the_umask_gives(tmp_path: Path, umask: int, mode: int) -> None:
    """A web server or a colleague on a shared drive can read what the bureau publishes."""
    before = os.umask(umask)
    try:
        write_atomic(tmp_path / "out" / "index.html", b"<p>x</p>")
    finally:
        os.umask(before)
    written = tmp_path / "out" / "index.html"
    assert written.read_bytes() == b"<p>x</p>"
    assert stat.S_IMODE(written.stat().st_mode) == mode
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["index.html"]  # no temporary left
