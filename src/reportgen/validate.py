"""Validation (校验): workbook cells → the report model, with every finding collected.

Nothing stops at the first problem: each check adds a finding naming its sheet and cell, what is
wrong and how to fix it, and the caller decides whether errors block the build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.errors import Finding, Severity
from reportgen.i18n import _
from reportgen.layout import (
    INFO_HEADERS,
    LEAD_MARKER,
    PENDING,
    STATUS,
    UNRECOGNISED_SHEET,
    Column,
    columns_for,
)
from reportgen.model import Indicator, Part, Point, Report, Section
from reportgen.schema import FieldSpec, PartSpec, Schema, fill_title
from reportgen.text import clean_text
from reportgen.workbook import Cell, SheetData, WorkbookData, read_workbook

_DATE_TEXT = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")
_DOC_NUMBER = re.compile(r"^\S+〔(\d{4})〕([1-9]\d*)号$")


@dataclass
class Findings:
    """The findings of one validation run, each stamped with the file it concerns."""

    file: str
    items: list[Finding] = field(default_factory=list)

    def add(
        self,
        severity: Severity,
        code: str,
        message: str,
        hint: str = "",
        sheet: str = "",
        cell: str = "",
        **params: Any,
    ) -> None:
        """Record one finding."""
        self.items.append(Finding(severity, code, message, hint, self.file, sheet, cell, params))

    def error(
        self,
        code: str,
        message: str,
        hint: str = "",
        sheet: str = "",
        cell: str = "",
        **params: Any,
    ) -> None:
        """Record an error: the build will refuse the workbook."""
        self.add(Severity.ERROR, code, message, hint, sheet, cell, **params)

    def warning(
        self,
        code: str,
        message: str,
        hint: str = "",
        sheet: str = "",
        cell: str = "",
        **params: Any,
    ) -> None:
        """Record a warning: shown, but the build goes on."""
        self.add(Severity.WARNING, code, message, hint, sheet, cell, **params)

    @property
    def has_errors(self) -> bool:
        """Whether any finding is an error."""
        return any(f.severity is Severity.ERROR for f in self.items)


@dataclass(frozen=True)
class ValidationResult:
    """What validation found, and the report when there were no errors."""

    findings: list[Finding]
    report: Report | None

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self.report is not None


def validate_workbook(path: Path, schema: Schema) -> ValidationResult:
    """Read ``path`` and check it against ``schema``; never raises for content problems."""
    return validate_data(read_workbook(path), schema)


def validate_data(data: WorkbookData, schema: Schema) -> ValidationResult:
    """Check an already-read workbook against ``schema``."""
    findings = Findings(file=str(data.path))
    report = _build_report(data, schema, findings)
    _review_findings(data, schema, findings)
    return ValidationResult(findings.items, None if findings.has_errors else report)


def _build_report(data: WorkbookData, schema: Schema, findings: Findings) -> Report | None:
    """Every field and part, checked; a Report if all the pieces could be read."""
    info = _read_info(data, schema, findings)
    parts = tuple(_read_part(data, spec, schema, findings) for spec in schema.parts)
    if findings.has_errors:
        return None
    title = info.get("title") or fill_title(schema.default_title, info)
    return Report(
        template=schema.name,
        issuer=info["issuer"],
        recipient=info["recipient"],
        year=info["year"],
        title=title,
        signature_date=info["signature_date"],
        intro=info["intro"],
        closing=info["closing"],
        doc_number=info.get("doc_number", ""),
        classification=info.get("classification", ""),
        retention=info.get("retention", ""),
        # An optional part left blank is not in the report, so the others number without a gap.
        parts=tuple(
            dataclasses.replace(p, title=fill_title(p.title, info))
            for p in parts
            if p is not None and not p.is_empty
        ),
        extra={k: v for k, v in info.items() if k not in _REPORT_FIELDS},
    )


# The fields the Report names as attributes; any other field goes to Report.extra.
_REPORT_FIELDS = frozenset(f.name for f in dataclasses.fields(Report))


# ---------------------------------------------------------------- sheets and headers


def _sheet(data: WorkbookData, name: str, findings: Findings) -> SheetData | None:
    """The sheet called ``name``, or an error saying it is missing and which sheets exist."""
    sheet = data.sheets.get(name)
    if sheet is None:
        findings.error(
            "sheet-missing",
            _("Sheet '{name}' is missing (sheets found: {found})."),
            _("Rename the sheet back to '{name}', or start again from `reportgen init`."),
            sheet=name,
            name=name,
            found="、".join(data.sheets) or "-",
        )
    return sheet


def _headers_match(sheet: SheetData, expected: tuple[str, ...], findings: Findings) -> bool:
    """Whether row 1 holds ``expected`` in order; an error at the first differing cell if not."""
    header = sheet.rows[0] if sheet.rows else ()
    for index, name in enumerate(expected):
        found, _changed = clean_text(header[index].value) if index < len(header) else ("", False)
        if found != name:
            ref = header[index].ref if index < len(header) else f"{chr(65 + index)}1"
            findings.error(
                "header-changed",
                _("Column header is '{found}', expected '{expected}'."),
                _("Row 1 must read: {headers}. Undo the change to the header row."),
                sheet=sheet.name,
                cell=ref,
                found=found,
                expected=name,
                headers=" | ".join(expected),
            )
            return False
    return True


def _text(cell: Cell, sheet: str, findings: Findings) -> str:
    """The cell's cleaned text, with a warning if cleaning changed it."""
    text, changed = clean_text(cell.value)
    if changed and text:
        findings.warning(
            "text-cleaned",
            _("Removed spaces, line breaks or invisible characters."),
            _("Check that the text still reads as intended."),
            sheet=sheet,
            cell=cell.ref,
        )
    return text


