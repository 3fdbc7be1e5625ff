"""The render context: numbering, sentences, indicators, dates and the signature rule."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from reportgen.context import (
    build_context,
    chinese_number,
    field_carriers,
    format_date,
    sentence,
    signature,
    with_colon,
)
from reportgen.model import Indicator, Part, Point, Report, Section
from reportgen.schema import load_schema


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
