"""A part sheet's rows (数据行): cells keyed by column, grouped and sorted by order number.

The order numbers (节序, 要点序) decide where a row goes, not its place on the sheet: rows out
of order and gaps are warnings, a number that is not a whole number from 1 is an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.core.i18n import _
from reportgen.core.text import clean_text
from reportgen.validation.cells import row_number, whole_number
from reportgen.validation.findings import Findings
from reportgen.workbook.layout import Column
from reportgen.workbook.package import column_letter
from reportgen.workbook.read import Cell, SheetData

# Numbering is written in Chinese numerals up to 九十九 (context.chinese_number).
MAX_NUMBERED = 99


@dataclass(frozen=True)
class PartRow:
    """One data row of a part sheet, its cells by column key."""

    number: int
    cells: dict[str, Cell]

    def get(self, key: str) -> Cell:
        """The cell in the column whose key is ``key`` (section_no, point_body …)."""
        return self.cells[key]


def data_rows(sheet: SheetData, columns: tuple[Column, ...], findings: Findings) -> list[PartRow]:
    """The rows under the header with anything typed in their columns, cells keyed by column.

    The 状态 (review status) column is not content: a row with only a status is skipped (and
    its status cell listed as unused); a content row's status is taken as read.
    """
    content = [i for i, col in enumerate(columns) if col.key != "status"]
    rows = []
    for cells in sheet.rows[1:]:
        if not cells or all(i >= len(cells) or not clean_text(cells[i].value)[0] for i in content):
            continue
        number = row_number(cells[0].ref)
        keyed = {
            col.key: (cells[i] if i < len(cells) else Cell(None, f"{column_letter(i + 1)}{number}"))
            for i, col in enumerate(columns)
        }
        if "status" in keyed:
            findings.use(sheet.name, keyed["status"].ref)
        rows.append(PartRow(number, keyed))
    return rows


def _order(row: PartRow, key: str, sheet: str, findings: Findings) -> int | None:
    """The whole number in an order column (节序, 要点序), or an error at its cell."""
    cell = row.get(key)
    findings.use(sheet, cell.ref)
    number = whole_number(cell.value)
    if number is None or number < 1:
        findings.error(
            "bad-order",
            _("'{value}' is not an order number."),
            _("Type 1, 2, 3 … ; numbering such as 一、 or （一） is added for you."),
            sheet=sheet,
            cell=cell.ref,
            value=clean_text(cell.value)[0],
        )
        return None
    return number


def group_by_number(
    rows: list[PartRow], key: str, sheet: str, findings: Findings
) -> list[tuple[int, list[PartRow]]]:
    """Rows grouped by the order number in column ``key``, groups sorted by that number."""
    groups: dict[int, list[PartRow]] = {}
    numbered = []
    for row in rows:
        number = _order(row, key, sheet, findings)
        if number is not None:
            groups.setdefault(number, []).append(row)
            numbered.append((number, row.get(key)))
    _check_sequence(numbered, sheet, findings)
    if len(groups) > MAX_NUMBERED:
        findings.error(
            "too-many-items",
            _("There are {count} numbered items here; numbering goes up to {limit}."),
            _("Merge or remove items, or split them into more sections."),
            sheet=sheet,
            cell=sorted(groups.items())[MAX_NUMBERED][1][0].get(key).ref,
            count=len(groups),
            limit=MAX_NUMBERED,
        )
    return sorted(groups.items())


def _check_sequence(numbered: list[tuple[int, Cell]], sheet: str, findings: Findings) -> None:
    """Warnings for rows out of order and for gaps (1, 2, 4): the numbers decide the order."""
    _out_of_order(numbered, sheet, findings)
    _gap(numbered, sheet, findings)


def _out_of_order(numbered: list[tuple[int, Cell]], sheet: str, findings: Findings) -> None:
    """A warning at the first row numbered lower than a row above it."""
    highest = 0
    for number, cell in numbered:
        if number < highest:
            findings.warning(
                "rows-out-of-order",
                _("This row is numbered {number} but comes after number {previous}."),
                _("The document follows the numbers, not the row order; check this is meant."),
                sheet=sheet,
                cell=cell.ref,
                number=number,
                previous=highest,
            )
            break
        highest = number


def _gap(numbered: list[tuple[int, Cell]], sheet: str, findings: Findings) -> None:
    """A warning for the first missing number, at the row with the next number present."""
    present = {n for n, _cell in numbered}
    missing = next((n for n in range(1, max(present, default=0) + 1) if n not in present), None)
    if missing is not None:
        after = min((pair for pair in numbered if pair[0] > missing), key=lambda p: p[0])
        findings.warning(
            "order-gap",
            _("Number {missing} is missing (the next is {number})."),
            _("The document numbers items in sequence anyway; check nothing was left out."),
            sheet=sheet,
            cell=after[1].ref,
            missing=missing,
            number=after[0],
        )
