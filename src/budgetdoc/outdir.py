"""The output folder, written only inside itself.

Every file is reached through folder handles opened from the output folder down, none of them
following a symbolic link: a department folder, 检查报告 or .budgetdoc inside the output folder
that is a link (or a file) is refused, never written, read or deleted through. Paths come
from our own names or from the state file, and are checked to be plain relative paths.

A set of files (every output of one department) is written to temporary files first and
renamed into place only when all of them are complete; if one cannot be written, the
temporary files go and every old file stays. Between the first and the last rename a journal
in `.budgetdoc/commits/` lists the renames, so that a process killed in between (SIGKILL,
power loss) has its set completed by the next run; SIGINT and SIGTERM wait until the renames
are done. Temporary files are named `.<name>.<8 characters>.tmp`; those a killed process
left are removed by the next run, which holds the output folder's lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import signal
import stat
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

STATE_FOLDER = ".budgetdoc"
JOURNALS = f"{STATE_FOLDER}/commits"
LOCK = f"{STATE_FOLDER}/lock"
TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_CHUNK = 1 << 20
COMMITTING = threading.Lock()  # held while a set's files are renamed into place


class Refused(Exception):
    """A path inside the output folder is a link or not a folder: never written through."""

    def __init__(self, relative: str) -> None:
        super().__init__(relative)
        self.relative = relative


class WriteFailed(Exception):
    """The system refused a write (disk full, read-only, permissions): an environment fault."""

    def __init__(self, relative: str, error: OSError) -> None:
        super().__init__(f"{relative}: {error}")
        self.relative, self.error = relative, error

    @property
    def disk_full(self) -> bool:
        return self.error.errno in (errno.ENOSPC, errno.EDQUOT)


class Busy(Exception):
    """Another build holds the output folder's lock; `holder` is what it wrote there."""

    def __init__(self, holder: dict[str, Any]) -> None:
        super().__init__(str(holder))
        self.holder = holder


def relative_path(text: object) -> str | None:
    """`text` as a plain relative path inside a folder (no `..`, not absolute), else None."""
    if not isinstance(text, str) or not text or "\\" in text or "\0" in text:
        return None
    path = PurePosixPath(text)
    if path.is_absolute() or any(part in ("..", ".", "") for part in text.split("/")):
        return None
    return str(path)


def _parts(relative: str) -> list[str]:
    checked = relative_path(relative)
    if checked is None:
        raise ValueError(f"not a relative path inside the output folder: {relative!r}")
    return checked.split("/")


def _temporary_name(name: str) -> str:
    return f".{name}.{''.join(secrets.choice(_ALPHABET) for _ in range(8))}.tmp"


@dataclass
class _Staged:
    folder: int  # handle of the target's folder
    relative: str
    temporary: str = ""


