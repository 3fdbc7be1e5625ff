"""Validation: every finding at its sheet and cell; the example is clean."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from reportgen.api import validate
from reportgen.errors import Finding, Severity
from reportgen.validate import parse_date

from .conftest import EXAMPLE, EXAMPLE_ANNUAL


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


def test_annual_example_is_clean_with_its_titles_filled() -> None:
    result = validate(EXAMPLE_ANNUAL)
    assert result.findings == [] and result.report is not None
    assert result.report.template == "annual-report"
    assert result.report.title == "示例市司法局关于2023年度法治政府建设情况的报告"
    assert [p.key for p in result.report.parts] == [
        "measures",
        "shortcomings",
        "leadership",
        "plans",
        "other",
    ]
    assert result.report.parts[0].title == "2023年度推进法治政府建设的主要举措和成效"
    assert result.report.parts[3].title == "2024年度推进法治政府建设的主要安排"


def _cleared(sheet: str, rows: int = 10) -> dict[tuple[str, str], None]:
    """Edits that empty a part sheet below its header (the 导语 marker included)."""
    return {(sheet, f"{col}{row}"): None for col in "ABCDE" for row in range(2, rows + 2)}


def test_empty_optional_part_is_left_out(edited: Callable[..., Path]) -> None:
    result = validate(edited(_cleared("其他需要报告的情况"), source=EXAMPLE_ANNUAL))
    assert result.findings == [] and result.report is not None
    assert [p.key for p in result.report.parts] == [
        "measures",
        "shortcomings",
        "leadership",
        "plans",
    ]


def test_optional_part_with_only_the_lead_marker_is_left_out(edited: Callable[..., Path]) -> None:
    path = edited({("其他需要报告的情况", "C2"): None}, source=EXAMPLE_ANNUAL)
    result = validate(path)
    assert result.report is not None and len(result.report.parts) == 4


def test_empty_required_part_of_the_annual_report_is_an_error(edited: Callable[..., Path]) -> None:
    path = edited(_cleared("第一责任人职责"), source=EXAMPLE_ANNUAL)
    assert _places(path) == {("part-empty", "第一责任人职责", "A2")}


def test_extra_fields_are_kept_by_key(tmp_path: Path) -> None:
    import shutil

    from openpyxl import load_workbook

    from reportgen.schema import builtin_templates_dir

    folder = tmp_path / "mine"
    shutil.copytree(builtin_templates_dir() / "letter", folder)
    with (folder / "schema.toml").open("a", encoding="utf-8") as schema:
        schema.write('\n[[fields]]\nkey = "contact"\nlabel = "联系人"\n')
    book = load_workbook(EXAMPLE)
    book["基本信息"].append(["联系人", "张三，0571-12345678"])
    path = tmp_path / "with-contact.xlsx"
    book.save(path)
    result = validate(path, template=str(folder))
    assert result.report is not None
    assert result.report.extra == {"contact": "张三，0571-12345678"}


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
