"""Shims on WeasyPrint and pydyf: the same pages, less work. Each proposed upstream
(docs/performance.md, "Upstream proposals").

- pydyf writes the data of every object twice when a file identifier is asked for (the
  identifier is a hash of all of it): each stream is compressed twice. Here each object's
  data is made once per write (same bytes).
- pydyf compresses streams at zlib level 9; here at level 6 (a third faster, +0.2 % size).
- WeasyPrint lays a leader (the 目录's dots) out as one text box per dot and draws each
  one through Pango: ~1,950 boxes on the largest 目录. Here the first two dots of a line are
  drawn as before and the others repeat the second one's operators at their own positions
  (same bytes).
- WeasyPrint parses its C declarations with cffi on every import (0.16 s); here they are
  parsed once at setup (pdf_ffi.py).
- WeasyPrint parses HTML with tinyhtml5 (~0.1 s for a 30-page document). Our own HTML,
  which is well formed once its void elements are closed, is parsed with expat (~3 ms)
  into the same tree tinyhtml5 makes of it (tests/test_pdf_shims.py compares them).

Installed only on the exact versions they were written for (VERSIONS); otherwise WeasyPrint
and pydyf run as they are. tests/test_pdf_shims.py pins the source of every function that
is replaced or wrapped (PINNED) and fails on an upgrade that changes one.
"""

from __future__ import annotations

import functools
import re
import zlib
from contextvars import ContextVar
from importlib import metadata
from typing import Any
from xml.etree import ElementTree

from . import pdf_ffi

VERSIONS = {"weasyprint": "70.0", "pydyf": "0.13.0"}
# sha256 of inspect.getsource() of each upstream function a shim replaces or relies on.
PINNED = {
    "pydyf.PDF.write":
        "242cd38f92ecd33f831159f8eb560487bf2e18d746ff8a7666954f2a8d519ba0",
    "pydyf.Stream.data":
        "bdc2bc513f286de7b7a7220a43e6085daa6ed0056d9c04e3c9b5abe40f3ecf81",
    "pydyf.Dictionary.data":
        "1a6ebf2b6bc6adcb35017ee398cd7f7d71247dd2828a3051137d2a7abb87388c",
    "pydyf.Array.data":
        "136a84494ae7c8cc344c683281a1e1e56dd478de907ff7ff9d74debe90b8a400",
    "pydyf.String.data":
        "6097c307ae6fe613edc81d796f5f406dc58ebd92004c21a285281ad6d62fdb40",
    "weasyprint.draw.draw_inline_level":
        "068162a401d00efd3bc23a37df12a1c743cd8958cdbf4f03960a777760b1e01c",
    "weasyprint.draw.text.draw_text":
        "ebaf96239c6ca3635d2b91bfb34718c2dcebd7809fec1c53fb8dffd1366befe3",
    "weasyprint.draw.text.draw_first_line":
        "1bb8eae6d88e71b17096a034656f3be17da8f1f513c78536c1c38d971927638b",
    "weasyprint.HTML.__init__":
        "5f19f40b81837f87ae7af8e5c53d5f11e7c98ba245094a86d45f5f14d001b943",
    "weasyprint._find_base_url":
        "8aac71a00485f506428ad99ade387f858d40a9b34b15d452bd44cb01bdd58925",
    "weasyprint.text.ffi":  # the whole module (pdf_ffi.py)
        "530e83118f7841d2791678ece23d5e43a7a24150ee1ea64bb4ba70c70b3eb5da",
}
COMPRESSION_LEVEL = 6
VOID = re.compile(r"<(meta|col|br|hr|img|link|input)(\s[^<>]*)?>")

_installed: bool | None = None
_written: ContextVar[dict[int, tuple[Any, bytes]] | None] = ContextVar("_written",
                                                                       default=None)


def versions_match() -> bool:
    return all(metadata.version(name) == version for name, version in VERSIONS.items())


def install() -> bool:
    """Install the shims once per process, if the versions are the pinned ones."""
    global _installed
    if _installed is None:
        _installed = versions_match()
        if _installed:
            pdf_ffi.install()  # first: the others import WeasyPrint
            _install_pydyf()
            _install_leaders()
    return _installed


# --- pydyf: each object's data once per write, streams at level 6 ---------------------------

def _install_pydyf() -> None:
    import pydyf

    write = pydyf.PDF.write

    def write_once(self: Any, *args: Any, **kwargs: Any) -> Any:
        token = _written.set({})
        try:
            return write(self, *args, **kwargs)
        finally:
            _written.reset(token)

    pydyf.PDF.write = write_once
    pydyf.Stream.data = property(_once(_stream_data))
    for cls in (pydyf.Dictionary, pydyf.Array, pydyf.String):
        cls.data = property(_once(cls.data.fget))


def _once(make: Any) -> Any:
    """`make(obj)`, remembered for the rest of the write it is called in (objects do not
    change while the file is written); outside a write, made every time as before."""

    def data(self: Any) -> bytes:
        written = _written.get()
        if written is None:
            data: bytes = make(self)
            return data
        if id(self) not in written:
            written[id(self)] = (self, make(self))  # the object is kept: its id stays its own
        return written[id(self)][1]

    return data


