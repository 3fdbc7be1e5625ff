"""Importing reports: the 2018 letter line for line, .docx round trips, the annual-report shape."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from reportgen.api import build_report, validate
from reportgen.core.model import Indicator, Point, Report, Section
from reportgen.rendering.context import build_context
from reportgen.schema.load import load_schema
from reportgen.validation.run import validate_workbook
from reportgen.workbook.layout import UNRECOGNISED_SHEET
from reportgen.workbook.write import write_workbook
from reportgen.yearly.importer import (
    best_fit,
    full_width,
    import_document,
    read_lines,
    split_figures,
    split_points,
)
from reportgen.yearly.source import Line

from .conftest import (
    EXAMPLE,
    LETTER,
    ROOT,
    SECTION_LEAD,
    docx_lines,
    docx_paragraphs,
    example_with_leads,
)


def _same(text: str) -> str:
    """Full- and half-width punctuation treated alike (as in test_render)."""
    return unicodedata.normalize("NFKC", text).strip()


def _lines(text: str) -> list[Line]:
    return [Line(t, n, "行") for n, t in enumerate(text.splitlines(), 1) if t.strip()]


def _example() -> Report:
    report = validate(EXAMPLE).report
    assert report is not None
    return report


# ---------------------------------------------------------------- text helpers


def test_split_points_only_in_sequence_and_at_a_sentence_boundary() -> None:
    lead, points = split_points(
        "导语：一是统一标准。口径统一是关键，其一是说法。二是加强监督！正文二。"
    )
    assert lead == "导语："
    assert points == (
        Point("统一标准", "口径统一是关键，其一是说法。"),
        Point("加强监督！", "正文二。"),
    )


def test_split_points_without_points_is_all_lead() -> None:
    assert split_points("标准统一是关键。") == ("标准统一是关键。", ())


def test_full_width_keeps_numbers() -> None:
    assert full_width("2018年,我局(试行):共1,234件,9:30开会;好吗?") == (
        "2018年，我局（试行）：共1,234件，9:30开会；好吗？"
    )


def test_figures_are_read_back_from_their_sentence() -> None:
    text = "全年情况如下：受理行政案件1234件（上年1100件）；结案率98.5%。"
    assert split_figures(text) == (
        "全年情况如下：",
        (Indicator("受理行政案件", 1234, 1100, "件"), Indicator("结案率", 98.5, None, "%")),
    )
    assert split_figures("（略）") == ("（略）", ())
    assert split_figures("共受理案件，情况良好。") == ("共受理案件，情况良好。", ())


# ---------------------------------------------------------------- the 2018 letter


def test_the_letter_imports_to_the_example_report(tmp_path: Path) -> None:
    target = tmp_path / "2018.xlsx"
    result, schema = import_document(LETTER, target)
    assert schema.name == "letter"
    assert result.report == _example()
    assert result.leftovers == () and result.missing == frozenset()
    assert [line.place for line in result.set_aside] == ["第1行"]
    assert validate(target).findings == []
    assert load_workbook(target)["基本信息"]["B5"].value is None  # default title not stored


def test_the_imported_letter_builds_line_for_line(tmp_path: Path) -> None:
    target = tmp_path / "2018.xlsx"
    import_document(LETTER, target)
    [docx] = build_report(target, output_dir=tmp_path / "out").outputs
    expected = [_same(line) for line in LETTER.read_text("utf-8").splitlines()[1:] if line.strip()]
    paragraphs = [_same(p) for p in docx_lines(docx)]
    assert paragraphs[1:] == expected


def test_a_built_docx_imports_back_to_the_same_report(tmp_path: Path) -> None:
    [docx] = build_report(EXAMPLE, output_dir=tmp_path / "one").outputs
    workbook = tmp_path / "back.xlsx"
    result, _schema = import_document(docx, workbook)
    assert result.leftovers == () and result.set_aside == ()
    assert validate(workbook).report == _example()
    [again] = build_report(workbook, output_dir=tmp_path / "two").outputs
    assert docx_paragraphs(again) == docx_paragraphs(docx)


def test_a_custom_title_figures_and_doc_number_survive_the_round_trip(tmp_path: Path) -> None:
    schema = load_schema("letter")
    example = _example()
    first = example.parts[0]
    section = Section("办理行政案件情况", "全年：", (Indicator("受理行政案件", 1234, 1100, "件"),))
    report = dataclasses.replace(
        example,
        title="杭州市公安局关于报送2018年度法治工作情况的函",
        parts=(dataclasses.replace(first, sections=(section, *first.sections[1:])),)
        + example.parts[1:],
    )
    workbook = tmp_path / "custom.xlsx"
    write_workbook(workbook, schema, report)
    assert load_workbook(workbook)["基本信息"]["B5"].value == report.title
    [docx] = build_report(workbook, output_dir=tmp_path / "out").outputs
    back = tmp_path / "back.xlsx"
    import_document(docx, back)
    assert validate(back).report == report


def test_a_built_docx_with_section_leads_imports_back_equal(tmp_path: Path) -> None:
    report = example_with_leads()
    workbook = tmp_path / "leads.xlsx"
    write_workbook(workbook, load_schema("letter"), report)
    [docx] = build_report(workbook, output_dir=tmp_path / "one").outputs
    back = tmp_path / "back.xlsx"
    result, _schema = import_document(docx, back)
    assert result.leftovers == ()
    assert validate(back).report == report
    sheet = load_workbook(back)["主要工作"]
    assert [c.value for c in sheet[2]][:5] == [1, "加强领导抓规划", "导语", None, SECTION_LEAD]
    [again] = build_report(back, output_dir=tmp_path / "two").outputs
    assert docx_paragraphs(again) == docx_paragraphs(docx)


def test_a_subsection_with_a_title_and_no_text_has_no_place() -> None:
    text = "单位：\n开头。\n二、主要工作\n（一）加强领导。\n（二）健全制度。一是建章。正文。\n某单位\n2019年1月2日"
    result = read_lines(_lines(text), load_schema("letter"))
    assert result.report.parts[1].sections == (
        Section("健全制度", points=(Point("建章", "正文。"),)),
    )
    assert [(x.place, x.text, x.reason) for x in result.leftovers] == [
        ("第4行", "（一）加强领导。", "这一小节只有标题，没有文字")
    ]


def _word_letter(path: Path) -> None:
    """A letter typed in Word: runs split mid-word, headings in runs of their own, half-width
    brackets and colon, a date in Chinese numerals, no title."""
    document = Document()

    def paragraph(*runs: str) -> None:
        p = document.add_paragraph()
        for run in runs:
            p.add_run(run)

    paragraph("市政府法制", "办公室:")
    paragraph("2019年，我", "局依法行政工作取得成效。现将有关情况函告如下：")
    paragraph("一、", "基本数据")
    paragraph("(一)", "办理案件情况。", "（略）")
    paragraph("二、主要", "工作")
    paragraph(
        "(一)加强领导。", "一是强化组", "织领导。标准统一是基础。", "二是完善制度。制度建设。"
    )
    paragraph("三是严格考核。考核到位。")
    paragraph("三、存在不足")
    paragraph("不足如下：一是意识不强。", "需要加强。")
    paragraph("特此函告。")
    paragraph("")
    paragraph("某某市公安局")
    paragraph("二〇一九年十二月三十日")
    document.save(str(path))


def test_a_word_document_imports(tmp_path: Path) -> None:
    path = tmp_path / "word.docx"
    _word_letter(path)
    workbook = tmp_path / "word.xlsx"
    result, _schema = import_document(path, workbook, template="letter")
    report = result.report
    assert result.leftovers == () and result.missing == frozenset()
    assert (report.issuer, report.recipient, report.year) == (
        "某某市公安局",
        "市政府法制办公室",
        2019,
    )
    assert report.signature_date == dt.date(2019, 12, 30)
    assert report.parts[0].sections == (Section("办理案件情况", "（略）"),)
    work = report.parts[1].sections[0]
    assert work.title == "加强领导"
    assert [p.title for p in work.points] == ["强化组织领导", "完善制度", "严格考核"]
    assert work.points[0].body == "标准统一是基础。"
    assert report.parts[2].lead == "不足如下："
    result_check = validate(workbook)
    assert result_check.report == report


# ---------------------------------------------------------------- the annual-report shape

ANNUAL_PARTS = """
[[parts]]
key = "achievements"
title = "上一年度推进法治政府建设的主要举措和成效"
kind = "sections"
help = "每个要点一行。"

