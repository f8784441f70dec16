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


# A file name may have 255 bytes (ext4, XFS); the name made from a document's is followed
# by a suffix (公开表.xlsx) and, while written, by the temporary file's `.` + `.xxxxxxxx.tmp`
# (outdir): 180 bytes of UTF-8 (60 hanzi) leave room for both. A longer name keeps its end,
# where the year and the kind of document are (…2024年度部门决算公开), so that a 预算 and a
# 决算 never get the same file name.
NAME_BYTES = 180
KEPT_END = 20  # characters
CUT = "…"


def _first_bytes(text: str, size: int) -> str:
    return text.encode("utf-8")[:size].decode("utf-8", "ignore")


def safe_name(name: str) -> str:
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" .")
    if len(cleaned.encode("utf-8")) > NAME_BYTES:
        end = _first_bytes(cleaned[-KEPT_END:][::-1], NAME_BYTES // 2)[::-1]
        room = NAME_BYTES - len((CUT + end).encode("utf-8"))
        cleaned = _first_bytes(cleaned[:-len(end)], room).rstrip(" .") + CUT + end
    return cleaned or "_"


def document_path(output: Path, document: Document, suffix: str) -> Path:
    folder = safe_name(document.department)
    stem = safe_name(document.name)
    return output / str(document.year) / folder / f"{stem}{suffix}"
