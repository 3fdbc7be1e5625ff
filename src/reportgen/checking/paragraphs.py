"""Paragraph layout per part: title centred, recipient flush left, body indented by two."""

from __future__ import annotations

from typing import Any

from reportgen.checking.document import Checker, alignment_of, first_line_chars, indent_chars
from reportgen.checking.page import check_line_spacing
from reportgen.checking.parts import CheckedParagraph
from reportgen.core.i18n import _

_INDENTED = ("一级标题", "二级标题", "正文", "结束语", "附注")
INDENT_TOLERANCE = 0.2  # characters: 2 characters may be 632 (grid) or 640 (16 pt) twips


def check_layout(checker: Checker, parts: list[CheckedParagraph]) -> None:
    """Title centred, recipient flush left, body paragraphs and 附注 indented two characters,
    and body lines on the 22-line grid."""
    title = [part for part in parts if part.role == "标题"]
    off_centre = [part for part in title if alignment_of(checker, part.p) != "center"]
    if off_centre:  # one finding for the title, however many of its lines are off centre
        checker.add(
            "title-align",
            _("The title is not centred."),
            _("Centre the title."),
            off_centre[0].place,
        )
    reported: set[Any] = set()
    for part in parts:
        if part.role == "主送机关":
            _check_indent(checker, part, first_line=0.0)
        elif part.role in _INDENTED:
            _check_indent(checker, part, first_line=2.0)
        if part.role not in ("标题", "发文字号"):
            check_line_spacing(checker, part, reported)


def _check_indent(checker: Checker, part: CheckedParagraph, first_line: float) -> None:
    """First line indented ``first_line`` characters, wrapped lines flush left."""
    levels = checker.styles.ppr_levels(part.p)
    actual = first_line_chars(checker, levels, part.place)
    left = indent_chars(checker, levels, "left", part.place)
    if abs(actual - first_line) > INDENT_TOLERANCE or abs(left) > INDENT_TOLERANCE:
        checker.add(
            "indent",
            _(
                "The {part} starts {actual} characters in (wrapped lines {left}); "
                "GB/T 9704 wants {wanted} and 0."
            ),
            _("Set the first-line indent to {wanted} characters and the left indent to 0."),
            part.place,
            part=part.role,
            actual=f"{actual:.1f}",
            left=f"{left:.1f}",
            wanted=f"{first_line:g}",
        )
