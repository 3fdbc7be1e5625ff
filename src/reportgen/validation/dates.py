"""The order of the 基本信息 dates (日期先后): a date field that should not precede another.

A schema field may say ``not_before = "<key>"`` (签发日期 not before 拟稿日期); when both dates
are given and it does precede, the field's cell gets a warning: likely a typing slip, but a
record the office may still mean to keep, so the build goes on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportgen.core.i18n import _
from reportgen.core.text import clean_text
from reportgen.schema.spec import Schema
from reportgen.validation.cells import row_number
from reportgen.validation.findings import Findings
from reportgen.workbook.read import WorkbookData


def check_date_order(
    data: WorkbookData, info: dict[str, Any], schema: Schema, findings: Findings
) -> None:
    """Warn at each date field that precedes the date field it names in ``not_before``."""
    labels = {f.key: f.label for f in schema.fields}
    for spec in schema.fields:
        later, earlier = info.get(spec.key), info.get(spec.not_before)
        if not (isinstance(later, dt.date) and isinstance(earlier, dt.date) and later < earlier):
            continue
        findings.warning(
            "date-order",
            _("{label} ({date}) is before {other} ({other_date})."),
            _("Check both dates: {label} should be on or after {other}."),
            sheet=schema.info_sheet,
            cell=_value_cell(data, schema.info_sheet, spec.label),
            label=spec.label,
            date=later.isoformat(),
            other=labels.get(spec.not_before, spec.not_before),
            other_date=earlier.isoformat(),
        )


def _value_cell(data: WorkbookData, sheet: str, label: str) -> str:
    """The column-B cell of the first row labelled ``label``; empty when there is none."""
    for cells in data.sheets[sheet].rows[1:] if sheet in data.sheets else ():
        if cells and clean_text(cells[0].value)[0] == label:
            return f"B{row_number(cells[0].ref)}"
    return ""
