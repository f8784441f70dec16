"""The DOCX writer: golden text dumps per example department, determinism, and the layout
rules a finance officer checks (repeated headers, landscape pages, fonts, TOC, page numbers).

Golden files are rewritten only with BUDGETDOC_UPDATE_GOLDEN=1; review the diff before
committing them.
"""

from __future__ import annotations

import functools
import io
import re
import textwrap
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from budgetdoc import pipeline
from budgetdoc.document import Cell, Document, HeaderCell, Heading, Paragraph, Part, Row, Table
from budgetdoc.ledger import Figure
from budgetdoc.resources import data_file
from budgetdoc.writers.docx import render
from budgetdoc.writers.docx_table import ragged
from conftest import matches_golden
from docx_dump import Reader, W, dump
from seedfigures import EXAMPLES as SEED_EXAMPLES
from seedfigures import GOLDEN_EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "docx"
# The seed examples (default profile), for the layout tests; every example has golden files.
EXAMPLES = sorted(ROOT / "examples" / "departments" / name / "2024.yaml"
                  for name in SEED_EXAMPLES.values())
PROFILE = data_file("profiles/default/docx.yaml")


@functools.cache
def document_of(path: Path) -> Document:
    result = pipeline.run(path)
    assert result.document is not None, result.sorted_diagnostics()
    return result.document


@functools.cache
def rendered(path: Path) -> bytes:
    return render(document_of(path))


def largest() -> Path:
    return max(EXAMPLES, key=lambda p: sum(len(t.rows) for t in document_of(p).tables()))


# --- golden dumps -------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(GOLDEN_EXAMPLES))
def test_docx_dump_matches_golden(name: str) -> None:
    path = ROOT / "examples" / "departments" / GOLDEN_EXAMPLES[name]
    matches_golden(GOLDEN / f"{name}.txt", dump(rendered(path)))


# --- determinism --------------------------------------------------------------------------

def test_two_renders_are_byte_identical() -> None:
    document = document_of(EXAMPLES[0])
    assert render(document) == render(document)


def test_zip_entries_and_core_properties_are_fixed() -> None:
    path = EXAMPLES[0]
    with zipfile.ZipFile(io.BytesIO(rendered(path))) as archive:
        names = archive.namelist()
        assert names[0] == "[Content_Types].xml"
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert not any("thumbnail" in n or "customXml" in n or "theme" in n for n in names)
        core = archive.read("docProps/core.xml").decode()
    document = document_of(path)
    assert f"<dc:title>{document.department}{document.title}</dc:title>" in core
    assert f"<dc:creator>{document.author}</dc:creator>" in core
    assert ">2000-01-01T00:00:00Z</dcterms:created>" in core
    assert ">2000-01-01T00:00:00Z</dcterms:modified>" in core
    assert "python-docx" not in core


# --- layout rules -------------------------------------------------------------------------

def _tables_with_sections(reader: Reader) -> list[tuple[object, str, int, int]]:
    """Each w:tbl with the orientation and page size of the section it lies in."""
    found, pending = [], []
    body = reader.document.find(f"{W}body")
    for element in body:
        if element.tag == f"{W}tbl":
            pending.append(element)
        sect = element if element.tag == f"{W}sectPr" else element.find(f"{W}pPr/{W}sectPr")
        if sect is not None:
            size = sect.find(f"{W}pgSz")
            orientation = size.get(f"{W}orient") or "portrait"
            width, height = int(size.get(f"{W}w")), int(size.get(f"{W}h"))
            found += [(t, orientation, width, height) for t in pending]
            pending = []
    assert not pending
    return found


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_header_rows_repeat_and_landscape_pages_are_turned(path: Path) -> None:
    model = [t for t in document_of(path).tables() if t.header or t.rows]
    laid_out = _tables_with_sections(Reader(rendered(path)))
    assert len(laid_out) == len(model)
    for table, (element, orientation, width, height) in zip(model, laid_out, strict=True):
        flags = [row.find(f"{W}trPr/{W}tblHeader") is not None for row in element.iter(f"{W}tr")]
        assert flags == [True] * len(table.header) + [False] * len(table.rows), table.title
        assert orientation == table.orientation, table.title
        assert (width > height) == (table.orientation == "landscape"), table.title
    assert any(t.orientation == "landscape" for t in model)


