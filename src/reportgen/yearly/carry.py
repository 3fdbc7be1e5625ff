"""Next year's workbook from last year's (结转): structure kept, figures moved, text to review.

Choices made where the issue was silent:
- Kept: issuer, recipient, closing phrase, every part, section, section lead (导语 row) and
  point, the intro.
- Every carried part row (导语 rows too) and the intro are marked 待修改 in their 状态 column; validation warns
  for each one until a reviewer clears it or sets 已定稿.
- Indicator figures: 本年 moves to 上年, 本年 is left empty (the old 上年 is two years back and
  is dropped).
- Cleared: 成文日期 and 发文字号 (both belong to the new letter). A title equal to the default
  pattern is left empty, so the default follows the new year; a title typed by hand has the old
  year replaced by the new one and is marked 待修改.
- The year defaults to the last workbook's year + 1. The last workbook must validate (warnings
  allowed), and is only read, never written.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from reportgen.core.errors import OutputError, ValidationFailed
from reportgen.core.files import refuse_existing
from reportgen.core.i18n import _
from reportgen.core.model import Part, Report, Section
from reportgen.schema.spec import Schema
from reportgen.schema.titles import default_title
from reportgen.validation.run import schema_for, validate_data
from reportgen.workbook.read import read_workbook
from reportgen.workbook.write import Marks, write_workbook


@dataclass(frozen=True)
class CarryResult:
    """What ``init --from`` wrote: where, for which year, and how much is left to review."""

    path: Path
    year: int
    pending: int  # rows marked 待修改
    figures: int  # indicator values moved from 本年 to 上年


def carry_forward(
    last: Path,
    target: Path | None = None,
    year: int | None = None,
    force: bool = False,
    template: str | None = None,
) -> CarryResult:
    """Write next year's workbook from ``last`` (never modified) at ``target``."""
    data = read_workbook(last)
    schema = schema_for(data, template)
    checked = validate_data(data, schema)
    if checked.report is None:
        raise ValidationFailed(checked.findings)
    report = checked.report
    if year is not None and year <= report.year:
        raise OutputError(
            _(
                "--year {year} is not after {file}'s year {last}: init --from makes the "
                "following year's workbook. Give a later year, or leave --year out for {next}."
            ),
            year=year,
            file=str(last),
            last=report.year,
            next=report.year + 1,
        )
    new_year = year or report.year + 1
    target = target or default_target(last, report.year, new_year)
    if target.resolve() == last.resolve():
        raise OutputError(
            _("{file} is the workbook being carried over; choose another name for the new one."),
            file=str(target),
        )
    refuse_existing(target, force)
    carried, marks = next_year(report, schema, new_year)
    write_workbook(target, schema, carried, marks=marks)
    return CarryResult(
        target, new_year, _pending_rows(report) + len(marks.review), _figures(report)
    )


def default_target(last: Path, old_year: int, new_year: int) -> Path:
    """``2018.xlsx`` → ``2019.xlsx``; a name without the year gets ``-2019`` added."""
    stem = last.stem
    name = (
        stem.replace(str(old_year), str(new_year))
        if str(old_year) in stem
        else f"{stem}-{new_year}"
    )
    return last.with_name(name + last.suffix)


def next_year(report: Report, schema: Schema, year: int) -> tuple[Report, Marks]:
    """The report as next year's workbook shows it, and the marks that go with it."""
    review = {"intro"}
    carried = dataclasses.replace(report, year=year, doc_number="")
    if report.title == default_title(schema, report):
        carried = dataclasses.replace(carried, title=default_title(schema, carried))
    else:
        carried = dataclasses.replace(
            carried, title=report.title.replace(str(report.year), str(year))
        )
        review.add("title")
    marks = Marks(
        blank=frozenset({"signature_date"}),
        review=frozenset(review),
        review_rows=True,
        carry_figures=True,
    )
    return carried, marks


def _pending_rows(report: Report) -> int:
    """How many part rows the carried workbook marks 待修改."""
    return sum(_rows(part) for part in report.parts)


def _rows(part: Part) -> int:
    sections = sum(_section_rows(s) for s in part.sections)
    return sections + len(part.points) + (1 if part.lead else 0)


def _section_rows(section: Section) -> int:
    """A sections-kind section: its 导语 row and a row per point; a 基本数据 subsection: a
    row per indicator, or one row of text."""
    if section.points:
        return len(section.points) + (1 if section.text else 0)
    return max(1, len(section.indicators))


def _figures(report: Report) -> int:
    return sum(len(s.indicators) for p in report.parts for s in p.sections)
