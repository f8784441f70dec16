"""The DOCX writer: a finished `Document` laid out as a Word file. It never computes.

Layout comes from data/profiles/<profile>/docx.yaml. The flow is: title page and 目录 (a TOC
field Word fills when the file is opened, pre-filled with the headings), then each part on a
new page; numbered tables start a new page; a landscape table gets a section of its own (page
size swapped, not just flagged). Cover and 目录 carry no page number; the body counts from 1.

The same Document always gives the same bytes: fixed core properties, no generated ids, zip
entries in a fixed order with a fixed date.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.parts.hdrftr import FooterPart

from ..document import Document, Heading, Paragraph, Table
from ..profile import find, profile_file
from .docx_styles import check_profile, font_table_xml, styles_xml
from .docx_table import table_xml
from .ooxml import NSDECL, Item, Para, Raw, entry_field, esc, field_runs, runs, twips_mm

_DROPPED = {RT.CUSTOM_XML, RT.THEME, RT.FONT_TABLE, RT.WEB_SETTINGS, RT.THUMBNAIL,
            RT.EXTENDED_PROPERTIES,
            "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"}
# Settings children that must follow w:updateFields (ECMA-376 CT_Settings order).
_AFTER_UPDATE_FIELDS = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars",
                        "rsids", "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
                        "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
                        "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
                        "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")
_FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Page:
    width: int
    height: int
    margins: dict[str, int]
    landscape: bool

    @property
    def text_width(self) -> int:
        return self.width - self.margins["left"] - self.margins["right"]

    def sect(self, footer_rid: str, restart: bool) -> str:
        m = self.margins
        orient = ' w:orient="landscape"' if self.landscape else ""
        restart_xml = '<w:pgNumType w:start="1"/>' if restart else ""
        return (f'<w:sectPr><w:footerReference w:type="default" r:id="{footer_rid}"/>'
                f'<w:pgSz w:w="{self.width}" w:h="{self.height}"{orient}/>'
                f'<w:pgMar w:top="{m["top"]}" w:right="{m["right"]}" w:bottom="{m["bottom"]}" '
                f'w:left="{m["left"]}" w:header="{m["header"]}" w:footer="{m["footer"]}" '
                f'w:gutter="0"/>{restart_xml}<w:cols w:space="425"/>'
                '<w:docGrid w:linePitch="312"/></w:sectPr>')


def pages(profile: dict[str, Any]) -> dict[str, Page]:
    spec = profile["page"]
    short, long = twips_mm(spec["width"]), twips_mm(spec["height"])
    return {
        orientation: Page(
            width=long if orientation == "landscape" else short,
            height=short if orientation == "landscape" else long,
            margins={k: twips_mm(v) for k, v in spec[orientation].items()},
            landscape=orientation == "landscape",
        )
        for orientation in ("portrait", "landscape")
    }


@dataclass
class Unit:
    """Content that starts on a new page, in one orientation, in the front matter or body."""

    orientation: str
    zone: str  # front (no page numbers) | body
    page_break: bool
    items: list[Item] = field(default_factory=list)


class _Layout:
    """Turns model blocks into paragraphs and tables, grouped into units."""

    def __init__(self, profile: dict[str, Any]) -> None:
        self.profile = profile
        self.styles = profile["styles"]
        self.pages = pages(profile)

    def para(self, role: str, text: str, where: Callable[[], str], **props: Any) -> Para:
        return Para(self.styles[role]["id"], runs(text, where), **props)

    def cover(self, document: Document) -> list[Item]:
        def where() -> str:
            return "the title page"
        return [self.para(f"cover_{style}", text, where) for style, text in document.cover_lines]

    def toc_levels(self, document: Document) -> int:
        """Heading levels the 目录 lists: the document's skeleton says, else docx.yaml."""
        return document.contents_levels or int(self.profile["toc"]["levels"])

    def toc_entries(self, document: Document) -> list[tuple[int, str]]:
        levels = self.toc_levels(document)
        table_level = int(self.profile["toc"]["table_level"])
        entries: list[tuple[int, str]] = []
        for part in document.parts:
            entries.append((1, part.toc_line))
            for block in part.blocks:
                if isinstance(block, Heading) and block.level <= levels:
                    entries.append((block.level, block.text))
                elif (isinstance(block, Table) and table_level and _in_toc(block)
                      and block.title):
                    entries.append((table_level, block.contents or block.title))
        return entries

    def toc(self, document: Document) -> list[Item]:
        def where() -> str:
            return "the table of contents"
        spec = self.profile["toc"]
        levels, table_level = self.toc_levels(document), int(spec["table_level"])
        instruction = f'TOC \\o "1-{levels}" \\h \\z'
        if _own_lines(document):  # every entry comes from a TC field
            instruction = f'TOC \\h \\z \\l "1-{max(levels, table_level)}"'
        elif table_level:  # the tables' entries come from their TC fields
            instruction += f' \\l "{table_level}-{table_level}"'
        begin, end = field_runs(instruction, dirty=True)
        items: list[Item] = []
        if document.toc_title:
            items.append(self.para("contents_title", document.toc_title, where))
        entries = self.toc_entries(document) or [(1, "")]
        paras = [self.para(f"toc{min(max(level, 1), 3)}", text, where) for level, text in entries]
        paras[0].content = begin + paras[0].content
        paras[-1].content += end
        return items + paras

    def heading(self, block: Heading, where: Callable[[], str]) -> Para:
        if block.level not in (1, 2, 3):
            raise ValueError(f"cannot write DOCX: {where()}: heading level {block.level} "
                             "(levels 1 to 3 are laid out)")
        return self.para(f"heading{block.level}", block.text, where)

    def paragraph(self, block: Paragraph, where: Callable[[], str]) -> Para:
        if block.style not in ("body", "item"):
            raise ValueError(f"cannot write DOCX: {where()}: paragraph style {block.style!r} "
                             "(body and item are laid out)")
        return self.para(block.style, block.text, where)

    def table(self, table: Table, where: Callable[[], str]) -> list[Item]:
        if table.orientation not in self.pages:
            raise ValueError(f"cannot write DOCX: {where()}: orientation {table.orientation!r} "
                             "(portrait and landscape are laid out)")
        page = self.pages[table.orientation]
        items: list[Item] = []
        if table.caption:
            items.append(self.para("table_caption", table.caption, where))
        if table.title:
            role = "table_title" if _in_toc(table) else "form_title"
            items.append(self.para(role, table.title, where))
            level = int(self.profile["toc"]["table_level"])
            if role == "table_title" and level:  # Word's rebuilt TOC keeps 一、… as prefilled
                items[-1].content = (entry_field(table.contents or table.title, level)
                                     + items[-1].content)
        if table.subtitle:
            items.append(self.para("table_subtitle", table.subtitle, where))
        department, unit = table.department_line, table.unit_line
        if department and unit:
            tab = f'<w:tab w:val="right" w:pos="{page.text_width}"/>'
            items.append(self.para("table_unit", department, where, tabs=tab))
            items[-1].content += "<w:r><w:tab/></w:r>" + runs(unit, where)
        elif department or unit:
            items.append(self.para("table_unit", department or unit, where,
                                   jc="" if department else "right"))
        xml = table_xml(table, page.text_width, self.profile, where)
        if xml:
            items.append(Raw(xml))
        if table.note:
            items.append(self.para("table_unit", table.note, where))
        if table.empty_note is not None:
            items.append(self.para("empty_note", table.empty_note, where))
        return items

    def units(self, document: Document) -> list[Unit]:
        prose = document.orientation  # of every page without a table
        own_lines, levels = _own_lines(document), self.toc_levels(document)
        units = [Unit(prose, "front", False, self.cover(document)),
                 Unit(prose, "front", True, self.toc(document))]
        new_page = bool(self.profile["tables"]["new_page"])
        for p, part in enumerate(document.parts, 1):
            first = part.blocks[0] if part.blocks else None
            orientation = first.orientation if isinstance(first, Table) else prose
            heading = ([self.para("heading1", part.heading, lambda p=p: f"part {p}")]
                       if part.heading else [])
            units.append(Unit(orientation, "body", True, heading))
            # Where the 目录 has lines of its own, Word collects TC fields: one for the part at
            # its first paragraph, one for each heading it lists (the tables have theirs).
            entry = (1, part.toc_line) if own_lines else None
            if entry and heading:
                entry = _entry(heading, entry)
            for b, block in enumerate(part.blocks, 1):
                where = _where(p, b, block)
                if isinstance(block, Table):
                    items = self.table(block, where)
                    if b > 1 and new_page and _in_toc(block):
                        units.append(Unit(block.orientation, "body", True, items))
                        continue
                    orientation = block.orientation
                else:
                    items = [self.heading(block, where) if isinstance(block, Heading)
                             else self.paragraph(block, where)]
                    orientation = prose
                    if own_lines and isinstance(block, Heading) and block.level <= levels:
                        _entry(items, (block.level, block.text))  # a heading is a Para
                if entry:
                    entry = _entry(items, entry)
                if orientation != units[-1].orientation:
                    units.append(Unit(orientation, "body", False, items))
                else:
                    units[-1].items += items
        closing = [self.para("closing", line, lambda: "the closing lines")
                   for line in document.closing if line]
        if closing:
            closing[0].before = float(self.profile["closing_gap"])
            if units[-1].orientation != prose:
                units.append(Unit(prose, "body", False, []))
            units[-1].items += closing
        return units