def _cells_in_order(element) -> list[list[object]]:
    """Per body row, the paragraphs of cells that start there (not vertical continuations)."""
    rows = []
    for row in element.iter(f"{W}tr"):
        if row.find(f"{W}trPr/{W}tblHeader") is not None:
            continue
        cells = []
        for cell in row.iter(f"{W}tc"):
            merge = cell.find(f"{W}tcPr/{W}vMerge")
            if merge is None or merge.get(f"{W}val") == "restart":
                cells.append(cell.find(f"{W}p"))
        rows.append(cells)
    return rows


def _alignment(paragraph) -> str:
    jc = paragraph.find(f"{W}pPr/{W}jc")
    return jc.get(f"{W}val") if jc is not None else "left"


def _check_amounts_right_aligned(document: Document, data: bytes) -> None:
    model = [t for t in document.tables() if t.header or t.rows]
    laid_out = _tables_with_sections(Reader(data))
    for table, (element, *_) in zip(model, laid_out, strict=True):
        for row, cells in zip(table.rows, _cells_in_order(element), strict=True):
            for cell, paragraph in zip(row.cells, cells, strict=False):
                assert (_alignment(paragraph) == "right") == cell.is_amount, (table.title, cell)


def test_amounts_are_right_aligned() -> None:
    path = largest()
    _check_amounts_right_aligned(document_of(path), rendered(path))


def test_fonts_name_east_asian_faces_and_no_theme_fonts() -> None:
    with zipfile.ZipFile(io.BytesIO(rendered(EXAMPLES[0]))) as archive:
        styles = archive.read("word/styles.xml").decode()
        document = archive.read("word/document.xml").decode()
        fonts = archive.read("word/fontTable.xml").decode()
    reader = Reader(rendered(EXAMPLES[0]))
    root = reader.xml("word/styles.xml")
    rfonts = list(root.iter(f"{W}rFonts"))
    assert rfonts and all(r.get(f"{W}eastAsia") for r in rfonts)
    assert "Theme" not in styles and "Theme" not in document
    by_style = {s.get(f"{W}styleId"): s.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia")
                for s in root.iter(f"{W}style") if s.find(f"{W}rPr/{W}rFonts") is not None}
    faces = PROFILE["fonts"]
    for role, face in (("body", "body"), ("heading1", "heading"), ("table_text", "table")):
        assert by_style[PROFILE["styles"][role]["id"]] == faces[face]["east_asia"]
    lang = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    # Chinese text is zh-CN; Latin text (digits, amounts, PPP) en-US, as Chinese Word sets it:
    # with zh-CN there too, LibreOffice breaks numbers like Chinese text (86.│07).
    assert (lang.get(f"{W}val"), lang.get(f"{W}eastAsia")) == ("en-US", "zh-CN")
    assert all(f'w:name="{faces[k]["east_asia"]}"' in fonts for k in ("body", "heading", "table"))


def test_a4_pages_toc_field_and_page_numbers() -> None:
    path = EXAMPLES[0]
    reader = Reader(rendered(path))
    settings = reader.xml("word/settings.xml")
    assert settings.find(f"{W}updateFields").get(f"{W}val") == "true"
    sections = [s for s in reader.document.iter(f"{W}sectPr")]
    sizes = {(s.find(f"{W}pgSz").get(f"{W}w"), s.find(f"{W}pgSz").get(f"{W}h")) for s in sections}
    assert sizes <= {("11906", "16838"), ("16838", "11906")}
    footers = [reader.footer(s) for s in sections]
    assert footers[0] == "empty"
    assert all("{{PAGE|" in f for f in footers[1:])
    starts = [s.find(f"{W}pgNumType") for s in sections]
    assert [p is not None for p in starts] == [False, True] + [False] * (len(sections) - 2)
    text = dump(rendered(path))
    assert '{{TOC \\o "1-2"' in text
    document = document_of(path)
    entries = [line for line in text.splitlines() if line.startswith("[toc ")]
    headings = [b for p in document.parts for b in p.blocks if isinstance(b, Heading)]
    numbered = [t for t in document.tables() if t.kind == "data" and t.number > 0]
    assert len(entries) == len(document.parts) + len(
        [h for h in headings if h.level <= 2]) + len(numbered)


