"""Validation: every finding at its sheet and cell; the example is clean."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from reportgen.api import validate
from reportgen.errors import Finding, Severity
from reportgen.validate import parse_date

from .conftest import EXAMPLE


def _errors(path: Path) -> list[Finding]:
    return [f for f in validate(path).findings if f.severity is Severity.ERROR]


def _places(path: Path) -> set[tuple[str, str, str]]:
    return {(f.code, f.sheet, f.cell) for f in _errors(path)}


def test_example_is_clean() -> None:
    result = validate(EXAMPLE)
    assert result.findings == []
    assert result.report is not None
    assert result.report.issuer == "杭州市公安局"
    assert result.report.signature_date == dt.date(2018, 11, 30)
    assert [p.title for p in result.report.parts] == ["基本数据", "主要工作", "存在不足"]


@pytest.mark.parametrize(
    "text", ["2018-11-30", "2018/11/30", "2018.11.30", "2018年11月30日", " 2018 年 11 月 30 日 "]
)
def test_dates_typed_as_text_are_accepted(text: str) -> None:
    assert parse_date(text) == dt.date(2018, 11, 30)


@pytest.mark.parametrize("text", ["明天", "30/11/2018", "2018-13-01", "2018-02-30", "20181130"])
def test_other_date_text_is_rejected(text: str) -> None:
    assert parse_date(text) is None


def test_text_in_the_date_cell_is_an_error_at_that_cell(edited: Callable[..., Path]) -> None:
    path = edited({("基本信息", "B7"): "十一月底"})
    [finding] = _errors(path)
    assert (finding.code, finding.place) == ("not-date", "基本信息!B7")
    assert "十一月底" in finding.text("zh")


def test_missing_required_fields_are_all_reported(edited: Callable[..., Path]) -> None:
    path = edited({("基本信息", "B2"): None, ("基本信息", "B8"): "   "})
    assert _places(path) == {
        ("required-empty", "基本信息", "B2"),
        ("required-empty", "基本信息", "B8"),
    }


def test_deleted_sheet_is_named(edited: Callable[..., Path]) -> None:
    path = edited(delete=("主要工作",))
    [finding] = _errors(path)
    assert (finding.code, finding.sheet) == ("sheet-missing", "主要工作")
    assert "主要工作" in finding.text("en")


def test_renamed_sheet_is_named(edited: Callable[..., Path]) -> None:
    path = edited(rename={"存在不足": "不足"})
    [finding] = _errors(path)
    assert finding.code == "sheet-missing"
    assert "不足" in finding.text("zh")


def test_changed_header_names_the_expected_header(edited: Callable[..., Path]) -> None:
    path = edited({("主要工作", "E1"): "内容"})
    [finding] = _errors(path)
    assert (finding.code, finding.place) == ("header-changed", "主要工作!E1")
    assert "要点内容" in finding.text("en")


def test_empty_point_body_is_an_error_at_its_cell(edited: Callable[..., Path]) -> None:
    path = edited({("主要工作", "E7"): None})
    [finding] = _errors(path)
    assert finding.place == "主要工作!E7"
    assert finding.text("zh") == "要点内容为空。"
    assert finding.hint_text("zh") == "填写该要点的正文，或删除整行。"


def test_year_must_be_a_whole_number(edited: Callable[..., Path]) -> None:
    path = edited({("基本信息", "B4"): "二〇一八"})
    assert _places(path) == {("not-integer", "基本信息", "B4")}


def test_year_typed_as_text_digits_is_accepted(edited: Callable[..., Path]) -> None:
    assert _errors(edited({("基本信息", "B4"): "2018"})) == []


def test_order_numbers_must_be_numbers(edited: Callable[..., Path]) -> None:
    path = edited({("主要工作", "C2"): "一是"})
    assert ("bad-order", "主要工作", "C2") in _places(path)


def test_repeated_point_number_is_an_error(edited: Callable[..., Path]) -> None:
    path = edited({("主要工作", "C3"): 1})
    assert ("duplicate-order", "主要工作", "C3") in _places(path)


def test_empty_part_sheet_is_an_error(edited: Callable[..., Path]) -> None:
    edits = {("存在不足", f"{col}{row}"): None for col in "ABC" for row in range(2, 6)}
    path = edited(edits)
    assert _places(path) == {("part-empty", "存在不足", "A2")}


def test_indicator_figures_must_be_numbers(edited: Callable[..., Path]) -> None:
    path = edited(
        {("基本数据", "C2"): None, ("基本数据", "D2"): "受理行政案件", ("基本数据", "E2"): "很多"}
    )
    assert _places(path) == {("not-number", "基本数据", "E2")}


def test_indicators_replace_text(edited: Callable[..., Path]) -> None:
    path = edited(
        {
            ("基本数据", "C2"): None,
            ("基本数据", "D2"): "受理行政案件",
            ("基本数据", "E2"): "1,234",
            ("基本数据", "G2"): "件",
        }
    )
    result = validate(path)
    assert result.report is not None
    section = result.report.parts[0].sections[0]
    assert section.indicators[0].current == 1234


def test_bad_doc_number_is_rejected(edited: Callable[..., Path]) -> None:
    path = edited({("基本信息", "B6"): "杭公函[2018]第012号"})
    assert _places(path) == {("bad-doc-number", "基本信息", "B6")}


def test_good_doc_number_is_kept(edited: Callable[..., Path]) -> None:
    result = validate(edited({("基本信息", "B6"): "杭公函〔2018〕12号"}))
    assert result.report is not None and result.report.doc_number == "杭公函〔2018〕12号"


def test_control_characters_are_cleaned_with_a_warning(edited: Callable[..., Path]) -> None:
    result = validate(edited({("基本信息", "B2"): " 杭州市公安局\u200b\u3000"}))
    assert result.report is not None and result.report.issuer == "杭州市公安局"
    [warning] = result.findings
    assert (warning.severity, warning.place) == (Severity.WARNING, "基本信息!B2")


def test_optional_rows_may_be_absent_and_archival_fields_are_read(
    edited: Callable[..., Path],
) -> None:
    """The example predates 密级 and 保管期限: no rows, no findings; given, they are read."""
    assert validate(EXAMPLE).findings == []
    path = edited({("基本信息", "A10"): "密级", ("基本信息", "B10"): " 秘密 "})
    result = validate(path)
    assert result.report is not None and result.report.classification == "秘密"
    assert result.report.retention == ""
    assert [f.code for f in result.findings] == ["text-cleaned"]