class OutputFolder:
    """Handles on the output folder; `close()` (or `with`) releases them and the lock."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._fd = os.open(root, _FOLDER & ~os.O_NOFOLLOW)  # the folder named may be a link
        self._lock: int | None = None

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the last handle releases the lock
            self._lock = None
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    # --- folders ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _folder(self, parts: list[str], create: bool) -> Iterator[int]:
        fd = self._open_folder(parts, create)
        try:
            yield fd
        finally:
            os.close(fd)

    def _open_folder(self, parts: list[str], create: bool) -> int:
        fd = os.dup(self._fd)
        try:
            for depth, part in enumerate(parts, start=1):
                try:
                    inner = os.open(part, _FOLDER, dir_fd=fd)
                except FileNotFoundError:
                    if not create:
                        raise
                    with contextlib.suppress(FileExistsError):
                        os.mkdir(part, 0o777, dir_fd=fd)
                    inner = os.open(part, _FOLDER, dir_fd=fd)
                except OSError as error:
                    if error.errno in (errno.ELOOP, errno.ENOTDIR):
                        raise Refused("/".join(parts[:depth])) from None
                    raise
                os.close(fd)
                fd = inner
            return fd
        except BaseException:
            os.close(fd)
            raise

    # --- reading ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _reading(self, relative: str) -> Iterator[BinaryIO]:
        """A file inside the output folder opened to read, never through a link."""
        parts = _parts(relative)
        with self._folder(parts[:-1], create=False) as folder:
            fd = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
            with os.fdopen(fd, "rb") as stream:
                yield stream

    def digest(self, relative: str) -> str | None:
        """SHA-256 of a regular file inside the output folder; None if it is not one."""
        try:
            with self._reading(relative) as stream:
                if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                    return None
                digest = hashlib.sha256()
                while chunk := stream.read(_CHUNK):
                    digest.update(chunk)
                return digest.hexdigest()
        except (OSError, Refused):
            return None

    def is_file(self, relative: str) -> bool:
        parts = _parts(relative)
        try:
            with self._folder(parts[:-1], create=False) as folder:
                info = os.stat(parts[-1], dir_fd=folder, follow_symlinks=False)
        except (OSError, Refused):
            return False
        return stat.S_ISREG(info.st_mode)

    def read(self, relative: str) -> bytes | None:
        try:
            with self._reading(relative) as stream:
                return stream.read()
        except (OSError, Refused):
            return None

    # --- writing ------------------------------------------------------------------------

    def write(self, relative: str, content: bytes) -> None:
        self.write_set({relative: content})

    def write_set(self, files: Mapping[str, bytes]) -> None:
        """Write every file, or none: raises Refused or WriteFailed, the old files intact."""
        staged: list[_Staged] = []
        decided = False
        try:
            for relative, content in files.items():
                parts = _parts(relative)
                item = _Staged(self._open_folder_for(relative, parts[:-1]), relative)
                staged.append(item)
                item.temporary = self._write_temporary(item, parts[-1], content)
            journal = self._journal(staged) if len(staged) > 1 else None
            decided = True  # from here on the set is completed, now or by the next run
            self._rename(staged, journal)
        except BaseException:
            if not decided:
                for item in staged:
                    if item.temporary:
                        with contextlib.suppress(OSError):
                            os.unlink(item.temporary, dir_fd=item.folder)
            raise
        finally:
            for item in staged:
                os.close(item.folder)
            _forget(staged)

    def _open_folder_for(self, relative: str, parts: list[str]) -> int:
        try:
            return self._open_folder(parts, create=True)
        except OSError as error:
            raise WriteFailed(relative, error) from None

    def _write_temporary(self, item: _Staged, name: str, content: bytes) -> str:
        while True:
            temporary = _temporary_name(name)
            try:
                fd = os.open(temporary, _NEW_FILE, 0o666, dir_fd=item.folder)
                break
            except FileExistsError:
                continue
            except OSError as error:
                raise WriteFailed(item.relative, error) from None
        item.temporary = temporary
        _remember(item)
        try:
            write_all(fd, content)
        except OSError as error:
            raise WriteFailed(item.relative, error) from None
        return temporary

    def _journal(self, staged: list[_Staged]) -> str:
        """Record the renames to come; returns the journal's name in JOURNALS."""
        renames = [[str(PurePosixPath(s.relative).parent), s.temporary,
                    PurePosixPath(s.relative).name] for s in staged]
        name = f"{secrets.token_hex(8)}.json"
        self.write(f"{JOURNALS}/{name}", json.dumps(renames, ensure_ascii=False).encode())
        return name

    def _rename(self, staged: list[_Staged], journal: str | None) -> None:
        with COMMITTING, _signals_held():
            for item in staged:
                try:
                    os.replace(item.temporary, PurePosixPath(item.relative).name,
                               src_dir_fd=item.folder, dst_dir_fd=item.folder)
                except OSError as error:
                    raise WriteFailed(item.relative, error) from None
                item.temporary = ""
            for item in staged:
                with contextlib.suppress(OSError):
                    os.fsync(item.folder)
            if journal is not None:
                self.remove(f"{JOURNALS}/{journal}")

    def remove(self, relative: str) -> None:
        """Delete a regular file inside the output folder (never through a link)."""
        parts = _parts(relative)
        try:
            with self._folder(parts[:-1], create=False) as folder:
                info = os.stat(parts[-1], dir_fd=folder, follow_symlinks=False)
                if stat.S_ISREG(info.st_mode):
                    os.unlink(parts[-1], dir_fd=folder)
        except (FileNotFoundError, Refused):
            pass

    # --- the next run: lock, finish, clean ----------------------------------------------

    def lock(self, holder: dict[str, Any]) -> None:
        """Take the output folder's lock or raise Busy with what its holder wrote."""
        parts = _parts(LOCK)
        try:
            with self._folder(parts[:-1], create=True) as folder:
                fd = os.open(parts[-1], os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                             0o666, dir_fd=folder)
        except OSError as error:
            raise WriteFailed(LOCK, error) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            with os.fdopen(fd, "rb") as stream:
                text = stream.read(65536)
            try:
                found = json.loads(text.decode("utf-8"))
            except ValueError:
                found = {}
            raise Busy(found if isinstance(found, dict) else {}) from None
        self._lock = fd
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder, ensure_ascii=False).encode("utf-8"), 0)

    def finish_interrupted(self) -> int:
        """Complete the sets whose renames a killed process left half done; how many."""
        done = 0
        try:
            with self._folder(_parts(JOURNALS), create=False) as folder:
                names = [n for n in os.listdir(folder) if n.endswith(".json")]
        except (OSError, Refused):
            return 0
        for name in names:
            try:
                renames = json.loads(self.read(f"{JOURNALS}/{name}") or b"")
            except ValueError:
                renames = []
            for entry in renames if isinstance(renames, list) else []:
                done += self._finish_rename(entry)
            self.remove(f"{JOURNALS}/{name}")
        return done

    def _finish_rename(self, entry: object) -> int:
        if not (isinstance(entry, list) and len(entry) == 3 and
                all(isinstance(e, str) for e in entry)):
            return 0
        folder_path, temporary, name = entry
        target = relative_path(name if folder_path == "." else f"{folder_path}/{name}")
        if target is None or "/" in temporary or not TEMPORARY.match(temporary):
            return 0
        try:
            with self._folder(_parts(target)[:-1], create=False) as folder:
                info = os.stat(temporary, dir_fd=folder, follow_symlinks=False)
                if not stat.S_ISREG(info.st_mode):
                    return 0
                os.replace(temporary, _parts(target)[-1], src_dir_fd=folder,
                           dst_dir_fd=folder)
        except (OSError, Refused):
            return 0
        return 1

    def remove_temporaries(self) -> list[str]:
        """Delete the temporary files of our naming that a killed process left; their paths."""
        removed = []
        for folder, _, names, fd in os.fwalk(".", dir_fd=self._fd, follow_symlinks=False):
            for name in names:
                if not TEMPORARY.match(name):
                    continue
                with contextlib.suppress(OSError):
                    if stat.S_ISREG(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                        os.unlink(name, dir_fd=fd)
                        removed.append(str(PurePosixPath(folder) / name).removeprefix("./"))
        return removed


def write_all(fd: int, content: bytes) -> None:
    """Write and flush to the disk, then close (a full disk raises OSError ENOSPC here)."""
    with os.fdopen(fd, "wb") as stream:
        stream.write(content)
        stream.flush()
        os.fsync(stream.fileno())


def open_output(root: Path) -> OutputFolder:
    """The output folder, created if missing; WriteFailed if it cannot be (its `error` is a
    NotADirectoryError when the path names a file)."""
    try:
        if root.exists() and not root.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(root))
        root.mkdir(parents=True, exist_ok=True)
        return OutputFolder(root)
    except OSError as error:
        raise WriteFailed(str(root), error) from None


# --- temporary files being written, for a process told to stop ------------------------------

_WRITING: dict[int, _Staged] = {}


def _remember(item: _Staged) -> None:
    _WRITING[id(item)] = item


def _forget(staged: list[_Staged]) -> None:
    for item in staged:
        _WRITING.pop(id(item), None)


def abandon() -> None:
    """Delete the temporary files being written (a worker told to stop, just before exit)."""
    for item in list(_WRITING.values()):
        if item.temporary:
            with contextlib.suppress(OSError):
                os.unlink(item.temporary, dir_fd=item.folder)


# --- renames that signals wait for ----------------------------------------------------------

_HELD = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM arriving now take effect once the block is done."""
    if threading.current_thread() is not threading.main_thread():
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        return
    arrived: list[int] = []
    previous = {number: signal.signal(number, lambda n, _: arrived.append(n))
                for number in _HELD}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in arrived:
            signal.raise_signal(number)