def test_closing_lines_are_right_aligned_at_the_end() -> None:
    document = document_of(EXAMPLES[0])
    lines = dump(rendered(EXAMPLES[0])).splitlines()
    closing = [line for line in document.closing if line]
    assert lines[-len(closing) - 1:-1] == [f"[Closing] {line}" for line in closing]
    root = Reader(rendered(EXAMPLES[0])).xml("word/styles.xml")
    style = next(s for s in root.iter(f"{W}style") if s.get(f"{W}styleId") == "Closing")
    assert style.find(f"{W}pPr/{W}jc").get(f"{W}val") == "right"


# --- a synthetic document with every kind of block ---------------------------------------

def amount(value: str) -> Cell:
    number = Decimal(value)
    return Cell(figure=Figure(number, number, frozenset()))


def synthetic(**changes: object) -> Document:
    header = [[HeaderCell("科目编码", colspan=2), HeaderCell("名称", rowspan=2),
               HeaderCell("金额", colspan=2)],
              [HeaderCell("类"), HeaderCell("款"), HeaderCell("基本"), HeaderCell("项目")],
              [HeaderCell("※"), HeaderCell("※"), HeaderCell("※"), HeaderCell("1"),
               HeaderCell("2")]]
    data = Table(number=1, caption="表 1", title="收支表", department_line="编制部门：测试局",
                 unit_line="单位：万元", orientation="portrait", header=header,
                 rows=[Row([Cell(""), Cell(""), Cell("总计"), amount("1234.5"), amount("0")],
                           "total"),
                       Row([Cell("201"), Cell("03"), Cell("行政运行"), amount("1234.5"),
                            amount("0")], "kuan")])
    empty = Table(number=2, caption="表 2", title="基金表", department_line="编制部门：测试局",
                  unit_line="单位：万元", orientation="landscape",
                  header=[[HeaderCell("科目"), HeaderCell("合计")],
                          [HeaderCell("※"), HeaderCell("1")]],
                  rows=[], empty_note="测试局没有基金支出，基金表为空表。")
    form = Table(number=0, caption="", title="项目支出绩效目标表", department_line="",
                 unit_line="", orientation="portrait", header=[], kind="form",
                 subtitle="（2024 年）",
                 rows=[Row([Cell("项目名称"), Cell("测试项目", colspan=3)], "label"),
                       Row([Cell("产出指标", rowspan=2), Cell("数量"), Cell("≥4 次"),
                            amount("10")], "label"),
                       Row([Cell("质量"), Cell("=100%"), amount("5")], "label")])
    parts = [
        Part("第一部分 概况", [Heading("一、主要职能", 2), Paragraph("负责测试。"),
                             Heading("（一）职责", 3), Paragraph("1、第一项。", "item")]),
        Part("第二部分 公开表", [data, empty]),
        Part("第三部分 说明", [Heading("一、绩效", 2), Paragraph("具体情况见下表："), form]),
        Part("第四部分 名词解释", [Paragraph("一、财政拨款：指财政拨款数。")]),
    ]
    fields: dict[str, object] = dict(department="测试局", year=2024, title="2024 年部门预算公开",
                                     parts=parts, closing=["测试局", "", "2024年2月20日"],
                                     toc_title="目录", author="测试局")
    fields.update(changes)
    return Document(**fields)  # type: ignore[arg-type]


