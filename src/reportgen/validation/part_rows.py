"""A part sheet's rows (数据行): cells keyed by column, grouped and sorted by order number.

The order numbers (节序, 要点序) decide where a row goes, not its place on the sheet: rows out
of order and gaps are warnings, a number that is not a whole number from 1 is an error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from reportgen.core.i18n import _
from reportgen.core.text import clean_text
from reportgen.gbt9704.numbering import chinese_number
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
    labels: dict[str, str] = field(default_factory=dict)  # column headers by key, for messages

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
        rows.append(PartRow(number, keyed, {col.key: col.header for col in columns}))
    return rows


# An order number typed as numbering (一, （一）, 第1, １, 2.): read as the number it means, so
# that the row stays where it belongs and its error is the only finding (no cascade of cells
# "not used", a section "without a title" or a number "missing" below it).
_TYPED_ORDER = re.compile(r"^第?[（(]?([0-9]{1,2}|[一二三四五六七八九十]{1,3})[)）]?[、.是]?$")
_NUMERALS = {chinese_number(n): n for n in range(1, MAX_NUMBERED + 1)}


def _order(row: PartRow, key: str, sheet: str, findings: Findings) -> int | None:
    """The whole number in an order column (节序, 要点序), or an error at its cell; for a
    number typed as numbering (一, （一）) the error and the number it means."""
    cell = row.get(key)
    findings.use(sheet, cell.ref)
    number = whole_number(cell.value)
    if number is not None and number >= 1:
        return number
    typed = clean_text(cell.value)[0]
    meant = _typed_order(typed) if number is None else None
    if not typed:
        message = _("{label} is empty.")
    elif number is not None:
        message = _("{label} {value} is out of range: order numbers are whole numbers from 1 up.")
    elif meant is not None:
        message = _("'{value}' is not an order number: type it as {number}.")
    else:
        message = _("'{value}' is not an order number.")
    hint = _("Type 1, 2, 3 … ; numbering such as 一、 or （一） is added for you.")
    label = row.labels.get(key, key)
    params = {"value": typed, "label": label, "number": meant}
    findings.error("bad-order", message, hint, sheet=sheet, cell=cell.ref, **params)
    return meant


def _typed_order(typed: str) -> int | None:
    """The number an order typed as numbering means (一 → 1, （二） → 2, １ → 1), or None."""
    match = _TYPED_ORDER.match(unicodedata.normalize("NFKC", typed))
    if not match:
        return None
    digits = match.group(1)
    number = int(digits) if digits.isdigit() else _NUMERALS.get(digits)
    return number or None


def group_by_number(
    rows: list[PartRow], key: str, sheet: str, findings: Findings, join: bool = False
) -> list[tuple[int, list[PartRow]]]:
    """Rows grouped by the order number in column ``key``, groups sorted by that number.

    A row whose number cannot be read at all has its one error at that cell; with ``join``
    (sections, whose rows run together) it goes with the section it most likely belongs to,
    otherwise it is left out, its cells taken as reported. Either way nothing else is said
    about it: no cells "not used", no number "missing" because of it.
    """
    groups: dict[int, list[PartRow]] = {}
    numbered = []
    orders = [_order(row, key, sheet, findings) for row in rows]
    for index, (row, number) in enumerate(zip(rows, orders, strict=True)):
        if number is not None:
            numbered.append((number, row.get(key)))
        if number is None and join:
            number = _stray_section(row, orders[:index], orders[index + 1 :])
        if number is None:
            for cell in row.cells.values():
                findings.use(sheet, cell.ref)  # reported as a whole: not "unused" as well
            continue
        groups.setdefault(number, []).append(row)
    _check_sequence(numbered, sheet, findings, complete=None not in orders)
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


def _stray_section(row: PartRow, above: list[int | None], below: list[int | None]) -> int | None:
    """The section a row with an unreadable 节序 most likely belongs to: the next one when it
    has a title of its own (a title starts a section), else the one above."""
    before = next((n for n in reversed(above) if n is not None), None)
    after = next((n for n in below if n is not None), None)
    titled = "section_title" in row.cells and clean_text(row.get("section_title").value)[0]
    return (after or before) if titled else (before or after)


def _check_sequence(
    numbered: list[tuple[int, Cell]], sheet: str, findings: Findings, complete: bool = True
) -> None:
    """Warnings for rows out of order and for gaps (1, 2, 4): the numbers decide the order.
    No gap is reported when a row's number could not be read (``complete`` false): that row
    is the one missing, and has its error."""
    _out_of_order(numbered, sheet, findings)
    if complete:
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
