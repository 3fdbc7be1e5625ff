"""Reading the Excel workbook staff filled (读取工作簿): plain cells (value + coordinate) per sheet.

openpyxl and python-calamine stay inside this subpackage; the validator turns the cells into
the report model.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import warnings
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.core.errors import ReportgenError, WorkbookError
from reportgen.core.i18n import _
from reportgen.schema.spec import TEMPLATE_TAG
from reportgen.workbook.package import (
    SheetExtras,
    check_file_kind,
    checked_package,
    column_index,
    column_letter,
    lock_file,
    scan_sheets,
    split_ref,
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
# (the schema's max_rows is the real limit) instead of being read for minutes. How far out a
# cell may lie, and how large the package may be, is limited in ``package``.
READ_ROW_LIMIT = 10_000
# Excel's largest exact integer; whole numbers below it read back as int, as openpyxl gives them.
_EXACT_INT = 2**53


def read_workbook(path: Path, row_limit: int = READ_ROW_LIMIT) -> WorkbookData:
    """Read every sheet's values (cached values for formulas); never writes to ``path``.

    The package is first copied within size limits and its sheets scanned (``package``), so
    that no reader meets a zip bomb or a cell far outside the table. The reader is
    python-calamine (Rust), about ten times faster than openpyxl's read-only mode because it
    skips the formatted-but-empty cells a template workbook is full of. It turns error cells
    (#N/A …) into blanks; the scan keeps their text, which is put back, as openpyxl gives it.
    """
    check_file_kind(path)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it drops (extensions, styles); those are
            # nothing staff can act on, and a bad date serial is caught later as #VALUE!.
            warnings.simplefilter("ignore")
            content = checked_package(path)
            extras = scan_sheets(path, content)
            category = _category(zipfile.ZipFile(io.BytesIO(content)))
            errors = {name: e.errors for name, e in extras.items() if e.errors}
            sheets = _calamine_sheets(content, row_limit, errors)
    except ReportgenError:
        raise  # a limit of ``package``, with its own message
    except Exception as exc:
        # openpyxl, calamine and zipfile raise nearly any exception type on a damaged or
        # hostile file (BadZipFile, zlib.error, KeyError, ParseError, TypeError …); for the
        # user all of them mean the same thing, so they become one WorkbookError naming it.
        raise unreadable(path, exc) from exc
    for name, sheet_extras in extras.items():
        if name in sheets:
            sheets[name] = dataclasses.replace(sheets[name], extras=sheet_extras)
    lock = lock_file(path)
    return WorkbookData(path, sheets, _template_of(category), lock.name if lock else "")


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


def _template_of(category: str) -> str:
    return category[len(TEMPLATE_TAG) :] if category.startswith(TEMPLATE_TAG) else ""


def _calamine_sheets(
    content: bytes, row_limit: int, errors: dict[str, tuple[tuple[str, str], ...]] | None = None
) -> dict[str, SheetData]:
    """Every worksheet through python-calamine, values made the same as openpyxl's; the
    error values ``errors`` gives by sheet (cell, text) put back where calamine has blanks."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    with CalamineWorkbook.from_filelike(io.BytesIO(content)) as book:
        return {
            meta.name: _sheet_data(
                meta.name,
                _with_errors(
                    [
                        [_as_openpyxl_value(v) for v in row]
                        for row in book.get_sheet_by_name(meta.name).to_python(
                            skip_empty_area=False
                        )
                    ],
                    (errors or {}).get(meta.name, ()),
                ),
                hidden=meta.visible != SheetVisibleEnum.Visible,
                row_limit=row_limit,
            )
            for meta in book.sheets_metadata
            if meta.typ == SheetTypeEnum.WorkSheet
        }


def _with_errors(
    rows: list[list[CellValue]], errors: tuple[tuple[str, str], ...]
) -> list[list[CellValue]]:
    """``rows`` with each error cell's text (#N/A …) at its place, rows grown as needed."""
    for ref, text in errors:
        letters, number = split_ref(ref)
        column = column_index(letters)
        while len(rows) < number:
            rows.append([])
        row = rows[number - 1]
        row.extend([None] * (column - len(row)))
        row[column - 1] = text
    return rows


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


def unreadable(path: Path, exc: Exception) -> WorkbookError:
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
