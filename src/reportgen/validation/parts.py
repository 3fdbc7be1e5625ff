"""The part sheets (正文各部分): their rows read into sections, points and indicators.

A ``data`` part (基本数据) has subsections of text or indicator figures, a ``sections`` part
(主要工作) has sections of numbered points with an optional lead (导语 row), a ``points`` part
(存在不足) has a lead and points. Which rows belong together, and in which order, is decided
in ``part_rows`` by their order numbers (节序, 要点序).
"""

from __future__ import annotations

import math

from reportgen.core.i18n import _
from reportgen.core.model import Indicator, Part, Point, Section
from reportgen.core.text import clean_text
from reportgen.schema.spec import PartSpec, Schema
from reportgen.validation.cells import find_sheet, headers_match, read_text
from reportgen.validation.findings import Findings
from reportgen.validation.part_rows import PartRow, data_rows, group_by_number
from reportgen.workbook.layout import LEAD_MARKER, columns_for
from reportgen.workbook.read import Cell, SheetData, WorkbookData


def read_part(
    data: WorkbookData, spec: PartSpec, schema: Schema, findings: Findings
) -> Part | None:
    """One body part from its sheet, or None if the sheet cannot be used."""
    found = sheet_rows(data, spec, schema, findings)
    if found is None:
        return None
    sheet, rows = found
    part = _read_kind(spec, sheet.name, rows, findings)
    if spec.required and part.is_empty:
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


def sheet_rows(
    data: WorkbookData, spec: PartSpec, schema: Schema, findings: Findings
) -> tuple[SheetData, list[PartRow]] | None:
    """A part's sheet and its data rows; None (with the findings) when the sheet is missing,
    its headers are not the layout's or it has more rows than the schema allows."""
    sheet = find_sheet(data, spec.sheet, findings)
    columns = columns_for(spec.kind)
    if sheet is None or not headers_match(sheet, tuple(c.header for c in columns), findings):
        return None
    rows = data_rows(sheet, columns, findings)
    if not _within_limit(sheet, len(rows), schema.max_rows, findings):
        return None
    return sheet, rows


def _within_limit(sheet: SheetData, count: int, limit: int, findings: Findings) -> bool:
    """Whether the sheet's rows are within the limit; if not, an error and the sheet is unread."""
    if not sheet.truncated and count <= limit:
        return True
    findings.unread.add(sheet.name)
    findings.error(
        "too-many-rows",
        _("The sheet has {count} rows; at most {limit} are allowed."),
        _("Split the report or remove rows."),
        sheet=sheet.name,
        count=f"{count}+" if sheet.truncated else count,
        limit=limit,
    )
    return False


def _read_kind(spec: PartSpec, sheet: str, rows: list[PartRow], findings: Findings) -> Part:
    """The part read by the reader for its kind (data, sections or points)."""
    reader = {
        "data": _read_data_part,
        "sections": _read_sections_part,
        "points": _read_points_part,
    }[spec.kind]
    return reader(spec, sheet, rows, findings)


def _read_data_part(spec: PartSpec, sheet: str, rows: list[PartRow], findings: Findings) -> Part:
    """A 基本数据-style part: subsections of text (several rows are joined) or indicator rows."""
    sections = []
    for number, group in group_by_number(rows, "section_no", sheet, findings, join=True):
        title = section_title(number, group, sheet, findings)
        text = "".join(read_text(r.get("text"), sheet, findings, "body", "内容") for r in group)
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


def _read_sections_part(
    spec: PartSpec, sheet: str, rows: list[PartRow], findings: Findings
) -> Part:
    """A 主要工作-style part: sections (节), each an optional lead (导语 row) and points (要点).

    A section needs a lead or points; one without either has already been reported at the
    row that left it empty (a bad 要点序, an empty 导语 row).
    """
    sections = []
    for number, group in group_by_number(rows, "section_no", sheet, findings, join=True):
        title = section_title(number, group, sheet, findings)
        leads = [r for r in group if is_lead(r)]
        text = section_lead(number, leads, sheet, findings)
        points = read_points([r for r in group if r not in leads], sheet, findings)
        sections.append(Section(title=title, text=text, points=points))
    return Part(key=spec.key, title=spec.title, sections=tuple(sections))


def _read_points_part(spec: PartSpec, sheet: str, rows: list[PartRow], findings: Findings) -> Part:
    """A 存在不足-style part: a lead sentence (导语 row; several are joined) and points."""
    lead_rows = [r for r in rows if is_lead(r)]
    for row in lead_rows:
        findings.use(sheet, row.get("point_no").ref)
    lead = "".join(
        read_text(r.get("point_body"), sheet, findings, "body", "导语") for r in lead_rows
    )
    points = read_points([r for r in rows if r not in lead_rows], sheet, findings)
    return Part(key=spec.key, title=spec.title, lead=lead, points=points)


def section_title(number: int, rows: list[PartRow], sheet: str, findings: Findings) -> str:
    """The section's title, typed on its first row; a different title under the same number
    is an error (two sections share a number)."""
    titles = [
        (
            row.get("section_title"),
            read_text(row.get("section_title"), sheet, findings, "title", "节标题"),
        )
        for row in rows
    ]
    typed = [(cell, text) for cell, text in titles if text]
    if not typed:
        findings.error(
            "section-title-empty",
            _("The section has no title."),
            _("Type the section title on its first row."),
            sheet=sheet,
            cell=rows[0].get("section_title").ref,
        )
        return ""
    first = typed[0][1].rstrip("。")
    _other_titles(number, first, typed[1:], sheet, findings)
    return first