SYNTHETIC_DUMP = textwrap.dedent("""\
    [Cover Department] 测试局
    [Cover Title] 2024 年部门预算公开
    <page break>
    [Contents Title] 目录
    [toc 1] {{TOC \\o "1-2" \\h \\z \\l "2-2"|第一部分 概况
    [toc 2] 一、主要职能
    [toc 1] 第二部分 公开表
    [toc 2] 收支表
    [toc 2] 基金表
    [toc 1] 第三部分 说明
    [toc 2] 一、绩效
    [toc 1] 第四部分 名词解释}}
    === end of section: portrait 11906x16838, footer 'empty' ===
    [heading 1] 第一部分 概况
    [heading 2] 一、主要职能
    [Body Text] 负责测试。
    [heading 3] （一）职责
    [List Item] 1、第一项。
    <page break>
    [heading 1] 第二部分 公开表
    [Table Caption] 表 1
    [Table Title] {{TC "收支表" \\l 2}}收支表
    [Table Unit] 编制部门：测试局<tab>单位：万元
    <table 5 columns>
    H | 科目编码 (span 2) | 名称 (v) | 金额 (span 2)
    H | 类 | 款 | ^ | 基本 | 项目
    H | ※ | ※ | ※ | 1 | 2
    R |  |  | 总计 | 1,234.50 |
    R | 201 | 03 | 行政运行 | 1,234.50 |
    </table>
    [Spacer]
    === end of section: portrait 11906x16838, footer '— {{PAGE|1}} —', page numbers from 1 ===
    [Table Caption] 表 2
    [Table Title] {{TC "基金表" \\l 2}}基金表
    [Table Unit] 编制部门：测试局<tab>单位：万元
    <table 2 columns>
    H | 科目 | 合计
    H | ※ | 1
    </table>
    [Empty Table Note] 测试局没有基金支出，基金表为空表。
    === end of section: landscape 16838x11906, footer '— {{PAGE|1}} —' ===
    [heading 1] 第三部分 说明
    [heading 2] 一、绩效
    [Body Text] 具体情况见下表：
    [Form Title] 项目支出绩效目标表
    [Table Subtitle] （2024 年）
    <table 4 columns>
    R | 项目名称 | 测试项目 (span 3)
    R | 产出指标 (v) | 数量 | ≥4 次 | 10.00
    R | ^ | 质量 | =100% | 5.00
    </table>
    <page break>
    [heading 1] 第四部分 名词解释
    [Body Text] 一、财政拨款：指财政拨款数。
    [Closing] 测试局
    [Closing] 2024年2月20日
    === end of section: portrait 11906x16838, footer '— {{PAGE|1}} —' ===
    """)


def test_synthetic_document_with_every_kind_of_block() -> None:
    document = synthetic()
    data = render(document)
    assert dump(data) == SYNTHETIC_DUMP
    _check_amounts_right_aligned(document, data)
    reader = Reader(data)
    spacing = reader.document.find(f".//{W}p/{W}pPr/{W}spacing")  # the first closing line
    assert spacing is not None and spacing.get(f"{W}before")


def test_body_paragraphs_indent_their_first_line_two_characters() -> None:
    root = Reader(render(synthetic())).xml("word/styles.xml")
    for role in ("body", "item"):
        style = next(s for s in root.iter(f"{W}style")
                     if s.get(f"{W}styleId") == PROFILE["styles"][role]["id"])
        assert style.find(f"{W}pPr/{W}ind").get(f"{W}firstLineChars") == "200"


def test_a_control_character_is_refused_with_its_place() -> None:
    document = synthetic()
    document.parts[0].blocks[1] = Paragraph("负责\x0b测试。")
    with pytest.raises(ValueError, match=r"part 1, block 2 \(paragraph .*U\+000B"):
        render(document)
    document = synthetic()
    table = document.parts[1].blocks[0]
    assert isinstance(table, Table)
    table.rows[1].cells[2] = Cell("行政\x00运行")
    with pytest.raises(ValueError, match=r"part 2, block 1 \(table '表 1'\), row 2 .*U\+0000"):
        render(document)
    with pytest.raises(ValueError, match="the title page"):
        render(synthetic(department="测试\x0c局"))


def test_tabs_and_line_breaks_in_text_are_laid_out() -> None:
    document = synthetic()
    document.parts[0].blocks[1] = Paragraph("第一行\n第二行\t完")
    assert "[Body Text] 第一行<br>第二行<tab>完" in dump(render(document))


