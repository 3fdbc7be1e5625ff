"""A free-headings sheet (自定标题): the office's own first-level headings, read into parts.

A part of kind ``headings`` is one sheet whose rows carry the headings themselves (标题序,
标题), and under each either 一是 points with an optional lead (节序 left empty) or （一）
sections (节序, 节标题) each with a lead and points, as published reports write them. Each
heading becomes one numbered part of the body, numbered in sequence with the schema's other
parts. A row with only the heading's (or section's) number and title just names it.
"""

from __future__ import annotations

from reportgen.core.i18n import _
from reportgen.core.model import Part, Point, Section
from reportgen.core.text import clean_text
from reportgen.schema.spec import PartSpec, Schema
from reportgen.validation.cells import read_text
from reportgen.validation.findings import Findings
from reportgen.validation.part_rows import PartRow, group_by_number
from reportgen.validation.parts import (
    is_lead,
    read_points,
    section_lead,
    section_title,
    sheet_rows,
)
from reportgen.workbook.read import WorkbookData

# The columns that hold a row's content below its heading's number and title.
_CONTENT = ("section_no", "section_title", "point_no", "point_title", "point_body")
_POINT_CELLS = ("point_no", "point_title", "point_body")


def read_headings(
    data: WorkbookData, spec: PartSpec, schema: Schema, findings: Findings
) -> tuple[Part, ...] | None:
    """The parts a free-headings sheet gives, one per heading; None if it cannot be used."""
    found = sheet_rows(data, spec, schema, findings)
    if found is None:
        return None
    sheet, rows = found
    numbered = [r for r in rows if _numbered(r, sheet.name, findings)]
    groups = group_by_number(numbered, "heading_no", sheet.name, findings)
    parts = tuple(_heading(spec, n, group, sheet.name, findings) for n, group in groups)
    if spec.required and not parts:
        findings.error(
            "headings-none",
            _("The sheet '{name}' has no heading."),
            _("Type each first-level heading in 标题, its number in 标题序: {help}"),
            sheet=sheet.name,
            cell="A2",
            name=sheet.name,
            help=spec.help,
        )
    return parts


def _numbered(row: PartRow, sheet: str, findings: Findings) -> bool:
    """Whether the row names its heading (标题序); an error at the cell if it is empty."""
    cell = row.get("heading_no")
    if clean_text(cell.value)[0]:
        return True
    findings.error(
        "heading-number-empty",
        _("This row has no 标题序, so it belongs to no heading."),
        _(
            "Type in 标题序 the number of the heading it belongs to (1, 2, 3 …), the same on "
            "every row of that heading."
        ),
        sheet=sheet,
        cell=cell.ref,
    )
    for each in row.cells.values():
        findings.use(sheet, each.ref)  # reported as a whole: not "unused" as well
    return False


def _heading(
    spec: PartSpec, number: int, rows: list[PartRow], sheet: str, findings: Findings
) -> Part:
    """One heading's part: its title, then its lead and points or its sections."""
    title = _heading_title(number, rows, sheet, findings)
    content = [r for r in rows if _has(r, _CONTENT)]
    top = [r for r in content if not _has(r, ("section_no",))]
    inner = [r for r in content if _has(r, ("section_no",))]
    leads = [r for r in top if is_lead(r)]
    lead = _heading_lead(leads, sheet, findings)
    points = read_points([r for r in top if r not in leads], sheet, findings)
    sections = _sections(inner, sheet, findings)
    if points and sections:
        findings.error(
            "heading-mixed",
            _(
                "Heading {number} has points without a 节序 and sections (（一）…) as well; "
                "under one heading write either 一是 points or sections."
            ),
            _("Give these rows the 节序 of their section, or move the sections' points here."),
            sheet=sheet,
            cell=next(r for r in top if r not in leads).get("section_no").ref,
            number=number,
        )
    part = Part(key=spec.key, title=title, lead=lead, sections=sections, points=points)
    if title and part.is_empty:
        findings.error(
            "heading-empty",
            _("The heading '{title}' has nothing under it."),
            _("Add its 导语 or its points (or sections) on rows with the same 标题序."),
            sheet=sheet,
            cell=rows[0].get("heading_title").ref,
            title=title,
        )
    return part


def _has(row: PartRow, keys: tuple[str, ...]) -> bool:
    """Whether any of the row's cells in columns ``keys`` holds something."""
    return any(clean_text(row.get(key).value)[0] for key in keys)


def _heading_title(number: int, rows: list[PartRow], sheet: str, findings: Findings) -> str:
    """The heading's words, typed on its first row; two different ones under one 标题序 are
    an error (two headings share a number)."""
    typed = []
    for row in rows:
        cell = row.get("heading_title")
        text = read_text(cell, sheet, findings, "title", "标题")
        if text:
            typed.append((cell, text))
    if not typed:
        findings.error(
            "heading-title-empty",
            _("Heading {number} has no title."),
            _("Type the heading's words in 标题 on its first row, without 一、."),
            sheet=sheet,
            cell=rows[0].get("heading_title").ref,
            number=number,
        )
        return ""
    first = typed[0][1]
    for cell, text in typed[1:]:
        if text != first:
            findings.error(
                "heading-number-twice",
                _("Heading number {number} has two titles: '{first}' and '{other}'."),
                _("Give each heading its own 标题序; type the title only on its first row."),
                sheet=sheet,
                cell=cell.ref,
                number=number,
                first=first,
                other=text,
            )
    return first


def _heading_lead(rows: list[PartRow], sheet: str, findings: Findings) -> str:
    """The heading's lead: its 导语 rows without a 节序, joined; an empty one is an error."""
    texts = []
    for row in rows:
        findings.use(sheet, row.get("point_no").ref)
        text = read_text(row.get("point_body"), sheet, findings, "body", "导语")
        if not text:
            findings.error(
                "lead-empty",
                _("The 导语 row has no text."),
                _("Type the heading's lead in 要点内容, or delete the row."),
                sheet=sheet,
                cell=row.get("point_body").ref,
            )
        texts.append(text)
    return "".join(texts)


def _sections(rows: list[PartRow], sheet: str, findings: Findings) -> tuple[Section, ...]:
    """The heading's （一） sections: a title, an optional lead (导语) and points each."""
    sections = []
    for number, group in group_by_number(rows, "section_no", sheet, findings):
        title = section_title(number, group, sheet, findings)
        content = [r for r in group if _has(r, _POINT_CELLS)]
        leads = [r for r in content if is_lead(r)]
        text = section_lead(number, leads, sheet, findings)
        points: tuple[Point, ...] = read_points(
            [r for r in content if r not in leads], sheet, findings
        )
        if title and not text and not points:
            findings.error(
                "section-no-content",
                _("The section has neither a lead nor points."),
                _("Add a 导语 row or points with the same 节序, or delete the section."),
                sheet=sheet,
                cell=group[0].get("section_title").ref,
            )
        sections.append(Section(title=title, text=text, points=points))
    return tuple(sections)
