"""Render the examples' PDFs, or compare two sets of them page by page (a check, not a test).

    .venv/bin/python benchmarks/compare_pdfs.py render DIR
    PYTHONPATH=OTHER/src .venv/bin/python benchmarks/compare_pdfs.py render DIR2
    .venv/bin/python benchmarks/compare_pdfs.py compare DIR DIR2 [--dpi 100 150]

`render` writes each example file that checks (and the test suite's synthetic document with
every kind of block) as DIR/<example>-<file>.pdf, with the code of whichever checkout Python
imports (OTHER/src first on PYTHONPATH: another checkout, say `git archive main`).
`compare` renders both sets' pages with pdftoppm (grey, at each resolution) and compares
them pixel by pixel with Pillow, and compares pdftotext's text (with -layout); it prints one
line per document and exits 1 if anything differs.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def render(folder: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from budgetdoc import pipeline
    from budgetdoc.writers import pdf
    from test_pdf import synthetic

    folder.mkdir(parents=True, exist_ok=True)
    documents = {"synthetic": (synthetic(), "default")}
    for source in sorted((ROOT / "examples" / "departments").glob("*/*.yaml")):
        result = pipeline.run(source)
        if result.document is not None and result.department is not None and result.ok:
            name = f"{source.parent.name}-{source.stem}"
            documents[name] = (result.document, result.department.profile.name)
    for name, (document, profile) in documents.items():
        data = pdf.render(document, profile=profile)
        (folder / f"{name}.pdf").write_bytes(data)
        print(f"{name}: {len(data)} bytes")


def _pages(path: Path, dpi: int, work: Path) -> list[Path]:
    prefix = work / f"{path.stem}-{dpi}-{path.parent.name}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(path), str(prefix)], check=True)
    return sorted(work.glob(f"{prefix.name}-*.pgm"))


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def compare(one: Path, other: Path, resolutions: list[int]) -> bool:
    from PIL import Image, ImageChops

    same = True
    for first in sorted(one.glob("*.pdf")):
        second = other / first.name
        if not second.is_file():
            print(f"{first.name}: missing in {other}")
            same = False
            continue
        differences, counts = [], set()
        with tempfile.TemporaryDirectory() as work:
            for dpi in resolutions:
                pages = _pages(first, dpi, Path(work)), _pages(second, dpi, Path(work))
                counts.update(len(p) for p in pages)
                for number, (a, b) in enumerate(zip(*pages, strict=False), start=1):
                    box = ImageChops.difference(Image.open(a), Image.open(b)).getbbox()
                    if box:
                        differences.append(f"page {number} at {dpi} dpi: {box}")
        if len(counts) > 1:
            differences.append(f"page counts {sorted(counts)}")
        text = "same text" if _text(first) == _text(second) else "TEXT DIFFERS"
        print(f"{first.name}: {max(counts)} pages, {text}, "
              f"{'pixels identical' if not differences else '; '.join(differences)}; "
              f"{first.stat().st_size} → {second.stat().st_size} bytes")
        same = same and not differences and text == "same text"
    return same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("render").add_argument("folder", type=Path)
    both = commands.add_parser("compare")
    both.add_argument("one", type=Path)
    both.add_argument("other", type=Path)
    both.add_argument("--dpi", type=int, nargs="*", default=[100, 150])
    args = parser.parse_args()
    if args.command == "render":
        render(args.folder)
        return 0
    return 0 if compare(args.one, args.other, args.dpi) else 1


if __name__ == "__main__":
    sys.exit(main())
