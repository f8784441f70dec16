#!/usr/bin/env python3
"""Parse WeasyPrint's C declarations once into build/ffi/ (run by scripts/bootstrap.sh).

    .venv/bin/python scripts/build_ffi.py [--force]

See src/budgetdoc/writers/pdf_ffi.py. Does nothing when the module there was made from the
WeasyPrint installed now.
"""

import sys

from budgetdoc.writers.pdf_ffi import main

if __name__ == "__main__":
    sys.exit(main())