# ---------------------------------------------------------------- 基本信息


def _read_info(data: WorkbookData, schema: Schema, findings: Findings) -> dict[str, Any]:
    """The header fields (发文机关, 年度 …) by key, each parsed to its type."""
    sheet = _sheet(data, schema.info_sheet, findings)
    if sheet is None or not _headers_match(sheet, INFO_HEADERS[:2], findings):
        return {}
    rows = {clean_text(r[0].value)[0]: r for r in sheet.rows[1:] if r}
    info: dict[str, Any] = {}
    for spec in schema.fields:
        row = rows.get(spec.label)
        if row is None and not spec.required:
            continue  # a workbook made before this optional field existed has no row for it
        if row is None:
            findings.error(
                "field-row-missing",
                _("The row '{label}' is missing."),
                _("Add a row with '{label}' in column A and its value in column B."),
                sheet=sheet.name,
                label=spec.label,
            )
            continue
        cell = row[1] if len(row) > 1 else Cell(None, f"B{_row_number(row[0].ref)}")
        value = _field_value(spec, cell, sheet.name, findings)
        if value is not None:
            info[spec.key] = value
    return info


def _row_number(ref: str) -> int:
    return int(re.sub(r"^[A-Z]+", "", ref))


def _field_value(spec: FieldSpec, cell: Cell, sheet: str, findings: Findings) -> Any:
    """One field parsed to its type; None (with an error if it was required) when unusable."""
    raw = cell.value
    if clean_text(raw)[0] == "":
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
    text = _text(cell, sheet, findings)
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
    number = _as_int(cell.value)
    low, high = spec.minimum, spec.maximum
    if number is None or (low is not None and number < low) or (high is not None and number > high):
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


