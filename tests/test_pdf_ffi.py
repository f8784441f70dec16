"""WeasyPrint's C declarations parsed once at setup (writers/pdf_ffi.py): built by the
setup, used only when made from the ffi.py installed now, and the same PDF (the bytes are
compared in test_pdf_shims.test_the_shims_give_the_same_pdf; the module is pinned there)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from budgetdoc.writers import pdf_ffi

ROOT = Path(__file__).resolve().parents[1]

IMPORTED = """
from budgetdoc.writers import pdf
pdf.preload()
import weasyprint.text.ffi as ffi
print(type(ffi.ffi).__module__, ffi.pango.pango_version() > 0, ffi.TO_UNITS)
print(ffi.ffi.string(ffi.unicode_to_char_p("预算")[0]).decode())
"""


def test_the_setup_built_it() -> None:
    assert pdf_ffi.built() is not None, "run scripts/bootstrap.sh (scripts/build_ffi.py)"


def test_weasyprint_imports_the_parsed_declarations() -> None:
    """In a new process: the FFI WeasyPrint calls is the out-of-line one, and it works."""
    lines = subprocess.run([sys.executable, "-c", IMPORTED], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.splitlines()
    assert lines == ["_cffi_backend True 1024", "预算"]


def test_the_build_is_the_same_each_time(tmp_path: Path) -> None:
    shipped = pdf_ffi.built()
    assert pdf_ffi.build(tmp_path).read_text("utf-8") == shipped


def test_a_module_made_from_another_ffi_py_or_cffi_is_not_used(tmp_path: Path) -> None:
    module = pdf_ffi.build(tmp_path)
    text = module.read_text("utf-8")
    assert pdf_ffi.built(tmp_path) == text
    for changed in (text.replace("sha256 ", "sha256 0", 1), text.replace("cffi ", "cffi 0", 1)):
        module.write_text(changed, "utf-8")
        assert pdf_ffi.built(tmp_path) is None


INSTALLED = """
import sys
from pathlib import Path
from budgetdoc.writers import pdf_ffi
print(pdf_ffi.install(Path(sys.argv[1])))
import weasyprint.text.ffi as ffi
print(type(ffi.ffi).__module__)
"""


@pytest.mark.parametrize("state", ["nothing", "broken", "good"])
def test_weasyprint_imports_as_it_is_unless_the_module_is_good(tmp_path: Path,
                                                               state: str) -> None:
    """Nothing built, or a module this cffi cannot load (its header right): WeasyPrint's own
    import, never a failed one."""
    if state != "nothing":
        module = pdf_ffi.build(tmp_path)
        if state == "broken":
            first, _ = module.read_text("utf-8").split("\n", 1)
            module.write_text(first + "\nimport _no_such_backend\n", "utf-8")
    lines = subprocess.run([sys.executable, "-c", INSTALLED, str(tmp_path)], cwd=ROOT,
                           check=True, capture_output=True, text=True).stdout.splitlines()
    assert lines == (["True", "_cffi_backend"] if state == "good" else ["False", "cffi.api"])


def test_only_one_constant_declaration_block_is_understood() -> None:
    assert pdf_ffi.declarations("ffi.cdef('int f(void);')") == "int f(void);"
    for source in ("ffi.cdef(text)", "ffi.cdef('int f(void);')\nffi.cdef('int g(void);')",
                   "x = 1"):
        with pytest.raises(ValueError):
            pdf_ffi.declarations(source)
