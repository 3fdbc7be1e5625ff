"""Review marks (审核标记): warnings for rows still to be reviewed and for imported leftovers.

``init --from`` marks every carried-over row 待修改 in its 状态 column, and ``reportgen import``
puts the lines it could not place on a 未识别内容 sheet; validation warns about both (never an
error) until a reviewer clears them. Kept apart from ``carry``, which validates last year's
workbook and so imports validation.
"""

from __future__ import annotations

from reportgen.core.i18n import _
from reportgen.core.text import clean_text
from reportgen.schema.spec import Schema
from reportgen.validation.findings import Findings
from reportgen.workbook.layout import (
    LEAD_MARKER,
    PENDING,
    STATUS,
    STATUS_VALUES,
    UNRECOGNISED_SHEET,
    Column,
    columns_for,
)
from reportgen.workbook.read import Cell, SheetData, WorkbookData


def check_review_marks(data: WorkbookData, schema: Schema, findings: Findings) -> None:
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
    findings.use(sheet.name, sheet.rows[0][column].ref)
    for row in sheet.rows[1:]:
        status = clean_text(row[column].value)[0] if column < len(row) else ""
        if status in STATUS_VALUES:  # a review mark: read here, never printed, not unused
            findings.use(sheet.name, row[column].ref)
        if status == PENDING:
            findings.warning(
                "pending-review",
                _("'{item}' was carried over from last year and is marked 待修改."),
                _("Rewrite it for this year, then clear 状态 or choose 已定稿."),
                sheet=sheet.name,
                cell=row[column].ref,
                item=_row_label(row, columns),
            )


def _row_label(row: tuple[Cell, ...], columns: tuple[Column, ...]) -> str:
    """What a row is about: its point title, indicator or section title, else its first cell;
    a 导语 row is the lead (of the section whose title it carries)."""
    keys = [c.key for c in columns]

    def value(key: str) -> str:
        at = keys.index(key) if key in keys else len(row)
        return clean_text(row[at].value)[0] if at < len(row) else ""

    if value("point_no") == LEAD_MARKER:
        return " · ".join(t for t in (value("section_title"), LEAD_MARKER) if t)
    titles = (value(key) for key in ("point_title", "indicator", "section_title"))
    return next((t for t in titles if t), clean_text(row[0].value)[0] if row else "")