def _other_titles(
    number: int, first: str, others: list[tuple[Cell, str]], sheet: str, findings: Findings
) -> None:
    """An error at each later title that differs from the first: two sections share a number."""
    for cell, text in others:
        if text.rstrip("。") != first:
            findings.error(
                "section-number-twice",
                _("Section number {number} has two titles: '{first}' and '{other}'."),
                _("Give each section its own number; type the title only on its first row."),
                sheet=sheet,
                cell=cell.ref,
                number=number,
                first=first,
                other=text,
            )


def section_lead(number: int, rows: list[PartRow], sheet: str, findings: Findings) -> str:
    """A section's lead from its 导语 row (its text comes before the points, wherever the row
    is); a second 导语 row is an error, since joining two would hide which one was meant."""
    _second_leads(number, rows[1:], sheet, findings)
    if not rows:
        return ""
    row = rows[0]
    findings.use(sheet, row.get("point_no").ref)
    _lead_title(row, sheet, findings)
    text = read_text(row.get("point_body"), sheet, findings, "body", "导语")
    if not text:
        findings.error(
            "lead-empty",
            _("The 导语 row has no text."),
            _("Type the section's lead in 要点内容, or delete the row."),
            sheet=sheet,
            cell=row.get("point_body").ref,
        )
    return text


def _second_leads(number: int, rows: list[PartRow], sheet: str, findings: Findings) -> None:
    """An error at each 导语 row after a section's first: a section has one lead."""
    for row in rows:
        findings.error(
            "lead-twice",
            _("Section {number} has a second 导语 row; a section has one lead."),
            _(
                "Put the whole lead in the first 导语 row's 要点内容, or number this row as a point."
            ),
            sheet=sheet,
            cell=row.get("point_no").ref,
            number=number,
        )
        for cell in row.cells.values():
            findings.use(sheet, cell.ref)  # reported as a whole: not "unused" as well


def _lead_title(row: PartRow, sheet: str, findings: Findings) -> None:
    """A warning for a 要点标题 typed on a 导语 row: a lead has no title of its own."""
    cell = row.get("point_title")
    title = clean_text(cell.value)[0]
    if title:
        findings.use(sheet, cell.ref)  # reported here: not "unused" as well
        findings.warning(
            "lead-title-unused",
            _("A 导语 row takes no title: '{title}' is not in the document."),
            _(
                "Put the section title in 节标题, or number the row in 要点序 to make it a point "
                "with this title."
            ),
            sheet=sheet,
            cell=cell.ref,
            title=title,
        )


def is_lead(row: PartRow) -> bool:
    """Whether the row's 要点序 says 导语: it holds a lead, not a numbered point."""
    return clean_text(row.get("point_no").value)[0] == LEAD_MARKER


def read_points(rows: list[PartRow], sheet: str, findings: Findings) -> tuple[Point, ...]:
    """The points of rows ordered by 要点序, with an error for a repeated number."""
    points = []
    for number, group in group_by_number(rows, "point_no", sheet, findings):
        for row in group[1:]:
            findings.error(
                "duplicate-order",
                _("Order number {number} is used twice."),
                _("Number the rows 1, 2, 3 … without repeats."),
                sheet=sheet,
                cell=row.get("point_no").ref,
                number=number,
            )
            for cell in row.cells.values():
                findings.use(sheet, cell.ref)  # reported as a whole: not "unused" as well
        points.append(_point(group[0], sheet, findings))
    return tuple(points)


def _point(row: PartRow, sheet: str, findings: Findings) -> Point:
    """One 要点 (title and body), with errors at the empty cells."""
    title = read_text(row.get("point_title"), sheet, findings, "title", "要点标题")
    body = read_text(row.get("point_body"), sheet, findings, "body", "要点内容")
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


def _indicator(row: PartRow, sheet: str, findings: Findings) -> Indicator | None:
    """One indicator row, or None when the row has no indicator name."""
    name = read_text(row.get("indicator"), sheet, findings, "body", "指标")
    if not name:
        figures = [row.get(k) for k in ("current", "previous") if clean_text(row.get(k).value)[0]]
        if figures:
            findings.error(
                "indicator-name-empty",
                _("Figures are filled in but the indicator name is empty."),
                _("Type the indicator's name in 指标, such as 受理行政案件."),
                sheet=sheet,
                cell=row.get("indicator").ref,
            )
            for cell in figures:
                findings.use(sheet, cell.ref)
        return None
    current = _number(row, "current", sheet, findings, required=True)
    previous = _number(row, "previous", sheet, findings, required=False)
    unit = read_text(row.get("unit"), sheet, findings, "body", "单位")
    if current is None:
        return None
    return Indicator(name=name, current=current, previous=previous, unit=unit)


def _number(
    row: PartRow, key: str, sheet: str, findings: Findings, required: bool
) -> float | int | None:
    """A number from a numeric cell or digits typed as text; errors at the cell otherwise."""
    cell = row.get(key)
    findings.use(sheet, cell.ref)
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() else value
    text = clean_text(value)[0].replace(",", "")
    if not text and not required:
        return None
    if not text:
        findings.error(
            "figure-empty",
            _("{label} is empty."),
            _("Type the figure in digits, such as 1234, or delete the indicator row."),
            sheet=sheet,
            cell=cell.ref,
            label=row.labels.get(key, key),
        )
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):  # words, or nan/inf that float() would accept
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
