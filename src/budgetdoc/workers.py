"""The process pool of a batch build: a dead worker costs only the department it was building.

pebble's ProcessPool replaces a worker that dies (killed by the system for lack of memory,
say) and fails only the task that worker was running (`ProcessExpired`); the other tasks run
on. A task whose pool broke down as a whole is run again in a new pool, at most twice.

Each worker
- ends when the main process ends, however it ends (Linux `PR_SET_PDEATHSIG`: SIGTERM),
  and exits at once if the main process was gone before that was set;
- on SIGTERM (the pool stopping, the main process gone) deletes the temporary files it was
  writing and exits; renames in progress finish first (see outdir);
- watches its own resident memory: past `memory_limit()` it exits with MEMORY_EXIT, so that
  a department too large for the machine fails alone, said so, before the system's
  out-of-memory killer picks a process.
Ctrl-C in the main process (KeyboardInterrupt) stops the workers; tasks not finished give no
result, and the caller records what did finish.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pebble import ProcessExpired, ProcessPool

try:  # pebble's internal constants (see POOL_TICK); a pebble without them keeps its own tick
    from pebble.common import CONSTS as PEBBLE
except ImportError:  # pragma: no cover
    PEBBLE = None

from . import outdir

MEMORY_EXIT = 86  # a worker's exit status when it stopped itself for memory
MEMORY_SHARE = 0.8  # of the machine's (or container's) memory, shared by the workers
WATCH_SECONDS = 0.2
ATTEMPTS = 3
_PR_SET_PDEATHSIG = 1
# pebble's pool threads look at the pool's state every `sleep_unit` (0.1 s by default), so
# joining a pool whose tasks are done waits up to that long for them: most of the ~0.09 s a
# one-file build spent after its worker had written the documents. Its tick, made shorter:
# the pool's manager thread then checks its few workers 50 times a second, in a main process
# that is otherwise only waiting.
POOL_TICK = 0.02


@dataclass
class Died:
    """A task whose worker ended without a result."""

    exitcode: int | None  # negative: the signal that ended it
    memory_limit: int | None = None  # set when the worker stopped itself for memory


def memory_limit(workers: int) -> int | None:
    """The resident memory one worker may use: a share of the machine's, or of the
    container's if that is less; None where it cannot be known."""
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return None
    try:
        text = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        total = min(total, int(text))
    except (OSError, ValueError):
        pass
    return int(total * MEMORY_SHARE / max(workers, 1))


def run(function: Callable[..., Any], tasks: Sequence[tuple[Any, ...]],
        workers: int) -> Iterator[tuple[int, Any]]:
    """(index, result) for each task as it finishes: `function(*task)`'s value, a Died, or
    the exception it raised."""
    limit = memory_limit(workers)
    pending = list(range(len(tasks)))
    for _ in range(ATTEMPTS):
        if not pending:
            return
        pending = yield from _round(function, tasks, pending, workers, limit)
    for index in pending:
        yield index, Died(None)


def _round(function: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], pending: list[int],
           workers: int, limit: int | None) -> Iterator[tuple[int, Any]]:
    again: list[int] = []
    if isinstance(getattr(PEBBLE, "sleep_unit", None), float):
        PEBBLE.sleep_unit = min(PEBBLE.sleep_unit, POOL_TICK)
    pool = ProcessPool(max_workers=min(workers, len(pending)), initializer=_start,
                       initargs=(os.getpid(), limit), context=multiprocessing.get_context("fork"))
    try:
        futures = {pool.schedule(function, args=tasks[i]): i for i in pending}
        for future in concurrent.futures.as_completed(futures):
            index = futures[future]
            try:
                yield index, future.result()
            except ProcessExpired as died:
                yield index, Died(died.exitcode,
                                  limit if died.exitcode == MEMORY_EXIT else None)
            except (concurrent.futures.BrokenExecutor, concurrent.futures.CancelledError):
                again.append(index)  # the pool failed, not this task: run it again
            except Exception as error:
                yield index, error
        pool.close()
    except BaseException:
        pool.stop()
        raise
    finally:
        pool.join()
    return again


# --- in a worker ----------------------------------------------------------------------------

def _start(parent: int, limit: int | None) -> None:
    _end_with_parent(parent)
    # This worker's temporary files (WeasyPrint's copies of the fonts it uses) in a folder
    # of its own, removed as it ends: it ends by os._exit, which removes nothing itself.
    tempfile.tempdir = tempfile.mkdtemp(prefix="budgetdoc-worker-")
    signal.signal(signal.SIGTERM, _stop)
    if limit:
        threading.Thread(target=_watch_memory, args=(limit,), daemon=True).start()


def _end_with_parent(parent: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown has to do
        pass
    if os.getppid() != parent:  # the main process ended before the line above
        os._exit(0)


def _stop(signum: int, _frame: object) -> None:
    outdir.abandon()
    _remove_temporary_folder()
    os._exit(128 + signum)


def _remove_temporary_folder() -> None:
    if tempfile.tempdir and Path(tempfile.tempdir).name.startswith("budgetdoc-worker-"):
        shutil.rmtree(tempfile.tempdir, ignore_errors=True)


def resident_memory() -> int:
    """This process's resident memory in bytes (its peak where /proc is missing)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _watch_memory(limit: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if resident_memory() > limit:
            with outdir.COMMITTING:  # never between the renames of a set
                outdir.abandon()
                _remove_temporary_folder()
                os._exit(MEMORY_EXIT)
