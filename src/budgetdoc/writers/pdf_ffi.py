"""WeasyPrint's C declarations, parsed once at setup rather than on every import.

`weasyprint/text/ffi.py` hands ~450 lines of C declarations (Pango, HarfBuzz, fontconfig,
GObject) to cffi's `FFI.cdef`, which parses them with pycparser whenever WeasyPrint is
imported: 0.16 s of a 0.34 s import, paid by every `budgetdoc build` (its renderer process
waits for it) and every pool worker that renders. cffi's out-of-line ABI mode does the parse
once: `build()` (scripts/build_ffi.py, run by scripts/bootstrap.sh) writes the parsed
declarations as a Python module into build/ffi/, and `install()` has WeasyPrint's own
`ffi.py` run as it is, except that its `cffi.FFI()` is that module's FFI, whose `cdef` has
nothing left to do. The libraries, their functions and every call are the same (the same PDF
bytes: tests/test_pdf_ffi.py).

Used only if the built module was made from the exact `ffi.py` found now by the cffi found
now (both head the module), if it loads, and only on the WeasyPrint version the shims are
pinned to (pdf_shims.VERSIONS); otherwise WeasyPrint imports as it is, only slower.
Proposed upstream in docs/performance.md.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from ..resources import ROOT

FOLDER = ROOT / "build" / "ffi"
MODULE = "weasyprint_ffi.py"
TARGET = "weasyprint.text.ffi"
HEADER = "# budgetdoc: parsed by cffi {cffi} from weasyprint/text/ffi.py sha256 {digest}\n"


@functools.cache
def _upstream() -> tuple[str, str] | None:
    """The path and text of WeasyPrint's ffi.py, found without importing WeasyPrint."""
    spec = importlib.machinery.PathFinder.find_spec("weasyprint")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "text" / "ffi.py"
    try:
        return str(path), path.read_text("utf-8")
    except OSError:
        return None


def _header(source: str) -> str:
    """The first line of a module built from `source` by the cffi installed now."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    return HEADER.format(cffi=metadata.version("cffi"), digest=digest)


def declarations(source: str) -> str:
    """The C declarations `source` passes to `ffi.cdef` (exactly one call, a constant)."""
    calls = [node for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr == "cdef"]
    if len(calls) != 1 or len(calls[0].args) != 1 or calls[0].keywords or \
            not isinstance(calls[0].args[0], ast.Constant) or \
            not isinstance(calls[0].args[0].value, str):
        raise ValueError("weasyprint/text/ffi.py no longer makes one cdef call of a constant")
    return calls[0].args[0].value


def build(folder: Path = FOLDER) -> Path:
    """Write the parsed declarations of the installed WeasyPrint as a module in `folder`."""
    import cffi

    found = _upstream()
    if found is None:
        raise FileNotFoundError("weasyprint/text/ffi.py")
    builder = cffi.FFI()
    builder.cdef(declarations(found[1]))
    builder.set_source(MODULE.removesuffix(".py"), None)  # ABI mode: nothing to compile
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / MODULE
    with tempfile.TemporaryDirectory(dir=folder) as work:
        emitted = Path(work) / MODULE
        builder.emit_python_code(str(emitted))
        staged = Path(work) / "staged"
        staged.write_text(_header(found[1]) +
                          emitted.read_text("utf-8"), "utf-8")
        os.replace(staged, target)
    return target


def built(folder: Path = FOLDER) -> str | None:
    """The built module's code, if it was made from the ffi.py installed now."""
    found = _upstream()
    try:
        text = (folder / MODULE).read_text("utf-8")
        expected = _header(found[1]) if found is not None else None
    except (OSError, metadata.PackageNotFoundError):
        return None
    return text if expected is not None and text.startswith(expected) else None


class _Declared:
    """What `cffi.FFI()` gives ffi.py while it runs: the parsed FFI, `cdef` done already."""

    def __init__(self, ffi: Any) -> None:
        self._ffi = ffi

    def cdef(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)


class _Loader(importlib.abc.Loader):
    def __init__(self, path: str, source: str, ffi: Any) -> None:
        self.path, self.source, self.ffi = path, source, ffi

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        import cffi

        original = cffi.FFI
        cffi.FFI = lambda *args, **kwargs: _Declared(self.ffi)  # type: ignore[misc]
        try:
            exec(compile(self.source, self.path, "exec"), module.__dict__)
        finally:
            cffi.FFI = original  # type: ignore[misc]
        module.ffi = self.ffi  # what the rest of WeasyPrint imports and calls at render time


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, path: str, source: str, ffi: Any) -> None:
        self.loader = _Loader(path, source, ffi)

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != TARGET:
            return None
        sys.meta_path.remove(self)  # once
        return importlib.util.spec_from_file_location(fullname, self.loader.path,
                                                      loader=self.loader)


def install(folder: Path = FOLDER) -> bool:
    """Have WeasyPrint's ffi.py use the parsed declarations when it is imported; False if it
    is imported already or nothing usable was built (the module is loaded here, ~1 ms, so
    that one this cffi cannot load leaves WeasyPrint's import as it is)."""
    if TARGET in sys.modules or any(isinstance(f, _Finder) for f in sys.meta_path):
        return False
    found, parsed = _upstream(), built(folder)
    if found is None or parsed is None:
        return False
    namespace: dict[str, Any] = {"__name__": "_budgetdoc_weasyprint_ffi"}
    try:
        exec(compile(parsed, str(folder / MODULE), "exec"), namespace)
    except Exception:
        return False
    sys.meta_path.insert(0, _Finder(found[0], found[1], namespace["ffi"]))
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """scripts/build_ffi.py: build unless what is built is current (or --force)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--force" in args or built() is None:
        print(f"build_ffi: {build()}")
    return 0
