"""Page rules of GB/T 9704 §5.2: A4 paper, margins, the 22 × 28 grid and the body's line spacing."""

from __future__ import annotations

import math
from typing import Any

from reportgen.checking.document import Checker, measure, w
from reportgen.checking.parts import CheckedParagraph
from reportgen.core.i18n import _
from reportgen.gbt9704.grid import (
    CHARS_PER_LINE,
    LINES_PER_PAGE,
    MARGIN_TOLERANCE_MM,
    MARGINS_MM,
    TWIPS_PER_MM,
)
from reportgen.wordml.styles import flag, lookup

A4_TWIPS = (11906, 16838)
# 225 mm / 22 lines = 28.95 pt = 579 twips, as Word's 22-line grid sets it; within 0.1 pt.
STANDARD_PITCH = 579
PITCH_TOLERANCE = 2
_PAGE_SETUP = "页面设置"


def check_page_setup(checker: Checker) -> bool:
    """Whether the body has page setup (w:sectPr); one finding when it has none.

    Word always writes one, but it is optional and other programs leave it out; without it
    there is no paper size, margins, grid or footer to check.
    """
    if checker.section is not None:
        return True
    checker.add(
        "page-setup",
        _("The document has no page setup, so Word uses its own paper and margins."),
        _("Open it in Word, set A4 paper and the margins 37, 35, 28, 26 mm, and save it."),
        _PAGE_SETUP,
    )
    return False


def _doc_grid(checker: Checker) -> Any:
    """The first section's document grid (w:docGrid), or None."""
    return checker.section.find(w("docGrid")) if checker.section is not None else None


def _setting(checker: Checker, tag: str, attr: str) -> float:
    """A length of the first section's page setup (w:pgSz, w:pgMar) in twips; 0 if unset."""
    element = checker.section.find(w(tag)) if checker.section is not None else None
    value = element.get(w(attr)) if element is not None else None
    return checker.number(value, f"w:{tag} w:{attr}", _PAGE_SETUP, unit=1) or 0.0


def _paper(checker: Checker) -> tuple[float, float]:
    """The paper's width and height in twips."""
    return _setting(checker, "pgSz", "w"), _setting(checker, "pgSz", "h")


def check_page(checker: Checker) -> None:
    """A4 paper and the margins of §5.2.1, within a millimetre."""
    _check_paper(checker)
    _check_margins(checker)


def _check_paper(checker: Checker) -> None:
    """A4 paper, 210 × 297 mm, within a millimetre each way."""
    size = _paper(checker)
    if any(abs(a - b) > TWIPS_PER_MM for a, b in zip(size, A4_TWIPS, strict=True)):
        checker.add(
            "page-size",
            _("The paper is {width} × {height} mm; GB/T 9704 wants A4, 210 × 297 mm."),
            _("Set the paper size to A4 in the page setup."),
            _PAGE_SETUP,
            width=round(size[0] / TWIPS_PER_MM),
            height=round(size[1] / TWIPS_PER_MM),
        )


def _check_margins(checker: Checker) -> None:
    """Top 37, bottom 35, left 28, right 26 mm, each within ``MARGIN_TOLERANCE_MM``."""
    for side, wanted in MARGINS_MM.items():
        actual = _setting(checker, "pgMar", side) / TWIPS_PER_MM
        if abs(actual - wanted) > MARGIN_TOLERANCE_MM:
            checker.add(
                "margins",
                _MARGIN_MESSAGES[side],
                _("Set the margins to top 37, bottom 35, left 28, right 26 mm."),
                _PAGE_SETUP,
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
            _PAGE_SETUP,
            lines=lines,
            chars=chars,
        )


def _grid_capacity(checker: Checker) -> tuple[int, int]:
    """Lines a page and characters a line that Word will set (line grid or character grid);
    none (0) where a pitch is not positive, as a character spacing of -65536 makes it."""
    width, height = _paper(checker)
    width -= _setting(checker, "pgMar", "left") + _setting(checker, "pgMar", "right")
    height -= _setting(checker, "pgMar", "top") + _setting(checker, "pgMar", "bottom")
    line = body_line_pitch(checker)
    lines = math.floor(height / line + 1e-6) if line > 0 else 0
    pitch = _char_pitch(checker)
    chars = math.floor(width / 20 / pitch + 1e-6) if pitch > 0 else 0
    return max(lines, 0), max(chars, 0)


def _char_pitch(checker: Checker) -> float:
    """The width of a body character in points: the font size plus the grid's or the
    font's character spacing."""
    grid = _doc_grid(checker)
    levels = _default_rpr_levels(checker)
    size = measure(checker, levels, "sz", "val", _PAGE_SETUP, unit=10)
    size_pt = (size or 20) / 2
    if grid is not None and grid.get(w("type")) in ("linesAndChars", "snapToChars"):
        space = checker.number(grid.get(w("charSpace")), "w:docGrid w:charSpace", _PAGE_SETUP)
        return size_pt + (space or 0) / 4096
    return size_pt + (measure(checker, levels, "spacing", "val", _PAGE_SETUP) or 0) / 20


