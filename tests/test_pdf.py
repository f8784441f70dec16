"""The PDF writer: HTML golden files, a real WeasyPrint render checked with poppler.

Golden HTML files (tests/golden/html/<example>.html) are regenerated only with
BUDGETDOC_UPDATE_GOLDEN=1; otherwise a difference fails. Review the diff before committing.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from budgetdoc import pipeline
from budgetdoc.document import Cell, Document, HeaderCell, Heading, Paragraph, Part, Row, Table
from budgetdoc.ledger import Figure
from budgetdoc.writers import pdf, pdf_fonts
from conftest import WarningRecords, matches_golden
from seedfigures import EXAMPLES as SEED_EXAMPLES
from seedfigures import GOLDEN_EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
# The seed examples (default profile), for the layout tests; every example has golden files.
EXAMPLES = sorted(SEED_EXAMPLES.values())
GOLDEN = ROOT / "tests" / "golden" / "html"
POPPLER = all(shutil.which(tool) for tool in ("pdfinfo", "pdftotext", "pdffonts", "pdftohtml"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")


def _document(example: str) -> Document:
    result = pipeline.run(ROOT / "examples" / "departments" / example / "2024.yaml")
    assert result.document is not None, [d.message for d in result.diagnostics]
    return result.document


# --- golden HTML --------------------------------------------------------------------------

def _without_stylesheet(html: str) -> str:
    """The golden files hold the document, not the stylesheet (templates/html/budget.css,
    reviewed as itself): its inlined text is replaced by a marker."""
    start, end = html.index("<style>\n") + len("<style>\n"), html.index("</style>")
    assert "@page" in html[start:end]
    return html[:start] + "/* templates/html/budget.css */\n" + html[end:]


@pytest.mark.parametrize("name", sorted(GOLDEN_EXAMPLES))
def test_html_matches_golden(name: str) -> None:
    result = pipeline.run(ROOT / "examples" / "departments" / GOLDEN_EXAMPLES[name])
    assert result.document is not None
    matches_golden(GOLDEN / f"{name}.html",
                   _without_stylesheet(pdf.render_html(result.document)))


def test_golden_files_are_only_for_examples() -> None:
    if GOLDEN.exists():
        assert sorted(p.stem for p in GOLDEN.glob("*.html")) == sorted(GOLDEN_EXAMPLES)


# --- a synthetic document with every kind of block ----------------------------------------

def _amount(value: str) -> Cell:
    return Cell(figure=Figure(Decimal(value), Decimal(value), frozenset()))


def synthetic() -> Document:
    """Headings 1–3, body and item paragraphs, portrait, landscape, empty and form tables."""
    header = [
        [HeaderCell("科目编码", colspan=2), HeaderCell("科目名称", rowspan=2),
         HeaderCell("支出", colspan=2)],
        [HeaderCell("类"), HeaderCell("款"), HeaderCell("基本支出"), HeaderCell("项目支出")],
        [HeaderCell(t) for t in ("※", "※", "※", "1", "2")],
    ]
    rows = [
        Row([Cell(), Cell(), Cell("总计"), _amount("12345.678"), _amount("0")], "total"),
        Row([Cell("201"), Cell(""), Cell("一般公共服务支出 <&>"), _amount("12345.678"),
             _amount("0")], "class"),
    ]
    portrait = Table(1, "表 1", "合成数据表", "编制部门：合成局", "单位：万元", "portrait",
                     header, rows)
    wide_header = [[HeaderCell("项目")] + [HeaderCell(f"第{i}列") for i in range(1, 15)]]
    wide_rows = [Row([Cell("合计")] + [_amount(f"{i}000.5") for i in range(1, 15)], "total")]
    landscape = Table(2, "表 2", "合成宽表", "编制部门：合成局", "单位：万元", "landscape",
                      wide_header, wide_rows)
    empty = Table(3, "表 3", "合成空表", "编制部门：合成局", "单位：万元", "portrait",
                  header, [], empty_note="合成局 2024 年没有合成支出，合成空表为空表。")
    form_rows = [
        Row([Cell("部门名称", colspan=2), Cell("合成局", colspan=2)], "form"),
        Row([Cell("一级指标"), Cell("二级指标"), Cell("三级指标"), Cell("指标值")], "form"),
        Row([Cell("产出指标", rowspan=2), Cell("数量指标", rowspan=2), Cell("完成合成任务"),
             Cell("≥4 次")], "form"),
        Row([Cell("完成第二项合成任务"), Cell("=100%")], "form"),
    ]
    form = Table(0, "", "合成绩效目标表", "", "", "portrait", [], form_rows,
                 subtitle="（2024 年）", kind="form")
    parts = [
        Part("第一部分 合成概况", [
            Heading("一、主要职能", 2),
            Paragraph("合成局负责合成工作。" * 8),
            Heading("（一）合成职能", 3),
            Paragraph("1、第一项合成职能。", "item"),
            Paragraph("2、第二项合成职能。", "item"),
        ]),
        Part("第二部分 合成公开表", [portrait, landscape, empty]),
        Part("第三部分 合成说明", [
            Heading("一、关于合成局的说明", 2),
            Paragraph("具体情况见下表："),
            form,
            Heading("合成小标题", 1),
        ]),
    ]
    return Document("合成局", 2024, "2024 年部门预算公开", parts,
                    closing=["合成局", "", "2024年2月20日"], toc_title="目录",
                    author="合成局财务科")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_synthetic_html_has_every_block() -> None:
    html = pdf.render_html(synthetic())
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">")
    assert "一般公共服务支出 &lt;&amp;&gt;" in html  # escaped, never markup
    tags = _tags(html)
    names = [t for t, _ in tags]
    assert names.count("h1") == 1 + 3 + 1  # 目录, three parts, one level-1 block heading
    assert ("h2", {"class": "heading", "id": "b-1-1"}) in tags
    assert ("h3", {"class": "heading", "id": "b-1-3"}) in tags
    assert [a["class"] for t, a in tags if t == "p" and a.get("class") in ("body", "item")] == [
        "body", "item", "item", "body"]
    sections = [a for t, a in tags if t == "section" and "table-block" in (a["class"] or "")]
    assert [a["class"] for a in sections] == [
        "table-block data portrait", "table-block data landscape", "table-block data portrait",
        "table-block form portrait"]
    assert [a["data-bookmark"] for a in sections] == [
        "表 1 合成数据表", "表 2 合成宽表", "表 3 合成空表", "合成绩效目标表"]
    # Spans as in the model, in the header and in the form table's body
    assert ("th", {"colspan": "2"}) in tags and ("th", {"rowspan": "2"}) in tags
    assert ("td", {"class": "text", "colspan": "2"}) in tags
    assert ("td", {"class": "text", "rowspan": "2"}) in tags
    # Amounts right-aligned as printed; zero is blank
    assert '<td class="amount">12,345.68</td><td class="amount"></td>' in html
    assert '<td class="code">201</td>' in html
    # Department and unit lines repeat with the header (inside thead)
    assert re.search(r"<thead>\n<tr class=\"table-meta\"><th colspan=\"5\">"
                     r"<span class=\"unit\">单位：万元</span>"
                     r"<span class=\"department\">编制部门：合成局</span>", html)
    assert '<p class="empty-note">合成局 2024 年没有合成支出' in html
    assert '<p class="table-subtitle">（2024 年）</p>' in html
    assert "<thead>" not in html.split("合成绩效目标表")[-1]  # a form has no header
    assert '<section class="closing">\n<p>合成局</p>\n<p>2024年2月20日</p>' in html
    assert "<title>合成局 2024 年部门预算公开</title>" in html
    assert '<meta name="author" content="合成局财务科">' in html


def test_toc_lists_parts_sections_and_numbered_tables() -> None:
    html = pdf.render_html(synthetic())
    toc = re.findall(r'<li class="level-(\d)"><a href="#([\w-]+)">([^<]*)</a>', html)
    assert toc == [
        ("1", "part-1", "第一部分 合成概况"), ("2", "b-1-1", "一、主要职能"),
        ("1", "part-2", "第二部分 合成公开表"), ("2", "b-2-1", "表 1 合成数据表"),
        ("2", "b-2-2", "表 2 合成宽表"), ("2", "b-2-3", "表 3 合成空表"),
        ("1", "part-3", "第三部分 合成说明"), ("2", "b-3-1", "一、关于合成局的说明"),
        ("1", "b-3-4", "合成小标题")]
    ids = {a.get("id") for _, a in _tags(html)}
    assert all(target in ids for _, target, _ in toc)


def test_column_starts_follow_row_and_column_spans() -> None:
    rows = [[HeaderCell("a", colspan=2), HeaderCell("b", rowspan=2), HeaderCell("c")],
            [HeaderCell("d"), HeaderCell("e"), HeaderCell("f")],
            [HeaderCell("g", rowspan=2), HeaderCell("h", colspan=3)],
            [HeaderCell("i"), HeaderCell("j"), HeaderCell("k"), HeaderCell("l")]]
    assert pdf._start_columns(rows) == [[0, 2, 3], [0, 1, 3], [0, 1], [1, 2, 3, 4]]


def test_amount_columns_share_one_width_and_widths_fill_the_table() -> None:
    table = synthetic().parts[1].blocks[0]
    assert isinstance(table, Table)
    columns, widths, _ = pdf._layout(table, pdf_fonts.settings()["columns"])
    values = [float(w.rstrip("%")) for w in widths]
    assert columns == 5 and values[3] == values[4]
    assert abs(sum(values) - 100) < 0.05


# --- fonts --------------------------------------------------------------------------------

def test_fonts_are_installed() -> None:
    assert pdf.missing_fonts() == []


def test_missing_fonts_are_an_error_before_rendering(monkeypatch) -> None:
    monkeypatch.setattr(pdf_fonts, "installed_families", lambda: {"DejaVu Sans"})
    assert pdf.missing_fonts() == ["Noto Serif CJK SC", "Noto Sans CJK SC"]
    with pytest.raises(pdf.FontsError) as raised:
        pdf.render(synthetic())
    assert "Noto Serif CJK SC" in str(raised.value) and "fonts-noto-cjk" in str(raised.value)
    assert raised.value.missing == ["Noto Serif CJK SC", "Noto Sans CJK SC"]


def test_missing_fonts_seen_through_fontconfig(tmp_path) -> None:
    """A machine without the fonts (an empty fontconfig): the error, before WeasyPrint loads."""
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><fontconfig><dir>{tmp_path / "none"}</dir>'
                      f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>", encoding="utf-8")
    script = ("import sys; sys.path.insert(0, 'tests'); from test_pdf import synthetic; "
              "from budgetdoc.writers import pdf; print(pdf.missing_fonts()); "
              "pdf.render(synthetic())")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, "FONTCONFIG_FILE": str(config)})
    assert result.stdout == "['Noto Serif CJK SC', 'Noto Sans CJK SC']\n"
    assert "FontsError" in result.stderr and "fonts-noto-cjk" in result.stderr
    assert "weasyprint" not in result.stderr


def test_a_bureau_font_replaces_the_system_family_it_provides(monkeypatch, tmp_path) -> None:
    (tmp_path / "SimHei.TTF").write_bytes(b"")  # found by name, case-insensitive
    monkeypatch.setattr(pdf_fonts, "installed_families", lambda: {"Noto Serif CJK SC"})
    assert pdf.missing_fonts(tmp_path) == []
    assert pdf.missing_fonts() == ["Noto Sans CJK SC"]


def test_fonts_folder_errors(tmp_path) -> None:
    with pytest.raises(pdf.FontsError, match="missing-folder"):
        pdf.render_html(synthetic(), tmp_path / "missing-folder")
    (tmp_path / "readme.txt").write_text("no fonts here", encoding="utf-8")
    with pytest.raises(pdf.FontsError, match="simsun"):
        pdf.render_html(synthetic(), tmp_path)


# --- real renders -------------------------------------------------------------------------

def _messages(records: list[logging.LogRecord]) -> list[str]:
    return [r.getMessage() for r in records]


@pytest.fixture(scope="module")
def example_renders() -> tuple[Document, bytes, bytes, list[str]]:
    """The Beijing office rendered twice, with the warnings WeasyPrint logged."""
    handler = WarningRecords()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        document = _document("changji-beijing-office")
        first, second = pdf.render(document), pdf.render(document)
    finally:
        logger.removeHandler(handler)
    return document, first, second, _messages(handler.records)


def _poppler(tool: str, pdf_bytes: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf_bytes)
    return subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
                          check=True, capture_output=True, text=True).stdout


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_render_logs_no_warning(example_renders) -> None:
    assert example_renders[3] == []


def test_two_renders_are_byte_identical(example_renders) -> None:
    """The second render reuses the process's font configuration; a new process does not."""
    _, first, second, _ = example_renders
    assert first == second
    assert b"/CreationDate" not in first and b"/ModDate" not in first
    script = ("import sys; from pathlib import Path; from budgetdoc import pipeline; "
              "from budgetdoc.writers import pdf; sys.stdout.buffer.write(pdf.render(pipeline.run("
              "Path('examples/departments/changji-beijing-office/2024.yaml')).document))")
    fresh = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                           check=True).stdout
    assert fresh == first


