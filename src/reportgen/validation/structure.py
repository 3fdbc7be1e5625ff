"""Checks on the workbook as a file and as sheets (结构检查), before and after its cells are read.

Before: a lock file beside it, hidden sheets, rows and columns, merged cells, formulas without
a saved result and Excel error values. After: every typed cell the document does not use.

Choices: hidden sheets, rows and columns are read like visible ones (hiding is how people tidy
a sheet while working; leaving the content out would lose text silently), with a warning so
that the user can delete what should not be in the letter. A vertical merge in an order column
(节序 merged over a section's rows) means "this number for every row", so the number is filled
down; any other merge keeps only its top-left cell, with a warning.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from reportgen.core.errors import Finding
from reportgen.core.i18n import _
from reportgen.core.text import clean_text, removed_characters
from reportgen.gbt9704.typed import without_typed_number
from reportgen.validation.cells import removed_warning
from reportgen.validation.findings import Findings, TextCell
from reportgen.workbook.layout import INSTRUCTIONS_SHEET
from reportgen.workbook.package import column_index, column_letter, split_ref
from reportgen.workbook.read import Cell, SheetData, WorkbookData

EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!", "#CALC!"}
)
UNUSED_SHOWN = 20  # unused cells listed one by one per sheet; the rest are counted
_RANGE = re.compile(r"^([A-Z]+)(\d+):([A-Z]+)(\d+)$")


def check_file(data: WorkbookData, findings: Findings) -> None:
    """A lock file beside the workbook: it is open, and what is unsaved is not read."""
    if data.lock_file:
        findings.warning(
            "workbook-open",
            _(
                "The workbook is open in Excel or WPS ({lock} is beside it): changes not yet "
                "saved are not included."
            ),
            _("Save the workbook (Ctrl+S) before validating, or close it."),
            lock=data.lock_file,
        )


def check_extra_sheets(data: WorkbookData, input_sheets: set[str], findings: Findings) -> None:
    """Sheets the template does not know: their content is not in the document."""
    for name, sheet in data.sheets.items():
        if name in input_sheets or name == INSTRUCTIONS_SHEET:
            continue
        if any(clean_text(c.value)[0] for row in sheet.rows for c in row):
            findings.warning(
                "sheet-unused",
                _("The sheet '{name}' is not part of the template; its content is not used."),
                _("Move what belongs in the letter to the template's sheets: {sheets}."),
                sheet=name,
                name=name,
                sheets="、".join(sorted(input_sheets)),
            )


# ---------------------------------------------------------------- before reading


def prepare_sheet(sheet: SheetData, order_columns: set[str], findings: Findings) -> SheetData:
    """Report what reading a sheet must know first; merged order cells filled down."""
    if sheet.hidden:
        findings.warning(
            "sheet-hidden",
            _("The sheet is hidden; its content is included in the document."),
            _("Unhide it (right-click a sheet tab › Unhide) to check what it holds."),
            sheet=sheet.name,
        )
    _unusable_cells(sheet, findings)
    _hidden_rows(sheet, findings)
    _hidden_columns(sheet, findings)
    return _merged(sheet, order_columns, findings)


def _unusable_cells(sheet: SheetData, findings: Findings) -> None:
    """Formulas without a saved result and Excel error values: errors at their cells."""
    for ref in sheet.extras.uncached_formulas:
        findings.error(
            "formula-no-value",
            _("The cell holds a formula without a calculated result."),
            _(
                "The file was saved by a program that does not calculate. Open it in Excel or "
                "WPS and save it, or type the value instead of the formula."
            ),
            sheet=sheet.name,
            cell=ref,
        )
        findings.blocked.add((sheet.name, ref))
    for row in sheet.rows:
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip() in EXCEL_ERRORS:
                findings.error(
                    "formula-error",
                    _("The cell shows the Excel error {value}."),
                    _("Fix the formula in this cell, or type the value instead."),
                    sheet=sheet.name,
                    cell=cell.ref,
                    value=cell.value.strip(),
                )
                findings.blocked.add((sheet.name, cell.ref))


def _filled_rows(sheet: SheetData) -> set[int]:
    return {split_ref(row[0].ref)[1] for row in sheet.rows if any(_typed(c) for c in row)}


def _typed(cell: Cell) -> bool:
    return clean_text(cell.value)[0] != ""


def _hidden_rows(sheet: SheetData, findings: Findings) -> None:
    """One warning per run of hidden rows that hold something."""
    filled = _filled_rows(sheet)
    for first, last in _runs(sorted(r for r in sheet.extras.hidden_rows if r in filled)):
        rows = str(first) if first == last else f"{first}–{last}"
        findings.warning(
            "rows-hidden",
            _("Hidden row(s) {rows}: their content is included in the document."),
            _("Unhide them to check them; delete rows that should not be in the letter."),
            sheet=sheet.name,
            cell=f"A{first}",
            rows=rows,
        )


def _hidden_columns(sheet: SheetData, findings: Findings) -> None:
    """One warning per hidden column that holds something below its header."""
    hidden = set(sheet.extras.hidden_columns)
    typed = {c.ref.rstrip("0123456789") for row in sheet.rows[1:] for c in row if _typed(c)}
    for letter in sorted(hidden & typed, key=lambda c: (len(c), c)):
        findings.warning(
            "column-hidden",
            _("Column {column} is hidden; its content is included in the document."),
            _("Unhide it to check it."),
            sheet=sheet.name,
            cell=f"{letter}1",
            column=letter,
        )


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """[3, 4, 5, 9] → [(3, 5), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def _merged(sheet: SheetData, order_columns: set[str], findings: Findings) -> SheetData:
    """Warn about every merge; fill a vertical merge in an order column down its rows.

    A merge reaching past the sheet's last row (A2:A1048576, made by selecting down to the
    end) is filled only as far as that row: the rows below hold nothing to number.
    """
    fills: dict[str, object] = {}
    values = {c.ref: c.value for row in sheet.rows for c in row}
    for ref in sheet.extras.merged:
        match = _RANGE.match(ref)
        if match is None:
            continue
        col, top, end_col = match.group(1), int(match.group(2)), match.group(3)
        bottom = min(int(match.group(4)), len(sheet.rows))
        if col == end_col and col in order_columns and top > 1:
            value = values.get(f"{col}{top}")
            fills.update({f"{col}{r}": value for r in range(top + 1, bottom + 1)})
            message = _("Cells {range} are merged; the number in {first} is used for each row.")
        else:
            message = _(
                "Cells {range} are merged; only {first} is read, the others count as empty."
            )
        findings.warning(
            "cells-merged",
            message,
            _("Unmerge the cells and type each row's value (merged cells sort and filter badly)."),
            sheet=sheet.name,
            cell=f"{col}{top}",
            range=ref,
            first=f"{col}{top}",
        )
    return _with_values(sheet, fills) if fills else sheet


def _with_values(sheet: SheetData, values: dict[str, object]) -> SheetData:
    """A copy of ``sheet`` with the cells at the given references set, rows grown as needed."""
    by_row: dict[int, dict[int, object]] = {}
    for ref, value in values.items():
        letters, row = split_ref(ref)
        by_row.setdefault(row, {})[column_index(letters)] = value
    rows = list(sheet.rows)
    rows.extend(() for _row in range(len(rows), max(by_row)))
    for row_number, changes in by_row.items():
        cells = list(rows[row_number - 1])
        width = max(len(cells), max(changes))
        cells += [
            Cell(None, f"{column_letter(i)}{row_number}") for i in range(len(cells) + 1, width + 1)
        ]
        for index, value in changes.items():
            cells[index - 1] = Cell(value, cells[index - 1].ref)
        rows[row_number - 1] = tuple(cells)
    return dataclasses.replace(sheet, rows=tuple(rows))


# ---------------------------------------------------------------- after reading


def check_unused(data: WorkbookData, skip_columns: dict[str, set[str]], findings: Findings) -> None:
    """Every typed cell of an input sheet the reader did not take: a warning naming it.

    ``skip_columns`` maps each input sheet to columns that are not input (基本信息's 填写说明).
    """
    for name, skipped in skip_columns.items():
        sheet = data.sheets.get(name)
        if sheet is None or name in findings.unread:
            continue
        unused = [
            c
            for row in sheet.rows
            for c in row
            if _typed(c)
            and (name, c.ref) not in findings.used
            and (name, c.ref) not in findings.blocked
            and c.ref.rstrip("0123456789") not in skipped
        ]
        _report_unused(name, unused, findings)
        _report_emptied(sheet, skipped, findings)


def _report_emptied(sheet: SheetData, skipped: set[str], findings: Findings) -> None:
    """A warning at each cell that held only invisible or unusable characters (a lone
    _xD83D_, a bidi mark) and so reads as empty: it is not silently dropped."""
    warned = {(f.sheet, f.cell) for f in findings.items if f.code == "text-cleaned"}
    for row in sheet.rows:
        for cell in row:
            removed = removed_characters(cell.value) if isinstance(cell.value, str) else []
            if not removed or _typed(cell) or (sheet.name, cell.ref) in warned:
                continue
            if cell.ref.rstrip("0123456789") not in skipped:
                removed_warning(removed, sheet.name, cell.ref, findings)


def _report_unused(sheet: str, cells: list[Cell], findings: Findings) -> None:
    for cell in cells[:UNUSED_SHOWN]:
        text = clean_text(cell.value)[0]
        findings.warning(
            "cell-unused",
            _("Not used in the document: '{text}'."),
            _("Move it into the column where it belongs, or delete it."),
            sheet=sheet,
            cell=cell.ref,
            text=text if len(text) <= 30 else text[:30] + "…",
        )
    if len(cells) > UNUSED_SHOWN:
        findings.warning(
            "cells-unused",
            _("{count} more cells on this sheet are not used in the document."),
            _("Move them into the columns where they belong, or delete them."),
            sheet=sheet,
            count=len(cells) - UNUSED_SHOWN,
        )


# ---------------------------------------------------------------- after building


def not_shown(texts: Iterable[TextCell], document_text: str, file: str) -> list[Finding]:
    """Warnings for typed texts the built document does not contain (the template has no
    place for them, as the plain letter has none for 发文字号).

    A text counts as shown when it appears without the stops the document adds or replaces
    (the title's 。, the recipient's colon); paragraphs are joined, so a title broken over
    two lines still counts.
    """
    findings = Findings(file=file)
    for cell in texts:
        text = without_typed_number(cell.text) if cell.role == "title" else cell.text
        if text.rstrip("。：:") in document_text:
            continue
        if cell.role == "field:doc_number":
            findings.warning(
                "cell-not-shown",
                _("{label} is not in the document: only the 信函格式 first page prints it."),
                _("Build with `reportgen build --letterhead` to print it, or leave it empty."),
                sheet=cell.sheet,
                cell=cell.cell,
                label=cell.label,
            )
            continue
        findings.warning(
            "cell-not-shown",
            _("{label} is not in the document: the template has no place for it."),
            _("Leave it empty, or use a template that shows it."),
            sheet=cell.sheet,
            cell=cell.cell,
            label=cell.label,
        )
    return findings.items