[[parts]]
key = "shortcomings"
title = "存在的不足和原因"
kind = "points"
help = "导语和不足。"

[[parts]]
key = "duty"
title = "第一责任人职责履行情况"  # a sheet name has at most 31 characters
kind = "points"
help = "一段话。"

[[parts]]
key = "plans"
title = "下一年度推进法治政府建设的主要安排"
kind = "points"
help = "一是、二是。"
"""

ANNUAL_TEXT = """首页 > 政务公开 > 法治政府建设年度报告
某某区司法局2019年度法治政府建设情况的报告
发布时间：2020-02-20 来源：区司法局 浏览次数：120
区委全面依法治区委员会办公室:
2019年,我局在区委、区政府的领导下,扎实推进法治政府建设。现将有关情况报告如下:
一、2019年推进法治政府建设的主要举措和成效
(一)加强组织领导。局党组把法治建设摆在突出位置。一是健全工作机制。成立领导小组,口径统一是前提。二是压实工作责任。签订责任书。
(二)推进依法决策。一是落实决策程序。严格审查。
二是发挥法律顾问作用。全年审查合同20件。
(三)加强普法宣传。全年开展普法活动120场,覆盖群众3万余人。
二、存在的不足和原因
一是法治意识仍需增强。少数干部重视不够。二是执法能力有待提高。培训不足。
三、党政主要负责人履行推进法治建设第一责任人职责,加强法治政府建设的有关情况
局主要负责人认真履行第一责任人职责,全年专题研究法治工作4次。
四、2020年推进法治政府建设的主要安排
一是深化普法。推进八五普法。二是规范执法。开展案卷评查。
五、其他需要报告的情况
无。
特此报告。
某某区司法局
2020年2月18日
【打印本页】【关闭窗口】
"""


@pytest.fixture
def annual(tmp_path: Path) -> Path:
    """A copy of the letter template whose schema has the annual report's four parts."""
    folder = tmp_path / "annual-test"
    shutil.copytree(ROOT / "templates" / "letter", folder)
    schema = (folder / "schema.toml").read_text(encoding="utf-8")
    head = schema[: schema.index("[[parts]]")]
    head = head.replace('name = "letter"', 'name = "annual-test"').replace(
        'default = "特此函告。"', 'default = "特此报告。"'
    )
    (folder / "schema.toml").write_text(head + ANNUAL_PARTS, encoding="utf-8")
    return folder


