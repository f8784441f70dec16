"""Build one department: check it, render every format in memory, then write them as a set.

Nothing is written unless the department checks without error and every format rendered.
Every output of the department is then written through `outdir.OutputFolder.write_set`:
to temporary files first, renamed into place only when all are complete, so a failed
build (disk full, say) leaves every previous output exactly as it was and no reader ever
sees half a file or a new document beside an old one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import pipeline
from .diagnostics import Diagnostic
from .outdir import OutputFolder, open_output
from .output import document_path
from .writers import pdf_process

FORMATS = (".docx", ".pdf", ".xlsx")


@dataclass
class Built:
    file: Path
    ok: bool
    department: str = ""
    year: int = 0
    outputs: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    contents: dict[str, bytes] = field(default_factory=dict)  # by path in the output folder


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(target: Path, content: bytes) -> None:
    """Write to a temporary file beside the target, then rename: never a partial file (for a
    single file the user names, such as `budgetdoc new`'s; the output folder is written
    through outdir).

    The file gets the mode a newly created file would (0666 less the umask), not mkstemp's
    0600, so that others can read what the bureau publishes when the umask lets them.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
    try:
        os.fchmod(handle, 0o666 & ~_umask())
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def render(result: pipeline.Result, fonts_dir: Path | None = None) -> dict[str, bytes]:
    """Every format of a checked department's document, in memory (raises FontsError).

    The PDF goes first to the renderer process, if this process may use one, and the other
    formats are rendered here meanwhile. Their writers (python-docx, XlsxWriter: ~0.05 s) are
    imported here, after the model went to the renderer, not before the check."""
    from .writers import docx, xlsx

    assert result.document is not None and result.department is not None
    profile = result.department.profile.name
    pending = pdf_process.submit(result.document, fonts_dir, profile)
    try:
        docx_content = docx.render(result.document, profile=profile)
        workbook = xlsx.render(result.document, profile)
    except BaseException:
        pending.discard()
        raise
    return {
        ".docx": docx_content,
        ".pdf": pending.result(),
        f"{xlsx.settings(profile)['file_suffix']}.xlsx": workbook,
    }


@contextlib.contextmanager
def renderers(workers: int) -> Iterator[None]:
    """Around a pool of `workers` forked from this (the main) process. One worker: the
    renderer process (started with the command, else now) renders its PDFs while it checks
    each department and renders the other formats; it inherits the renderer. More: each
    renders its own, and what every render needs first is done here once, for each to
    inherit instead of doing it again. The renderer ends with the pool."""
    if workers == 1:
        pdf_process.start()
        pdf_process.share()
    else:
        from .writers import docx, pdf, xlsx  # noqa: F401  (imported once, for every worker)

        pdf_process.stop()
        pdf.preload()
    try:
        yield
    finally:
        pdf_process.stop()


def prepare(path: Path, fonts_dir: Path | None = None) -> Built:
    """Check a department and, if it has no error, render every output; nothing written."""
    result = pipeline.run(path)
    built = Built(path, ok=False, diagnostics=result.sorted_diagnostics())
    if result.document is None or not result.ok:
        return built
    built.department, built.year = result.document.department, result.document.year
    for suffix, content in render(result, fonts_dir).items():
        built.contents[document_path(Path(), result.document, suffix).as_posix()] = content
    built.ok = True
    return built


def build_one(path: Path, output: Path, fonts_dir: Path | None = None) -> Built:
    """Check, render and write one department's outputs into `output` (all or none)."""
    built = prepare(path, fonts_dir)
    if built.ok:
        with open_output(output) as folder:
            write_outputs(folder, built)
    return built


def write_outputs(folder: OutputFolder, built: Built,
                  extra: dict[str, bytes] | None = None) -> None:
    """Write the department's outputs (and `extra` files with them) as one set."""
    folder.write_set({**built.contents, **(extra or {})})
    built.outputs = [folder.root / relative for relative in built.contents]