def _own_lines(document: Document) -> bool:
    """The 目录 lists parts by lines of their own (五、部门预算表), not by their headings."""
    return any(part.contents for part in document.parts)


def _entry(items: list[Item], entry: tuple[int, str]) -> tuple[int, str] | None:
    """A TC field for `entry` (level, text) at the start of the first paragraph of `items`;
    the entry again if they have none (it goes to the next)."""
    first = next((item for item in items if isinstance(item, Para)), None)
    if first is None:
        return entry
    first.content = entry_field(entry[1], entry[0]) + first.content
    return None


def _in_toc(table: Table) -> bool:
    """The public tables (numbered, or with a line of their own) are listed in 目录; form
    tables (绩效目标表) are not."""
    return bool(table.contents) or (table.kind == "data" and table.number > 0)


def _where(p: int, b: int, block: Heading | Paragraph | Table) -> Callable[[], str]:
    def describe() -> str:
        if isinstance(block, Table):
            name = f"table {block.caption or block.title!r}"
        else:
            name = f"{type(block).__name__.lower()} {block.text[:20]!r}"
        return f"part {p}, block {b} ({name})"
    return describe


def body_xml(units: list[Unit], layout: _Layout, footers: dict[str, str]) -> str:
    """All units in order; a change of orientation or zone ends a section (a new page)."""
    out: list[Item] = []
    current: tuple[str, str] | None = None
    numbered = False

    def close(key: tuple[str, str]) -> str:
        nonlocal numbered
        restart = key[1] == "body" and not numbered
        numbered = numbered or key[1] == "body"
        return layout.pages[key[0]].sect(footers[key[1]], restart)

    spacer = layout.styles["spacer"]["id"]
    for unit in units:
        key = (unit.orientation, unit.zone)
        if not unit.items:
            continue
        if current is not None and key != current:
            if not isinstance(out[-1], Para) or out[-1].sect:
                out.append(Para(spacer))
            out[-1].sect = close(current)
        elif unit.page_break and out:
            first = unit.items[0]
            if isinstance(first, Para):
                first.page_break = True
            else:
                out.append(Para(spacer, page_break=True))
        current = key
        out.extend(unit.items)
    if out and isinstance(out[-1], Raw):
        out.append(Para(spacer))
    final = close(current or ("portrait", "body"))
    return "".join(item.xml() for item in out) + final