@needs_poppler
def test_pages_metadata_and_landscape(example_renders, tmp_path) -> None:
    document, data, _, _ = example_renders
    info = _poppler("pdfinfo", data, tmp_path, "-f", "1", "-l", "999")
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert 15 <= pages <= 40
    assert re.search(r"^Title:\s+昌吉回族自治州人民政府驻北京联络处 2024 年部门预算公开$", info,
                     re.M)
    assert re.search(rf"^Author:\s+{document.author}$", info, re.M)
    sizes = re.findall(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)", info, re.M)
    landscape = {int(n) for n, w, h in sizes if float(w) > float(h)}
    text_pages = _poppler("pdftotext", data, tmp_path).split("\f")
    for table in document.tables():
        # The first page after the 目录 (pages 1-2) with the table's title as a line
        page = next(i + 1 for i, t in enumerate(text_pages) if i >= 2 and
                    table.title in (line.strip() for line in t.splitlines()))
        assert (page in landscape) == (table.orientation == "landscape"), table.title


@needs_poppler
def test_text_has_every_table_title_and_figures(example_renders, tmp_path) -> None:
    document, data, _, _ = example_renders
    text = _squeeze(_poppler("pdftotext", data, tmp_path))
    for part in document.parts:
        assert _squeeze(part.heading) in text
    for table in document.tables():
        assert _squeeze(table.title) in text
        assert not table.empty_note or _squeeze(table.empty_note) in text
        amounts = [c.display for row in table.rows[:3] for c in row.cells
                   if c.is_amount and c.display]
        for figure in amounts:
            assert figure in text, (table.title, figure)
    for line in document.closing:
        assert _squeeze(line) in text


