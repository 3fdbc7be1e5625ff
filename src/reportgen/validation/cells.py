"""Reading a sheet's cells (读取单元格), shared by the 基本信息 and part-sheet readers.

The sheet itself and its header row, a cell's cleaned text (recorded for the content checks)
and whole numbers; each problem becomes a finding at its sheet and cell.
"""

from __future__ import annotations

from typing import Any

from reportgen.core.i18n import _
from reportgen.core.text import SHOWN_REMOVED, clean_text, removed_characters
from reportgen.validation.findings import Findings, TextCell
from reportgen.workbook.package import column_letter, split_ref
from reportgen.workbook.read import Cell, SheetData, WorkbookData


def find_sheet(data: WorkbookData, name: str, findings: Findings) -> SheetData | None:
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


def headers_match(sheet: SheetData, expected: tuple[str, ...], findings: Findings) -> bool:
    """Whether row 1 holds ``expected`` in order; an error naming the expected headers if not."""
    header = sheet.rows[0] if sheet.rows else ()
    found = [clean_text(c.value)[0] for c in header[: len(expected)]]
    found += [""] * (len(expected) - len(found))
    if found == list(expected):
        for cell in header[: len(expected)]:
            findings.use(sheet.name, cell.ref)
        return True
    findings.unread.add(sheet.name)
    _header_error(sheet.name, found, expected, findings)
    return False


def _header_error(
    sheet: str, found: list[str], expected: tuple[str, ...], findings: Findings
) -> None:
    """An error at the first header that differs: the columns were moved, or a header changed."""
    index = next(i for i, (a, b) in enumerate(zip(found, expected, strict=True)) if a != b)
    cell = f"{column_letter(index + 1)}1"
    params = {"headers": " | ".join(expected), "found": found[index], "expected": expected[index]}
    if sorted(h for h in found if h) == sorted(expected):
        findings.error(
            "columns-moved",
            _("The columns are in a different order: row 1 reads {found_row}."),
            _("Row 1 must read: {headers}. Move the columns back (or undo the change)."),
            sheet=sheet,
            cell=cell,
            found_row=" | ".join(found),
            **params,
        )
    else:
        findings.error(
            "header-changed",
            _("Column header is '{found}', expected '{expected}'."),
            _("Row 1 must read: {headers}. Undo the change to the header row."),
            sheet=sheet,
            cell=cell,
            **params,
        )


def read_text(cell: Cell, sheet: str, findings: Findings, role: str, label: str) -> str:
    """The cell's cleaned text, with a warning if cleaning changed it; recorded for checks."""
    findings.use(sheet, cell.ref)
    text, changed = clean_text(cell.value)
    removed = removed_characters(cell.value) if changed else []
    if removed:
        removed_warning(removed, sheet, cell.ref, findings)
    elif changed and text:
        findings.warning(
            "text-cleaned",
            _("Removed spaces, line breaks or invisible characters."),
            _("Check that the text still reads as intended."),
            sheet=sheet,
            cell=cell.ref,
        )
    if text and (sheet, cell.ref) not in findings.blocked:
        findings.texts.append(TextCell(sheet, cell.ref, cell.value, text, role, label))
    return text


def removed_warning(removed: list[str], sheet: str, ref: str, findings: Findings) -> None:
    """A warning naming the invisible or unusable characters removed from a cell, even when
    nothing is left of it: nothing typed disappears without a word."""
    shown = ", ".join(removed[:SHOWN_REMOVED]) + (" …" if len(removed) > SHOWN_REMOVED else "")
    findings.warning(
        "text-cleaned",
        _(
            "Removed invisible or unusable characters ({chars}): the document cannot hold "
            "them, or they would change how it reads."
        ),
        _(
            "They come with text pasted from web pages, chat programs or PDFs. Check that "
            "the text still reads as intended; retype it if a character is missing."
        ),
        sheet=sheet,
        cell=ref,
        chars=shown,
    )


def row_number(ref: str) -> int:
    """The row number of a cell reference (E7 → 7)."""
    return split_ref(ref)[1]


def whole_number(value: Any) -> int | None:
    """A whole number from an int, a whole float or digits typed as text; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = clean_text(value)[0]
    return int(text) if text.isdigit() and text.isascii() else None
