"""Page-number rules (§7.5): “— N —” in 四号 宋体, odd pages right and even pages left."""

from __future__ import annotations

import re
from typing import Any

from reportgen.checking.document import PLACE_TOLERANCE, Checker, alignment_of, indent_chars, w
from reportgen.checking.fonts import font_kind
from reportgen.core.i18n import _
from reportgen.wordml.styles import east_asian_font, runs, size_half_points


def check_page_numbers(checker: Checker) -> None:
    """— N — in 四号 宋体: odd pages right one character in, even pages left."""
    if not len(checker.document.sections):
        return  # no section, so no footers: the page-setup finding says so
    section = checker.document.sections[0]
    if not checker.document.settings.odd_and_even_pages_header_footer:
        checker.add(
            "page-number",
            _("Odd and even pages share one footer, so page numbers cannot alternate sides."),
            _("Turn on different odd and even pages, and put the number left on even pages."),
            "页脚",
        )
    for footer, side, place in (
        (section.footer, "right", "页脚（奇数页）"),
        (section.even_page_footer, "left", "页脚（偶数页）"),
    ):
        _check_footer(checker, footer, side, place)


def _check_footer(checker: Checker, footer: Any, side: str, place: str) -> None:
    """One footer holds a page number, set as GB/T 9704 sets it on ``side``."""
    paragraph = next((p for p in footer.paragraphs if _has_page_field(p._p)), None)
    if paragraph is None:
        checker.add(
            "page-number",
            _("The footer has no page number."),
            _("Insert a PAGE field as “— N —”."),
            place,
        )
        return
    _check_page_number(checker, paragraph, side, place)


def _has_page_field(p: Any) -> bool:
    """Whether paragraph ``p`` holds a PAGE field (complex or simple)."""
    codes = [t.text or "" for t in p.iter(w("instrText"))]
    codes += [f.get(w("instr")) or "" for f in p.iter(w("fldSimple"))]
    return any(code.split() and code.split()[0].upper() == "PAGE" for code in codes)


def _check_page_number(checker: Checker, paragraph: Any, side: str, place: str) -> None:
    """One footer's page number: side, one character in, “— N —”, 宋体 四号."""
    levels = checker.styles.ppr_levels(paragraph._p)
    alignment = alignment_of(checker, paragraph)
    indent = indent_chars(levels, side)
    text = paragraph.text.strip()
    problems = []
    if alignment != side or abs(indent - 1) > PLACE_TOLERANCE:
        problems.append(f"{alignment} {indent:g}")
    if not re.fullmatch(r"— ?\S+ ?—", text):
        problems.append(text)
    font = _wrong_font(checker, paragraph)
    if font is not None:
        problems.append(font)
    if problems:
        checker.add(
            "page-number",
            _PAGE_NUMBER_MESSAGES[side],
            _("Odd pages: right-aligned, right indent 1 character; even pages: left."),
            place,
            found="; ".join(problems),
        )


def _wrong_font(checker: Checker, paragraph: Any) -> str | None:
    """The font of the first run not in 四号 宋体 (``?`` if it has none), or None."""
    for run in runs(paragraph._p):
        levels = checker.styles.rpr_levels(paragraph._p, run)
        font = east_asian_font(levels)
        if font_kind(font.name if font else None) != "宋体" or size_half_points(levels) != 28:
            return font.name if font else "?"
    return None


_PAGE_NUMBER_MESSAGES = {
    "right": _(
        "The page number is not “— N —” in 四号 宋体, right-aligned one character in: {found}."
    ),
    "left": _(
        "The page number is not “— N —” in 四号 宋体, left-aligned one character in: {found}."
    ),
}