@needs_poppler
def test_toc_page_numbers_are_the_printed_page_numbers(example_renders, tmp_path) -> None:
    document, data, _, _ = example_renders
    pages = _poppler("pdftotext", data, tmp_path, "-layout").split("\f")
    toc = pages[1]
    footers = {}
    for index, page in enumerate(pages):
        found = re.search(r"-\s*(\d+)\s*-\s*$", page)
        if found:
            footers[index] = int(found.group(1))
    assert 0 not in footers and 1 not in footers  # no number on the cover and the 目录
    assert footers[2] == 1
    for table in (t for t in document.tables() if t.caption):
        entry = re.search(rf"{re.escape(table.contents)}\s*\.+\s*(\d+)", toc)
        assert entry, table.title
        index = next(i for i, p in enumerate(pages) if i >= 2 and table.title in p)
        assert footers[index] == int(entry.group(1)), table.title


@needs_poppler
def test_outline_has_parts_and_tables(example_renders, tmp_path) -> None:
    document, data, _, _ = example_renders
    xml = _poppler("pdftohtml", data, tmp_path, "-xml", "-i", "-stdout", "-q")
    items = re.findall(r'<item page="(\d+)">([^<]*)</item>', xml)
    labels = [label for _, label in items]
    for part in document.parts:
        assert part.heading in labels
    for table in document.tables():
        if table.caption:
            assert f"{table.caption} {table.title}" in labels
    outline = xml[xml.index("<outline>"):]
    top = re.sub(r"<outline>.*?</outline>", "", outline[len("<outline>"):], flags=re.S)
    assert re.findall(r"<item[^>]*>([^<]*)</item>", top) == [p.heading for p in document.parts]
    # each project's performance table is told apart by the project's name, from the file
    source = yaml.safe_load((ROOT / "examples" / "departments" / "changji-beijing-office" /
                             "2024.yaml").read_text("utf-8"))
    projects = [p["project"] for p in source["performance"]["projects"]]
    assert len(projects) >= 2
    assert [label for label in labels if label.startswith("项目支出绩效目标表")] == [
        f"项目支出绩效目标表（{name}）" for name in projects]


