#!/usr/bin/env python3
"""Look at DOCX files as LibreOffice shows them: convert to PDF, and optionally to PNG pages.

    .venv/bin/python scripts/docx_pages.py OUT_DIR FILE.docx… [--png DPI]

LibreOffice (`apt-get install libreoffice-writer-nogui`) runs headless with its own profile
and with scripts/fontconfig/fonts.conf, which maps the fonts the DOCX names (宋体, 黑体,
仿宋_GB2312, Times New Roman) to the Noto CJK SC and Liberation faces a Linux machine has.
Note: pdffonts lists LibreOffice's Noto CJK faces as "NotoSansCJKjp" whichever language
face was used (the font collection shares one CFF table named so); the glyphs are SC.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FONTS_CONF = HERE / "fontconfig" / "fonts.conf"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(files: list[Path], out: Path) -> list[Path]:
    """Each DOCX converted by LibreOffice into `out`, in one call (one start-up)."""
    program = soffice()
    if program is None:
        raise RuntimeError("LibreOffice not found: apt-get install libreoffice-writer-nogui")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="budgetdoc-lo-") as profile:
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}
        subprocess.run([program, f"-env:UserInstallation={Path(profile).as_uri()}",
                        "--headless", "--convert-to", "pdf", "--outdir", str(out),
                        *map(str, files)], check=True, capture_output=True, env=env,
                       timeout=600)
    return [out / f"{f.stem}.pdf" for f in files]


def to_png(pdf: Path, dpi: int) -> None:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(pdf.with_suffix(""))],
                   check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--png", type=int, default=0, metavar="DPI")
    args = parser.parse_args(argv)
    for pdf in to_pdf(args.files, args.out):
        print(pdf)
        if args.png:
            to_png(pdf, args.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
