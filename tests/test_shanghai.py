"""The Shanghai format, proven on real Shanghai budgets (shared/references/sh-*-budget.pdf).

The figures each published document prints were transcribed by hand, table by table and
section by section (tests/fixtures/reference_figures/); here our documents, built from the
examples with the `shanghai` profile, are compared with them: the tables' titles and rows in
the model, and every printed figure in the text of our PDF and DOCX, as numbers (万里 prints
whole 元 `189,767,551` where the profile prints `189,767,551.00`). Where an original
contradicts itself, our example follows its tables, and the figures it then does not print
are listed here, each with the published slip it comes from.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from budgetdoc import pipeline
from budgetdoc.document import Document, Paragraph, Table
from budgetdoc.writers import docx, pdf
from docx_dump import dump

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "reference_figures"
DEPARTMENTS = ROOT / "examples" / "departments"

# reference document → example file
DOCUMENTS = {
    "sh-putuo-finance-2025-budget": "sh-putuo-finance/2025.yaml",
    "sh-wanli-2024-budget": "sh-wanli/2024.yaml",
    "sh-wanli-2025-budget": "sh-wanli/2025.yaml",
}

# Figures an original prints that our document does not, because the original contradicts
# itself and the example follows its tables (see the fixtures' comments): published figure →
# (what we print instead, how many times).
SLIPS = {
    "sh-putuo-finance-2025-budget": {
        # 编制说明 item 7 says 887.36 万元 for 职业年金缴费支出; tables 2, 3, 5 print
        # 873,617.00 元, which is 87.36 万元.
        "887.36": ("87.36", 1),
        # 编制说明 items 5, 9, 10, 11 print the 万元 figure truncated, not rounded half-up:
        # 877,080.00, 782,164.00, 2,049,197.00 and 2,687,760.00 元.
        "87.70": ("87.71", 1), "78.21": ("78.22", 1), "204.91": ("204.92", 1),
        "268.77": ("268.78", 1),
    },
    "sh-wanli-2025-budget": {
        # Tables 2 (合计, 财政拨款收入), 3 and 5 print 款 212 01 城乡社区管理事务 as 94,995,790;
        # its 项 (and its 基本 + 项目 columns) sum to 94,995,789.
        "94,995,790": ("94,995,789", 4),
    },
}


def slips(document: str, ours: bool = False) -> Counter[Decimal]:
    """The published figures our document does not print (or, `ours`, what it prints instead)."""
    return Counter({value(instead if ours else published): n for published, (instead, n)
                    in SLIPS.get(document, {}).items()})


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def value(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def expected(document: str) -> dict:
    return yaml.safe_load((FIXTURES / f"{document}.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def built() -> dict[str, Document]:
    out = {}
    for name, path in DOCUMENTS.items():
        result = pipeline.run(DEPARTMENTS / path)
        assert result.ok and result.document is not None, [
            d.message for d in result.diagnostics if d.severity.name == "ERROR"]
        out[name] = result.document
    return out


# --- the model: titles, rows, notes -----------------------------------------------------

def _row_label(table: Table, row) -> list[str]:
    texts = [c.text for c in row.cells if not c.is_amount]
    if table.role in ("summary", "fiscal_summary"):  # two-sided: left label, right label
        right = [t for t in texts[1:] if t]
        return [texts[0], right[0] if right else ""]
    return ["".join(texts[:-1]), texts[-1]] if len(texts) > 1 else ["", texts[0]]


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_tables_have_the_published_titles_and_rows(built, document: str) -> None:
    want = expected(document)["tables"]
    tables = built[document].tables()
    assert len(tables) == 9
    for number, spec in want.items():
        table = tables[int(number) - 1]
        if (document, number) == ("sh-wanli-2024-budget", "9"):
            # 2024 printed this one title without its year; the profile's titles carry it,
            # as all nine do in 2025.
            assert table.title == f"2024年{spec['title']}"
        else:
            assert table.title == spec["title"], number
        headers = {cell.text for row in table.header for cell in row}
        for column in spec["columns"]:  # each printed column heading (words of a spanning one)
            # 2024's table 9 put the year into its headings instead of its title
            words = {re.sub(r"^2024年", "", w) if number == "9" else w for w in column.split()}
            assert words <= headers, (number, column)
        if number == "9":  # one row of amounts, no label
            assert len(table.rows) == 1
            continue
        rows = [label for label in map(lambda r: _row_label(table, r), table.rows)
                if label != ["", ""]]
        # 万里 prints the code list's 维修（护）费 with ASCII brackets: names compared as text
        printed = [[text.replace("(", "（").replace(")", "）") for text in r]
                   for r in spec["rows"] if r != ["", ""]]
        assert rows == printed, number


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_table_figures_are_the_published_ones(built, document: str) -> None:
    """Every table's amounts, row by row, as numbers; a zero the original prints as `0` or
    `0.00` is a blank cell in tables 1–7 of the profile (table 8 prints 0.00, as 财政局)."""
    lost: Counter[Decimal] = Counter()
    extra: Counter[Decimal] = Counter()
    for number, spec in expected(document)["tables"].items():
        table = built[document].tables()[int(number) - 1]
        ours = Counter(c.shown for row in table.rows for c in row.cells if c.is_amount and c.shown)
        theirs = Counter(value(f) for f in spec["figures"] if value(f))
        lost += theirs - ours
        extra += ours - theirs
    assert lost == slips(document) - Counter({value(f): 1 for f in ("887.36", "87.70", "78.21",
                                                                     "204.91", "268.77")})
    assert extra == slips(document, ours=True) - Counter(
        {value(f): 1 for f in ("87.36", "87.71", "78.22", "204.92", "268.78")})


def test_each_empty_table_gets_its_own_note(built) -> None:
    """The published 2025 财政局 document put the 政府性基金 note under the 国有资本经营 table."""
    tables = built["sh-putuo-finance-2025-budget"].tables()
    assert tables[5].empty_note == "注：本部门2025年无政府性基金预算财政拨款安排的预算，故本表为空表。"
    assert tables[6].empty_note == "注：本部门2025年无国有资本经营预算财政拨款安排的预算，故本表为空表。"
    assert expected("sh-putuo-finance-2025-budget")["tables"]["7"]["note"] == \
        "注:本部门2025年无政府性基金预算财政拨款安排的预算，故本表为空表。"  # sic


# --- the sentences ------------------------------------------------------------------------

SENTENCES = {
    "sh-putuo-finance-2025-budget": [
        "上海市普陀区财政局部门预算包括财政局本部以及下属0家预算单位的综合收支计划。",
        "本部门中，行政单位1家，事业单位0家，具体包括：",
        "财政拨款收入支出增加的主要原因是人员经费增加、信息化系统日常维护费和中介机构服务费"
        "增加项目经费支出。",
        "1. “一般公共服务支出（类）财政事务（款）行政运行（项）”1,623.18万元，主要用于局本级及"
        "所属单位人员经费及公用经费等的基本支出。",
        "4. “一般公共服务支出（类）财政事务（款）财政委托业务支出（项）”418.80万元，主要用于委托"
        "中介机构开展各类审计及其他会计活动支出。",
        "2025年上海市普陀区财政局财政拨款的机关运行经费预算为229.43万元。",
        "2025年度，本单位编报绩效目标的项目共4个，涉及项目预算资金598.46万元。其中：中介机构服务费"
        "418.80万元，财政业务费10.00万元，信息化系统日常维护费166.66万元，援滇干部工作经费3.00万元。",
        "2025年部门预算安排购置车辆0辆，其中：部级领导干部用车0辆、主要领导干部用车0辆、机要通信"
        "用车0辆、应急保障用车0辆、执法执勤用车0辆、特种专业技术用车0辆、离退休干部用车0辆、"
        "其他用车0辆；部门预算安排购置单价100万元（含）以上设备（不含车辆）0台（套）。",
        "根据与中介机构的相关合同有序推进。",
    ],
    "sh-wanli-2025-budget": [
        "上海市普陀区人民政府万里街道办事处部门预算是包括万里街道本部以及下属5家预算单位的综合"
        "收支计划。",
        "本部门中，行政单位1家，参公单位1家，事业单位4家，具体包括：",
        "1. 上海市普陀区人民政府万里街道办事处（本部）。",
        "（八）机关运行经费：指行政单位和参照公务员法管理的事业单位使用一般公共预算财政拨款安排的"
        "基本支出中的日常公用经费支出。",
        "2025年，上海市普陀区人民政府万里街道办事处收入预算18,976.76万元，其中：财政拨款收入"
        "18,976.76万元，比2024年预算增加3,355.65万元；事业收入0.00万元；事业单位经营收入0.00万元；"
        "其他收入0.00万元。",
        "支出预算18,976.76万元，其中：财政拨款支出预算18,976.76万元，比2024年预算增加3,355.65万元。"
        "财政拨款支出预算中，一般公共预算拨款支出预算18,976.76万元，比2024年预算增加3,355.65万元；"
        "政府性基金拨款支出预算0.00万元，比2024年预算持平；国有资本经营预算拨款支出预算0.00万元，"
        "比2024年预算持平。",
        "财政拨款收入支出增加的主要原因是项目调整。",
        "7. “公共安全支出（类）司法（款）公共法律服务（项）”科目30.00万元，主要用于公共法律服务。",
        "2025年“三公”经费预算数为37.91万元，比2024年预算减少10万元。其中：",
        "（二）公务用车购置及运行费36.56万元，比2024年预算减少10万元，主要原因是2025年新增1辆公务"
        "用车购置，但与2024年购置的车辆类型不同。其中：公务用车购置费15万元，比2024年预算减少10万元，"
        "主要原因是购置车辆类型不同；公务用车运行费21.56万元，比2024年预算持平，主要原因是公务车用车"
        "运行费保持不变。",
        "2025年本部门面向中小企业预留政府采购项目预算金额1,928.48万元，其中，预留给小型和微型企业的"
        "政府采购项目预算为1,349.94万元。",
        "按照本区预算绩效管理工作的总体要求，本部门3个预算单位开展了2025年项目预算绩效目标编报工作，"
        "编报绩效目标的项目49个，涉及项目预算资金8,825.98万元。",
        "截至2024年8月31日，上海市普陀区人民政府万里街道办事处（部门）共有车辆8辆，其中：部级领导"
        "干部用车0辆、主要领导干部用车0辆、机要通信用车0辆、应急保障用车0辆、执法执勤用车0辆、特种"
        "专业技术用车0辆、离退休干部用车0辆、其他用车8辆；单价100万元（含）以上设备（不含车辆）"
        "0台（套）。",
        "第一季度用款计划15万元，第二季度用款计划15万元，第三季度用款计划15万元，第四季度用款计划"
        "15万元。",
    ],
    "sh-wanli-2024-budget": [
        "1. “一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”25.77万元，主要用于专项普查"
        "活动。2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，比2023年预算执行数减少"
        "57.14%。主要原因是：项目调整。",
        "10. “科学技术支出（类）科学技术普及（款）科普活动（项）”10.00万元，主要用于科普活动。2023年"
        "当年预算执行数为10.00万元，2024年预算安排10.00万元，比2023年预算执行数持平。主要原因是："
        "科普活动经费保持不变。",
        "13. “社会保障和就业支出（类）行政事业单位养老支出（款）事业单位离退休（项）”7.66万元，主要"
        "用于事业单位离退休。2023年当年预算执行数为6.26万元，2024年预算安排7.66万元，比2023年预算"
        "执行数增加22.36%。主要原因是：事业单位离退休经费增加。",
        "（一）财政拨款收入：是市级预算主管部门及所属预算单位本年度从本级财政部门取得的财政拨款，"
        "包括一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款。",
        "2024年上海市普陀区人民政府万里街道办事处（部门）下属1家机关和1家参公事业单位财政拨款的"
        "机关运行经费预算为443.18万元。",
    ],
}


def _paragraphs(document: Document) -> list[str]:
    return [b.text for part in document.parts for b in part.blocks if isinstance(b, Paragraph)]


@pytest.mark.parametrize("document", sorted(SENTENCES))
def test_sentences_read_as_the_originals(built, document: str) -> None:
    paragraphs = _paragraphs(built[document])
    for sentence in SENTENCES[document]:
        assert any(sentence in p for p in paragraphs), sentence


def test_each_document_prints_its_own_headings_and_terms(built) -> None:
    finance, wanli = built["sh-putuo-finance-2025-budget"], built["sh-wanli-2025-budget"]
    assert [p.heading for p in finance.parts][:2] == ["上海市普陀区财政局主要职能",
                                                     "上海市普陀区财政局机构设置"]
    assert wanli.parts[0].heading == "上海市普陀区人民政府万里街道办事处（部门）主要职能"
    terms = [b.text.split("：")[0] for b in finance.parts[2].blocks]
    assert terms == ["（一）基本支出预算", "（二）项目支出预算", "（三）“三公”经费", "（四）机关运行经费"]
    assert finance.parts[6].blocks[0].text == "一、项目概述"
    assert wanli.parts[6].blocks[0].text == "一、项目概况"


def test_the_contents_list_the_parts_and_the_tables(built) -> None:
    document = built["sh-wanli-2025-budget"]
    assert document.contents_levels == 1 and document.orientation == "landscape"
    lines = [p.toc_line for p in document.parts]
    assert lines == ["一、部门主要职能", "二、部门机构设置", "三、名词解释", "四、部门预算编制说明",
                     "五、部门预算表", "六、其他相关情况说明", "七、项目经费情况说明"]
    assert [t.contents for t in document.tables()][:2] == ["1. 2025年部门财务收支预算总表",
                                                          "2. 2025年部门收入预算总表"]


# --- the finished files: every printed figure is in our PDF and DOCX ---------------------

def _prints_zeros(table: Table) -> bool:
    return any(c.is_amount and not c.blank_zero for row in table.rows for c in row.cells)


def _figures(spec: dict, document: Document) -> dict[str, list[Decimal]]:
    """The original's figures by where they are printed: the tables, then each prose part.
    A zero counts where our table prints zeros too (table 8: 0.00) and in the prose; a table
    the profile prints with blank zeros (tables 1–7 and 9) leaves the original's `0` out (万里
    prints 0 in the empty cells of tables 2, 3 and 5, 财政局 leaves them blank)."""
    tables = [value(f) for number, table in spec["tables"].items() for f in table["figures"]
              if value(f) or _prints_zeros(document.tables()[int(number) - 1])]
    return {"tables": tables,
            **{k: [value(f) for f in figures] for k, figures in spec["prose"].items()}}


def _cut(text: str, headings: list[str]) -> list[str]:
    """The text from each body heading to the next; the 目录 (which ends with the last part's
    line) is skipped first."""
    def key(heading: str) -> re.Pattern[str]:
        return re.compile(r"\s*".join(map(re.escape, re.sub(r"\s+", "", heading))))
    position = key("七、项目经费情况说明").search(text).end()
    starts = []
    for heading in headings:
        position = key(heading).search(text, position).start()
        starts.append(position)
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def _values(text: str) -> Counter[Decimal]:
    return Counter(value(n) for n in NUMBER.findall(text))


@pytest.fixture(scope="module")
def texts(built, tmp_path_factory) -> dict[str, dict[str, str]]:
    out = {}
    for name in ("sh-putuo-finance-2025-budget", "sh-wanli-2025-budget"):
        document = built[name]
        path = tmp_path_factory.mktemp(name) / "document.pdf"
        path.write_bytes(pdf.render(document))
        pdf_text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                                  capture_output=True, text=True).stdout
        out[name] = {"pdf": pdf_text, "docx": dump(docx.render(document))}
    return out


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="poppler-utils is installed by scripts/bootstrap.sh")
@pytest.mark.parametrize("kind", ["pdf", "docx"])
@pytest.mark.parametrize("document", ["sh-putuo-finance-2025-budget", "sh-wanli-2025-budget"])
def test_printed_figures_are_in_our_files(built, texts, document: str, kind: str) -> None:
    """≥ 98 % of the figures the original prints appear in the same part of our file, as
    numbers; the ones that do not are exactly the published slips."""
    spec = expected(document)
    year = built[document].year
    parts = _cut(texts[document][kind], [f"{year}年部门预算编制说明", "其他相关情况说明",
                                         "项目经费情况说明"])
    pools = [_values(text) for text in parts]
    part = {"tables": 0, "编制说明": 0, "其他相关情况说明": 1, "项目经费情况说明": 2}
    total, lost = 0, Counter[Decimal]()
    for section, figures in _figures(spec, built[document]).items():
        want = Counter(figures)
        pool = pools[part[section]]
        total += want.total()
        lost += want - pool
        pools[part[section]] = pool - want
    assert total > 150
    assert (total - lost.total()) / total >= 0.98, (kind, lost)
    assert lost == slips(document)


def test_word_rebuilds_the_contents_as_printed(built) -> None:
    """The 目录 lists the parts by lines of their own (五、部门预算表 has no heading in the body):
    Word, rebuilding the TOC when the file opens, collects the TC fields and gets it as
    prefilled."""
    from test_docx import word_toc

    prefilled, rebuilt = word_toc(dump(docx.render(built["sh-putuo-finance-2025-budget"])))
    assert [text for level, text in prefilled if level == 1][4] == "五、部门预算表"
    assert len(prefilled) == 16
    assert rebuilt == prefilled
