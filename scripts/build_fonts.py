#!/usr/bin/env python3
"""Build the PDF's lean CJK fonts into build/fonts/ (run by scripts/bootstrap.sh).

    .venv/bin/python scripts/build_fonts.py [--check] [--force] [--folder DIR] [--jobs N]

Subsets of the system's Noto CJK faces, limited to the characters of data/lean_fonts.yaml
and renamed as their licence asks; see src/budgetdoc/writers/lean_fonts.py. Does nothing
when the build already there checks.
"""

import sys

from budgetdoc.writers.lean_fonts_build import main

if __name__ == "__main__":
    sys.exit(main())
