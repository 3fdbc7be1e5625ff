"""Doubled numbering (一、一、, （一）1、, 一是1.) found by ``doubled_number`` and by check."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from reportgen.api import build_report
from reportgen.checking.run import check_document
from reportgen.gbt9704.typed import doubled_number

from .conftest import EXAMPLE


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("一、一、推进法治", ("一、", "一、")),
        ("（一）（一）加强领导", ("（一）", "（一）")),
        ("一是一是推进", ("一是", "一是")),
        ("一是1.强化组织", ("一是", "1.")),
        ("（一）1、加强领导", ("（一）", "1、")),
        ("1.1.强化组织", ("1.", "1.")),
        ("一、 （1）加强", ("一、 ", "（1）")),
        ("①②加强", ("①", "②")),
    ],
)
def test_a_number_followed_by_another_is_doubled(text: str, numbers: tuple[str, str]) -> None:
    assert doubled_number(text) == numbers


@pytest.mark.parametrize(
    "text",
    [
        "一、二季度",
        "1、2月份",
        "一、二、三季度",
        "一是1.5倍",
        "1.5倍",
        "一、一网通办",
        "1.1 总体",
        "一是推进",
        "（一）加强领导",
        "一是否定",
    ],
)
def test_one_number_or_a_figure_is_not_doubled(text: str) -> None:
    assert doubled_number(text) is None


def test_doubled_number_looks_at_the_given_place() -> None:
    text = "（一）加强领导。二是二是推进"
    assert doubled_number(text) is None
    assert doubled_number(text, text.index("二是")) == ("二是", "二是")


def test_check_reports_one_doubled_number_a_paragraph(tmp_path: Path) -> None:
    [built] = build_report(EXAMPLE, output_dir=tmp_path / "out").outputs
    document = Document(str(built))
    heading = next(p for p in document.paragraphs if p.text == "一、基本数据")
    heading.runs[0].text = "一、一、基本数据"
    points = next(p for p in document.paragraphs if "。二是" in p.text and "。三是" in p.text)
    for run in points.runs:  # two doubled numbers in one paragraph: 二是2. and 三是（三）
        run.text = run.text.replace("。二是", "。二是2.").replace("。三是", "。三是（三）")
    assert "。二是2." in points.text and "。三是（三）" in points.text
    edited = tmp_path / "edited.docx"
    document.save(str(edited))
    findings = [f for f in check_document(edited) if f.code == "doubled-number"]
    assert [(f.place, f.params["numbers"]) for f in findings] == [
        ("¶6 “一、一、基本数据”", "一、一、"),
        ("¶11 “（一）加强领导抓规划…”", "二是2."),  # one finding a paragraph
    ]