def test_the_annual_shape_imports_with_its_parts_recognised(annual: Path, tmp_path: Path) -> None:
    source = tmp_path / "annual.txt"
    source.write_text(ANNUAL_TEXT, encoding="utf-8")
    workbook = tmp_path / "annual.xlsx"
    result, schema = import_document(source, workbook, template=annual)
    report = result.report
    assert result.matched_parts == 4
    assert (report.issuer, report.year, report.closing) == ("某某区司法局", 2019, "特此报告。")
    assert report.title == "某某区司法局2019年度法治政府建设情况的报告"
    assert report.recipient == "区委全面依法治区委员会办公室"
    achievements, shortcomings, duty, plans = report.parts
    assert [s.title for s in achievements.sections] == [
        "加强组织领导",
        "推进依法决策",
        "加强普法宣传",
    ]
    assert [len(s.points) for s in achievements.sections] == [2, 2, 0]
    # text before 一是 is the subsection's lead; a subsection without points is all lead
    assert [s.text for s in achievements.sections] == [
        "局党组把法治建设摆在突出位置。",
        "",
        "全年开展普法活动120场，覆盖群众3万余人。",
    ]
    assert [p.title for p in shortcomings.points] == ["法治意识仍需增强", "执法能力有待提高"]
    assert duty.lead.startswith("局主要负责人") and duty.points == ()
    assert [p.title for p in plans.points] == ["深化普法", "规范执法"]
    assert [line.place for line in result.set_aside] == ["第1行", "第3行", "第22行"]
    assert [(x.place, x.text) for x in result.leftovers] == [
        ("第17行", "五、其他需要报告的情况"),
        ("第18行", "无。"),
    ]
    checked = validate_workbook(workbook, schema)
    assert checked.report == report
    [warning] = checked.findings
    assert (warning.code, warning.sheet) == ("unrecognised-sheet", UNRECOGNISED_SHEET)


