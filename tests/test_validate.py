"""Validation: every finding at its sheet and cell; the example is clean."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from reportgen.api import validate
from reportgen.core.errors import Finding, Severity
from reportgen.core.model import Point, Section

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

    from reportgen.schema.load import builtin_templates_dir

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


# ---------------------------------------------------------------- order, headers, limits


def _codes(path: Path) -> list[tuple[str, str, str]]:
    return [(f.severity.value, f.code, f.place) for f in validate(path).findings]


def test_rows_out_of_order_are_a_warning_and_the_numbers_decide(
    edited: Callable[..., Path],
) -> None:
    # the first two points of section 1 swapped by their numbers, not by moving the rows
    path = edited({("主要工作", "C2"): 2, ("主要工作", "C3"): 1})
    assert _codes(path) == [("warning", "rows-out-of-order", "主要工作!C3")]
    report = validate(path).report
    assert report is not None
    assert report.parts[1].sections[0].points[0].title == "提早谋划部署"


def test_a_gap_in_the_numbers_is_a_warning(edited: Callable[..., Path]) -> None:
    path = edited({("主要工作", "C5"): 7})
    [gap] = validate(path).findings
    assert (gap.code, gap.place) == ("order-gap", "主要工作!C5")
    assert gap.text("zh") == "缺少序号 4（下一个是 7）。"


def test_two_titles_under_one_section_number_is_an_error(edited: Callable[..., Path]) -> None:
    path = edited({("主要工作", "A6"): 1})  # section 2's first row numbered 1
    assert ("error", "section-number-twice", "主要工作!B6") in _codes(path)


def test_moved_columns_name_the_expected_order(changed: Callable[..., Path]) -> None:
    def swap(book) -> None:  # noqa: ANN001
        sheet = book["主要工作"]
        for row in range(1, 21):
            sheet[f"D{row}"].value, sheet[f"E{row}"].value = (
                sheet[f"E{row}"].value,
                sheet[f"D{row}"].value,
            )

    [finding] = validate(changed(swap)).findings
    assert (finding.code, finding.place) == ("columns-moved", "主要工作!D1")
    assert "节序 | 节标题 | 要点序 | 要点标题 | 要点内容 | 状态" in finding.hint_text("en")


def test_an_inserted_column_names_the_expected_header(changed: Callable[..., Path]) -> None:
    path = changed(lambda book: book["主要工作"].insert_cols(3))
    [finding] = validate(path).findings
    assert (finding.code, finding.place) == ("header-changed", "主要工作!C1")
    assert finding.text("en") == "Column header is '', expected '要点序'."


def test_an_extra_column_at_the_end_is_listed_not_refused(edited: Callable[..., Path]) -> None:
    path = edited({("主要工作", "G1"): "备注", ("主要工作", "G2"): "核实"})
    assert _codes(path) == [
        ("warning", "cell-unused", "主要工作!G1"),
        ("warning", "cell-unused", "主要工作!G2"),
    ]


def test_several_text_rows_of_a_subsection_are_joined(edited: Callable[..., Path]) -> None:
    path = edited({("基本数据", "A5"): 1, ("基本数据", "C5"): "另有说明。"})
    report = validate(path).report
    assert report is not None
    assert report.parts[0].sections[0].text == "（略）另有说明。"


def test_figures_without_an_indicator_name_are_an_error(edited: Callable[..., Path]) -> None:
    path = edited({("基本数据", "E2"): 1234})
    assert _codes(path) == [("error", "indicator-name-empty", "基本数据!D2")]


def _many_points(book, count: int, body: str = "内容。") -> None:  # noqa: ANN001
    sheet = book["存在不足"]
    for n in range(1, count + 1):
        for column, value in zip("ABC", (n, f"不足{n}", body), strict=True):
            sheet[f"{column}{n + 2}"] = value


def test_thousands_of_rows_are_refused_with_the_limit(changed: Callable[..., Path]) -> None:
    path = changed(lambda book: _many_points(book, 2500))
    [finding] = validate(path).findings
    assert (finding.code, finding.sheet) == ("too-many-rows", "存在不足")
    assert finding.text("en") == "The sheet has 2501 rows; at most 2000 are allowed."


def test_reading_stops_at_the_row_limit(changed: Callable[..., Path]) -> None:
    from reportgen.validation.run import schema_for, validate_data
    from reportgen.workbook.read import read_workbook

    path = changed(lambda book: _many_points(book, 60))
    data = read_workbook(path, row_limit=50)
    assert data.sheets["存在不足"].truncated
    [finding] = validate_data(data, schema_for(data, None)).findings
    assert finding.text("en") == "The sheet has 50+ rows; at most 2000 are allowed."


def test_more_than_99_points_cannot_be_numbered(changed: Callable[..., Path]) -> None:
    path = changed(lambda book: _many_points(book, 100))
    [finding] = validate(path).findings
    assert (finding.code, finding.place) == ("too-many-items", "存在不足!A102")


def test_a_very_long_text_is_refused_with_the_limit(edited: Callable[..., Path]) -> None:
    path = edited({("主要工作", "E2"): "长" * 30000})
    [finding] = validate(path).findings
    assert (finding.code, finding.place) == ("text-too-long", "主要工作!E2")
    assert finding.text("en") == "要点内容 is 30000 characters long; at most 5000 are allowed."


# ---------------------------------------------------------------- 导语 rows of a sections sheet

# Row 20 of the example's 主要工作 is the first empty one, after section 5 (强化培训提素质).
LEAD = "局党组始终把法治建设摆在突出位置。"


def _lead_row(row: int = 20, section: object = 5, **cells: object) -> dict[tuple[str, str], object]:
    """Edits typing a 导语 row into 主要工作: 节序, 导语 and the lead text, plus ``cells``."""
    edits: dict[tuple[str, str], object] = {
        ("主要工作", f"A{row}"): section,
        ("主要工作", f"C{row}"): "导语",
        ("主要工作", f"E{row}"): LEAD,
    }
    edits.update({("主要工作", f"{col}{row}"): value for col, value in cells.items()})
    return edits


def test_a_lead_row_is_the_sections_text_before_its_points(edited: Callable[..., Path]) -> None:
    result = validate(edited(_lead_row()))
    assert result.findings == [] and result.report is not None
    section = result.report.parts[1].sections[4]
    assert section.text == LEAD
    assert [p.title for p in section.points][:2] == ["坚持领导干部带头学法", "开展实战化培训"]


def test_a_section_with_only_a_lead_is_valid(edited: Callable[..., Path]) -> None:
    result = validate(edited(_lead_row(section=6, B="推进数字法治")))
    assert result.findings == [] and result.report is not None
    assert result.report.parts[1].sections[5] == Section("推进数字法治", text=LEAD)


def test_a_lead_row_may_carry_the_section_title(edited: Callable[..., Path]) -> None:
    # the 导语 row as the section's first row, with the title on it, as the writer puts it
    edits = _lead_row(section=6, B="推进数字法治") | _lead_row(21, 6, C=1, D="建设平台", E="建成。")
    result = validate(edited(edits))
    assert result.findings == [] and result.report is not None
    assert result.report.parts[1].sections[5] == Section(
        "推进数字法治", LEAD, points=(Point("建设平台", "建成。"),)
    )


def test_a_second_lead_row_is_an_error_at_its_marker(edited: Callable[..., Path]) -> None:
    path = edited(_lead_row() | _lead_row(21, E="又一段。"))
    assert _codes(path) == [("error", "lead-twice", "主要工作!C21")]
    [finding] = validate(path).findings
    assert finding.text("zh") == "第 5 节有第二个导语行；每节只能有一行导语。"


def test_a_title_on_a_lead_row_is_a_warning_that_it_is_not_used(
    edited: Callable[..., Path],
) -> None:
    result = validate(edited(_lead_row(D="党的领导")))
    [finding] = result.findings
    assert (finding.code, finding.place) == ("lead-title-unused", "主要工作!D20")
    assert finding.text("en") == "A 导语 row takes no title: '党的领导' is not in the document."
    assert result.report is not None
    assert result.report.parts[1].sections[4].text == LEAD


def test_an_empty_lead_row_is_an_error(edited: Callable[..., Path]) -> None:
    assert _codes(edited(_lead_row(E=None))) == [("error", "lead-empty", "主要工作!E20")]


def test_a_lead_row_needs_its_section_number(edited: Callable[..., Path]) -> None:
    # the row belongs to no section: its other cells are listed as unused, as for a point
    assert _places(edited(_lead_row(section=None))) == {("bad-order", "主要工作", "A20")}


def test_a_section_with_neither_lead_nor_points_is_still_an_error(
    edited: Callable[..., Path],
) -> None:
    path = edited({("主要工作", "A20"): 6, ("主要工作", "B20"): "推进数字法治"})
    assert _codes(path) == [("error", "bad-order", "主要工作!C20")]


def test_a_lead_row_is_not_an_order_number_anywhere_in_its_section(
    edited: Callable[..., Path],
) -> None:
    # a 导语 row between the points: no gap, no rows out of order, the lead still comes first
    path = edited(_lead_row(18, D=None))  # point 2 of section 5 replaced by a 导语 row
    [gap] = validate(path).findings  # its number is missing, nothing else
    assert (gap.code, gap.place) == ("order-gap", "主要工作!C19")
    report = validate(path).report
    assert report is not None and report.parts[1].sections[4].text == LEAD


def test_lead_text_gets_the_content_checks(edited: Callable[..., Path]) -> None:
    path = edited(_lead_row(E="2017年,我局坚持党的领导。"))
    assert _codes(path) == [
        ("warning", "half-width-punctuation", "主要工作!E20"),
        ("warning", "year-differs", "主要工作!E20"),
    ]
    assert validate(path).fixes == {("主要工作", "E20"): "2017年，我局坚持党的领导。"}
    long = edited(_lead_row(E="长" * 6000), name="long.xlsx")
    [finding] = validate(long).findings
    assert finding.text("en") == "导语 is 6000 characters long; at most 5000 are allowed."
