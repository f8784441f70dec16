"""Build the lean CJK fonts (see lean_fonts): fontTools subsets of the system's Noto CJK faces.

    .venv/bin/python scripts/build_fonts.py            # build unless the build checks
    .venv/bin/python scripts/build_fonts.py --check    # only say whether it checks
    .venv/bin/python scripts/build_fonts.py --force --folder DIR

Each face keeps the recipe's characters (data/lean_fonts.yaml) with everything the default
horizontal simplified-Chinese layout reaches from them, and nothing is recomputed: bounding
boxes, metrics and timestamps stay the source's, so the glyphs draw exactly as before and the
same sources, recipe and fontTools give the same bytes. The faces are renamed (the licence and
the Noto trademark) and the licence goes beside them. Written to a temporary folder and
renamed into place, with a manifest that lean_fonts checks before use.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from .lean_fonts import (
    FOLDER,
    LICENCE,
    MANIFEST,
    characters,
    file_name,
    problems,
    recipe,
    recipe_digest,
    sha256,
    source_stamp,
)

DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
LICENCE_NAME = "SIL-1.1"
FONTCONFIG_WEIGHTS = {400: 80, 700: 200}  # CSS weight → fontconfig's
RENAMED = {1, 2, 3, 4, 6, 16, 17, 18, 21, 22, 25}  # name IDs that carry the font's names


class BuildError(RuntimeError):
    pass


def find_source(family: str, weight: int) -> tuple[str, int]:
    """The file and collection index of a system face, as fontconfig resolves it."""
    wanted = FONTCONFIG_WEIGHTS[weight]
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}\n%{family}\n%{weight}",
             f"{family}:weight={wanted}"], check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise BuildError(f"fc-match failed for {family}: {error}") from error
    file, index, families, matched = found.split("\n")
    if family not in families.split(",") or int(float(matched)) != wanted:
        raise BuildError(f"{family} (weight {weight}) is not installed; fc-match gave "
                         f"{families} {matched} in {file}")
    return file, int(index)


def _keep_languages(font: Any, languages: list[str]) -> None:
    """Drop every OpenType language system but the default and `languages`."""
    tags = {f"{language:<4}" for language in languages}
    for table in ("GSUB", "GPOS"):
        if table not in font:
            continue
        for record in font[table].table.ScriptList.ScriptRecord:
            script = record.Script
            script.LangSysRecord = [r for r in script.LangSysRecord if r.LangSysTag in tags]
            script.LangSysCount = len(script.LangSysRecord)


def _rename(font: Any, family: str, postscript: str, style: str, source: str) -> None:
    """New names everywhere a font carries them: the name table and the CFF table."""
    full = family if style == "Regular" else f"{family} {style}"
    name = f"{postscript}-{style}"
    table = font["name"]
    table.names = [r for r in table.names if r.nameID not in RENAMED]
    for name_id, text in ((1, family), (2, style), (3, f"{name};budgetdoc"), (4, full),
                          (6, name)):
        table.setName(text, name_id, 3, 1, 0x409)
    description = table.getDebugName(10) or ""
    table.setName(f"{description} Modified by budgetdoc (scripts/build_fonts.py): {source} "
                  f"{style} cut down to the characters of data/lean_fonts.yaml, and renamed.",
                  10, 3, 1, 0x409)
    cff = font["CFF "].cff
    old = cff.fontNames[0]
    cff.fontNames[0] = name
    top = cff.topDictIndex[0]
    top.FullName, top.FamilyName = full, family
    for sub in getattr(top, "FDArray", []):
        sub.FontName = sub.FontName.replace(old, name)


def build_face(source_file: str, index: int, face: dict[str, str], style: str,
               target: Path) -> tuple[int, str]:
    """Cut one face down to the recipe's characters and write it to `target`."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    spec = recipe()["layout"]
    options = subset.Options(
        layout_features=[f for f in subset.Options().layout_features
                         if f not in spec["drop_features"]],
        name_IDs=["*"], name_languages=["*"], notdef_outline=True, hinting=True)
    options.drop_tables += spec["drop_tables"]
    with TTFont(source_file, fontNumber=index, lazy=False, recalcBBoxes=False,
                recalcTimestamp=False) as font:
        notice = " ".join(font["name"].getDebugName(i) or "" for i in (0, 7))
        _keep_languages(font, spec["languages"])
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in characters()])
        subsetter.subset(font)
        _rename(font, face["family"], face["postscript"], style, face["source"])
        font.save(target)
        return font["maxp"].numGlyphs, notice


