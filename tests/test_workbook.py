"""The workbook staff fill: what init writes, and that a written report reads back the same."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportgen.api import init_workbook, validate
from reportgen.core.errors import OutputError
from reportgen.schema.load import load_schema
from reportgen.workbook.layout import headers_for
from reportgen.workbook.read import read_workbook
from reportgen.workbook.write import write_workbook
from reportgen.yearly.diff import diff_workbooks

from .conftest import EXAMPLE, EXAMPLE_ANNUAL, LETTER, ROOT, example_with_leads


def test_init_lays_out_every_sheet_from_the_schema(tmp_path: Path) -> None:
    path = init_workbook(tmp_path / "new.xlsx", year=2019)
    book = load_workbook(path)
    schema = load_schema("letter")
    assert book.sheetnames == ["说明", "基本信息", "基本数据", "主要工作", "存在不足"]
    assert book.properties.category == "reportgen:letter"
    info = book["基本信息"]
    assert [info.cell(row=r, column=1).value for r in range(2, 2 + len(schema.fields))] == [
        f.label for f in schema.fields
    ]
    assert info["B4"].value == 2019
    assert info["B9"].value == "特此函告。"
    for part in schema.parts:
        sheet = book[part.sheet]
        assert tuple(c.value for c in sheet[1]) == headers_for(part.kind)
        assert sheet.freeze_panes == "A2"
        assert all(c.comment is not None for c in sheet[1])
        assert sheet.data_validations.dataValidation
    assert book["存在不足"]["A2"].value == "导语"


def test_instructions_are_generated_from_the_schema(tmp_path: Path) -> None:
    book = load_workbook(init_workbook(tmp_path / "new.xlsx"))
    text = "\n".join(str(row[0].value) for row in book["说明"].iter_rows())
    for field in load_schema("letter").fields:
        assert field.label in text
    assert "工作表“主要工作”" in text


def test_a_written_report_reads_back_equal(tmp_path: Path) -> None:
    schema = load_schema("letter")
    report = validate(EXAMPLE).report
    assert report is not None
    copy = tmp_path / "copy.xlsx"
    write_workbook(copy, schema, report)
    assert validate(copy).report == report


def test_annual_workbook_follows_its_schema(tmp_path: Path) -> None:
    path = init_workbook(tmp_path / "annual.xlsx", template="annual-report", year=2024)
    book = load_workbook(path)
    schema = load_schema("annual-report")
    assert book.sheetnames == ["说明", "基本信息", *(p.sheet for p in schema.parts)]
    assert book.properties.category == "reportgen:annual-report"
    info = book["基本信息"]
    assert info["B9"].value == "特此报告。"
    [closing] = [dv for dv in info.data_validations.dataValidation if "B9" in str(dv.sqref)]
    assert closing.formula1 == '"特此报告。"'
    text = "\n".join(str(row[0].value) for row in book["说明"].iter_rows())
    assert "工作表“第一责任人职责”（正文第 3 部分“党政主要负责人履行" in text
    assert "“{年度}年度推进法治政府建设的主要举措和成效”" in text
    assert "工作表“其他需要报告的情况”（正文第 5 部分，选填" in text


def test_letter_closing_dropdown_offers_the_schema_choices(tmp_path: Path) -> None:
    info = load_workbook(init_workbook(tmp_path / "new.xlsx"))["基本信息"]
    [closing] = [dv for dv in info.data_validations.dataValidation if "B9" in str(dv.sqref)]
    assert closing.formula1 == '"特此函告。,特此函复。,请予函复。"'


def test_annual_example_reads_back_equal(tmp_path: Path) -> None:
    report = validate(EXAMPLE_ANNUAL).report
    assert report is not None
    copy = tmp_path / "copy.xlsx"
    write_workbook(copy, load_schema("annual-report"), report)
    assert validate(copy).report == report


def _types_workbook(path: Path, error_cell: bool = False) -> Path:
    """A workbook with one cell of every kind staff can type, made by code."""
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    values = [1, 1.5, -3, 1e20, "text", " spaced ", True, dt.date(2018, 11, 30)]
    values += [dt.datetime(2018, 11, 30, 8, 0), dt.time(10, 30), "2018-11-30", "=1+1"]
    for row, value in enumerate(values, start=1):
        sheet.cell(row=row, column=2, value=value)
    sheet["D20"] = "far away"
    sheet["A40"].number_format = "0.00"  # formatted but empty: not a row of data
    if error_cell:
        sheet["B30"] = "#N/A"  # openpyxl stores this as an error value (t="e")
    book.create_sheet("hidden").sheet_state = "hidden"
    book.save(path)
    return path


def _openpyxl_sheets(content: bytes, row_limit: int) -> dict:
    """Every worksheet through openpyxl's read-only mode (cached values for formulas): the
    reference the fast reader's values are tested against."""
    from openpyxl import load_workbook

    from reportgen.workbook.read import _sheet_data

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheets = {}
        for ws in book.worksheets:
            # The stored dimension may claim A1:XFD1048576 (formatting on whole columns);
            # dropping it makes openpyxl yield each row only as far as its last cell.
            ws.reset_dimensions()
            hidden = ws.sheet_state != "visible"
            sheets[ws.title] = _sheet_data(
                ws.title, ws.iter_rows(values_only=True), hidden=hidden, row_limit=row_limit
            )
        return sheets
    finally:
        book.close()