def _stream_data(self: Any) -> bytes:
    """pydyf 0.13.0's Stream.data, compressing at COMPRESSION_LEVEL instead of 9."""
    import pydyf

    stream = b"\n".join(pydyf._to_bytes(item) for item in self.stream)
    extra = pydyf.Dictionary(self.extra.copy())
    if self.compress:
        extra["Filter"] = "/FlateDecode"
        compressor = zlib.compressobj(level=COMPRESSION_LEVEL)
        stream = compressor.compress(stream)
        stream += compressor.flush()
    extra["Length"] = len(stream)
    return b"\n".join((extra.data, b"stream", stream, b"endstream"))


# --- WeasyPrint: a leader's dots drawn with the work of one -------------------------------

def _install_leaders() -> None:
    from weasyprint import draw
    from weasyprint.formatting_structure import boxes

    draw_inline_level = draw.draw_inline_level

    def draw_leaders_once(stream: Any, page: Any, box: Any, offset_x: float = 0,
                          text_overflow: str = "clip", block_ellipsis: str = "none") -> None:
        children = getattr(box, "children", ())
        if not (getattr(box, "is_leader", False) and len(children) > 2 and
                block_ellipsis == "none" and
                all(type(child) is boxes.TextBox and
                    child.pango_layout is children[0].pango_layout for child in children)):
            draw_inline_level(stream, page, box, offset_x, text_overflow, block_ellipsis)
            return
        box.children = children[:2]
        try:  # WeasyPrint draws the box and its first two dots
            draw_inline_level(stream, page, box, offset_x, text_overflow, block_ellipsis)
        finally:
            box.children = children
        shown = _shown_twice(stream.stream)
        for child in children[2:]:
            if shown is None:  # not the expected operators: draw each as WeasyPrint does
                with stream.marked(child, "Span"):
                    draw.draw_text(stream, child, offset_x + child.position_x - box.position_x,
                                   text_overflow, "none")
            else:
                _show_again(stream, child, shown)

    draw.draw_inline_level = draw_leaders_once


def _shown_twice(operators: list[Any]) -> bytes | None:
    """The text-showing operator of the last two dots drawn, if drawing the second one only
    moved the text matrix and showed the same glyphs as the first (… TJ, Tm, TJ, ET)."""
    if len(operators) < 4 or operators[-1] != b"ET":
        return None
    first, matrix, second = operators[-4:-1]
    if not (isinstance(second, bytes) and first == second and second.endswith(b"] TJ") and
            isinstance(matrix, bytes) and matrix.endswith(b" Tm")):
        return None
    return second


def _show_again(stream: Any, child: Any, shown: bytes) -> None:
    """What weasyprint.draw.text.draw_text emits for a dot after the one before it: the same
    glyphs at the dot's own position (same operators, same bytes)."""
    from weasyprint.matrix import Matrix

    stream.begin_text()
    matrix = Matrix(d=-1, e=child.position_x, f=child.position_y + child.baseline)
    stream.set_text_matrix(*matrix.values)
    stream.stream.append(shown)
    stream.end_text()


# --- WeasyPrint: our own HTML parsed with expat ---------------------------------------------

def parse_html(html: str, base_url: str) -> Any:
    """A weasyprint.HTML of our own page: parsed with expat when the shims are installed and
    the page is well formed once its void elements are closed, else by WeasyPrint."""
    from weasyprint import HTML

    root = _expat_tree(html) if install() else None
    if root is None:
        return HTML(string=html, base_url=base_url)
    return _parsed_html_class()(root, base_url)


def _expat_tree(html: str) -> ElementTree.Element | None:
    """The tree tinyhtml5 makes of our page: the same elements, attributes and text, with
    the whitespace around <head> and after </body> where the HTML parsing rules put it."""
    end = html.rfind("</html>")
    try:
        root = ElementTree.fromstring(VOID.sub(r"<\1\2/>", html))
    except ElementTree.ParseError:
        return None
    body = root.find("body")
    trailing = html[end + len("</html>"):] if end >= 0 else ""
    if root.tag != "html" or body is None or root.find("head") is None or \
            (root.text or "").strip() or (body.tail or "").strip() or trailing.strip():
        return None
    root.text = None  # whitespace before <head> is dropped
    moved = (body.tail or "") + trailing  # whitespace after </body> goes into the body
    body.tail = None
    if moved:
        if len(body):
            body[-1].tail = (body[-1].tail or "") + moved
        else:
            body.text = (body.text or "") + moved
    return root


@functools.cache
def _parsed_html_class() -> Any:
    import cssselect2
    import weasyprint
    from weasyprint.urls import URLFetcher

    class ParsedHTML(weasyprint.HTML):
        """weasyprint.HTML from a parsed tree: HTML.__init__ after its parsing step."""

        def __init__(self, root: ElementTree.Element, base_url: str) -> None:
            self.base_url = weasyprint._find_base_url(root, base_url)
            self.url_fetcher = URLFetcher()
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
                root, content_language=None)
            self.etree_element = self.wrapper_element.etree_element

    return ParsedHTML

