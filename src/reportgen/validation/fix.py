"""``validate --fix`` (自动修正): a corrected copy of the workbook for the mechanical problems.

Only what needs no judgement is corrected: spaces, line breaks and invisible characters that
cleaning removes, half-width , : ; ( ) in Chinese text made full-width, and a number typed
before a title (一是, （一）, 1. …: gbt9704.typed), which reportgen adds itself. The input is
never touched: the copy goes to another file, which is not overwritten without ``force``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.core.errors import OutputError
from reportgen.core.files import refuse_existing
from reportgen.core.i18n import _
from reportgen.validation.run import ValidationResult, validate_file
from reportgen.workbook.corrected import write_corrected_copy


@dataclass(frozen=True)
class FixResult:
    """The validation of the input, and the corrected copy written (None if nothing to fix)."""

    validation: ValidationResult
    output: Path | None
    cells: int


def fix_workbook(
    workbook: Path, target: Path, template: str | None = None, force: bool = False
) -> FixResult:
    """Validate ``workbook`` and write its mechanical corrections to ``target``."""
    _check_target(workbook, target, force)
    result = validate_file(workbook, template)
    if not result.fixes:
        return FixResult(result, None, 0)
    cells = write_corrected_copy(workbook, target, result.fixes)
    return FixResult(result, target, cells)


def _check_target(workbook: Path, target: Path, force: bool) -> None:
    """Refuse to write over the input itself, to a non-.xlsx name, or over a file."""
    if target.resolve() == workbook.resolve():
        raise OutputError(
            _(
                "{file}: --fix writes a corrected copy, never the workbook itself; give another name."
            ),
            file=str(target),
        )
    if target.suffix.lower() != ".xlsx":
        raise OutputError(_("{file}: the corrected copy must end in .xlsx."), file=str(target))
    refuse_existing(target, force)