def test_every_example_table_is_a_full_grid() -> None:
    paths = [ROOT / "examples" / "departments" / p for p in GOLDEN_EXAMPLES.values()]
    problems = [f"{path.parent.name} {t.caption or t.title}: {p}" for path in paths
                for t in document_of(path).tables() for p in ragged(t)]
    assert problems == []


def test_python_docx_reads_the_file_back() -> None:
    import docx

    reopened = docx.Document(io.BytesIO(render(synthetic())))
    assert [s.orientation for s in reopened.sections] == [0, 0, 1, 0]
    landscape = reopened.sections[2]
    assert landscape.page_width > landscape.page_height
    assert reopened.core_properties.author == "测试局"


def test_a_bare_document_still_renders() -> None:
    bare = synthetic(parts=[Part("第一部分 概况")], closing=[], toc_title="")
    text = dump(render(bare))
    assert "[toc 1] {{TOC" in text and "[heading 1] 第一部分 概况" in text
    assert "Contents Title" not in text and "Closing" not in text


def test_an_unknown_orientation_is_refused_with_its_place() -> None:
    document = synthetic()
    table = document.parts[1].blocks[1]
    assert isinstance(table, Table)
    table.orientation = "sideways"
    with pytest.raises(ValueError, match=r"part 2, block 2 \(table '表 2'\): orientation"):
        render(document)


def test_the_profile_names_every_style_the_writer_uses() -> None:
    from budgetdoc.writers.docx_styles import check_profile

    check_profile(PROFILE, "docx.yaml")
    broken = {**PROFILE, "styles": {**PROFILE["styles"], "body": {
        **PROFILE["styles"]["body"], "first_line_chars": 2}}}
    with pytest.raises(ValueError, match=r"styles\.body.*first_line_chars"):
        check_profile(broken, "docx.yaml")


def word_toc(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(prefilled, rebuilt): the TOC entries as written, and those Word collects when it
    updates the TOC field: heading-style paragraphs within its \\o levels and TC fields within
    its \\l levels, in document order (read from the dump, not from the writer)."""
    instruction = re.search(r"\{\{TOC ([^|]*)\|", text)
    assert instruction is not None
    headings = re.search(r'\\o "(\d)-(\d)"', instruction[1])
    entries = re.search(r'\\l "(\d)-(\d)"', instruction[1])
    prefilled = [(int(m[1]), m[2]) for m in re.finditer(
        r"^\[toc (\d)\] (?:\{\{TOC [^|]*\|)?(.*?)(?:\}\})?$", text, re.M)]
    rebuilt = []
    for line in text.splitlines():
        heading = re.match(r"\[heading (\d)\] (.*)", line)
        if heading and headings and int(headings[1]) <= int(heading[1]) <= int(headings[2]):
            rebuilt.append((int(heading[1]), heading[2]))
        for field in re.finditer(r'\{\{TC "((?:[^"\\]|\\.)*)" \\l (\d)\}\}', line):
            if entries and int(entries[1]) <= int(field[2]) <= int(entries[2]):
                rebuilt.append((int(field[2]), re.sub(r"\\(.)", r"\1", field[1])))
    return prefilled, rebuilt


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_word_rebuilds_the_prefilled_toc(path: Path) -> None:
    """Word updates the TOC when the file opens; it must come out as prefilled (一、… on the
    tables' entries, as the seeds print them), only with page numbers."""
    prefilled, rebuilt = word_toc(dump(rendered(path)))
    assert any(text.startswith("一、") for level, text in prefilled if level == 2)
    assert rebuilt == prefilled


def test_a_quote_in_a_table_title_is_escaped_in_its_toc_entry() -> None:
    document = synthetic()
    table = next(t for t in document.tables() if t.title == "收支表")
    table.contents = '一、"收支"表'
    text = dump(render(document))
    assert '{{TC "一、\\"收支\\"表" \\l 2}}' in text
    prefilled, rebuilt = word_toc(text)
    assert rebuilt == prefilled