def _as_int(value: Any) -> int | None:
    """A whole number from an int, a whole float or digits typed as text; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = clean_text(value)[0]
    return int(text) if text.isdigit() and text.isascii() else None


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
    match = _DATE_TEXT.match(clean_text(value)[0])
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


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


# ---------------------------------------------------------------- part sheets


@dataclass(frozen=True)
class _Row:
    """One data row of a part sheet, its cells by column key."""

    number: int
    cells: dict[str, Cell]

    def get(self, key: str) -> Cell:
        return self.cells[key]


def _read_part(
    data: WorkbookData, spec: PartSpec, schema: Schema, findings: Findings
) -> Part | None:
    """One body part from its sheet, or None if the sheet cannot be used."""
    sheet = _sheet(data, spec.sheet, findings)
    columns = columns_for(spec.kind)
    if sheet is None or not _headers_match(sheet, tuple(c.header for c in columns), findings):
        return None
    rows = _data_rows(sheet, columns)
    if len(rows) > schema.max_rows:
        findings.error(
            "too-many-rows",
            _("The sheet has {count} rows; at most {limit} are allowed."),
            _("Split the report or remove rows."),
            sheet=sheet.name,
            count=len(rows),
            limit=schema.max_rows,
        )
        return None
    reader = {
        "data": _read_data_part,
        "sections": _read_sections_part,
        "points": _read_points_part,
    }[spec.kind]
    part = reader(spec, sheet.name, rows, findings)
    if part is not None and spec.required and part.is_empty:
        findings.error(
            "part-empty",
            _("The sheet '{name}' has no content."),
            _("Fill in this part: {help}"),
            sheet=sheet.name,
            cell="A2",
            name=sheet.name,
            help=spec.help,
        )
    return part


def _data_rows(sheet: SheetData, columns: tuple[Column, ...]) -> list[_Row]:
    """The non-empty rows under the header, cells keyed by column."""
    rows = []
    for cells in sheet.rows[1:]:
        if all(clean_text(c.value)[0] == "" for c in cells[: len(columns)]):
            continue
        number = _row_number(cells[0].ref)
        keyed = {
            col.key: (cells[i] if i < len(cells) else Cell(None, f"{chr(65 + i)}{number}"))
            for i, col in enumerate(columns)
        }
        rows.append(_Row(number, keyed))
    return rows


def _order(row: _Row, key: str, sheet: str, findings: Findings) -> int | None:
    """The whole number in an order column (节序, 要点序), or an error at its cell."""
    cell = row.get(key)
    number = _as_int(cell.value)
    if number is None or number < 1:
        findings.error(
            "bad-order",
            _("'{value}' is not an order number."),
            _("Type 1, 2, 3 … ; numbering such as 一、 or （一） is added for you."),
            sheet=sheet,
            cell=cell.ref,
            value=clean_text(cell.value)[0],
        )
    return number


def _group(
    rows: list[_Row], key: str, sheet: str, findings: Findings
) -> list[tuple[int, list[_Row]]]:
    """Rows grouped by the order number in column ``key``, groups sorted by that number."""
    groups: dict[int, list[_Row]] = {}
    for row in rows:
        number = _order(row, key, sheet, findings)
        if number is not None:
            groups.setdefault(number, []).append(row)
    return sorted(groups.items())


def _section_title(rows: list[_Row], sheet: str, findings: Findings) -> str:
    """The first title typed in a section's rows, or an error at the first row's title cell."""
    for row in rows:
        text = _text(row.get("section_title"), sheet, findings)
        if text:
            return text.rstrip("。")
    findings.error(
        "section-title-empty",
        _("The section has no title."),
        _("Type the section title on its first row."),
        sheet=sheet,
        cell=rows[0].get("section_title").ref,
    )
    return ""


def _point(row: _Row, sheet: str, findings: Findings) -> Point:
    """One 要点 (title and body), with errors at the empty cells."""
    title = _text(row.get("point_title"), sheet, findings)
    body = _text(row.get("point_body"), sheet, findings)
    if not title:
        findings.error(
            "point-title-empty",
            _("The point title is empty."),
            _("Type a short title for this point, or delete the whole row."),
            sheet=sheet,
            cell=row.get("point_title").ref,
        )
    if not body:
        findings.error(
            "point-body-empty",
            _("The point text is empty."),
            _("Type the text of this point, or delete the whole row."),
            sheet=sheet,
            cell=row.get("point_body").ref,
        )
    return Point(title=title, body=body)


def _points(rows: list[_Row], sheet: str, findings: Findings) -> tuple[Point, ...]:
    """The points of rows ordered by 要点序, with an error for a repeated number."""
    points = []
    for number, group in _group(rows, "point_no", sheet, findings):
        for row in group[1:]:
            findings.error(
                "duplicate-order",
                _("Order number {number} is used twice."),
                _("Number the rows 1, 2, 3 … without repeats."),
                sheet=sheet,
                cell=row.get("point_no").ref,
                number=number,
            )
        points.append(_point(group[0], sheet, findings))
    return tuple(points)


def _read_sections_part(spec: PartSpec, sheet: str, rows: list[_Row], findings: Findings) -> Part:
    """A 主要工作-style part: sections (节) each holding points (要点)."""
    sections = []
    for _number, group in _group(rows, "section_no", sheet, findings):
        title = _section_title(group, sheet, findings)
        sections.append(Section(title=title, points=_points(group, sheet, findings)))
    return Part(key=spec.key, title=spec.title, sections=tuple(sections))


def _read_points_part(spec: PartSpec, sheet: str, rows: list[_Row], findings: Findings) -> Part:
    """A 存在不足-style part: a lead sentence (导语 row) and points."""
    lead_rows = [r for r in rows if clean_text(r.get("point_no").value)[0] == LEAD_MARKER]
    lead = _text(lead_rows[0].get("point_body"), sheet, findings) if lead_rows else ""
    points = _points([r for r in rows if r not in lead_rows], sheet, findings)
    return Part(key=spec.key, title=spec.title, lead=lead, points=points)


def _read_data_part(spec: PartSpec, sheet: str, rows: list[_Row], findings: Findings) -> Part:
    """A 基本数据-style part: subsections of text or of indicator rows."""
    sections = []
    for _number, group in _group(rows, "section_no", sheet, findings):
        title = _section_title(group, sheet, findings)
        text = next((t for t in (_text(r.get("text"), sheet, findings) for r in group) if t), "")
        indicators = tuple(i for i in (_indicator(r, sheet, findings) for r in group) if i)
        named = any(clean_text(r.get("indicator").value)[0] for r in group)
        if not text and not named:
            findings.error(
                "section-empty",
                _("The subsection has neither text nor figures."),
                _("Type its text (or （略）), or fill 指标 and 本年."),
                sheet=sheet,
                cell=group[0].get("text").ref,
            )
        sections.append(Section(title=title, text=text, indicators=indicators))
    return Part(key=spec.key, title=spec.title, sections=tuple(sections))


def _indicator(row: _Row, sheet: str, findings: Findings) -> Indicator | None:
    """One indicator row, or None when the row has no indicator name."""
    name = _text(row.get("indicator"), sheet, findings)
    if not name:
        return None
    current = _number(row.get("current"), sheet, findings, required=True)
    previous = _number(row.get("previous"), sheet, findings, required=False)
    unit = _text(row.get("unit"), sheet, findings)
    if current is None:
        return None
    return Indicator(name=name, current=current, previous=previous, unit=unit)


def _number(cell: Cell, sheet: str, findings: Findings, required: bool) -> float | int | None:
    """A number from a numeric cell or digits typed as text; errors at the cell otherwise."""
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() else value
    text = clean_text(value)[0].replace(",", "")
    if not text and not required:
        return None
    try:
        number = float(text)
    except ValueError:
        findings.error(
            "not-number",
            _("'{value}' is not a number."),
            _("Type digits only, such as 1234 or 98.5; put the unit in 单位."),
            sheet=sheet,
            cell=cell.ref,
            value=text,
        )
        return None
    return int(number) if number.is_integer() else number


# ---------------------------------------------------------------- carried over and imported


def _review_findings(data: WorkbookData, schema: Schema, findings: Findings) -> None:
    """Warnings, never errors: rows still marked 待修改, and an import's 未识别内容 sheet."""
    sheets = [(schema.info_sheet, ())] + [(p.sheet, columns_for(p.kind)) for p in schema.parts]
    for name, columns in sheets:
        sheet = data.sheets.get(name)
        if sheet is not None and sheet.rows:
            _pending_rows(sheet, columns, findings)
    leftovers = data.sheets.get(UNRECOGNISED_SHEET)
    if leftovers is not None and len(leftovers.rows) > 1:
        findings.warning(
            "unrecognised-sheet",
            _("This sheet holds {count} line(s) the import could not place; not in the document."),
            _("Move what belongs in the report to its sheet, then delete this sheet."),
            sheet=UNRECOGNISED_SHEET,
            count=len(leftovers.rows) - 1,
        )


def _pending_rows(sheet: SheetData, columns: tuple[Column, ...], findings: Findings) -> None:
    """A warning at each 状态 cell that says 待修改 (set by ``init --from``)."""
    header = [clean_text(c.value)[0] for c in sheet.rows[0]]
    if STATUS.header not in header:
        return
    column = header.index(STATUS.header)
    for row in sheet.rows[1:]:
        if column < len(row) and clean_text(row[column].value)[0] == PENDING:
            findings.warning(
                "pending-review",
                _("'{item}' was carried over from last year and is marked 待修改."),
                _("Rewrite it for this year, then clear 状态 or choose 已定稿."),
                sheet=sheet.name,
                cell=row[column].ref,
                item=_row_label(row, columns),
            )


def _row_label(row: tuple[Cell, ...], columns: tuple[Column, ...]) -> str:
    """What a row is about: its point title, indicator or section title, else its first cell."""
    keys = [c.key for c in columns]
    for key in ("point_title", "indicator", "section_title"):
        if key in keys and keys.index(key) < len(row):
            text = clean_text(row[keys.index(key)].value)[0]
            if text:
                return text
    return clean_text(row[0].value)[0]