def licence_text() -> str:
    """The SIL OFL 1.1 as Debian ships it with the source fonts."""
    try:
        text = DEBIAN_COPYRIGHT.read_text("utf-8")
    except OSError as error:
        raise BuildError(f"cannot read the fonts' licence: {error}") from error
    for paragraph in text.split("\n\n"):
        lines = paragraph.splitlines()
        if lines and lines[0].strip() == f"License: {LICENCE_NAME}" and len(lines) > 1:
            body = [line[1:] if line.startswith(" ") else line for line in lines[1:]]
            return "\n".join("" if line == "." else line for line in body) + "\n"
    raise BuildError(f"no {LICENCE_NAME} licence text in {DEBIAN_COPYRIGHT}")


def _licence_file(entries: dict[str, dict[str, Any]], notices: dict[str, str]) -> str:
    lines = ["These fonts are Modified Versions, made by budgetdoc's scripts/build_fonts.py,",
             "of fonts licensed under the SIL Open Font License 1.1; they stay under it.", ""]
    for name, entry in sorted(entries.items()):
        lines.append(f"{name}: from {entry['source']['family']} "
                     f"({entry['source']['file']}, face {entry['source']['index']}).")
        lines.append(f"  {notices[name]}")
    return "\n".join(lines) + "\n\n" + licence_text()


def build(folder: Path = FOLDER, jobs: int | None = None) -> dict[str, Any]:
    """Build every face into `folder` (replacing what is there) and return the manifest."""
    spec = recipe()
    work = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        tasks = {}
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs or 2) as pool:
            for face in spec["faces"]:
                for style, weight in spec["weights"].items():
                    source_file, index = find_source(face["source"], weight)
                    name = file_name(face["postscript"], style)
                    future = pool.submit(build_face, source_file, index, face, style,
                                         work / name)
                    tasks[name] = (future, face, weight, source_file, index)
            entries, notices = {}, {}
            for name, (future, face, weight, source_file, index) in tasks.items():
                glyphs, notices[name] = future.result()
                entries[name] = {"family": face["family"], "weight": weight, "glyphs": glyphs,
                                 "source": {"family": face["source"], "file": source_file,
                                            "index": index,
                                            "stamp": source_stamp(source_file)}}
        (work / LICENCE).write_text(_licence_file(entries, notices), encoding="utf-8")
        for name, entry in entries.items():
            entry.update(size=(work / name).stat().st_size, sha256=sha256(work / name))
        manifest = {"recipe": recipe_digest(), "fonttools": metadata.version("fonttools"),
                    "characters": len(characters()), "fonts": dict(sorted(entries.items()))}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        _replace(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest


def _replace(work: Path, folder: Path) -> None:
    old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    if folder.exists():
        folder.rename(old)
    work.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=FOLDER)
    parser.add_argument("--check", action="store_true", help="only check the build")
    parser.add_argument("--force", action="store_true", help="build even if it checks")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args(argv)
    found = problems(args.folder)
    if args.check or (not found and not args.force):
        print(f"lean fonts in {args.folder}: " + ("; ".join(found) or "up to date"))
        return 1 if found else 0
    try:
        manifest = build(args.folder, args.jobs)
    except BuildError as error:
        print(f"lean fonts: {error}", file=sys.stderr)
        return 1
    print(f"lean fonts built in {args.folder}: {len(manifest['fonts'])} faces, "
          f"{manifest['characters']} characters")
    return 0
