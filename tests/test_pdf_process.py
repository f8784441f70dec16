"""The PDF renderer process started with a build (writers/pdf_process.py): the same PDF as
rendering in place, shared with a build's one pool worker, replaced by the process that
asked whatever happens to it, and nothing of it left behind."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from budgetdoc import build, cli, launch, pipeline
from budgetdoc.writers import pdf, pdf_process
from test_pdf import EXAMPLES, synthetic

ROOT = Path(__file__).resolve().parents[1]
BEIJING = ROOT / "examples" / "departments" / "changji-beijing-office" / "2024.yaml"


@pytest.fixture(scope="module")
def checked() -> tuple[pipeline.Result, bytes]:
    result = pipeline.run(BEIJING)
    assert result.document is not None
    return result, pdf.render(result.document)


@pytest.fixture
def renderer():
    pdf_process.start()
    started = pdf_process._renderer
    assert started is not None
    try:
        yield started
    finally:
        started.owner = os.getpid()
        pdf_process.stop()
    assert not started.process.is_alive()


def test_the_renderer_process_renders_the_same_pdf(checked, renderer) -> None:
    result, expected = checked
    contents = build.render(result)
    assert renderer.delivered == 1
    assert contents[".pdf"] == expected
    assert contents[".docx"].startswith(b"PK")


def test_a_killed_renderer_is_replaced_by_the_process_that_asked(checked, renderer) -> None:
    result, expected = checked
    os.kill(renderer.process.pid, signal.SIGKILL)
    renderer.process.join()
    assert build.render(result)[".pdf"] == expected
    assert renderer.delivered == 0


def test_a_reply_for_a_worker_that_died_is_passed_over(renderer) -> None:
    """A worker that died after handing a job over leaves its reply in the pipe; the next
    worker (a copy of the same renderer) must get its own PDF, not that one."""
    first, second = synthetic(), synthetic()
    second.parts = second.parts[:1]
    assert renderer.send((first, None, "default")) is not None  # never received
    renderer.busy = False  # as the next worker's copy of the renderer is
    token = renderer.send((second, None, "default"))
    assert token is not None
    assert renderer.receive(token) == pdf.render(second)


def test_the_renderer_serves_its_process_or_the_pool_worker_it_is_shared_with(
        renderer) -> None:
    renderer.owner = -1  # as seen from a process forked later
    assert not renderer.usable()
    pdf_process.share()
    assert renderer.usable()


def test_a_pool_of_several_workers_stops_the_renderer_first(renderer) -> None:
    with build.renderers(2):
        assert pdf_process._renderer is None and not renderer.process.is_alive()


def test_the_one_pool_worker_renders_through_the_renderer(tmp_path, monkeypatch,
                                                          capsys) -> None:
    """The renderer is started before pdf.render breaks here; the worker, forked after,
    inherits the broken pdf.render: the build succeeds only if the renderer made its PDF."""
    pdf_process.start()
    try:
        def broken(*args, **kwargs):
            raise OSError("not here")

        monkeypatch.setattr(pdf, "render", broken)
        status = cli.main(["build", str(BEIJING), "-o", str(tmp_path), "-q", "-j", "1"])
    finally:
        pdf_process.stop()
    capsys.readouterr()
    assert status == 0
    assert len(list(tmp_path.rglob("*.pdf"))) == 1


def test_the_command_starts_the_renderer_for_a_build_only(monkeypatch, tmp_path,
                                                          capsys) -> None:
    started = []
    start = pdf_process.start
    monkeypatch.setattr(pdf_process, "start", lambda fonts_dir=None: started.append(
        fonts_dir) or start(fonts_dir))
    monkeypatch.setattr(sys, "argv", ["budgetdoc", "check", str(BEIJING)])
    assert launch.main() == 0
    assert started == []
    monkeypatch.setattr(sys, "argv", ["budgetdoc", "build", str(BEIJING), "-o",
                                      str(tmp_path), "-q"])
    assert launch.main() == 0
    assert started == [None, None]  # by the entry point, then (no-op) before the pool
    assert pdf_process._renderer is None
    assert not [p for p in multiprocessing.active_children() if p.name == "budgetdoc-pdf"]
    capsys.readouterr()


def test_a_build_of_files_starts_the_renderer_first() -> None:
    """A folder is started later, only if its departments are built by one worker."""
    assert launch.builds_files(["build", str(BEIJING), "-o", str(ROOT), "-j", "2", "-q"])
    assert launch.builds_files(["build", "--fonts", str(ROOT), str(BEIJING)])
    assert not launch.builds_files(["build", str(BEIJING.parent)])
    assert not launch.builds_files(["build", "-o", str(BEIJING)])
    assert not launch.builds_files(["check", str(BEIJING)])
    assert not launch.builds_files(["build", str(BEIJING), "missing.yaml"])


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_build_leaves_no_temporary_folder(tmp_path: Path, jobs: str) -> None:
    """WeasyPrint copies the lean fonts into a temporary folder of each process that keeps a
    font configuration: the renderer process, a pool worker, the main process."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    command = [str(ROOT / ".venv" / "bin" / "budgetdoc"), "build",
               *(str(ROOT / "examples" / "departments" / e) for e in EXAMPLES[:2]),
               "-o", str(tmp_path / "out"), "-q", "-j", jobs]
    subprocess.run(command, check=True, capture_output=True,
                   env={**os.environ, "TMPDIR": str(temporary)})
    assert len(list((tmp_path / "out").rglob("*.pdf"))) == 2
    assert list(temporary.iterdir()) == []
