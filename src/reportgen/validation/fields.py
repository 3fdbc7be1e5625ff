"""The header fields (基本信息): 发文机关, 年度, 成文日期 … read from their sheet and typed.

Each field of the schema is found by its label in column A and parsed by its type (text,
integer, date, 发文字号) from column B; a problem is a finding at that cell.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from reportgen.core.i18n import Message, _
from reportgen.core.text import clean_text
from reportgen.gbt9704.signature import format_date
from reportgen.schema.spec import FieldSpec, Schema
from reportgen.validation.cells import (
    find_sheet,
    headers_match,
    read_text,
    row_number,
    whole_number,
)
from reportgen.validation.findings import Findings
from reportgen.workbook.layout import INFO_HEADERS
from reportgen.workbook.read import Cell, SheetData, WorkbookData

_DATE_TEXT = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")


# The code of the warning for a typed 发文字号: the build drops it, since the build itself says
# whether the document shows the number (structure.not_shown).
DOC_NUMBER_LETTERHEAD = "doc-number-letterhead"
# A date in Chinese numerals, as 成文日期 is printed: 二〇一九年十二月五日. The year's digits
# are written with 〇, ○ (the circle typed for 〇) or 零 for zero; month and day count with 十.
_COUNT_DIGITS = "〇一二三四五六七八九"
_YEAR_DIGITS = {c: i for i, c in enumerate(_COUNT_DIGITS)} | {"○": 0, "零": 0}
_COUNT = "(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_CHINESE_DATE = re.compile(
    rf"^([〇一二三四五六七八九○零]{{4}})\s*年\s*({_COUNT})\s*月\s*({_COUNT})\s*日$"
)
_DOC_NUMBER = re.compile(r"^\S+〔(\d{4})〕([1-9]\d*)号$")


def read_info(data: WorkbookData, schema: Schema, findings: Findings) -> dict[str, Any]:
    """The header fields (发文机关, 年度 …) by key, each parsed to its type."""
    sheet = find_sheet(data, schema.info_sheet, findings)
    if sheet is None or not headers_match(sheet, INFO_HEADERS[:2], findings):
        if sheet is not None:
            findings.unread.add(sheet.name)
        return {}
    rows = _rows_by_label(sheet)
    info: dict[str, Any] = {}
    for spec in schema.fields:
        value = _field_in_row(spec, rows.get(spec.label), sheet.name, findings)
        if value is not None:
            info[spec.key] = value
    _check_date_near_year(info, schema, rows, sheet.name, findings)
    _check_doc_number_printed(info, schema, rows, sheet.name, findings)
    return info


def _value_cell(schema: Schema, key: str, rows: dict[str, tuple[Cell, ...]]) -> tuple[str, str]:
    """The label of field ``key`` and the reference of its value cell (column B)."""
    label = next(f.label for f in schema.fields if f.key == key)
    return label, f"B{row_number(rows[label][0].ref)}"


def _check_date_near_year(
    info: dict[str, Any],
    schema: Schema,
    rows: dict[str, tuple[Cell, ...]],
    sheet: str,
    findings: Findings,
) -> None:
    """A warning for a 成文日期 outside the 年度 and the year after (a report on 2019 is
    signed in 2019 or 2020): 2029年12月5日 for 2019 is a typing slip."""
    date, year = info.get("signature_date"), info.get("year")
    if not isinstance(date, dt.date) or not isinstance(year, int) or year <= date.year <= year + 1:
        return
    label, ref = _value_cell(schema, "signature_date", rows)
    findings.warning(
        "date-far-from-year",
        _("{label} {date} is far from the report's year {year}."),
        _("A report on {year} is signed in {year} or {next}; check the year of the date."),
        sheet=sheet,
        cell=ref,
        label=label,
        date=format_date(date),
        year=year,
        next=year + 1,
    )


def _check_doc_number_printed(
    info: dict[str, Any],
    schema: Schema,
    rows: dict[str, tuple[Cell, ...]],
    sheet: str,
    findings: Findings,
) -> None:
    """A warning for a typed 发文字号: the plain 函 has no place for it, only the 信函格式
    first page (build --letterhead, rendering/letterhead) prints it."""
    if not info.get("doc_number"):
        return
    label, ref = _value_cell(schema, "doc_number", rows)
    findings.warning(
        DOC_NUMBER_LETTERHEAD,
        _("{label} '{value}' is printed only on the 信函格式 first page, not in the plain letter."),
        _("Build with `reportgen build --letterhead` to print it, or leave {label} empty."),
        sheet=sheet,
        cell=ref,
        label=label,
        value=info["doc_number"],
    )


def _rows_by_label(sheet: SheetData) -> dict[str, tuple[Cell, ...]]:
    """The rows under the header by their label in column A; the first wins a repeated label."""
    rows: dict[str, tuple[Cell, ...]] = {}
    for cells in sheet.rows[1:]:
        if cells:
            rows.setdefault(clean_text(cells[0].value)[0], cells)
    return rows


def _field_in_row(
    spec: FieldSpec, row: tuple[Cell, ...] | None, sheet: str, findings: Findings
) -> Any:
    """The field from its row's column B; None when the row is absent (an error if required)."""
    if row is None and not spec.required:
        return None  # a workbook made before this optional field existed has no row for it
    if row is None:
        findings.error(
            "field-row-missing",
            _("The row '{label}' is missing."),
            _("Add a row with '{label}' in column A and its value in column B."),
            sheet=sheet,
            label=spec.label,
        )
        return None
    findings.use(sheet, row[0].ref)
    cell = row[1] if len(row) > 1 else Cell(None, f"B{row_number(row[0].ref)}")
    return _field_value(spec, cell, sheet, findings)