def test_nothing_is_dropped(annual: Path) -> None:
    lines = [Line(full_width(line.text), line.position, line.unit) for line in _lines(ANNUAL_TEXT)]
    result = read_lines(lines, load_schema(annual))
    context = build_context(result.report)
    shown = "".join(
        [*context.title_lines, context.recipient, context.intro, context.closing]
        + [context.signature.issuer, context.signature.date]
        + [p.lead + p.body for part in context.parts for p in part.paragraphs]
        + [x.text for x in result.leftovers]
        + [line.text for line in result.set_aside]
    )
    for line in lines:
        if not re.match(r"^[一二三四]、", line.text):  # part headings show the schema's titles
            assert line.text.rstrip("：") in shown, line


def test_the_best_fitting_template_is_chosen(annual: Path) -> None:
    letter, annual_schema = load_schema("letter"), load_schema(annual)
    annual_lines = [Line(full_width(x.text), x.position, x.unit) for x in _lines(ANNUAL_TEXT)]
    assert best_fit(annual_lines, [letter, annual_schema])[1].name == "annual-test"
    letter_lines = [
        Line(full_width(x.text), x.position, x.unit) for x in _lines(LETTER.read_text("utf-8"))
    ]
    assert best_fit(letter_lines, [letter, annual_schema])[1].name == "letter"


@pytest.mark.parametrize(
    ("tail", "issuer", "closing", "dated"),
    [
        ("特此函告。\n某单位\n2019年1月2日", "某单位", "特此函告。", True),
        ("某单位\n2019年1月2日", "某单位", "特此函告。", True),
        ("请予函复。\n某单位", "某单位", "请予函复。", False),
    ],
)
def test_the_signature_block_with_parts_missing(
    tail: str, issuer: str, closing: str, dated: bool
) -> None:
    text = "单位：\n开头。\n一、基本数据\n（一）情况。（略）\n" + tail
    result = read_lines(_lines(text), load_schema("letter"))
    assert (result.report.issuer, result.report.closing) == (issuer, closing)
    assert ("signature_date" in result.missing) is not dated
    assert result.leftovers == ()
    assert result.report.parts[0].sections == (Section("情况", "（略）"),)


def test_unplaced_text_goes_to_its_own_sheet(tmp_path: Path) -> None:
    source = tmp_path / "odd.txt"
    source.write_text(
        "主送单位：\n开头一段。\n一、基本数据\n（一）情况。（略）\n二、主要工作\n前言没有位置。\n"
        "（一）节。一是点。正文。\n三、存在不足\n一是不足。正文。\n四、附录\n附录文字。\n"
        "特此函告。\n某单位\n2019年1月2日\n联系人：张三\n",
        encoding="utf-8",
    )
    workbook = tmp_path / "odd.xlsx"
    result, _schema = import_document(source, workbook, template="letter")
    rows = [
        tuple(c.value for c in row)
        for row in load_workbook(workbook)[UNRECOGNISED_SHEET].iter_rows(min_row=2)
    ]
    assert [(place, text) for place, text, _why in rows] == [
        ("第6行", "前言没有位置。"),
        ("第10行", "四、附录"),
        ("第11行", "附录文字。"),
        ("第15行", "联系人：张三"),
    ]
    assert all(why for _p, _t, why in rows)
    assert len(result.leftovers) == 4
