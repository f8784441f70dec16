"""WordprocessingML as text: runs, paragraphs, units, and the check that text can be written.

Elements are built as strings (escaped here, nowhere else) and parsed once per document, which
keeps a large table to a few milliseconds. Element order inside `w:pPr` / `w:rPr` / `w:sectPr`
follows the schema: Word silently ignores a property in the wrong place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSDECL = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'

# Characters XML 1.0 cannot hold (tab, line feed and carriage return are handled as layout).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})

TWIPS_PER_PT = 20
TWIPS_PER_MM = 1440 / 25.4


def esc(text: str) -> str:
    return text.translate(_ESCAPES)


def twips_mm(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def twips_pt(pt: float) -> int:
    return round(pt * TWIPS_PER_PT)


def check_text(text: str, where: Callable[[], str]) -> None:
    """Raise ValueError naming the block if `text` holds a character a DOCX cannot store."""
    found = _FORBIDDEN.search(text)
    if found:
        raise ValueError(f"cannot write DOCX: {where()} contains control character "
                         f"U+{ord(found.group()):04X} at position {found.start()} in {text!r}")


def runs(text: str, where: Callable[[], str]) -> str:
    """One run holding `text`; a line feed becomes a line break, a tab a tab."""
    if not text:
        return ""
    check_text(text, where)
    pieces: list[str] = []
    for i, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        if i:
            pieces.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                pieces.append("<w:tab/>")
            if chunk:
                pieces.append(f'<w:t xml:space="preserve">{esc(chunk)}</w:t>')
    return f"<w:r>{''.join(pieces)}</w:r>"


def field_runs(instruction: str, result: str = "", *, dirty: bool = False) -> tuple[str, str]:
    """A complex field split in two: (begin … separate [result]) and (end)."""
    flag = ' w:dirty="true"' if dirty else ""
    begin = (f'<w:r><w:fldChar w:fldCharType="begin"{flag}/></w:r>'
             f'<w:r><w:instrText xml:space="preserve"> {esc(instruction)} </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
    if result:
        begin += f"<w:r><w:t>{esc(result)}</w:t></w:r>"
    return begin, '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def entry_field(text: str, level: int) -> str:
    """A TC field: `text` as a level-`level` entry of the TOC when Word rebuilds it.

    It shows nothing in the document; the TOC field collects it through its \\l switch.
    """
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> TC "{esc(quoted)}" \\l {int(level)} '
            '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


@dataclass
class Para:
    """A body paragraph; page breaks and section ends are decided after it is made."""

    style: str
    content: str = ""  # serialized runs
    jc: str = ""
    tabs: str = ""
    keep_next: bool = False
    page_break: bool = False
    before: float | None = None
    sect: str = ""

    def xml(self) -> str:
        props = [f'<w:pStyle w:val="{self.style}"/>']
        if self.keep_next:
            props.append("<w:keepNext/>")
        if self.page_break:
            props.append("<w:pageBreakBefore/>")
        if self.tabs:
            props.append(f"<w:tabs>{self.tabs}</w:tabs>")
        if self.before is not None:
            props.append(f'<w:spacing w:before="{twips_pt(self.before)}"/>')
        if self.jc:
            props.append(f'<w:jc w:val="{self.jc}"/>')
        props.append(self.sect)
        return f"<w:p><w:pPr>{''.join(props)}</w:pPr>{self.content}</w:p>"


@dataclass
class Raw:
    """A finished element (a table)."""

    text: str

    def xml(self) -> str:
        return self.text


Item = Para | Raw