def _footer(package: Any, paragraph: str) -> Part:
    part = FooterPart.new(package)
    for child in list(part.element):
        part.element.remove(child)
    part.element.append(parse_xml(paragraph.replace("<w:p>", f"<w:p {NSDECL}>", 1)))
    return part


def _settings(word: Any, language: dict[str, str]) -> None:
    settings = word.settings.element
    update = parse_xml(f'<w:updateFields {NSDECL} w:val="true"/>')
    anchor = next((child for name in _AFTER_UPDATE_FIELDS
                   for child in settings.findall(qn(f"w:{name}"))), None)
    if anchor is not None:
        anchor.addprevious(update)
    else:
        settings.append(update)
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), language["latin"])
        lang.set(qn("w:eastAsia"), language["east_asia"])


def _styles(word: Any, profile: dict[str, Any], toc_tab: int) -> None:
    element = word.styles.element
    latent = element.find(qn("w:latentStyles"))
    for child in list(element):
        element.remove(child)
    fresh = list(parse_xml(styles_xml(profile, toc_tab)))
    element.append(fresh[0])
    if latent is not None:
        element.append(latent)
    element.extend(fresh[1:])


def _core(word: Any, document: Document, profile: dict[str, Any]) -> None:
    spec = profile["core"]
    created = spec["created"]
    if created.tzinfo is not None:
        created = created.astimezone(datetime.UTC).replace(tzinfo=None)
    props = word.core_properties
    props.title = spec["title"].format(department=document.department, title=document.title)
    props.author = props.last_modified_by = document.author
    props.subject = props.keywords = props.category = props.comments = ""
    props.language = profile["language"]["east_asia"]
    props.created = props.modified = created
    props.revision = 1


