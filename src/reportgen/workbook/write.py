"""Writing the workbook staff fill (生成工作簿): blank from a schema, or filled from a report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.core.errors import OutputError
from reportgen.core.files import atomic_path
from reportgen.core.i18n import _
from reportgen.core.model import Part, Report, Section
from reportgen.schema.spec import TEMPLATE_TAG, FieldSpec, PartSpec, Schema
from reportgen.schema.titles import default_title
from reportgen.workbook.layout import (
    INFO_HEADERS,
    INSTRUCTIONS_SHEET,
    LEAD_MARKER,
    PENDING,
    STATUS,
    STATUS_VALUES,
    Column,
    columns_for,
)
from reportgen.workbook.read import CellValue


@dataclass(frozen=True)
class Marks:
    """How a filled workbook departs from its report: for imports and next year's workbooks."""

    blank: frozenset[str] = frozenset()  # 基本信息 fields left empty (unknown or cleared)
    review: frozenset[str] = frozenset()  # 基本信息 fields whose 状态 is 待修改
    review_rows: bool = False  # every part row's 状态 is 待修改 (carried over from last year)
    carry_figures: bool = False  # indicator 本年 written under 上年, 本年 left empty


@dataclass(frozen=True)
class ExtraSheet:
    """A sheet after the parts that the document does not use (e.g. 未识别内容)."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[tuple[CellValue, ...], ...]
    widths: tuple[int, ...] = (10, 90, 40)


def write_workbook(
    path: Path,
    schema: Schema,
    report: Report | None = None,
    year: int | None = None,
    marks: Marks | None = None,
    extra: ExtraSheet | None = None,
) -> None:
    """Write a workbook for ``schema``: blank, or filled from ``report``; whole or not at all."""
    from openpyxl import Workbook

    require_xlsx_name(path)
    marks = marks or Marks()
    book = Workbook()
    book.properties.category = TEMPLATE_TAG + schema.name
    book.properties.creator = "reportgen"
    _write_instructions(book.active, schema)
    _write_info(book.create_sheet(schema.info_sheet), schema, report, year, marks)
    for spec in schema.parts:
        parts = _find_parts(report, spec)
        _write_part(book.create_sheet(spec.sheet), spec, parts, marks)
    if extra is not None:
        _write_extra(book.create_sheet(extra.name), extra)
    with atomic_path(path) as tmp:
        book.save(tmp)


def require_xlsx_name(path: Path) -> None:
    """Refuse to write a workbook under a name Excel would not open (``init 2019``)."""
    if path.suffix.lower() == ".xlsx":
        return
    better = path.with_suffix(".xlsx") if path.suffix else path.with_name(path.name + ".xlsx")
    raise OutputError(
        _(
            "{file}: a workbook's name must end in .xlsx, or Excel and WPS will not open it. "
            "Try: {suggestion}"
        ),
        file=str(path),
        suggestion=str(better),
    )


def _write_extra(ws: Any, extra: ExtraSheet) -> None:
    """A plain sheet of rows under a frozen header, text wrapped."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    _header_style(ws, extra.headers, ("",) * len(extra.headers))
    for index, width in enumerate(extra.widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for values in extra.rows:
        ws.append(list(values))
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _find_parts(report: Report | None, spec: PartSpec) -> tuple[Part, ...]:
    """The report's parts from ``spec``'s sheet: one, or a free-headings sheet's several."""
    if report is None:
        return ()
    return tuple(p for p in report.parts if p.key == spec.key)


def _header_style(ws: Any, headers: tuple[str, ...], comments: tuple[str, ...]) -> None:
    """Bold, shaded, commented header row, frozen so it stays visible while scrolling."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, (header, comment) in enumerate(zip(headers, comments, strict=False), start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", horizontal="center")
        if comment:
            cell.comment = Comment(comment, "reportgen", width=300, height=120)
    ws.freeze_panes = "A2"


def _write_instructions(ws: Any, schema: Schema) -> None:
    """The 说明 sheet: how to fill the workbook, generated from the schema."""
    from openpyxl.styles import Alignment, Font

    ws.title = INSTRUCTIONS_SHEET
    ws.column_dimensions["A"].width = 110
    for text, bold in _instruction_lines(schema):
        ws.append([text])
        cell = ws.cell(row=ws.max_row, column=1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(bold=bold, size=13 if bold else 11)


def _instruction_lines(schema: Schema) -> list[tuple[str, bool]]:
    """The lines of the 说明 sheet, each with whether it is a heading."""
    lines = [
        (f"填写说明：{schema.description}（模板 {schema.name}，版本 {schema.version}）", True),
        (
            "1. 按各工作表填写，不要改工作表名称和第一行表头；编号（一、（一）、一是）由程序生成。",
            False,
        ),
        (
            "2. 填好后，在 reportgen 网页（reportgen serve）的“检查与生成”页上传本文件，按提示逐项修改，"
            "没有错误后在同一页下载公文；也可运行 reportgen validate 本文件、reportgen build 本文件。",
            False,
        ),
        ("3. 表头单元格的批注说明该列填什么。标 * 的项目必须填写。", False),
        (f"工作表“{schema.info_sheet}”", True),
    ]
    for spec in schema.fields:
        star = "*" if spec.required and not spec.default else ""
        lines.append((f"{star}{spec.label}：{spec.help}", False))
    for number, part in enumerate(schema.parts, start=1):
        required = "必填" if part.required else "选填，不填则正文不含这一部分"
        title = schema.readable(part.title)
        heading = f"“{title}”" if title != part.sheet else ""
        # After a free-headings part the number of a part depends on how many headings it has.
        free = any(p.kind == "headings" for p in schema.parts[:number])
        place = f"正文的一级标题{heading}" if part.kind == "headings" else f"正文一部分{heading}"
        place = place if free else f"正文第 {number} 部分{heading}"
        lines.append((f"工作表“{part.sheet}”（{place}，{required}）", True))
        lines.append((part.help, False))
        if part.kind == "sections":
            lines.append((SECTION_LEAD_HELP, False))
        if part.kind == "headings":
            lines.append((HEADINGS_HELP, False))
    return lines


# Said for every part of the sections kind, whatever its schema's help says.
SECTION_LEAD_HELP = (
    f"节标题之后、“一是”之前的文字（导语）单独填一行：节序填本节的序号，要点序填“{LEAD_MARKER}”，"
    "文字填在要点内容里，要点标题不填；每节至多一行导语，不论放在哪一行都排在各要点之前。"
    "没有要点的节只填这一行导语即可。"
)


# Said for every part of the headings kind: how its rows make the headings.
HEADINGS_HELP = (
    "每个一级标题占若干行，标题序相同：标题只在第一行填写，编号“一、二、”由程序生成，"
    "与其他部分连续编号。标题下直接写“一是、二是”的，节序不填，要点序填 1、2、3……；"
    f"标题下分（一）（二）节的，填节序和节标题，每节的要点照此填写。要点序填“{LEAD_MARKER}”的一行是导语："
    "节序不填时排在标题之下、各要点之前，填了节序时排在这一节的节标题之后。"
)


def _write_info(
    ws: Any, schema: Schema, report: Report | None, year: int | None, marks: Marks
) -> None:
    """The key/value sheet of header fields (基本信息), with a 状态 column last."""
    from openpyxl.styles import Alignment

    helps = ("项目名称，不要修改。", "在这一列填写内容。", "填写要求。", STATUS.comment)
    _header_style(ws, (*INFO_HEADERS, STATUS.header), helps)
    for width, col in zip((14, 80, 60, STATUS.width), "ABCD", strict=False):
        ws.column_dimensions[col].width = width
    for row, spec in enumerate(schema.fields, start=2):
        star = "（必填）" if spec.required and not spec.default else "（选填）"
        ws.cell(row=row, column=1, value=spec.label)
        if spec.key in marks.review:
            ws.cell(row=row, column=4, value=PENDING)
        value = None if spec.key in marks.blank else _info_value(spec, report, year, schema)
        cell = ws.cell(row=row, column=2, value=value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        ws.cell(row=row, column=3, value=f"{star}{spec.help}").alignment = Alignment(
            wrap_text=True, vertical="top"
        )
    _info_validations(ws, schema)


def _info_value(
    spec: FieldSpec, report: Report | None, year: int | None, schema: Schema
) -> CellValue:
    """What a fresh workbook shows for ``spec``: the report's value, the year, or the default.

    A title equal to the default is left empty, so that it follows the issuer and the year.
    """
    if report is not None:
        extra = report.extra
        value = extra[spec.key] if spec.key in extra else getattr(report, spec.key, None)
        if spec.key == "title" and value == default_title(schema, report):
            return None
        return value or None
    if spec.key == "year" and year is not None:
        return year
    return spec.default or None


def _info_validations(ws: Any, schema: Schema) -> None:
    """Whole-number fields, and a dropdown where the schema offers choices (others allowed)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    for row, spec in enumerate(schema.fields, start=2):
        if spec.type == "integer":
            dv = DataValidation(
                type="whole",
                operator="between",
                formula1=str(spec.minimum or 0),
                formula2=str(spec.maximum or 999999),
                showErrorMessage=True,
                error="请填写整数，如 2018",
                errorTitle=spec.label,
            )
        elif spec.choices:
            dv = DataValidation(
                type="list", formula1=f'"{",".join(spec.choices)}"', showErrorMessage=False
            )
        else:
            continue
        ws.add_data_validation(dv)
        dv.add(f"B{row}")
    ws.add_data_validation(_status_validation(f"D2:D{len(schema.fields) + 1}"))


def _status_validation(cells: str) -> Any:
    """The 状态 dropdown: empty, 待修改 or 已定稿."""
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(
        type="list",
        formula1=f'"{",".join(STATUS_VALUES)}"',
        showErrorMessage=True,
        error="留空，或选“待修改”“已定稿”",
    )
    dv.add(cells)
    return dv


def _write_part(ws: Any, spec: PartSpec, parts: tuple[Part, ...], marks: Marks) -> None:
    """One part sheet: header, widths, wrapping, validation, and the part's rows if any."""
    from openpyxl.styles import Alignment

    columns = columns_for(spec.kind)
    _header_style(ws, tuple(c.header for c in columns), tuple(c.comment for c in columns))
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = column.width
    rows = _part_rows(spec.kind, parts, marks.carry_figures)
    status = PENDING if marks.review_rows else None
    for values in rows:
        padded = list(values) + [None] * (len(columns) - 1 - len(values))
        carried = status if any(v not in (None, LEAD_MARKER) for v in values) else None
        ws.append([*padded, carried])
    last = max(len(rows) + 1, 200)
    for index, column in enumerate(columns, start=1):
        if column.type == "text":
            for row in range(2, last + 1):
                ws.cell(row=row, column=index).alignment = Alignment(wrap_text=True, vertical="top")
    _part_validations(ws, columns, last)


def _part_validations(ws: Any, columns: tuple[Column, ...], last: int) -> None:
    """Order columns take whole numbers ≥ 1 (要点序 also 导语); 单位 offers the usual units."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column.key == "point_no":
            dv = _point_no_validation(letter)
        elif column.type == "order":
            dv = DataValidation(
                type="whole",
                operator="greaterThanOrEqual",
                formula1="1",
                error="请填写 1、2、3 这样的序号",
                errorTitle=column.header,
                showErrorMessage=True,
            )
        elif column.key == "unit":
            dv = DataValidation(type="list", formula1='"件,人,次,项,个,%"', showErrorMessage=False)
        elif column.key == "status":
            ws.add_data_validation(_status_validation(f"{letter}2:{letter}{last}"))
            continue
        else:
            continue
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{last}")


def _point_no_validation(letter: str) -> Any:
    """要点序 takes a whole number ≥ 1 or the word 导语 (a lead row): a custom rule, since
    Excel's whole-number rule would refuse the word."""
    from openpyxl.worksheet.datavalidation import DataValidation

    cell = f"{letter}2"
    return DataValidation(
        type="custom",
        # IF, not OR: OR and AND evaluate every argument, and INT(导语) is #VALUE!, which
        # would make the whole rule an error and refuse the word.
        formula1=f'IF(ISNUMBER({cell}),AND({cell}>=1,{cell}=INT({cell})),{cell}="{LEAD_MARKER}")',
        allow_blank=True,
        error=f"请填写 1、2、3 这样的序号，或“{LEAD_MARKER}”",
        errorTitle="要点序",
        showErrorMessage=True,
    )


def _part_rows(
    kind: str, parts: tuple[Part, ...], carry: bool = False
) -> list[tuple[CellValue, ...]]:
    """The data rows of a part sheet, in its kind's column order."""
    if kind == "headings":
        return [row for n, p in enumerate(parts, start=1) for row in _heading_rows(n, p)]
    part = parts[0] if parts else None
    if kind == "points":
        lead = part.lead if part else None
        points = part.points if part else ()
        return [(LEAD_MARKER, None, lead)] + [
            (n, p.title, p.body) for n, p in enumerate(points, start=1)
        ]
    if part is None:
        return []
    if kind == "sections":
        return [row for n, s in enumerate(part.sections, start=1) for row in _section_rows(n, s)]
    return _data_rows(part, carry)


def _section_rows(number: int, section: Section) -> list[tuple[CellValue, ...]]:
    """Rows of one section of a 主要工作 sheet: its 导语 row first if it has a lead, then a
    row per point; the section title only on the first row."""
    rows: list[tuple[CellValue, ...]] = [(LEAD_MARKER, None, section.text)] if section.text else []
    rows += [(n, p.title, p.body) for n, p in enumerate(section.points, start=1)]
    return [(number, section.title if i == 0 else None, *row) for i, row in enumerate(rows)]


def _heading_rows(number: int, part: Part) -> list[tuple[CellValue, ...]]:
    """Rows of one heading of a free-headings sheet: its 导语 row, then its points or the rows
    of its sections; the heading's title only on the first row."""
    rows: list[tuple[CellValue, ...]] = (
        [(None, None, LEAD_MARKER, None, part.lead)] if part.lead else []
    )
    rows += [(None, None, n, p.title, p.body) for n, p in enumerate(part.points, start=1)]
    rows += [row for n, s in enumerate(part.sections, start=1) for row in _section_rows(n, s)]
    return [(number, part.title if i == 0 else None, *row) for i, row in enumerate(rows)]


def _data_rows(part: Part, carry: bool) -> list[tuple[CellValue, ...]]:
    """Rows of a 基本数据 sheet: one text row per subsection, or one row per indicator.

    With ``carry`` (next year's workbook) this year's figure moves to 上年 and 本年 stays empty.
    """
    rows: list[tuple[CellValue, ...]] = []
    for number, section in enumerate(part.sections, start=1):
        if not section.indicators:
            rows.append((number, section.title, section.text, None, None, None, None))
        for i, ind in enumerate(section.indicators):
            first = i == 0
            rows.append(
                (
                    number,
                    section.title if first else None,
                    section.text if first and section.text else None,
                    ind.name,
                    None if carry else ind.current,
                    ind.current if carry else ind.previous,
                    ind.unit or None,
                )
            )
    return rows
