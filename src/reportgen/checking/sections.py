"""Section rules: the schema's required parts as level-1 headings, numbered and in order."""

from __future__ import annotations

import re
import string
from functools import cache
from typing import Any

from reportgen.checking.document import Checker
from reportgen.checking.parts import CheckedParagraph
from reportgen.core.i18n import _
from reportgen.gbt9704.numbering import PART_HEADING, chinese_number


def check_sections(checker: Checker, parts: list[CheckedParagraph]) -> None:
    """Every required part of the schema as a level-1 heading, numbered and in order."""
    headings = [p for p in parts if p.role == "一级标题"]
    titles = [PART_HEADING.sub("", p.text.strip()).rstrip("。．. ") for p in headings]
    _check_numbering(checker, headings)
    specs = _fixed_parts(checker)
    indexes = [_part_index(specs, t) for t in titles]
    found = [i for i in indexes if i is not None]
    _check_required(checker, list(zip(headings, indexes, strict=True)), found)
    if found != sorted(found):
        _report_order(checker, titles)


def _fixed_parts(checker: Checker) -> tuple[Any, ...]:
    """The schema's parts with fixed titles: a free-headings part (kind headings) has its
    headings in the data, so any level-1 heading may be one of its."""
    return tuple(spec for spec in checker.schema.parts if spec.kind != "headings")


def _check_numbering(checker: Checker, headings: list[CheckedParagraph]) -> None:
    """Level-1 headings numbered 一、二、三、… in order."""
    for index, part in enumerate(headings, start=1):
        number = PART_HEADING.match(part.text.strip())
        if number and number.group(1) != _chinese(index):
            checker.add(
                "numbering",
                _("Level-1 heading {found} should be numbered {wanted}."),
                _("Number the level-1 headings 一、二、三、… in order."),
                part.place,
                found=number.group(0),
                wanted=_chinese(index) + "、",
            )


def _check_required(
    checker: Checker, headings: list[tuple[CheckedParagraph, int | None]], found: list[int]
) -> None:
    """Every part the schema requires is among the ``found`` ones (indexes of its parts);
    ``headings`` are the level-1 headings with the schema part each one is."""
    specs = _fixed_parts(checker)
    for index, spec in enumerate(specs):
        if spec.required and index not in found:
            checker.add(
                "section-missing",
                _("The part “{title}” that the {template} template requires is missing."),
                _("Add it as a level-1 heading (一、{title}) in its place."),
                _before(headings, index),
                title=_display_title(spec.title),
                template=checker.schema.name,
            )


def _report_order(checker: Checker, titles: list[str]) -> None:
    """One finding: the schema's parts found, in the document's order and in the schema's."""
    specs = _fixed_parts(checker)
    checker.add(
        "section-order",
        _("The parts are not in the template's order: {found}."),
        _("Put them in this order: {wanted}."),
        "",
        found="、".join(t for t in titles if _part_index(specs, t) is not None),
        wanted="、".join(_display_title(spec.title) for spec in specs),
    )


def _display_title(title: str) -> str:
    """A part title for a message: its fields shown as ×××× (××××年度…主要安排)."""
    return "".join(
        literal + ("××××" if name else "")
        for literal, name, _spec, _conv in string.Formatter().parse(title)
    )


@cache
def _title_pattern(title: str) -> re.Pattern[str]:
    """A part title of the schema as a pattern: {year} and {next_year} match any four-digit
    year, other fields any text (the document shows them filled: 2023年度…主要举措和成效)."""
    pieces = []
    for literal, name, _spec, _conv in string.Formatter().parse(title):
        pieces.append(re.escape(literal))
        if name:
            pieces.append(r"\d{4}" if name in ("year", "next_year") else ".+?")
    return re.compile("".join(pieces))


def _part_index(specs: tuple[Any, ...], heading: str) -> int | None:
    """Which of the schema's parts a level-1 heading is, or None."""
    return next(
        (i for i, spec in enumerate(specs) if _title_pattern(spec.title).fullmatch(heading)),
        None,
    )


def _before(headings: list[tuple[CheckedParagraph, int | None]], index: int) -> str:
    """Where a missing part belongs: before the heading of the next part present."""
    for part, found in headings:
        if found is not None and found > index:
            return part.place
    return ""


def _chinese(n: int) -> str:
    """一, 二, … 九十九 for a heading number; larger numbers in Arabic numerals."""
    return chinese_number(n) if 0 < n < 100 else str(n)