def _app_xml(application: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns='
            '"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Application>{esc(application)}</Application></Properties>").encode()


def _fixed_zip(data: bytes) -> bytes:
    """The same entries in the same order, each with a fixed date and attributes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _parts(word: Any, settings: dict[str, Any]) -> None:
    """Drop the template's thumbnail, theme, customXml and effects parts; own font table and
    app properties instead."""
    main, package = word.part, word.part.package
    for rels in (main.rels, package.rels):
        for rid in [rid for rid, rel in rels.items() if rel.reltype in _DROPPED]:
            del rels[rid]
    main.relate_to(Part(PackURI("/word/fontTable.xml"), CT.WML_FONT_TABLE,
                        font_table_xml(settings), package), RT.FONT_TABLE)
    package.relate_to(Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES,
                           _app_xml(settings["core"]["application"]), package),
                      RT.EXTENDED_PROPERTIES)


def _footers(word: Any, settings: dict[str, Any]) -> dict[str, str]:
    """Footer relationship ids by zone: none for cover and 目录, the page number for the body."""
    def where() -> str:
        return "the page footer"

    style = settings["styles"]["footer"]["id"]
    spec = settings["footer"]
    begin, end = field_runs("PAGE", "1")
    empty = f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr></w:p>'
    numbered = (f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
                f'{runs(spec["before"], where)}{begin}{end}{runs(spec["after"], where)}</w:p>')
    main = word.part
    return {zone: main.relate_to(_footer(main.package, xml), RT.FOOTER)
            for zone, xml in (("front", empty), ("body", numbered))}


def render(document: Document, profile: str = "default") -> bytes:
    """The DOCX file for `document`, laid out by the profile's docx.yaml."""
    name = find(profile, "docx.yaml")
    settings = profile_file(profile, "docx.yaml")
    check_profile(settings, name)
    layout = _Layout(settings)
    units = layout.units(document)

    word = docx.Document()
    _parts(word, settings)
    footers = _footers(word, settings)
    _styles(word, settings, layout.pages[document.orientation].text_width)  # 目录's tab
    _settings(word, settings["language"])
    _core(word, document, settings)
    # One element replaced: moving its thousands of children one by one into the package's
    # own body took lxml quadratic time (7 s for a department of 400 projects).
    word.element.replace(word.element.body, parse_xml(
        f"<w:body {NSDECL}>{body_xml(units, layout, footers)}</w:body>"))
    buffer = io.BytesIO()
    word.save(buffer)
    return _fixed_zip(buffer.getvalue())
