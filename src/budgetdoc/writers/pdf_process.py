"""The PDF renderer in a process of its own, started with the command.

A new `budgetdoc build` needs ~0.4 s to load the tool and check the file (the main process,
then its pool worker), and another ~0.2 s to import WeasyPrint and prepare its fonts before
it can lay out a page. Started first, a renderer process does the latter on the other core
meanwhile; it then renders the finished document model it is sent while the worker renders
the DOCX and the workbook: the same code on the same model, so the same bytes.

At most one, started by the main process; a build's departments are built by pool workers
(workers.py), and when there is one worker the renderer is shared with it (it inherits the
connection): the worker checks each department and renders its DOCX and workbook while the
renderer renders its PDF. Whatever goes wrong with the renderer (it died, the model would
not pickle, its render failed), the process that asked renders the PDF itself, so errors
and their messages are its own. This module imports little, so that the renderer can be
started before the rest of the tool is loaded.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by the processes that render, not before the fork
    from multiprocessing.connection import Connection

    from ..document import Document

_renderer: Renderer | None = None

Job = tuple["Document", "Path | None", str]


class Renderer:
    def __init__(self, fonts_dir: Path | None) -> None:
        context = multiprocessing.get_context("fork")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, fonts_dir), daemon=True,
                                       name="budgetdoc-pdf")
        self.process.start()
        child.close()
        self.owner = os.getpid()
        self.shared = False  # usable by the one pool worker forked after this was set
        self.busy = self.used = False
        self.sent = 0
        self.delivered = 0  # PDFs it rendered for this process

    def usable(self) -> bool:
        return not self.busy and (self.owner == os.getpid() or self.shared)

    def send(self, job: Job) -> tuple[int, int] | None:
        """Hand a job over; its token, or None if it could not be sent."""
        self.sent += 1
        token = (os.getpid(), self.sent)
        try:
            self.connection.send((token, job))
        except Exception:  # a model that does not pickle, the process gone
            return None
        self.busy = self.used = True
        return token

    def receive(self, token: tuple[int, int]) -> bytes | None:
        """The PDF of the job `token`, or None if it failed or the process is gone. A reply to
        an earlier job (whose worker died before reading it) is passed over."""
        self.busy = False
        while True:
            try:
                answered, kind, content = self.connection.recv()
            except (EOFError, OSError):
                return None
            if answered == token:
                break
        if kind != "pdf":
            return None
        self.delivered += 1
        return content  # type: ignore[no-any-return]

    def close(self) -> None:
        """End the process: at once if it was never used here (it may still be preparing,
        or a pool worker used it), else once it has read that there is nothing more to do."""
        if self.used:
            try:
                self.connection.send(None)
            except OSError:
                pass
            self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()  # its handler still removes its temporary folder
            self.process.join()
        self.connection.close()


def _serve(connection: Connection, fonts_dir: Path | None) -> None:
    """The renderer process: prepare, then render each document model it is sent.

    Its temporary files (WeasyPrint's copies of the lean fonts) go in a folder of its own,
    removed as it ends; it ends at once (os._exit, as a multiprocessing worker does), with
    nothing else to tidy, so that the main process does not wait for it."""
    signal.signal(signal.SIGTERM, _end)  # terminated: still remove the folder
    temporary = ""
    try:
        temporary = tempfile.mkdtemp(prefix="budgetdoc-pdf-")
        tempfile.tempdir = temporary
        from . import pdf

        pdf.prepare(fonts_dir)
        # A render leaves millions of objects for the cycle collector: collected when the
        # next job arrives, not before this one's PDF is sent (~0.08 s, which a one-file
        # build would wait for). pdf.render leaves the collector as it found it.
        gc.disable()
        rendered = False
        while (message := connection.recv()) is not None:
            if rendered:
                gc.collect()
            rendered = True
            token, job = message
            try:
                reply = (token, "pdf", pdf.render(*job))
            except Exception:  # the process that asked renders it again, and reports it
                reply = (token, "failed", None)
            connection.send(reply)
    except BaseException:  # EOF (no process left to ask), Ctrl-C, SIGTERM: end quietly
        pass
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os._exit(0)


def _end(*_: object) -> None:
    raise SystemExit(0)


def start(fonts_dir: Path | None = None) -> None:
    """Start the renderer process (once) for a command that may build documents."""
    global _renderer
    if _renderer is None:
        _renderer = Renderer(fonts_dir)


def share() -> None:
    """Let the one pool worker about to be forked use the renderer (it inherits it)."""
    if _renderer is not None:
        _renderer.shared = True


def stop() -> None:
    """End the renderer process, if this process started one."""
    global _renderer
    renderer, _renderer = _renderer, None
    if renderer is not None and renderer.owner == os.getpid():
        renderer.close()


@dataclass
class Pending:
    """A PDF on its way: from the renderer process, or rendered here when asked for."""

    job: Job
    renderer: Renderer | None = None
    token: tuple[int, int] = (0, 0)

    def result(self) -> bytes:
        if self.renderer is not None:
            content = self.renderer.receive(self.token)
            self.renderer = None
            if content is not None:
                return content
        from . import pdf

        return pdf.render(*self.job)

    def discard(self) -> None:
        if self.renderer is not None:
            self.renderer.receive(self.token)
            self.renderer = None


def submit(document: Document, fonts_dir: Path | None, profile: str) -> Pending:
    """Hand the PDF of `document` to the renderer process, if this process may use one and
    it is free; `result()` waits for it (or renders here)."""
    job = (document, fonts_dir, profile)
    renderer = _renderer
    if renderer is not None and renderer.usable():
        token = renderer.send(job)
        if token is not None:
            return Pending(job, renderer, token)
    return Pending(job)
