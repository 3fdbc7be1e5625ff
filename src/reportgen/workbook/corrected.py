"""``validate --fix``'s corrected copy of a workbook: some cells' text replaced, the rest kept."""

from __future__ import annotations

import warnings
from pathlib import Path

from reportgen.core.errors import WorkbookError
from reportgen.core.files import atomic_path
from reportgen.core.i18n import _
from reportgen.workbook.read import unreadable


def write_corrected_copy(source: Path, target: Path, fixes: dict[tuple[str, str], str]) -> int:
    """Copy ``source`` to ``target`` with the text of some cells replaced; how many changed.

    The copy is a full openpyxl load and save, so formulas, styles, comments and dropdowns
    stay; a cell whose text is not what was validated (or holds a formula) is left alone.
    """
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings(), source.open("rb") as handle:
            warnings.simplefilter("ignore")  # see read_workbook
            book = load_workbook(handle)
    except Exception as exc:  # the same damaged-file family as in read_workbook
        raise unreadable(source, exc) from exc
    if any(sheet not in book.sheetnames for sheet, _ref in fixes):
        raise _strict(source)
    changed = 0
    for (sheet, ref), text in sorted(fixes.items()):
        cell = book[sheet][ref]
        if isinstance(cell.value, str) and not cell.value.startswith("="):
            cell.value = text
            changed += 1
    with atomic_path(target) as tmp:
        book.save(tmp)
    return changed


def _strict(source: Path) -> WorkbookError:
    """openpyxl finds no sheets in a Strict OOXML workbook, which reportgen reads but cannot
    rewrite: say how to save it so that it can."""
    return WorkbookError(
        _(
            "{file}: the corrected copy cannot be written: the workbook is saved as Strict Open "
            "XML, which can be read but not rewritten. In Excel, save it as an ordinary Excel "
            "workbook (.xlsx) and run --fix again."
        ),
        file=str(source),
    )