def _default_rpr_levels(checker: Checker) -> list[Any]:
    """The run properties a plain body paragraph starts from."""
    from docx.oxml import OxmlElement

    paragraph, run = OxmlElement("w:p"), OxmlElement("w:r")
    paragraph.append(run)
    return checker.styles.rpr_levels(paragraph, run)


def body_line_pitch(checker: Checker) -> float:
    """The body's line pitch in twips: exact line spacing, or the grid's pitch (0: none)."""
    from docx.oxml import OxmlElement

    grid = _doc_grid(checker)
    grid = grid if grid is not None and grid.get(w("type")) else None
    levels = checker.styles.ppr_levels(OxmlElement("w:p"))
    rule, line = _spacing(checker, levels, _PAGE_SETUP)
    if rule == "exact":
        return line
    pitch = _grid_pitch(checker, grid)
    if pitch and flag(levels, "snapToGrid", True):
        return pitch * max(line / 240, 1)
    return 0.0


def _grid_pitch(checker: Checker, grid: Any) -> float:
    """The document grid's line pitch in twips (w:linePitch), 0 without one."""
    if grid is None:
        return 0.0
    value = grid.get(w("linePitch"))
    return checker.number(value, "w:docGrid w:linePitch", _PAGE_SETUP) or 0.0


def _spacing(checker: Checker, levels: list[Any], place: str) -> tuple[str, float]:
    """A paragraph's line rule and line value (twips when exact, 240ths of a line when auto)."""
    rule = lookup(levels, "spacing", "lineRule") or "auto"
    return rule, measure(checker, levels, "spacing", "line", place) or 240.0


def check_line_spacing(checker: Checker, part: CheckedParagraph, reported: set[Any]) -> None:
    """Lines of ``part`` 28.95 pt apart, as GB/T 9704's 22 lines fill the 225 mm text block:
    exact spacing of that pitch, or single spacing on a grid of it. Judged against the
    standard's pitch, not the document's own (a Normal style of exact 28 pt is the fault,
    not the paragraphs that keep 28.95 pt). A spacing a style or the document defaults set
    is one fault: one finding, at its first paragraph (``reported`` holds the sources
    already named)."""
    levels = checker.styles.ppr_levels(part.p)
    if abs(_paragraph_pitch(checker, levels, part.place) - STANDARD_PITCH) <= PITCH_TOLERANCE:
        return
    rule, line = _spacing(checker, levels, part.place)
    source = _spacing_source(part.p, levels)
    if source is not None and source in reported:
        return
    shown = f"{line / 20:g} pt" if rule == "exact" else f"{rule} {line / 240:g}"
    if source is None:
        checker.add(
            "line-spacing",
            _("The {part} has line spacing {line}; the 22-line grid wants exactly 28.95 pt."),
            _("Set the line spacing to exactly 28.95 pt, or to single on the document grid."),
            part.place,
            part=part.role,
            line=shown,
        )
        return
    reported.add(source)
    style = _style_name(source)
    checker.add(
        "line-spacing",
        _SHARED_SPACING[style is not None],
        _SHARED_SPACING_HINT[style is not None],
        part.place,
        part=part.role,
        line=shown,
        style=style or "",
    )


_SHARED_SPACING = {
    True: _(
        "The {part} has line spacing {line}, set in its style “{style}” for every paragraph "
        "of that style; the 22-line grid wants exactly 28.95 pt."
    ),
    False: _(
        "The {part} has line spacing {line}, set in the document defaults for every "
        "paragraph; the 22-line grid wants exactly 28.95 pt."
    ),
}
_SHARED_SPACING_HINT = {
    True: _("Set the line spacing of the style “{style}” to exactly 28.95 pt."),
    False: _("Set the default line spacing to exactly 28.95 pt."),
}


def _spacing_source(p: Any, levels: list[Any]) -> Any:
    """The style (w:style) or document defaults (w:pPrDefault, or ``_DEFAULTS`` when nothing
    sets it) that give paragraph ``p`` its line spacing; None when ``p`` sets it itself."""
    own = p.find(w("pPr"))
    for level in levels:
        spacing = level.find(w("spacing"))
        if spacing is not None and (
            spacing.get(w("line")) is not None or spacing.get(w("lineRule")) is not None
        ):
            return None if level is own else level.getparent()
    return _DEFAULTS


_DEFAULTS = "document defaults"  # no level sets the spacing: Word's default applies


def _style_name(source: Any) -> str | None:
    """The name of style ``source`` (a w:style), or None for the document defaults."""
    if source is _DEFAULTS or source.tag != w("style"):
        return None
    name = source.find(w("name"))
    shown = name.get(w("val")) if name is not None else None
    return str(shown or source.get(w("styleId")) or "?")


def _paragraph_pitch(checker: Checker, levels: list[Any], place: str) -> float:
    """A paragraph's line pitch in twips: its exact spacing, the grid's pitch when single
    spaced on the grid, else -1 (a pitch no page can want)."""
    rule, line = _spacing(checker, levels, place)
    if rule == "exact":
        return line
    if rule == "auto" and line == 240 and flag(levels, "snapToGrid", True):
        return _grid_pitch(checker, _doc_grid(checker))
    return -1.0
