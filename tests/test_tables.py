"""Indicator tables (指标表, issue 14 part 3): a part with indicators = "table" shows its
indicator rows as a Word table after the subsection's paragraph, and on the page to publish."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from reportgen.api import BuildOptions, build_report, validate
from reportgen.checking.run import check_document
from reportgen.rendering.context import build_context, indicator_table
from reportgen.rendering.html import html_page
from reportgen.rendering.render import render_package
from reportgen.schema.load import load_schema
from reportgen.schema.spec import SchemaError

from .conftest import EXAMPLE
from .test_html import letter_lines, outline

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADER = ["指标", "本年", "上年", "单位"]
FIRST = [
    ("受理行政案件", 1234, 1100, "件"),
    ("行政案件办结率", 98.5, 97, "%"),
    ("新增执法人员", 56, None, "人"),
]


def _table_kind(folder: Path, layout: str = "table") -> Path:
    """A copy of the letter whose 基本数据 part has ``indicators = "<layout>"``."""
    shutil.copytree(load_schema("letter").folder, folder)
    schema = folder / "schema.toml"
    text = schema.read_text(encoding="utf-8")
    schema.write_text(
        text.replace('kind = "data"\n', f'kind = "data"\nindicators = "{layout}"\n'),
        encoding="utf-8",
    )
    return folder


def _workbook(target: Path, permits: int = 2) -> Path:
    """The example with figures in 基本数据: three indicators under （一）, ``permits`` under
    （二）, and one without a 上年 figure under （三）."""
    book = load_workbook(EXAMPLE)
    sheet = book["基本数据"]
    sheet.delete_rows(2, sheet.max_row)
    for k, (name, current, previous, unit) in enumerate(FIRST):
        sheet.append(
            (
                1,
                "办理行政案件情况",
                "全年依法办理各类行政案件。" if k == 0 else None,
                name,
                current,
                previous,
                unit,
            )
        )
    for i in range(permits):
        sheet.append(
            (
                2,
                "办理行政许可情况",
                "（略）" if i == 0 else None,
                f"第{i + 1}项许可办理数",
                100 + i,
                90 + i,
                "件",
            )
        )
    sheet.append((3, "办理行政复议应诉案件情况", None, "行政复议案件", 12, None, "件"))
    book.save(target)
    return target


@pytest.fixture(scope="module")
def kind(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _table_kind(tmp_path_factory.mktemp("kind") / "tables")


@pytest.fixture(scope="module")
def built(kind: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("built")
    workbook = _workbook(folder / "figures.xlsx")
    return build_report(workbook, folder / "out", str(kind), BuildOptions(html=True))


def _body(docx: Path) -> etree._Element:
    with zipfile.ZipFile(docx) as package:
        return etree.fromstring(package.read("word/document.xml"))


def _styles(docx: Path) -> etree._Element:
    with zipfile.ZipFile(docx) as package:
        return etree.fromstring(package.read("word/styles.xml"))


def _cells(row: etree._Element) -> list[str]:
    return ["".join(t.text or "" for t in tc.iter(W + "t")) for tc in row.iter(W + "tc")]


# ---------------------------------------------------------------- the schema choice


def test_an_unknown_layout_is_refused_at_its_line(tmp_path: Path) -> None:
    folder = _table_kind(tmp_path / "chart", layout="chart")
    with pytest.raises(SchemaError) as raised:
        load_schema(str(folder))
    line = next(
        n
        for n, text in enumerate((folder / "schema.toml").read_text("utf-8").splitlines(), 1)
        if text.startswith("indicators")
    )
    assert raised.value.problem.line == line
    text = raised.value.problem.text("en")
    assert "'basic_data'" in text and "'chart'" in text and "sentence, table" in text


def test_a_table_on_a_part_without_indicators_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "points"
    shutil.copytree(load_schema("letter").folder, folder)
    schema = folder / "schema.toml"
    text = schema.read_text(encoding="utf-8")
    schema.write_text(
        text.replace('kind = "points"\n', 'kind = "points"\nindicators = "table"\n'), "utf-8"
    )
    with pytest.raises(SchemaError) as raised:
        load_schema(str(folder))
    assert "kind 'points'" in raised.value.problem.text("en").replace("of kind", "kind")


def test_the_default_is_a_sentence_and_no_shipped_kind_changes() -> None:
    for name in ("letter", "annual-report", "annual-free"):
        assert load_schema(name).indicator_tables == frozenset()
    assert load_schema("letter").parts[0].indicators == "sentence"


# ---------------------------------------------------------------- the render context


def test_the_table_leaves_the_paragraph_its_lead_and_text(tmp_path: Path, kind: Path) -> None:
    report = validate(_workbook(tmp_path / "w.xlsx"), str(kind)).report
    assert report is not None
    tables = load_schema(str(kind)).indicator_tables
    first, second, third = build_context(report, tables=tables).parts[0].paragraphs
    assert (first.lead, first.body) == ("（一）办理行政案件情况。", "全年依法办理各类行政案件。")
    assert first.table is not None and list(first.table.header) == HEADER
    assert first.table.rows[0] == ("受理行政案件", "1234", "1100", "件")
    assert first.table.rows[2] == ("新增执法人员", "56", "—", "人")
    assert third.table is not None and list(third.table.header) == ["指标", "本年", "单位"]
    # The same report as a sentence: as before, no table.
    [sentence, *_] = build_context(report).parts[0].paragraphs
    assert sentence.table is None
    assert sentence.body.startswith("全年依法办理各类行政案件。受理行政案件1234件（上年1100件）；")


def test_a_table_without_last_year_has_three_columns() -> None:
    from reportgen.core.model import Indicator

    table = indicator_table((Indicator("案件", 3, None, "件"), Indicator("人数", 2.5, None, "人")))
    assert table.header == ("指标", "本年", "单位")
    assert table.rows == (("案件", "3", "件"), ("人数", "2.5", "人"))


# ---------------------------------------------------------------- the .docx


def test_the_docx_has_tables_with_a_repeated_header_and_unsplit_rows(built) -> None:
    docx = built.outputs[0]
    tables = list(_body(docx).iter(W + "tbl"))
    assert len(tables) == 3
    first = tables[0]
    rows = first.findall(W + "tr")
    assert _cells(rows[0]) == HEADER
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
    assert [_cells(r) for r in rows[1:]] == [
        ["受理行政案件", "1234", "1100", "件"],
        ["行政案件办结率", "98.5", "97", "%"],
        ["新增执法人员", "56", "—", "人"],
    ]
    props = first.find(W + "tblPr")
    assert props.find(W + "tblW").get(W + "w") == "8845"
    assert props.find(W + "jc").get(W + "val") == "center"
    borders = props.find(W + "tblBorders")
    assert {(b.get(W + "val"), b.get(W + "sz"), b.get(W + "color")) for b in borders} == {
        ("single", "4", "000000")
    }
    assert sum(int(c.get(W + "w")) for c in first.iter(W + "gridCol")) == 8845
    assert [_cells(r) for r in tables[2].findall(W + "tr")][0] == ["指标", "本年", "单位"]


def test_figures_are_right_aligned_in_fangsong_sihao(built) -> None:
    docx = built.outputs[0]
    row = list(_body(docx).iter(W + "tbl"))[0].findall(W + "tr")[1]
    styles = [p.find(f"{W}pPr/{W}pStyle").get(W + "val") for p in row.iter(W + "p")]
    defined = {s.get(W + "styleId"): s for s in _styles(docx).iter(W + "style")}

    def align(style: str) -> str:
        return defined[style].find(f"{W}pPr/{W}jc").get(W + "val")

    assert [align(s) for s in styles] == ["left", "right", "right", "center"]
    for style in set(styles):
        rpr = defined[style].find(W + "rPr")
        assert rpr.find(W + "rFonts").get(W + "eastAsia") == "仿宋_GB2312"
        assert rpr.find(W + "sz").get(W + "val") == "28"  # 四号
        spacing = defined[style].find(f"{W}pPr/{W}spacing")
        assert spacing.get(W + "lineRule") == "exact" and int(spacing.get(W + "line")) < 579


def test_every_indicator_typed_is_in_the_document(built) -> None:
    text = "".join(t.text or "" for t in _body(built.outputs[0]).iter(W + "t"))
    for name, current, previous, unit in FIRST:
        assert name in text and f"{current:g}" in text and unit in text
        assert previous is None or f"{previous:g}" in text
    assert "第2项许可办理数" in text and "行政复议案件" in text
    assert "（上年" not in text  # no sentence beside the table
    assert not [w for w in built.warnings if w.code == "cell-not-shown"]


def test_compiled_and_fresh_renders_give_the_same_bytes(tmp_path: Path, kind: Path) -> None:
    report = validate(_workbook(tmp_path / "w.xlsx"), str(kind)).report
    assert report is not None
    schema = load_schema(str(kind))
    context = build_context(report, tables=schema.indicator_tables)
    cached = render_package(schema, report, context, cached=True)
    assert cached == render_package(schema, report, context, cached=False)
    assert b"tblHeader" in zipfile.ZipFile(__import__("io").BytesIO(cached)).read(
        "word/document.xml"
    )


def test_a_sentence_part_renders_no_table(tmp_path: Path) -> None:
    [docx] = build_report(_workbook(tmp_path / "w.xlsx"), tmp_path / "out").outputs
    body = _body(docx)
    assert not list(body.iter(W + "tbl"))
    text = "".join(t.text or "" for t in body.iter(W + "t"))
    assert "受理行政案件1234件（上年1100件）；行政案件办结率98.5%（上年97%）" in text


def test_check_accepts_the_table_document(built) -> None:
    assert check_document(built.outputs[0]) == []


# ---------------------------------------------------------------- the page to publish


def test_the_page_shows_each_table_after_its_paragraph(built) -> None:
    docx, page = built.outputs
    html = page.read_text(encoding="utf-8")
    assert html.count("<table>") == 3 and html.count("<thead>") == 3
    assert html.count("<tbody>") == 3
    assert '<td class="figure">1234</td>' in html and '<td class="unit">件</td>' in html
    assert re.search(r"td\.figure \{ text-align: right;", html)
    assert "全年依法办理各类行政案件。</p>\n<table>" in html
    assert [text for _tag, text in outline(html).blocks] == letter_lines(docx)


def test_the_page_of_a_sentence_part_has_no_table(tmp_path: Path) -> None:
    report = validate(_workbook(tmp_path / "w.xlsx")).report
    assert report is not None
    assert "<table>" not in html_page(report, build_context(report))


# ---------------------------------------------------------------- the PDF


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_forty_rows_split_across_pages_with_the_header_on_each(tmp_path: Path, kind: Path) -> None:
    workbook = _workbook(tmp_path / "forty.xlsx", permits=40)
    result = build_report(workbook, tmp_path / "out", str(kind), BuildOptions(pdf=True))
    pdf = next(p for p in result.outputs if p.suffix == ".pdf")
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    holding = [n for n, page in enumerate(pages) if "项许可办理数" in page]
    assert len(holding) >= 2  # the table splits
    for n in holding:
        lines = [line.split() for line in pages[n].splitlines() if line.strip()]
        header = next(i for i, words in enumerate(lines) if words[:2] == ["指标", "本年"])
        first_row = next(i for i, words in enumerate(lines) if "项许可办理数" in words[0])
        assert header < first_row  # each page starts its part of the table with the header
    text = "".join(pages)
    assert all(f"第{i}项许可办理数" in text for i in range(1, 41))
