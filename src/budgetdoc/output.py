"""Where a department's documents go: output/<year>/<department>/<department><year>年部门预算公开.*

The department name becomes a path component: it is reduced to a safe file name so that no
name (with `/`, `..`, control or reserved characters) can place a file outside the folder.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .document import Document

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def safe_name(name: str) -> str:
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" .")
    return cleaned[:120] or "_"


def document_path(output: Path, document: Document, suffix: str) -> Path:
    folder = safe_name(document.department)
    stem = safe_name(document.name)
    return output / str(document.year) / folder / f"{stem}{suffix}"
