"""Build one department: check it, render every format in memory, then write each file.

Nothing is written unless the department checks without error and every format rendered:
a failed build leaves the previous good output exactly as it was. Each file is written to a
temporary file beside its target and renamed into place, so no reader ever sees half a file.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import pipeline
from .diagnostics import Diagnostic
from .output import document_path
from .writers import docx, pdf, xlsx

FORMATS = (".docx", ".pdf", ".xlsx")


@dataclass
class Built:
    file: Path
    ok: bool
    department: str = ""
    year: int = 0
    outputs: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(target: Path, content: bytes) -> None:
    """Write to a temporary file beside the target, then rename: never a partial file.

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
    """Every format of a checked department's document, in memory (raises FontsError)."""
    assert result.document is not None and result.department is not None
    profile = result.department.profile.name
    return {
        ".docx": docx.render(result.document, profile=profile),
        ".pdf": pdf.render(result.document, fonts_dir, profile=profile),
        f"{xlsx.settings(profile)['file_suffix']}.xlsx": xlsx.render(result.document, profile),
    }


def build_one(path: Path, output: Path, fonts_dir: Path | None = None) -> Built:
    result = pipeline.run(path)
    built = Built(path, ok=False, diagnostics=result.sorted_diagnostics())
    if result.document is None or not result.ok:
        return built
    built.department, built.year = result.document.department, result.document.year
    contents = render(result, fonts_dir)
    for suffix, content in contents.items():
        target = document_path(output, result.document, suffix)
        write_atomic(target, content)
        built.outputs.append(target)
    built.ok = True
    return built
