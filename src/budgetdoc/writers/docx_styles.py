"""Styles, document defaults and the font table, all from the profile's docx.yaml.

Every run property names its fonts explicitly (`w:ascii`, `w:hAnsi`, `w:eastAsia`, `w:cs`) and
no style refers to theme fonts, so Word applies the profile's Chinese fonts to Chinese text.
"""

from __future__ import annotations

from typing import Any

from .ooxml import NSDECL, esc, twips_pt

# Word's own names for the built-in styles we redefine (others are marked custom).
BUILT_IN = {"Normal", "heading 1", "heading 2", "heading 3", "toc 1", "toc 2", "toc 3",
            "footer", "Body Text"}
_JC = {"left": "left", "center": "center", "right": "right", "both": "both"}


ROLES = ("normal", "cover_department", "cover_title", "contents_title", "heading1", "heading2",
         "heading3", "toc1", "toc2", "toc3", "body", "item", "table_caption", "table_title",
         "form_title", "table_subtitle", "table_unit", "table_text", "table_text_dense",
         "table_header", "table_header_dense", "empty_note", "closing", "footer", "spacer")
_KEYS = {"id", "name", "font", "size", "bold", "line", "before", "after", "first_line", "left",
         "align", "keep_next", "outline"}


def check_profile(profile: dict[str, Any], name: str) -> None:
    """Fail early, naming the entry, if docx.yaml lacks a style the writer uses or misspells
    a property (a misspelt property would otherwise be silently ignored)."""
    styles = profile["styles"]
    for role in ROLES:
        if role not in styles:
            raise ValueError(f"{name}: styles.{role} is missing")
    for role, spec in styles.items():
        unknown = set(spec) - _KEYS
        if unknown or not {"id", "name", "font", "size"} <= set(spec):
            raise ValueError(f"{name}: styles.{role}: needs id, name, font and size; "
                             f"unknown {sorted(unknown)}")
        if spec["font"] not in profile["fonts"] or spec.get("align", "left") not in _JC:
            raise ValueError(f"{name}: styles.{role}: unknown font or alignment")


def rfonts(font: dict[str, str]) -> str:
    latin, east = esc(font["latin"]), esc(font["east_asia"])
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east}" w:cs="{latin}"/>'


def _half_points(size: float) -> str:
    value = round(size * 2)
    return f'<w:sz w:val="{value}"/><w:szCs w:val="{value}"/>'


def _ppr(spec: dict[str, Any], tabs: str) -> str:
    size = float(spec["size"])
    out = []
    if spec.get("keep_next"):
        out.append("<w:keepNext/>")
    if tabs:
        out.append(f"<w:tabs>{tabs}</w:tabs>")
    spacing = []
    if "before" in spec:
        spacing.append(f'w:before="{twips_pt(spec["before"])}"')
    if "after" in spec:
        spacing.append(f'w:after="{twips_pt(spec["after"])}"')
    if "line" in spec:
        spacing.append(f'w:line="{twips_pt(spec["line"])}" w:lineRule="exact"')
    if spacing:
        out.append(f"<w:spacing {' '.join(spacing)}/>")
    indent = []
    if spec.get("left"):
        chars = spec["left"]
        indent.append(f'w:leftChars="{round(chars * 100)}" w:left="{twips_pt(chars * size)}"')
    if spec.get("first_line"):
        chars = spec["first_line"]
        indent.append(f'w:firstLineChars="{round(chars * 100)}" '
                      f'w:firstLine="{twips_pt(chars * size)}"')
    if indent:
        out.append(f"<w:ind {' '.join(indent)}/>")
    if spec.get("align"):
        out.append(f'<w:jc w:val="{_JC[spec["align"]]}"/>')
    if "outline" in spec:
        out.append(f'<w:outlineLvl w:val="{int(spec["outline"])}"/>')
    return f"<w:pPr>{''.join(out)}</w:pPr>" if out else ""


def paragraph_style(spec: dict[str, Any], fonts: dict[str, dict[str, str]], tabs: str = "") -> str:
    name = spec["name"]
    attrs = f'w:type="paragraph" w:styleId="{esc(spec["id"])}"'
    if spec["id"] == "Normal":
        attrs += ' w:default="1"'
    elif name not in BUILT_IN:
        attrs += ' w:customStyle="1"'
    based = "" if spec["id"] == "Normal" else '<w:basedOn w:val="Normal"/>'
    bold = "<w:b/><w:bCs/>" if spec.get("bold") else ""
    rpr = f"<w:rPr>{rfonts(fonts[spec['font']])}{bold}{_half_points(float(spec['size']))}</w:rPr>"
    return (f"<w:style {attrs}><w:name w:val=\"{esc(name)}\"/>{based}<w:qFormat/>"
            f"{_ppr(spec, tabs)}{rpr}</w:style>")


def defaults(profile: dict[str, Any]) -> str:
    normal = profile["styles"]["normal"]
    latin, east = esc(profile["language"]["latin"]), esc(profile["language"]["east_asia"])
    return ("<w:docDefaults><w:rPrDefault><w:rPr>"
            f"{rfonts(profile['fonts'][normal['font']])}{_half_points(float(normal['size']))}"
            f'<w:lang w:val="{latin}" w:eastAsia="{east}" w:bidi="ar-SA"/>'
            "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
            "</w:pPr></w:pPrDefault></w:docDefaults>")


_FIXED = (
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
    "<w:unhideWhenUsed/></w:style>"
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
    '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
    '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
    '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
    "</w:tblCellMar></w:tblPr></w:style>"
    '<w:style w:type="numbering" w:default="1" w:styleId="NoList">'
    '<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
    "</w:style>"
)


def styles_xml(profile: dict[str, Any], toc_tab_pos: int) -> str:
    """docDefaults and every style, wrapped in a `w:styles` element to take children from."""
    fonts = profile["fonts"]
    parts = [defaults(profile), _FIXED]
    for role, spec in profile["styles"].items():
        tabs = ""
        if role.startswith("toc"):
            tabs = f'<w:tab w:val="right" w:leader="dot" w:pos="{toc_tab_pos}"/>'
        parts.append(paragraph_style(spec, fonts, tabs))
    return f"<w:styles {NSDECL}>{''.join(parts)}</w:styles>"


def font_table_xml(profile: dict[str, Any]) -> bytes:
    entries = []
    for font in profile["font_table"]:
        alt = f'<w:altName w:val="{esc(font["alt"])}"/>' if font.get("alt") else ""
        entries.append(
            f'<w:font w:name="{esc(font["name"])}">{alt}'
            f'<w:panose1 w:val="{font["panose"]}"/><w:charset w:val="{font["charset"]}"/>'
            f'<w:family w:val="{font["family"]}"/><w:pitch w:val="{font["pitch"]}"/></w:font>')
    xml = (f"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
           f"<w:fonts {NSDECL}>{''.join(entries)}</w:fonts>")
    return xml.encode("utf-8")
