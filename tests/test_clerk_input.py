"""What clerks type (issue 14, part 4): numbering typed before titles, wrong order numbers,
基本信息 values that pass but are wrong, dates in Chinese numerals — each one message at its cell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportgen.api import BuildOptions, build_report, validate
from reportgen.core.errors import Finding
from reportgen.gbt9704.typed import typed_number, without_typed_number
from reportgen.validation.fields import parse_date
from reportgen.validation.fix import fix_workbook

from .conftest import EXAMPLE, EXAMPLE_ANNUAL, docx_paragraphs

# Every shape of numbering a clerk pastes before a title, from last year's Word file.
TYPED = [
    "一是",
    "十二是",
    "（一）",
    "(一)",
    "一、",
    "1.",
    "1．",
    "1、",
    "１．",
    "（1）",
    "(1)",
    "①",
    "⑴",
]
# Titles that only start with a numeral word, or a figure: left as typed.
NOT_TYPED = ["一网通办改革", "1 000 件案件办结", "1.5倍增长", "十三五规划收官", "一、二季度督查",
             "1、2月份集中整治", "一是否落实到位"]  # fmt: skip


def _codes(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.place) for f in findings]


# ---------------------------------------------------------------- numbering typed before titles


@pytest.mark.parametrize("number", TYPED)
def test_a_typed_number_is_recognised(number: str) -> None:
    assert typed_number(number + "强化组织领导").strip() == number
    assert without_typed_number(number + "强化组织领导") == "强化组织领导"


@pytest.mark.parametrize("title", NOT_TYPED)
def test_a_title_starting_with_a_numeral_word_is_left_alone(title: str) -> None:
    assert typed_number(title) == ""
    assert without_typed_number(title) == title


@pytest.mark.parametrize("number", TYPED)
def test_a_typed_number_is_one_warning_at_its_cell(
    edited: Callable[..., Path], number: str
) -> None:
    result = validate(edited({("主要工作", "D3"): number + "提早谋划部署"}))
    [finding] = result.findings
    assert (finding.code, finding.place) == ("typed-numbering", "主要工作!D3")
    assert f"'{number.strip()}'" in finding.text("en")
    assert "reportgen numbers titles itself" in finding.text("en")
    assert "--fix" in finding.hint_text("en")


def test_a_title_that_only_starts_with_a_numeral_is_not_a_warning(
    edited: Callable[..., Path],
) -> None:
    assert validate(edited({("主要工作", "D3"): "一网通办改革"})).findings == []


def _numbered_everywhere(path: Path) -> Path:
    """The example with a typed number before every kind of title, each shape in turn."""
    book = load_workbook(EXAMPLE)
    work = book["主要工作"]
    rows = [r for r in range(2, work.max_row + 1) if work[f"D{r}"].value]
    shapes = TYPED * (len(rows) // len(TYPED) + 1)
    for row, number in zip(rows, shapes, strict=False):
        work[f"D{row}"] = number + work[f"D{row}"].value
    work["B2"] = "（一）" + work["B2"].value  # 节标题
    work["B6"] = "二、" + work["B6"].value
    book["基本数据"]["B2"] = "1." + book["基本数据"]["B2"].value  # 小节标题
    book["存在不足"]["B3"] = "①" + book["存在不足"]["B3"].value
    book.save(path)
    return path


def test_no_built_letter_doubles_typed_numbering(tmp_path: Path) -> None:
    path = _numbered_everywhere(tmp_path / "numbered.xlsx")
    built = build_report(path, output_dir=tmp_path / "numbered")
    plain = build_report(EXAMPLE, output_dir=tmp_path / "plain")
    # the letter reads exactly as one built from titles typed without numbers …
    assert docx_paragraphs(built.outputs[0]) == docx_paragraphs(plain.outputs[0])
    # … and the build says, cell by cell, what it left out (nothing dropped silently)
    codes = {f.code for f in built.warnings}
    assert codes == {"typed-numbering"}
    places = {f.place for f in built.warnings}
    assert {"主要工作!B2", "主要工作!B6", "基本数据!B2", "存在不足!B3", "主要工作!D2"} <= places


def test_fix_removes_typed_numbering(tmp_path: Path) -> None:
    path = _numbered_everywhere(tmp_path / "numbered.xlsx")
    fixed = fix_workbook(path, tmp_path / "fixed.xlsx")
    assert fixed.output is not None
    assert validate(fixed.output).findings == []
    book, original = load_workbook(fixed.output), load_workbook(EXAMPLE)
    for sheet, ref in (
        ("主要工作", "B2"),
        ("主要工作", "D3"),
        ("基本数据", "B2"),
        ("存在不足", "B3"),
    ):
        assert book[sheet][ref].value == original[sheet][ref].value


def test_fix_keeps_a_title_that_only_starts_with_a_numeral(
    edited: Callable[..., Path], tmp_path: Path
) -> None:
    path = edited({("主要工作", "D3"): "一网通办改革", ("主要工作", "D4"): "(1)查漏补缺"})
    fixed = fix_workbook(path, tmp_path / "fixed.xlsx")
    assert fixed.output is not None
    book = load_workbook(fixed.output)
    assert (book["主要工作"]["D3"].value, book["主要工作"]["D4"].value) == (
        "一网通办改革",
        "查漏补缺",
    )


# ---------------------------------------------------------------- order numbers


@pytest.mark.parametrize(
    ("sheet", "ref", "typed", "meant"),
    [
        ("主要工作", "A2", "一", 1),  # the first row of section 1, with its title
        ("主要工作", "A6", "（二）", 2),
        ("主要工作", "C3", "２", 2),
        ("主要工作", "C4", "三是", 3),
        ("基本数据", "A3", "二", 2),
        ("存在不足", "A4", "2.", 2),
    ],
)
def test_an_order_typed_as_numbering_is_one_error_naming_the_number(
    edited: Callable[..., Path], sheet: str, ref: str, typed: str, meant: int
) -> None:
    [finding] = validate(edited({(sheet, ref): typed})).findings
    assert (finding.code, finding.place) == ("bad-order", f"{sheet}!{ref}")
    assert finding.text("en") == f"'{typed}' is not an order number: type it as {meant}."


@pytest.mark.parametrize(
    ("ref", "typed", "message"),
    [
        ("A2", None, "节序 is empty."),
        ("A2", "甲", "'甲' is not an order number."),  # read as nothing: the row still counts
        ("A6", "x", "'x' is not an order number."),  # a section's first row, with its title
        ("A7", None, "节序 is empty."),
        ("C3", None, "要点序 is empty."),
        ("C3", "x", "'x' is not an order number."),  # no "number 2 is missing" below it
        ("C3", 0, "要点序 0 is out of range: order numbers are whole numbers from 1 up."),
    ],
)
def test_a_wrong_order_number_is_one_finding(
    edited: Callable[..., Path], ref: str, typed: object, message: str
) -> None:
    [finding] = validate(edited({("主要工作", ref): typed})).findings
    assert (finding.code, finding.place) == ("bad-order", f"主要工作!{ref}")
    assert finding.text("en") == message


def test_an_empty_figure_is_said_to_be_empty(edited: Callable[..., Path]) -> None:
    path = edited({("基本数据", "C2"): None, ("基本数据", "D2"): "受理行政案件"})
    [finding] = validate(path).findings
    assert (finding.code, finding.place) == ("figure-empty", "基本数据!E2")
    assert finding.text("en") == "本年 is empty."


# ---------------------------------------------------------------- 基本信息


def test_a_typed_doc_number_names_the_letterhead(
    edited: Callable[..., Path], tmp_path: Path
) -> None:
    path = edited({("基本信息", "B6"): "杭公函〔2018〕12号"})
    [finding] = validate(path).findings
    assert (finding.code, finding.place) == ("doc-number-letterhead", "基本信息!B6")
    assert "--letterhead" in finding.hint_text("en")
    plain = build_report(path, output_dir=tmp_path / "plain")
    [warning] = plain.warnings
    assert (warning.code, warning.place) == ("cell-not-shown", "基本信息!B6")
    assert "--letterhead" in warning.hint_text("en")
    lettered = build_report(path, tmp_path / "lettered", options=BuildOptions(letterhead=True))
    assert lettered.warnings == ()


@pytest.mark.parametrize(
    ("typed", "warned"),
    [
        ("2029年12月5日", True),
        ("2017-12-31", True),
        ("2020-01-01", True),
        ("2018-01-01", False),
        ("2019-12-31", False),  # a report on 2018 may be signed the year after
    ],
)
def test_a_date_far_from_the_year_is_a_warning(
    edited: Callable[..., Path], typed: str, warned: bool
) -> None:
    findings = validate(edited({("基本信息", "B7"): typed})).findings
    assert _codes(findings) == ([("date-far-from-year", "基本信息!B7")] if warned else [])


@pytest.mark.parametrize(
    ("ref", "typed", "code"),
    [
        ("B9", "特此函告", "closing-no-stop"),
        ("B9", "请予函复", "closing-no-stop"),  # a closing of the letter's own, not a choice
        ("B8", "2018年，我局工作取得新进展。", "intro-no-colon"),
    ],
)
def test_a_closing_or_intro_without_its_ending_is_a_warning(
    edited: Callable[..., Path], ref: str, typed: str, code: str
) -> None:
    assert _codes(validate(edited({("基本信息", ref): typed})).findings) == [
        (code, f"基本信息!{ref}")
    ]


def test_endings_that_are_right_are_not_warned(edited: Callable[..., Path]) -> None:
    path = edited({("基本信息", "B8"): "现将有关情况报告如下:", ("基本信息", "B9"): "特此函复。"})
    assert validate(path).findings == []


def test_a_year_below_the_minimum_names_the_range(edited: Callable[..., Path]) -> None:
    [finding] = validate(edited({("基本信息", "B4"): 2018}, source=EXAMPLE_ANNUAL)).findings
    assert (finding.code, finding.place) == ("integer-out-of-range", "基本信息!B4")
    assert finding.text("en") == "年度 2018 is out of range: it must be from 2019 to 2100."


# ---------------------------------------------------------------- dates in Chinese numerals


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("二〇一九年十二月五日", dt.date(2019, 12, 5)),
        ("二零一九年十一月三十日", dt.date(2019, 11, 30)),
        ("二○一九年一月三十一日", dt.date(2019, 1, 31)),
        ("二〇二〇年十月二十日", dt.date(2020, 10, 20)),
        ("二〇一九年十月十日", dt.date(2019, 10, 10)),
        ("二〇一九年 二月 二十八日", dt.date(2019, 2, 28)),
    ],
)
def test_a_date_in_chinese_numerals_is_read(text: str, date: dt.date) -> None:
    assert parse_date(text) == date


@pytest.mark.parametrize(
    "text",
    [
        "二〇一九年二月三十日",
        "二〇一九年十三月五日",
        "二〇一九年三十二月一日",
        "二〇一九年十二月",
        "一九年十二月五日",
    ],
)
def test_an_impossible_date_in_chinese_numerals_is_not_read(text: str) -> None:
    assert parse_date(text) is None


def test_a_chinese_numeral_date_in_the_workbook(edited: Callable[..., Path]) -> None:
    result = validate(edited({("基本信息", "B7"): "二〇一八年十一月三十日"}))
    assert result.findings == [] and result.report is not None
    assert result.report.signature_date == dt.date(2018, 11, 30)
    [finding] = validate(edited({("基本信息", "B7"): "二〇一八年十三月五日"})).findings
    assert (finding.code, finding.place) == ("not-date", "基本信息!B7")