def _field_value(spec: FieldSpec, cell: Cell, sheet: str, findings: Findings) -> Any:
    """One field parsed to its type; None (with an error if it was required) when unusable."""
    findings.use(sheet, cell.ref)
    if clean_text(cell.value)[0] == "":
        if spec.default:
            return spec.default
        if spec.required:
            findings.error(
                "required-empty",
                _("{label} is empty."),
                _("Fill in {label}: {help}"),
                sheet=sheet,
                cell=cell.ref,
                label=spec.label,
                help=spec.help,
            )
        return "" if not spec.required else None
    parse = _PARSERS.get(spec.type, _parse_text)
    return parse(spec, cell, sheet, findings)


def _parse_text(spec: FieldSpec, cell: Cell, sheet: str, findings: Findings) -> str | None:
    text = read_text(cell, sheet, findings, f"field:{spec.key}", spec.label)
    if len(text) > spec.max_length:
        findings.error(
            "text-too-long",
            _("{label} is {length} characters long; at most {limit} are allowed."),
            _("Shorten the text."),
            sheet=sheet,
            cell=cell.ref,
            label=spec.label,
            length=len(text),
            limit=spec.max_length,
        )
        return None
    return text


def _parse_integer(spec: FieldSpec, cell: Cell, sheet: str, findings: Findings) -> int | None:
    number = whole_number(cell.value)
    low, high = spec.minimum, spec.maximum
    if number is not None and (
        (low is not None and number < low) or (high is not None and number > high)
    ):
        findings.error(
            "integer-out-of-range",
            _("{label} {value} is out of range: it must be {range}."),
            _("Type a number {range}, such as {example}."),
            sheet=sheet,
            cell=cell.ref,
            label=spec.label,
            value=number,
            range=_range_text(low, high),
            example=spec.example,
        )
        return None
    if number is None:
        findings.error(
            "not-integer",
            _("{label} must be a whole number, found '{value}'."),
            _("Type a number such as {example}."),
            sheet=sheet,
            cell=cell.ref,
            label=spec.label,
            value=clean_text(cell.value)[0],
            example=spec.example,
        )
        return None
    return number


def _range_text(low: int | None, high: int | None) -> Message:
    """A field's allowed range in words: from 2019 to 2100, at least 2019, at most 2100."""
    if low is not None and high is not None:
        return Message(_("from {low} to {high}"), {"low": low, "high": high})
    if low is not None:
        return Message(_("at least {low}"), {"low": low})
    return Message(_("at most {high}"), {"high": high})


def _parse_date(spec: FieldSpec, cell: Cell, sheet: str, findings: Findings) -> dt.date | None:
    date = parse_date(cell.value)
    if date is None:
        findings.error(
            "not-date",
            _("{label} is not a date: '{value}'."),
            _("Type a date such as 2018-11-30, 2018/11/30, 2018.11.30 or 2018年11月30日."),
            sheet=sheet,
            cell=cell.ref,
            label=spec.label,
            value=clean_text(cell.value)[0],
        )
    return date


def parse_date(value: Any) -> dt.date | None:
    """A date from a date cell or from text in the forms people type; None otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean_text(value)[0]
    match = _DATE_TEXT.match(text)
    numbers = [int(g) for g in match.groups()] if match else _chinese_date(text)
    if numbers is None:
        return None
    try:
        return dt.date(*numbers)
    except ValueError:
        return None


def _chinese_date(text: str) -> list[int] | None:
    """Year, month and day of a date in Chinese numerals (二〇一九年十二月五日), or None."""
    match = _CHINESE_DATE.match(text)
    if not match:
        return None
    year = int("".join(str(_YEAR_DIGITS[c]) for c in match.group(1)))
    return [year, _chinese_count(match.group(2)), _chinese_count(match.group(3))]


def _chinese_count(numeral: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31 (the pattern allows only these shapes)."""
    tens, ten, ones = numeral.rpartition("十")
    if not ten:
        return _COUNT_DIGITS.index(ones)
    return (_COUNT_DIGITS.index(tens) if tens else 1) * 10 + (
        _COUNT_DIGITS.index(ones) if ones else 0
    )


def _parse_docnumber(spec: FieldSpec, cell: Cell, sheet: str, findings: Findings) -> str | None:
    text = _parse_text(spec, cell, sheet, findings)
    if text is not None and not _DOC_NUMBER.match(text):
        findings.error(
            "bad-doc-number",
            _("{label} '{value}' is not in the standard form."),
            _(
                "Write it like 杭公函〔2018〕12号: 〔〕 brackets, a four-digit year, the "
                "number without 第 or leading zeros."
            ),
            sheet=sheet,
            cell=cell.ref,
            label=spec.label,
            value=text,
        )
        return None
    return text


_PARSERS = {
    "text": _parse_text,
    "integer": _parse_integer,
    "date": _parse_date,
    "docnumber": _parse_docnumber,
}
