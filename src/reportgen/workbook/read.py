"""The Excel workbook staff fill (工作簿): writing a blank or filled one, and reading one back.

openpyxl stays inside this module. Reading yields plain cells (value + coordinate) per sheet;
the validator turns them into the report model.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.core.errors import OutputError, WorkbookError
from reportgen.core.files import atomic_path
from reportgen.core.i18n import _
from reportgen.core.model import Part, Report, Section
from reportgen.schema.spec import TEMPLATE_TAG, FieldSpec, PartSpec, Schema
from reportgen.schema.titles import fill_title
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
from reportgen.workbook.package import (
    SheetExtras,
    check_file_kind,
    column_letter,
    lock_file,
    scan_sheets,
)

CellValue = Any  # str | int | float | datetime | None, as openpyxl gives them
# The workbook remembers its template in its 类别 (category) property, e.g. "reportgen:letter".


@dataclass(frozen=True)
class Cell:
    """One cell as read: its value and where it is (``B7``)."""

    value: CellValue
    ref: str


@dataclass(frozen=True)
class SheetData:
    """A sheet as read: its rows of cells, header row first, trailing empty rows dropped."""

    name: str
    rows: tuple[tuple[Cell, ...], ...]
    hidden: bool = False
    truncated: bool = False  # reading stopped after READ_ROW_LIMIT non-empty rows
    extras: SheetExtras = SheetExtras()


@dataclass(frozen=True)
class WorkbookData:
    """A whole workbook as read, sheets by name."""

    path: Path
    sheets: dict[str, SheetData]
    template: str = ""  # the template named in the workbook's properties, if any
    lock_file: str = ""  # Excel's ~$ file beside it: the workbook is open, maybe unsaved


# ---------------------------------------------------------------- reading

# Reading a sheet stops after this many non-empty rows, so a huge sheet is refused quickly
# (the schema's max_rows is the real limit) instead of being read for minutes.
READ_ROW_LIMIT = 10_000
# Excel's largest exact integer; whole numbers below it read back as int, as openpyxl gives them.
_EXACT_INT = 2**53
# A worksheet cell holding an error value (#N/A, #REF! …): t="e" in the sheet XML, the
# element written <c …> or with a namespace prefix, <x:c …>.
_ERROR_CELL = re.compile(rb"""<(?:\w+:)?c\b[^>]*\bt\s*=\s*["']e["']""")


def read_workbook(path: Path, row_limit: int = READ_ROW_LIMIT) -> WorkbookData:
    """Read every sheet's values (cached values for formulas); never writes to ``path``.

    The reader is python-calamine (Rust), about ten times faster than openpyxl's read-only
    mode because it skips the formatted-but-empty cells a template workbook is full of. It
    turns error cells (#N/A …) into blanks, so a workbook holding any is read with openpyxl,
    which keeps them as text: both readers give the checks the same values.
    """
    check_file_kind(path)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it drops (extensions, styles); those are
            # nothing staff can act on, and a bad date serial is caught later as #VALUE!.
            warnings.simplefilter("ignore")
            content = path.read_bytes()
            package = zipfile.ZipFile(io.BytesIO(content))
            _refuse_entities(package)
            category = _category(package)
            read = _openpyxl_sheets if _has_error_cells(package) else _calamine_sheets
            sheets = read(content, row_limit)
            extras = scan_sheets(path)
    except Exception as exc:
        # openpyxl, calamine and zipfile raise nearly any exception type on a damaged or
        # hostile file (BadZipFile, zlib.error, KeyError, ParseError, TypeError …); for the
        # user all of them mean the same thing, so they become one WorkbookError naming it.
        raise _unreadable(path, exc) from exc
    for name, sheet_extras in extras.items():
        if name in sheets:
            sheets[name] = dataclasses.replace(sheets[name], extras=sheet_extras)
    lock = lock_file(path)
    return WorkbookData(path, sheets, _template_of(category), lock.name if lock else "")


def _refuse_entities(package: zipfile.ZipFile) -> None:
    """Refuse XML that declares entities (the shape of an XML bomb), as defusedxml does for
    openpyxl: calamine would not expand them, but Excel never writes them either."""
    from defusedxml import EntitiesForbidden

    for name in package.namelist():
        if name.endswith((".xml", ".rels")) and b"<!ENTITY" in package.read(name):
            raise EntitiesForbidden(name, None, None, None, None, None)


def _category(package: zipfile.ZipFile) -> str:
    """The workbook's 类别 (category) property, where reportgen notes the template."""
    from defusedxml.ElementTree import fromstring  # refuses XML bombs, as openpyxl does

    try:
        core = package.read("docProps/core.xml")
    except KeyError:
        return ""  # no properties: the template is then found by its sheets
    node = fromstring(core).find(
        "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}category"
    )
    return (node.text or "") if node is not None else ""


def _has_error_cells(package: zipfile.ZipFile) -> bool:
    """Whether any worksheet holds an error value (#N/A, #REF! …)."""
    names = (n for n in package.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    return any(_ERROR_CELL.search(package.read(name)) for name in names)


def _template_of(category: str) -> str:
    return category[len(TEMPLATE_TAG) :] if category.startswith(TEMPLATE_TAG) else ""


def _calamine_sheets(content: bytes, row_limit: int) -> dict[str, SheetData]:
    """Every worksheet through python-calamine, values made the same as openpyxl's."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    with CalamineWorkbook.from_filelike(io.BytesIO(content)) as book:
        return {
            meta.name: _sheet_data(
                meta.name,
                (
                    [_as_openpyxl_value(v) for v in row]
                    for row in book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
                ),
                hidden=meta.visible != SheetVisibleEnum.Visible,
                row_limit=row_limit,
            )
            for meta in book.sheets_metadata
            if meta.typ == SheetTypeEnum.WorkSheet
        }


def _as_openpyxl_value(value: CellValue) -> CellValue:
    """A calamine value as openpyxl gives it: None for empty, int for whole numbers,
    datetime for dates (calamine gives a date when the time is midnight)."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_INT:
        return int(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return value


def _openpyxl_sheets(content: bytes, row_limit: int) -> dict[str, SheetData]:
    """Every worksheet through openpyxl's read-only mode (cached values for formulas)."""
    from openpyxl import load_workbook

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


def _sheet_data(
    name: str, values: Iterable[Iterable[CellValue]], *, hidden: bool, row_limit: int
) -> SheetData:
    """Rows of values as cells with coordinates (``B7``), at most ``row_limit`` non-empty
    rows, trailing empty rows dropped."""
    rows: list[tuple[Cell, ...]] = []
    filled, truncated = 0, False
    for r, row in enumerate(values, start=1):
        cells = _row_cells(r, tuple(row))
        rows.append(cells)
        if cells:
            filled += 1
            if filled > row_limit:
                truncated = True
                break
    while rows and not rows[-1]:
        rows.pop()
    return SheetData(name=name, rows=tuple(rows), hidden=hidden, truncated=truncated)


def _unreadable(path: Path, exc: Exception) -> WorkbookError:
    """The one message for a workbook that cannot be read, refusing unsafe XML by name."""
    from defusedxml import DefusedXmlException

    causes = _causes(exc)
    if any(isinstance(e, DefusedXmlException) for e in causes):
        return WorkbookError(
            _(
                "{file}: the workbook contains XML that could be an attack (entity "
                "declarations); it was refused. Open it in Excel or WPS and save it as .xlsx."
            ),
            file=str(path),
        )
    if any(isinstance(e, zipfile.BadZipFile | zlib.error | EOFError) for e in causes):
        return WorkbookError(
            _(
                "{file}: the file is damaged or incomplete (was it copied while still being "
                "saved?). Copy it again from where it was saved, or open and re-save it."
            ),
            file=str(path),
        )
    return WorkbookError(
        _(
            "{file}: not a readable .xlsx workbook ({error}). Save it from "
            "Excel or WPS as .xlsx and try again."
        ),
        file=str(path),
        error=type(exc).__name__,
    )


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions it wraps (openpyxl re-raises parse errors as ValueError)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _row_cells(row: int, values: tuple[CellValue, ...]) -> tuple[Cell, ...]:
    """One row's cells up to its last non-empty one."""
    last = len(values)
    while last and _blank(values[last - 1]):
        last -= 1
    return tuple(Cell(_unescaped(values[c]), f"{column_letter(c + 1)}{row}") for c in range(last))


def _unescaped(value: CellValue) -> CellValue:
    """Text with Excel's escapes of characters XML cannot hold (_x000B_ for a vertical tab)
    turned back into those characters, which openpyxl leaves as they are; text cleaning
    then removes them instead of printing "_x000B_" in the letter."""
    if isinstance(value, str) and "_x" in value:
        from openpyxl.utils.escape import unescape

        return unescape(value)
    return value


def _blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- writing


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
        part = _find_part(report, spec)
        _write_part(book.create_sheet(spec.sheet), spec, part, marks)
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


def default_title(schema: Schema, report: Report) -> str:
    """The title the schema gives ``report`` when none is typed; empty if it cannot be formed."""
    values = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)}
    try:
        return fill_title(schema.default_title, {**values, **report.extra})
    except (KeyError, IndexError, ValueError):
        return ""


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


def _find_part(report: Report | None, spec: PartSpec) -> Part | None:
    if report is None:
        return None
    return next((p for p in report.parts if p.key == spec.key), None)


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
            "2. 填好后运行 reportgen validate 本文件，按提示逐项修改；没有错误后运行 reportgen build 本文件。",
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
        lines.append((f"工作表“{part.sheet}”（正文第 {number} 部分{heading}，{required}）", True))
        lines.append((part.help, False))
        if part.kind == "sections":
            lines.append((SECTION_LEAD_HELP, False))
    return lines


# Said for every part of the sections kind, whatever its schema's help says.
SECTION_LEAD_HELP = (
    f"节标题之后、“一是”之前的文字（导语）单独填一行：节序填本节的序号，要点序填“{LEAD_MARKER}”，"
    "文字填在要点内容里，要点标题不填；每节至多一行导语，不论放在哪一行都排在各要点之前。"
    "没有要点的节只填这一行导语即可。"
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


def _write_part(ws: Any, spec: PartSpec, part: Part | None, marks: Marks) -> None:
    """One part sheet: header, widths, wrapping, validation, and the part's rows if any."""
    from openpyxl.styles import Alignment

    columns = columns_for(spec.kind)
    _header_style(ws, tuple(c.header for c in columns), tuple(c.comment for c in columns))
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = column.width
    rows = _part_rows(spec.kind, part, marks.carry_figures)
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


def _part_rows(kind: str, part: Part | None, carry: bool = False) -> list[tuple[CellValue, ...]]:
    """The data rows of a part sheet, in its kind's column order."""
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


# ---------------------------------------------------------------- corrected copy


def write_corrected_copy(source: Path, target: Path, fixes: dict[tuple[str, str], str]) -> int:
    """Copy ``source`` to ``target`` with the text of some cells replaced; how many changed.

    The copy is a full openpyxl load and save, so formulas, styles, comments and dropdowns
    stay; a cell whose text is not what was validated (or holds a formula) is left alone.
    """
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings(), source.open("rb") as handle:
            warnings.simplefilter("ignore")  # see read_workbook
            book = load_workbook(handle)
    except Exception as exc:  # the same damaged-file family as in read_workbook
        raise _unreadable(source, exc) from exc
    changed = 0
    for (sheet, ref), text in sorted(fixes.items()):
        cell = book[sheet][ref]
        if isinstance(cell.value, str) and not cell.value.startswith("="):
            cell.value = text
            changed += 1
    with atomic_path(target) as tmp:
        book.save(tmp)
    return changed
