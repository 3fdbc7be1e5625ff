"""The render context: numbering, sentences, indicators, dates and the signature rule."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from reportgen.core.model import Indicator, Part, Point, Report, Section
from reportgen.core.text import display_width
from reportgen.gbt9704.numbering import chinese_number
from reportgen.gbt9704.signature import format_date, signature
from reportgen.rendering.context import (
    build_context,
    field_carriers,
    sentence,
    title_lines,
    with_colon,
)
from reportgen.schema.load import load_schema


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五"), (99, "九十九")],
)
def test_chinese_number(n: int, text: str) -> None:
    assert chinese_number(n) == text


@pytest.mark.parametrize("n", [0, 100, -1])
def test_chinese_number_refuses_out_of_range(n: int) -> None:
    with pytest.raises(ValueError):
        chinese_number(n)


def test_date_in_arabic_numerals_without_padding() -> None:
    assert format_date(dt.date(2018, 11, 30)) == "2018年11月30日"
    assert format_date(dt.date(2019, 1, 5)) == "2019年1月5日"


def test_recipient_gets_one_full_width_colon() -> None:
    assert with_colon("市法制办") == "市法制办："
    assert with_colon("市法制办:") == "市法制办："
    assert with_colon("市法制办：") == "市法制办："


def test_sentence_adds_a_stop_only_when_missing() -> None:
    assert sentence("强化组织领导") == "强化组织领导。"
    assert sentence("强化组织领导。") == "强化组织领导。"
    assert sentence("是否到位？") == "是否到位？"


def test_signature_long_date_moves_the_name_left() -> None:
    # gbt9704.md: 杭州市公安局 (6) over 2018年11月30日 (7) → name right 5, date right 2.
    sig = signature("杭州市公安局", "2018年11月30日")
    assert (sig.issuer_right_chars, sig.date_right_chars) == (5, 2)


def test_signature_long_name_keeps_two_characters_right() -> None:
    sig = signature("杭州市人民政府法制办公室", "2018年1月5日")  # 12 over 6
    assert sig.issuer_right_chars == 2
    # the date starts two characters right of the name's first character
    name_start = -(sig.issuer_right_chars + 12)
    date_start = -(sig.date_right_chars + 6)
    assert date_start - name_start == 2


def _report(**parts: Part) -> Report:
    return Report(
        template="letter",
        issuer="某局",
        recipient="某办",
        year=2018,
        title="标题",
        signature_date=dt.date(2018, 11, 30),
        intro="开头。",
        closing="特此函告。",
        parts=tuple(parts.values()),
    )


def test_points_run_together_with_generated_numbering() -> None:
    work = Part(
        "main_work",
        "主要工作",
        sections=(
            Section(
                "加强领导抓规划",
                points=(Point("强化组织领导", "正文一。"), Point("提早谋划部署。", "正文二。")),
            ),
        ),
    )
    context = build_context(_report(work=work))
    [part] = context.parts
    assert part.heading == "一、主要工作"
    [paragraph] = part.paragraphs
    assert paragraph.lead == "（一）加强领导抓规划。"
    assert paragraph.body == "一是强化组织领导。正文一。二是提早谋划部署。正文二。"


def test_a_sections_lead_comes_before_its_points_in_the_same_paragraph() -> None:
    work = Part(
        "main_work",
        "主要工作",
        sections=(
            Section(
                "坚持党的领导",
                "局党组始终把法治建设摆在突出位置。",
                points=(Point("强化组织领导", "正文一。"),),
            ),
            Section("推进数字法治", "全年建成执法数据平台。"),
        ),
    )
    first, second = build_context(_report(work=work)).parts[0].paragraphs
    assert first.lead == "（一）坚持党的领导。"
    assert first.body == "局党组始终把法治建设摆在突出位置。一是强化组织领导。正文一。"
    assert (second.lead, second.body) == ("（二）推进数字法治。", "全年建成执法数据平台。")


def test_indicators_become_one_sentence() -> None:
    data = Part(
        "basic_data",
        "基本数据",
        sections=(
            Section(
                "办理行政案件情况",
                indicators=(
                    Indicator("受理行政案件", 1234, 1100, "件"),
                    Indicator("结案率", 98.5, None, "%"),
                ),
            ),
        ),
    )
    [paragraph] = build_context(_report(data=data)).parts[0].paragraphs
    assert paragraph.body == "受理行政案件1234件（上年1100件）；结案率98.5%。"


def test_points_part_has_lead_then_points() -> None:
    lacking = Part(
        "shortcomings", "存在不足", lead="存在一些薄弱环节：", points=(Point("氛围不浓", "说明。"),)
    )
    [paragraph] = build_context(_report(s=lacking)).parts[0].paragraphs
    assert paragraph.lead == ""
    assert paragraph.body == "存在一些薄弱环节：一是氛围不浓。说明。"


def test_an_empty_part_leaves_no_heading_and_no_gap() -> None:
    first = Part("a", "甲", lead="有内容。")
    empty = Part("b", "乙")
    last = Part("c", "丙", points=(Point("要点", "正文。"),))
    context = build_context(_report(a=first, b=empty, c=last))
    assert [p.heading for p in context.parts] == ["一、甲", "二、丙"]


def test_every_field_is_in_fields_as_shown_text() -> None:
    report = dataclasses.replace(_report(), extra={"contact": "张三", "count": 3})
    fields = build_context(report).fields
    assert fields["issuer"] == "某局"
    assert fields["signature_date"] == "2018年11月30日"
    assert fields["year"] == "2018"
    assert (fields["contact"], fields["count"]) == ("张三", "3")


def test_field_carriers_follow_the_title_patterns() -> None:
    carriers = field_carriers(load_schema("annual-report"))
    assert carriers["issuer"] == {"fields.issuer", "signature.issuer", "title_lines"}
    assert carriers["year"] == {"fields.year", "title_lines", "parts"}
    assert carriers["doc_number"] == {"fields.doc_number", "doc_number"}


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("杭州市公安局关于某事的函", ("杭州市公安局关于某事的函",)),
        (
            "杭州市公安局关于2018年度法治政府建设工作情况的函",
            ("杭州市公安局关于", "2018年度法治政府建设工作情况的函"),
        ),
        (
            "关于做好2019年度法治政府建设年度报告工作的函",
            ("关于做好2019年度", "法治政府建设年度报告工作的函"),
        ),
    ],
)
def test_title_breaks_at_a_word_boundary(title: str, lines: tuple[str, ...]) -> None:
    assert title_lines(title) == lines


def test_long_title_lines_all_fit_and_keep_numbers_whole() -> None:
    title = "中共杭州市委全面依法治市委员会办公室关于印发《杭州市2019年法治政府建设工作要点》的通知"
    lines = title_lines(title)
    assert "".join(lines) == title and len(lines) == 3
    assert all(display_width(line) <= 20 for line in lines)
    assert all(not line.startswith(("》", "、", "，")) for line in lines)
    assert not any(
        a[-1].isdigit() and b[0].isdigit() for a, b in zip(lines, lines[1:], strict=False)
    )


@pytest.mark.parametrize(
    ("issuer", "date", "issuer_right", "date_right"),
    [
        ("杭州市公安局", "2018年11月30日", 4.5, 4),  # 6 over 7: centred, half a character in
        ("某局", "2018年1月5日", 6, 4),  # short name: 2 over 6
        ("杭州市人民政府法制办公室", "2018年1月5日", 1, 4),  # long name: 12 over 6
    ],
)
def test_sealed_signature_centres_the_issuer_over_the_date(
    issuer: str, date: str, issuer_right: float, date_right: float
) -> None:
    sig = signature(issuer, date, sealed=True)
    assert (sig.issuer_right_chars, sig.date_right_chars) == (issuer_right, date_right)
    issuer_start, date_start = sig.starts(28)
    centre_issuer = issuer_start + display_width(issuer) / 2
    assert centre_issuer == date_start + display_width(date) / 2
    assert sig.blank_lines_above == 2


@pytest.mark.parametrize(
    ("issuer", "date"),
    [("某局", "2018年11月30日"), ("杭州市人民政府法制办公室", "2018年1月5日")],
)
def test_unsealed_starts_are_two_characters_apart(issuer: str, date: str) -> None:
    sig = signature(issuer, date)
    issuer_start, date_start = sig.starts(28)
    assert date_start - issuer_start == 2
    assert min(sig.issuer_right_chars, sig.date_right_chars) == 2
    assert sig.blank_lines_above == 1
