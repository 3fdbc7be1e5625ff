"""Sheets as people leave them: hidden, merged, formulas, Excel errors, cells the letter leaves out."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportgen.api import build_report, validate
from reportgen.core.errors import Finding, Severity
from reportgen.validation.structure import UNUSED_SHOWN

from .conftest import EXAMPLE, docx_text, rezip, sheet_member


def _found(path: Path) -> list[tuple[str, str, str]]:
    """(severity, code, place) of every finding."""
    return [(f.severity.value, f.code, f.place) for f in validate(path).findings]


def _only(path: Path, code: str) -> list[Finding]:
    return [f for f in validate(path).findings if f.code == code]


def test_hidden_sheet_is_included_with_a_warning(
    changed: Callable[..., Path], tmp_path: Path
) -> None:
    path = changed(lambda book: setattr(book["存在不足"], "sheet_state", "hidden"))
    assert _found(path) == [("warning", "sheet-hidden", "存在不足")]
    [docx] = build_report(path, output_dir=tmp_path / "out").outputs
    assert "工作氛围需要进一步浓厚" in docx_text(docx)


def test_hidden_rows_and_columns_are_included_with_a_warning(
    changed: Callable[..., Path], tmp_path: Path
) -> None:
    def hide(book: Any) -> None:
        sheet = book["主要工作"]
        for row in (7, 8, 12):
            sheet.row_dimensions[row].hidden = True
        sheet.row_dimensions[150].hidden = True  # empty: nothing to say
        sheet.column_dimensions["D"].hidden = True

    path = changed(hide)
    assert _found(path) == [
        ("warning", "column-hidden", "主要工作!D1"),
        ("warning", "rows-hidden", "主要工作!A7"),
        ("warning", "rows-hidden", "主要工作!A12"),
    ]
    [rows] = [f for f in validate(path).findings if f.cell == "A7"]
    assert rows.text("zh") == "第 7–8 行处于隐藏状态，其内容仍会写入公文。"
    [docx] = build_report(path, output_dir=tmp_path / "out").outputs
    text = docx_text(docx)
    assert "一是深入推进“最多跑一次”改革。" in text  # row 12, hidden, still there


def test_merged_order_cells_are_filled_down(changed: Callable[..., Path], tmp_path: Path) -> None:
    def merge(book: Any) -> None:
        sheet = book["主要工作"]
        for row in (3, 4, 5):
            sheet[f"A{row}"] = None
        sheet.merge_cells("A2:A5")

    path = changed(merge)
    [warning] = validate(path).findings
    assert (warning.code, warning.place) == ("cells-merged", "主要工作!A2")
    assert warning.text("en") == "Cells A2:A5 are merged; the number in A2 is used for each row."
    [docx] = build_report(path, output_dir=tmp_path / "out").outputs
    assert "（一）加强领导抓规划。一是强化组织领导。" in docx_text(docx)
    assert "（二）健全保障强决策。" in docx_text(docx)


def test_other_merges_keep_only_the_top_left_cell(changed: Callable[..., Path]) -> None:
    path = changed(lambda book: book["主要工作"].merge_cells("D2:E2"))
    found = validate(path).findings
    assert [(f.code, f.place) for f in found] == [
        ("cells-merged", "主要工作!D2"),
        ("point-body-empty", "主要工作!E2"),
    ]
    assert "only D2 is read" in found[0].text("en")


def _formula_at(tmp_path: Path, cell: str, xml: str) -> Path:
    """The example with one cell of 主要工作 replaced by raw cell XML (formulas as Excel saves)."""
    member = sheet_member(EXAMPLE, "主要工作")
    pattern = re.compile(rf'<c r="{cell}"[^>]*>.*?</c>'.encode(), re.S)

    def edit(name: str, data: bytes) -> bytes:
        return pattern.sub(xml.encode(), data, count=1) if name == member else data

    return rezip(EXAMPLE, tmp_path / "formula.xlsx", edit)


def test_a_formula_s_saved_result_is_used(tmp_path: Path) -> None:
    xml = '<c r="D2" t="str"><f>"强化"&amp;"组织领导"</f><v>强化组织领导（公式）</v></c>'
    path = _formula_at(tmp_path, "D2", xml)
    assert validate(path).findings == []
    [docx] = build_report(path, output_dir=tmp_path / "out").outputs
    assert "一是强化组织领导（公式）。" in docx_text(docx)


def test_a_formula_without_result_is_an_error_at_its_cell(tmp_path: Path) -> None:
    path = _formula_at(tmp_path, "E2", '<c r="E2"><f>CONCATENATE(B2,D2)</f><v></v></c>')
    [finding] = validate(path).findings  # not also "the point text is empty"
    assert (finding.severity, finding.code, finding.place) == (
        Severity.ERROR,
        "formula-no-value",
        "主要工作!E2",
    )
    assert finding.text("zh") == "该单元格是公式，但没有计算结果。"


def test_an_excel_error_value_is_an_error(tmp_path: Path) -> None:
    path = _formula_at(tmp_path, "E2", '<c r="E2" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    [finding] = validate(path).findings
    assert (finding.code, finding.place) == ("formula-error", "主要工作!E2")
    assert "#DIV/0!" in finding.text("en")


def test_typed_cells_the_letter_leaves_out_are_named(changed: Callable[..., Path]) -> None:
    def scribble(book: Any) -> None:
        work = book["主要工作"]
        work["G1"] = "备注"  # an extra column
        work["G3"] = "请张三核实"
        work["K40"] = "右边和下面的话"  # text outside the table
        work["B3"] = "加强领导抓规划"  # the same title again: used, not listed
        work["F30"] = "已定稿"  # a status on an otherwise empty row
        book["基本信息"]["D2"] = "旁注"
        book["基本信息"]["C2"] = "改过的填写说明"  # instructions column: not input
        book.create_sheet("草稿")["A1"] = "随手记"

    path = changed(scribble)
    # 主要工作!F30 holds a 状态 (review mark): read by the 待修改 check, so not unused
    assert _found(path) == [
        ("warning", "cell-unused", "基本信息!D2"),
        ("warning", "cell-unused", "主要工作!G1"),
        ("warning", "cell-unused", "主要工作!G3"),
        ("warning", "cell-unused", "主要工作!K40"),
        ("warning", "sheet-unused", "草稿"),
    ]
    [note] = _only(path, "cell-unused")[2:3]
    assert note.text("zh") == "此内容不会写入公文：“请张三核实”。"


def test_unused_cells_beyond_the_first_ones_are_counted(changed: Callable[..., Path]) -> None:
    def scribble(book: Any) -> None:
        for row in range(2, 2 + UNUSED_SHOWN + 5):
            book["主要工作"][f"H{row}"] = f"备注{row}"

    path = changed(scribble)
    assert len(_only(path, "cell-unused")) == UNUSED_SHOWN
    [rest] = _only(path, "cells-unused")
    assert rest.text("en") == "5 more cells on this sheet are not used in the document."


def test_a_field_row_typed_twice_lists_the_second(changed: Callable[..., Path]) -> None:
    def twice(book: Any) -> None:
        book["基本信息"]["A12"] = "发文机关"
        book["基本信息"]["B12"] = "另一个机关"

    path = changed(twice)
    assert ("warning", "cell-unused", "基本信息!B12") in _found(path)
