"""Page-number rules (§7.5): “— N —” in 四号 宋体, odd pages right and even pages left."""

from __future__ import annotations

import re
from typing import Any

from reportgen.checking.document import (
    PLACE_TOLERANCE,
    Checker,
    alignment_of,
    indent_chars,
    measure,
    w,
)
from reportgen.checking.fonts import font_kind
from reportgen.checking.parts import paragraph_text
from reportgen.core.i18n import _
from reportgen.wordml.styles import east_asian_font, flag, related_element, runs

_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_SETTINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def check_page_numbers(checker: Checker) -> None:
    """— N — in 四号 宋体: odd pages right one character in, even pages left."""
    if checker.section is None:
        return  # no section, so no footers: the page-setup finding says so
    if not _odd_and_even_footers(checker):
        checker.add(
            "page-number",
            _("Odd and even pages share one footer, so page numbers cannot alternate sides."),
            _("Turn on different odd and even pages, and put the number left on even pages."),
            "页脚",
        )
    for kind, side, place in (
        ("default", "right", "页脚（奇数页）"),
        ("even", "left", "页脚（偶数页）"),
    ):
        _check_footer(checker, _footer_paragraphs(checker, kind), side, place)


def _odd_and_even_footers(checker: Checker) -> bool:
    """Whether the settings turn on different odd and even pages (w:evenAndOddHeaders)."""
    settings = related_element(checker.document.part, _SETTINGS)
    return settings is not None and flag([settings], "evenAndOddHeaders")


def _footer_paragraphs(checker: Checker, kind: str) -> list[Any]:
    """The paragraphs of the first section's ``kind`` footer (default, even); none when the
    section has no such footer or its reference points to no footer part."""
    for reference in checker.section.iterfind(w("footerReference")):
        if (reference.get(w("type")) or "default") == kind:
            footer = related_element(checker.document.part, _FOOTER, reference.get(_R_ID))
            return footer.findall(w("p")) if footer is not None else []
    return []


def _check_footer(checker: Checker, paragraphs: list[Any], side: str, place: str) -> None:
    """One footer holds a page number, set as GB/T 9704 sets it on ``side``."""
    p = next((p for p in paragraphs if _has_page_field(p)), None)
    if p is None:
        checker.add(
            "page-number",
            _("The footer has no page number."),
            _("Insert a PAGE field as “— N —”."),
            place,
        )
        return
    _check_page_number(checker, p, side, place)


def _has_page_field(p: Any) -> bool:
    """Whether paragraph ``p`` holds a PAGE field (complex or simple)."""
    codes = [t.text or "" for t in p.iter(w("instrText"))]
    codes += [f.get(w("instr")) or "" for f in p.iter(w("fldSimple"))]
    return any(code.split() and code.split()[0].upper() == "PAGE" for code in codes)


def _check_page_number(checker: Checker, p: Any, side: str, place: str) -> None:
    """One footer's page number: side, one character in, “— N —”, 宋体 四号."""
    levels = checker.styles.ppr_levels(p)
    alignment = alignment_of(checker, p)
    indent = indent_chars(checker, levels, side, place)
    text = paragraph_text(p).strip()
    problems = []
    if alignment != side or abs(indent - 1) > PLACE_TOLERANCE:
        problems.append(f"{alignment} {indent:g}")
    if not re.fullmatch(r"— ?\S+ ?—", text):
        problems.append(text)
    font = _wrong_font(checker, p, place)
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


def _wrong_font(checker: Checker, p: Any, place: str) -> str | None:
    """The font of the first run not in 四号 宋体 (``?`` if it has none), or None."""
    for run in runs(p):
        levels = checker.styles.rpr_levels(p, run)
        font = east_asian_font(levels)
        size = measure(checker, levels, "sz", "val", place, unit=10)
        if font_kind(font.name if font else None) != "宋体" or size != 28:
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