@needs_poppler
def test_fonts_are_embedded_subsets(example_renders, tmp_path) -> None:
    _, data, _, _ = example_renders
    listing = _poppler("pdffonts", data, tmp_path).splitlines()[2:]
    assert listing
    names = " ".join(line.split()[0] for line in listing)
    # the lean fonts cut from Noto (tests/test_lean_fonts.py), which have every character
    assert "Budgetdoc-GB-Serif" in names and "Budgetdoc-GB-Sans" in names
    assert "Noto" not in names
    for line in listing:
        emb, sub = re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line).group(1, 2)
        assert (emb, sub) == ("yes", "yes"), line
    assert len(data) < 400_000  # subsets, never whole CJK fonts (640 KB from the full faces)


@needs_poppler
def test_synthetic_document_renders_cleanly(weasyprint_warnings, tmp_path) -> None:
    document = synthetic()
    data = pdf.render(document)
    assert _messages(weasyprint_warnings) == []
    text = _squeeze(_poppler("pdftotext", data, tmp_path))
    for expected in ("合成概况", "合成数据表", "一般公共服务支出<&>", "12,345.68", "14,000.50",
                     "合成空表为空表", "合成绩效目标表", "（2024年）", "完成第二项合成任务",
                     "合成小标题", "2024年2月20日"):
        assert _squeeze(expected) in text, expected
    info = _poppler("pdfinfo", data, tmp_path, "-f", "1", "-l", "99")
    sizes = re.findall(r"size:\s+([\d.]+) x ([\d.]+)", info)
    assert any(float(w) > float(h) for w, h in sizes)


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@needs_poppler
@pytest.mark.skipif(not DEJAVU.exists(), reason="fonts-dejavu-core not installed")
def test_fonts_folder_is_used_before_system_fonts(weasyprint_warnings, tmp_path) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(DEJAVU, fonts / "heading.ttf")  # a stand-in for the bureau's 黑体
    html = pdf.render_html(synthetic(), fonts)
    assert '@font-face {\n  font-family: "budgetdoc-heading";' in html
    assert ('font-family: "budgetdoc-heading", "Budgetdoc GB Sans", "Noto Sans CJK SC", '
            'sans-serif;') in html
    data = pdf.render(synthetic(), fonts)
    assert _messages(weasyprint_warnings) == []
    names = _poppler("pdffonts", data, tmp_path)
    assert "budgetdoc-heading" in names  # Latin text of headings from the bureau's font
    assert "Budgetdoc-GB-Sans" in names  # its missing glyphs from the lean system family


@pytest.mark.skipif(not DEJAVU.exists(), reason="fonts-dejavu-core not installed")
def test_a_fonts_folder_leaves_no_temporary_copies_behind(tmp_path) -> None:
    """WeasyPrint copies a bureau's fonts into a temporary folder; a batch worker ends
    without finalising what it keeps, so the render itself must let that folder go."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(DEJAVU, fonts / "heading.ttf")
    temporary = Path(tempfile.gettempdir())
    before = set(temporary.glob("weasyprint-*"))
    pdf.render(synthetic(), fonts)
    gc.collect()
    assert set(temporary.glob("weasyprint-*")) <= before
