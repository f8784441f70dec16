"""Which files of a folder are department files: names recognised by data/files.yaml.

A name maps to (year, kind): `2024.yaml`, `2024.yml`, `2024.YAML` and `2024年.yaml` are the
预算 of 2024. A folder gives, for each department folder below it and each kind, the file of
the latest year (or of `--year`), earlier years being last year's figures. Every other file
that looks like data (`2024 - 副本.yaml`, `2024(1).yaml`) is not read and is named in the
selection's `unused`, so that nothing is left out without a word.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .resources import data_file


@functools.cache
def _patterns() -> tuple[list[tuple[re.Pattern[str], str]], re.Pattern[str]]:
    spec = data_file("files.yaml")
    names = [(re.compile(entry["pattern"], re.IGNORECASE), str(entry["kind"]))
             for entry in spec["names"]]
    return names, re.compile(spec["looks_like_data"], re.IGNORECASE)


def recognise(path: Path) -> tuple[int, str] | None:
    """The (year, kind) a file's name stands for, or None if it is not a department file's."""
    name = unicodedata.normalize("NFKC", path.name).strip()
    for pattern, kind in _patterns()[0]:
        found = pattern.match(name)
        if found:
            return int(found.group("year")), kind
    return None


def file_year(path: Path) -> int | None:
    recognised = recognise(path)
    return recognised[0] if recognised else None


def looks_like_data(path: Path) -> bool:
    return bool(_patterns()[1].search(unicodedata.normalize("NFKC", path.name)))


def prior_file(path: Path, year: int) -> Path:
    """Last year's file of the same kind beside `path`, whatever accepted spelling it has;
    if there is none, the name it would have (`2023.yaml` next to `2024.yaml`)."""
    kind = (recognise(path) or (year, ""))[1]
    return same_kind_file(path, year - 1, kind)


def same_kind_file(path: Path, year: int, kind: str) -> Path:
    """The file of `year` and `kind` (预算, 决算) beside `path`, whatever accepted spelling it
    has; if there is none, the name it would have (`2023.yaml`, `2024.决算.yaml`: the kind's
    suffix in data/kinds.yaml)."""
    if path.parent.is_dir():
        for sibling in sorted(path.parent.iterdir()):
            if sibling.is_file() and recognise(sibling) == (year, kind):
                return sibling
    suffix = (data_file("kinds.yaml").get(kind) or {}).get("suffix", "")
    return path.with_name(f"{year}{suffix}{path.suffix}")


@dataclass
class Selection:
    files: list[Path] = field(default_factory=list)
    unused: list[Path] = field(default_factory=list)  # looks like data, not read


_Groups = dict[tuple[Path, str], list[tuple[int, Path]]]  # (folder, kind) → (year, file)


def _scan(path: Path) -> tuple[_Groups, list[Path]]:
    """The department files below a folder (hidden ones skipped) by folder and kind, and
    the files that look like data but are not named as department files."""
    groups: _Groups = {}
    unused = []
    for file in sorted(path.rglob("*")):
        relative = file.relative_to(path).parts
        if not file.is_file() or any(part.startswith(".") for part in relative):
            continue
        recognised = recognise(file)
        if recognised is not None:
            groups.setdefault((file.parent, recognised[1]), []).append((recognised[0], file))
        elif looks_like_data(file):
            unused.append(file)
    return groups, unused


def select(paths: Sequence[Path], year: int | None = None) -> Selection:
    """The department files to work on, and the data-like files of the folders left unread.

    A file named on the command line is taken as it is. A folder contributes, for every
    department folder below it (hidden ones skipped) and every kind, its latest year's file
    (or `year`'s).
    """
    selection = Selection()
    for path in paths:
        if not path.is_dir():
            selection.files.append(path)
            continue
        groups, unused = _scan(path)
        selection.unused += unused
        for found in groups.values():
            wanted = max(y for y, _ in found) if year is None else year
            selection.files += [file for y, file in found if y == wanted]
    return selection


def select_files(paths: Sequence[Path], year: int | None = None) -> list[Path]:
    return select(paths, year).files


def without_year(paths: Sequence[Path], year: int) -> list[tuple[str, Path]]:
    """The departments of the folders among `paths` that have no file for `year`: the name
    their latest file declares (else their folder's), and their folder."""
    missing = []
    for path in paths:
        if not path.is_dir():
            continue
        by_folder: dict[Path, list[tuple[int, Path]]] = {}
        for (folder, _), found in _scan(path)[0].items():
            by_folder.setdefault(folder, []).extend(found)
        for folder, found in by_folder.items():
            if all(y != year for y, _ in found):
                latest = max(found)[1]
                missing.append((declared(latest)[1] or folder.name, folder))
    return missing


def _meta_block(source: Path) -> str:
    """The `meta:` block of a file, read without loading it (best effort: the first 8 KB,
    block style)."""
    try:
        text = source.read_text("utf-8", errors="replace")[:8192]
    except OSError:
        return ""
    meta = re.search(r"^meta:[ \t]*(?:#.*)?\n((?:[ \t]+\S.*\n|[ \t]*(?:#.*)?\n)*)", text, re.M)
    return meta.group(1) if meta else ""


def declared_kind(source: Path) -> str:
    """The kind of document (预算, 决算) a file declares under `meta:`, else the one its name
    stands for, else ""."""
    found = re.search(r"^[ \t]+kind:[ \t]*['\"]?([^'\"\s#]+)", _meta_block(source), re.M)
    if found and found.group(1) in data_file("kinds.yaml"):
        return found.group(1)
    return (recognise(source) or (0, ""))[1]


def declared(source: Path) -> tuple[int | None, str]:
    """The year and department a file declares under `meta:`, read without loading it.

    Best effort (the first 8 KB, block style): for a file that did not load far enough to be
    a department, and to see before building that two files would write the same documents.
    """
    block = _meta_block(source)
    name = re.search(r"^[ \t]+department:[ \t]*['\"]?([^'\"\n#]+)", block, re.M)
    found = re.search(r"^[ \t]+year:[ \t]*['\"]?(\d{4})\b", block, re.M)
    return (int(found.group(1)) if found else None), (name.group(1).strip() if name else "")
