"""init --from: next year's workbook keeps the structure, moves figures and marks text 待修改."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportgen.api import validate
from reportgen.core.errors import OutputError, Severity, ValidationFailed
from reportgen.core.model import Indicator, Report, Section
from reportgen.schema.load import load_schema
from reportgen.workbook.write import write_workbook
from reportgen.yearly.carry import carry_forward, default_target

from .conftest import EXAMPLE, LEAD_ONLY, SECTION_LEAD, example_with_leads


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _with_figures(tmp_path: Path, title: str = "") -> tuple[Path, Report]:
    """The example with indicator rows in 基本数据 (and optionally a title typed by hand)."""
    report = validate(EXAMPLE).report
    assert report is not None
    first = report.parts[0]
    figures = (Indicator("受理行政案件", 1234, 1100, "件"), Indicator("结案率", 98.5, None, "%"))
    section = Section("办理行政案件情况", indicators=figures)
    parts = (dataclasses.replace(first, sections=(section, *first.sections[1:])),)
    report = dataclasses.replace(
        report, parts=parts + report.parts[1:], title=title or report.title
    )
    path = tmp_path / "2018.xlsx"
    write_workbook(path, load_schema("letter"), report)
    return path, report


def test_next_years_workbook(tmp_path: Path) -> None:
    last, report = _with_figures(tmp_path)
    before = _digest(last)
    result = carry_forward(last)
    assert result.path == tmp_path / "2019.xlsx" and result.year == 2019
    assert _digest(last) == before
    book = load_workbook(result.path)
    info = {row[0].value: row for row in book["基本信息"].iter_rows(min_row=2)}
    assert info["年度"][1].value == 2019
    assert info["标题"][1].value is None  # the default title follows the year
    assert info["成文日期"][1].value is None and info["发文字号"][1].value is None
    assert info["发文机关"][1].value == report.issuer
    assert info["主送机关"][1].value == report.recipient
    assert (info["开头"][1].value, info["开头"][3].value) == (report.intro, "待修改")
    data = [tuple(c.value for c in row) for row in book["基本数据"].iter_rows(min_row=2, max_row=3)]
    assert data == [
        (1, "办理行政案件情况", None, "受理行政案件", None, 1234, "件", "待修改"),
        (1, None, None, "结案率", None, 98.5, "%", "待修改"),
    ]
    work = book["主要工作"]
    assert work["D2"].value == "强化组织领导" and work["F2"].value == "待修改"
    assert book["存在不足"]["D2"].value == "待修改"  # the lead sentence row
    assert result.figures == 2
    assert result.pending == 4 + 18 + 4 + 1  # 基本数据, 主要工作, 存在不足 rows and 开头


def test_the_carried_workbook_warns_for_each_row_to_review(tmp_path: Path) -> None:
    result = carry_forward(EXAMPLE, tmp_path / "2019.xlsx")
    findings = validate(result.path).findings
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.code == "pending-review"]
    assert [(f.code, f.place) for f in errors] == [("required-empty", "基本信息!B7")]
    assert len(warnings) == result.pending == 26
    first = warnings[0]
    assert first.place == "基本信息!D8"
    assert first.text("zh") == "“开头”由上年结转而来，仍标为“待修改”。"
    assert any(f.place == "主要工作!F2" and "强化组织领导" in f.text("en") for f in warnings)


def test_a_title_typed_by_hand_gets_the_new_year_and_is_marked(tmp_path: Path) -> None:
    last, _report = _with_figures(tmp_path, title="杭州市公安局关于报送2018年度法治工作情况的函")
    result = carry_forward(last, tmp_path / "next.xlsx", year=2020)
    info = {row[0].value: row for row in load_workbook(result.path)["基本信息"].iter_rows()}
    assert info["标题"][1].value == "杭州市公安局关于报送2020年度法治工作情况的函"
    assert info["标题"][3].value == "待修改"
    assert info["年度"][1].value == 2020


def test_refuses_to_overwrite_and_never_writes_over_the_last_workbook(tmp_path: Path) -> None:
    last, _report = _with_figures(tmp_path)
    target = tmp_path / "2019.xlsx"
    target.write_bytes(b"keep")
    with pytest.raises(OutputError, match="already exists"):
        carry_forward(last, target)
    assert target.read_bytes() == b"keep"
    with pytest.raises(OutputError, match="being carried over"):
        carry_forward(last, last, force=True)


def test_a_workbook_with_errors_is_not_carried(tmp_path: Path, edited) -> None:  # noqa: ANN001
    broken = edited({("基本信息", "B2"): None})
    with pytest.raises(ValidationFailed):
        carry_forward(broken, tmp_path / "next.xlsx")
    assert not (tmp_path / "next.xlsx").exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2018.xlsx", "2019.xlsx"),
        ("公安局2018年.xlsx", "公安局2019年.xlsx"),
        ("报告.xlsx", "报告-2019.xlsx"),
    ],
)
def test_default_target_names(name: str, expected: str) -> None:
    assert default_target(Path("/x") / name, 2018, 2019) == Path("/x") / expected


@pytest.mark.parametrize("year", [2018, 2017])
def test_a_year_not_after_the_workbooks_is_refused(tmp_path: Path, year: int) -> None:
    # --year 2018 on the 2018 workbook moved 2018's figures to 上年 of a "2018" workbook
    with pytest.raises(OutputError) as caught:
        carry_forward(EXAMPLE, tmp_path / "next.xlsx", year=year)
    assert caught.value.text("en") == (
        f"--year {year} is not after {EXAMPLE}'s year 2018: init --from makes the following "
        "year's workbook. Give a later year, or leave --year out for 2019."
    )
    assert list(tmp_path.iterdir()) == []


def test_section_leads_are_carried_and_marked_for_review(tmp_path: Path) -> None:
    last = tmp_path / "2018.xlsx"
    write_workbook(last, load_schema("letter"), example_with_leads())
    result = carry_forward(last)
    work = load_workbook(result.path)["主要工作"]
    rows = [tuple(c.value for c in row) for row in work.iter_rows(min_row=2, max_row=21)]
    assert rows[0] == (1, "加强领导抓规划", "导语", None, SECTION_LEAD, "待修改")
    assert rows[19] == (6, "推进数字法治", "导语", None, LEAD_ONLY, "待修改")
    warnings = [f for f in validate(result.path).findings if f.code == "pending-review"]
    assert len(warnings) == result.pending == 26 + 2
    leads = [f.text("zh") for f in warnings if f.place in ("主要工作!F2", "主要工作!F21")]
    assert leads == [
        "“加强领导抓规划 · 导语”由上年结转而来，仍标为“待修改”。",
        "“推进数字法治 · 导语”由上年结转而来，仍标为“待修改”。",
    ]
    book = load_workbook(result.path)
    book["基本信息"]["B7"] = "2019-12-20"  # what staff type before the carried one validates
    book.save(result.path)
    carried = validate(result.path).report
    assert carried is not None
    assert [s.text for s in carried.parts[1].sections] == [SECTION_LEAD] + [""] * 4 + [LEAD_ONLY]