@pytest.mark.parametrize("path", ["example", "types"])
def test_fast_reader_gives_what_openpyxl_gives(tmp_path: Path, path: str) -> None:
    from reportgen.workbook import read as workbook

    source = EXAMPLE if path == "example" else _types_workbook(tmp_path / "types.xlsx")
    content = source.read_bytes()
    limit = workbook.READ_ROW_LIMIT
    fast = workbook._calamine_sheets(content, limit)
    assert fast == _openpyxl_sheets(content, limit)
    assert {n: s for n, s in read_workbook(source).sheets.items()} == {
        n: dataclasses.replace(s, extras=read_workbook(source).sheets[n].extras)
        for n, s in fast.items()
    }


def test_error_cells_are_read_as_their_text(tmp_path: Path) -> None:
    data = read_workbook(_types_workbook(tmp_path / "errors.xlsx", error_cell=True))
    assert data.sheets["Sheet"].rows[29][1].value == "#N/A"
    assert data.sheets["hidden"].hidden


@pytest.mark.parametrize(
    ("name", "suggestion"), [("2019", "2019.xlsx"), ("2019.docx", "2019.xlsx"), ("a.csv", "a.xlsx")]
)
def test_a_workbook_name_must_end_in_xlsx(tmp_path: Path, name: str, suggestion: str) -> None:
    # Excel refuses to open an .xlsx package saved under another extension
    with pytest.raises(OutputError) as caught:
        write_workbook(tmp_path / name, load_schema("letter"))
    assert caught.value.text("en") == (
        f"{tmp_path / name}: a workbook's name must end in .xlsx, or Excel and WPS will not "
        f"open it. Try: {tmp_path / suggestion}"
    )
    assert list(tmp_path.iterdir()) == []
    write_workbook(tmp_path / "UPPER.XLSX", load_schema("letter"))


def test_leads_are_written_first_in_their_section_and_read_back_equal(tmp_path: Path) -> None:
    report = example_with_leads()
    path = tmp_path / "leads.xlsx"
    write_workbook(path, load_schema("letter"), report)
    sheet = load_workbook(path)["主要工作"]
    rows = [tuple(c.value for c in row[:5]) for row in sheet.iter_rows(min_row=2, max_row=24)]
    assert rows[0] == (1, "加强领导抓规划", "导语", None, "局党组始终把法治建设摆在突出位置。")
    assert rows[1][:4] == (1, None, 1, "强化组织领导")
    assert rows[19] == (6, "推进数字法治", "导语", None, "全年建成执法数据平台，汇聚案件数据。")
    assert rows[20] == (None,) * 5
    result = validate(path)
    assert result.findings == [] and result.report == report


def test_the_point_number_column_takes_numbers_or_the_lead_marker(tmp_path: Path) -> None:
    book = load_workbook(init_workbook(tmp_path / "new.xlsx"))
    for sheet, column in (("主要工作", "C"), ("存在不足", "A")):
        [rule] = [
            dv
            for dv in book[sheet].data_validations.dataValidation
            if str(dv.sqref).startswith(f"{column}2:")
        ]
        assert (rule.type, rule.errorTitle) == ("custom", "要点序")
        assert rule.formula1 == (
            f'IF(ISNUMBER({column}2),AND({column}2>=1,{column}2=INT({column}2)),{column}2="导语")'
        )
        assert "导语" in book[sheet][f"{column}1"].comment.text
    [section_no] = [
        dv
        for dv in book["主要工作"].data_validations.dataValidation
        if str(dv.sqref).startswith("A2:")
    ]
    assert section_no.type == "whole"  # 节序 stays numbers only


def test_instructions_say_how_to_type_a_sections_lead(tmp_path: Path) -> None:
    for template in ("letter", "annual-report"):
        book = load_workbook(init_workbook(tmp_path / f"{template}.xlsx", template=template))
        text = [str(row[0].value) for row in book["说明"].iter_rows()]
        [lead] = [line for line in text if "要点序填“导语”" in line]
        sections = text.index(lead) - 2  # under the heading of the one sections part
        assert "主要工作" in text[sections] or "主要举措和成效" in text[sections]


@pytest.mark.parametrize(
    ("tool", "source", "example"),
    [
        ("make_example.py", LETTER, EXAMPLE),
        ("make_example_annual.py", None, EXAMPLE_ANNUAL),
    ],
)
def test_the_examples_are_what_their_generators_write(
    tmp_path: Path, tool: str, source: Path | None, example: Path
) -> None:
    """The committed examples give the same report as a fresh run of their generator."""
    if source is not None and not source.exists():
        pytest.skip(f"{source} not found")
    target = tmp_path / example.name
    inputs = [str(source)] if source is not None else []
    subprocess.run([sys.executable, str(ROOT / "tools" / tool), *inputs, str(target)], check=True)
    assert diff_workbooks(example, target).equal
