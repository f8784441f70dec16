"""A DOCX as readable text, for golden files and assertions (independent of the writer).

    [Style name] text                     a paragraph; <tab> and <br> inside, {{field|result}}
    <page break>                          before a paragraph that starts a new page
    === end of section: orientation WxH   after the paragraph that ends a section
    <table N columns>                     then one line per row:
    H | a (span 3) | b (v) | …            a header row (w:tblHeader); R for a body row
    R | ^ | …                             ^ continues the cell above (w:vMerge); (v) starts one
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _attr(element: etree._Element | None, name: str) -> str | None:
    return None if element is None else element.get(f"{W}{name}")


def inline_text(paragraph: etree._Element) -> str:
    out = []
    for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}fldChar", f"{W}instrText"):
        tag = etree.QName(node).localname
        if tag == "t":
            out.append(node.text or "")
        elif tag == "tab" and node.getparent().tag == f"{W}r":
            out.append("<tab>")
        elif tag == "br":
            out.append("<br>")
        elif tag == "instrText":
            out.append((node.text or "").strip())
        elif tag == "fldChar":
            out.append({"begin": "{{", "separate": "|", "end": "}}"}[_attr(node, "fldCharType")])
    return "".join(out)


class Reader:
    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.document = self.xml("word/document.xml")
        styles = self.xml("word/styles.xml")
        self.style_names = {s.get(f"{W}styleId"): _attr(s.find(f"{W}name"), "val")
                            for s in styles.iter(f"{W}style")}
        rels = self.xml("word/_rels/document.xml.rels")
        self.targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{REL}Relationship")}

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    def style(self, paragraph: etree._Element) -> str:
        style_id = _attr(paragraph.find(f"{W}pPr/{W}pStyle"), "val")
        return self.style_names.get(style_id, style_id or "Normal")

    def footer(self, sect: etree._Element) -> str:
        ref = sect.find(f"{W}footerReference")
        if ref is None:
            return "inherited"
        part = self.xml("word/" + self.targets[ref.get(f"{R}id")])
        return " / ".join(inline_text(p) for p in part.iter(f"{W}p")) or "empty"

    def section(self, sect: etree._Element) -> str:
        size = sect.find(f"{W}pgSz")
        width, height = int(_attr(size, "w")), int(_attr(size, "h"))
        orientation = _attr(size, "orient") or "portrait"
        start = _attr(sect.find(f"{W}pgNumType"), "start")
        numbers = f", page numbers from {start}" if start else ""
        return (f"=== end of section: {orientation} {width}x{height}, footer '{self.footer(sect)}'"
                f"{numbers} ===")

    def paragraph(self, paragraph: etree._Element) -> list[str]:
        lines = []
        props = paragraph.find(f"{W}pPr")
        if props is not None and props.find(f"{W}pageBreakBefore") is not None:
            lines.append("<page break>")
        jc = _attr(props.find(f"{W}jc") if props is not None else None, "val")
        align = f" ({jc})" if jc else ""
        lines.append(f"[{self.style(paragraph)}]{align} {inline_text(paragraph)}".rstrip())
        sect = props.find(f"{W}sectPr") if props is not None else None
        if sect is not None:
            lines.append(self.section(sect))
        return lines

    def table(self, table: etree._Element) -> list[str]:
        columns = len(table.findall(f"{W}tblGrid/{W}gridCol"))
        lines = [f"<table {columns} columns>"]
        for row in table.iter(f"{W}tr"):
            kind = "H" if row.find(f"{W}trPr/{W}tblHeader") is not None else "R"
            cells = []
            for cell in row.iter(f"{W}tc"):
                props = cell.find(f"{W}tcPr")
                merge = props.find(f"{W}vMerge")
                text = " / ".join(inline_text(p) for p in cell.iter(f"{W}p"))
                if merge is not None and _attr(merge, "val") != "restart":
                    text = "^"
                elif merge is not None:
                    text += " (v)"
                span = _attr(props.find(f"{W}gridSpan"), "val")
                if span:
                    text += f" (span {span})"
                cells.append(text.strip())
            lines.append(" | ".join([kind, *cells]).rstrip())
        lines.append("</table>")
        return lines

    def dump(self) -> str:
        lines: list[str] = []
        for element in self.document.find(f"{W}body"):
            tag = etree.QName(element).localname
            if tag == "p":
                lines += self.paragraph(element)
            elif tag == "tbl":
                lines += self.table(element)
            elif tag == "sectPr":
                lines.append(self.section(element))
        return "\n".join(lines) + "\n"


def dump(data: bytes) -> str:
    return Reader(data).dump()
