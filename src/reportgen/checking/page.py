"""Page rules of GB/T 9704 §5.2: A4 paper, margins, the 22 × 28 grid and the body's line spacing."""

from __future__ import annotations

import math
from typing import Any

from reportgen.checking.document import Checker, twips, w
from reportgen.checking.parts import Part
from reportgen.core.i18n import _
from reportgen.gbt9704.grid import (
    CHARS_PER_LINE,
    LINES_PER_PAGE,
    MARGIN_TOLERANCE_MM,
    MARGINS_MM,
    TWIPS_PER_MM,
)
from reportgen.wordml.styles import flag, lookup, size_half_points

A4_TWIPS = (11906, 16838)


def check_page_setup(checker: Checker) -> bool:
    """Whether the body has page setup (w:sectPr); one finding when it has none.

    Word always writes one, but it is optional and other programs leave it out; without it
    there is no paper size, margins, grid or footer to check.
    """
    if len(checker.document.sections):
        return True
    checker.add(
        "page-setup",
        _("The document has no page setup, so Word uses its own paper and margins."),
        _("Open it in Word, set A4 paper and the margins 37, 35, 28, 26 mm, and save it."),
        "页面设置",
    )
    return False


def _doc_grid(checker: Checker) -> Any:
    """The first section's document grid (w:docGrid), or None."""
    sections = checker.document.sections
    return sections[0]._sectPr.find(w("docGrid")) if len(sections) else None


def check_page(checker: Checker) -> None:
    """A4 paper and the margins of §5.2.1, within a millimetre."""
    section = checker.document.sections[0]
    _check_paper(checker, section)
    _check_margins(checker, section)


def _check_paper(checker: Checker, section: Any) -> None:
    """A4 paper, 210 × 297 mm, within a millimetre each way."""
    size = (twips(section.page_width), twips(section.page_height))
    if any(abs(a - b) > TWIPS_PER_MM for a, b in zip(size, A4_TWIPS, strict=True)):
        checker.add(
            "page-size",
            _("The paper is {width} × {height} mm; GB/T 9704 wants A4, 210 × 297 mm."),
            _("Set the paper size to A4 in the page setup."),
            "页面设置",
            width=round(size[0] / TWIPS_PER_MM),
            height=round(size[1] / TWIPS_PER_MM),
        )


def _check_margins(checker: Checker, section: Any) -> None:
    """Top 37, bottom 35, left 28, right 26 mm, each within ``MARGIN_TOLERANCE_MM``."""
    for side, wanted in MARGINS_MM.items():
        actual = twips(getattr(section, f"{side}_margin")) / TWIPS_PER_MM
        if abs(actual - wanted) > MARGIN_TOLERANCE_MM:
            checker.add(
                "margins",
                _MARGIN_MESSAGES[side],
                _("Set the margins to top 37, bottom 35, left 28, right 26 mm."),
                "页面设置",
                actual=f"{actual:.1f}",
                wanted=f"{wanted:g}",
            )


_MARGIN_MESSAGES = {
    "top": _("The top margin is {actual} mm; GB/T 9704 wants {wanted} mm."),
    "bottom": _("The bottom margin is {actual} mm; GB/T 9704 wants {wanted} mm."),
    "left": _("The left margin is {actual} mm; GB/T 9704 wants {wanted} mm."),
    "right": _("The right margin is {actual} mm; GB/T 9704 wants {wanted} mm."),
}


def check_grid(checker: Checker) -> None:
    """22 lines a page and 28 characters a line, from the grid and the body font."""
    lines, chars = _grid_capacity(checker)
    if lines != LINES_PER_PAGE or chars != CHARS_PER_LINE:
        checker.add(
            "grid",
            _("The page holds {lines} lines of {chars} characters; GB/T 9704 wants 22 × 28."),
            _(
                "Use a document grid with a line pitch of 28.95 pt (579 twips) and 28 "
                "characters a line, or exact 28.95 pt line spacing with 三号 characters "
                "condensed by 0.25 pt."
            ),
            "页面设置",
            lines=lines,
            chars=chars,
        )


def _grid_capacity(checker: Checker) -> tuple[int, int]:
    """Lines a page and characters a line that Word will set (line grid or character grid)."""
    section = checker.document.sections[0]
    width = twips(section.page_width) - twips(section.left_margin) - twips(section.right_margin)
    height = twips(section.page_height) - twips(section.top_margin)
    height -= twips(section.bottom_margin)
    grid = section._sectPr.find(w("docGrid"))
    grid_type = grid.get(w("type")) if grid is not None else None
    levels = _default_rpr_levels(checker)
    size_pt = (size_half_points(levels) or 20) / 2
    if grid_type in ("linesAndChars", "snapToChars"):
        pitch_pt = size_pt + int(grid.get(w("charSpace")) or 0) / 4096
    else:
        pitch_pt = size_pt + int(lookup(levels, "spacing", "val") or 0) / 20
    line = _line_pitch(checker, grid if grid_type else None)
    lines = math.floor(height / line + 1e-6) if line else 0
    return lines, math.floor(width / 20 / pitch_pt + 1e-6)


def _default_rpr_levels(checker: Checker) -> list[Any]:
    """The run properties a plain body paragraph starts from."""
    from docx.oxml import OxmlElement

    paragraph, run = OxmlElement("w:p"), OxmlElement("w:r")
    paragraph.append(run)
    return checker.styles.rpr_levels(paragraph, run)


def _line_pitch(checker: Checker, grid: Any) -> float:
    """The body's line pitch in twips: exact line spacing, or the grid's pitch."""
    from docx.oxml import OxmlElement

    levels = checker.styles.ppr_levels(OxmlElement("w:p"))
    rule, line = _spacing(levels)
    if rule == "exact":
        return line
    if grid is not None and grid.get(w("linePitch")) and flag(levels, "snapToGrid", True):
        return float(grid.get(w("linePitch"))) * max(line / 240, 1)
    return 0.0


def _spacing(levels: list[Any]) -> tuple[str, float]:
    """A paragraph's line rule and line value (twips when exact, 240ths of a line when auto)."""
    rule = lookup(levels, "spacing", "lineRule") or "auto"
    return rule, float(lookup(levels, "spacing", "line") or 240)


def check_line_spacing(checker: Checker, part: Part) -> None:
    """Lines of the body on the document's pitch: exact spacing of that pitch, or single
    spacing on the grid (``check_grid`` checks that the pitch makes 22 lines)."""
    grid = _doc_grid(checker)
    wanted = _line_pitch(checker, grid if grid is not None and grid.get(w("type")) else None)
    levels = checker.styles.ppr_levels(part.paragraph._p)
    if wanted and abs(_paragraph_pitch(levels, grid) - wanted) <= 2:
        return
    rule, line = _spacing(levels)
    checker.add(
        "line-spacing",
        _("The {part} has line spacing {line}; the 22-line grid wants exactly 28.95 pt."),
        _("Set the line spacing to exactly 28.95 pt, or to single on the document grid."),
        part.place,
        part=part.role,
        line=f"{line / 20:g} pt" if rule == "exact" else f"{rule} {line / 240:g}",
    )


def _paragraph_pitch(levels: list[Any], grid: Any) -> float:
    """A paragraph's line pitch in twips: its exact spacing, the grid's pitch when single
    spaced on the grid, else -1 (a pitch no page can want)."""
    rule, line = _spacing(levels)
    if rule == "exact":
        return line
    if rule == "auto" and line == 240 and flag(levels, "snapToGrid", True):
        return float(grid.get(w("linePitch")) or 0) if grid is not None else 0.0
    return -1.0
