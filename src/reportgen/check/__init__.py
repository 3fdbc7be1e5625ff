"""Checking a Word document against GB/T 9704 and its template (格式检查).

``check_document`` reads any .docx — made by reportgen or edited by hand in Word or WPS — and
reports what breaks the standard (page, margins, grid, fonts per part, indents, numbering
brackets, recipient colon, closing, signature and date, page-number footers) and what the
template's schema requires (every required part, in order). It finds the parts by their
place and their words, not by style names, since hand editing often loses styles. Every
finding names its paragraph (``¶12 “（一）加强领导抓规划…”``) and its rule (``code``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from reportgen.check.document import (
    PLACE_TOLERANCE,
    Checker,
    alignment_of,
    indent_chars,
    open_document,
    recorded_schema,
    w,
)
from reportgen.check.fonts import check_fonts, font_kind
from reportgen.check.page import check_grid, check_page, check_page_setup
from reportgen.check.paragraphs import check_layout
from reportgen.check.parts import (
    DATE_ARABIC,
    DATE_CHINESE,
    Part,
    recognise,
)
from reportgen.check.sections import check_sections
from reportgen.check.words import check_words
from reportgen.context import CHARS_PER_LINE, signature
from reportgen.docxprops import (
    east_asian_font,
    runs,
    size_half_points,
)
from reportgen.errors import Finding, Severity
from reportgen.i18n import _
from reportgen.schema import Schema
from reportgen.text import display_width

_SPACES = " \u3000\u00a0\t"


def check_document(path: Path, schema: Schema | None = None) -> list[Finding]:
    """Every way ``path`` departs from GB/T 9704 and from its template's schema
    (``schema``, else the template recorded in the document, else the letter)."""
    document = open_document(path)
    checker = Checker(path, document, schema or recorded_schema(document))
    page_set_up = check_page_setup(checker)
    if page_set_up:
        check_page(checker)
        check_grid(checker)
    parts = list(recognise(checker))
    for check in (check_fonts, check_layout, check_words, check_sections, _check_signature):
        check(checker, parts)
    _check_page_numbers(checker)
    return checker.findings


# ---------------------------------------------------------------- signature


def _check_signature(checker: Checker, parts: list[Part]) -> None:
    """署名 and 成文日期 last, the date in Arabic numerals, placed by §7.3.5."""
    issuer = next((p for p in parts if p.role == "署名"), None)
    date = next((p for p in parts if p.role == "成文日期"), None)
    if issuer is None or date is None:
        checker.add(
            "signature",
            _("No issuer and date found at the end of the document."),
            _("End the document with the issuer's name and, on the next line, the date."),
            parts[-1].place if parts else "",
        )
        return
    _check_date_format(checker, date)
    _check_placement(checker, issuer, date)


def _check_date_format(checker: Checker, date: Part) -> None:
    """2018年11月30日: Arabic numerals, full year, no zero padding."""
    text = date.text.strip()
    match = DATE_ARABIC.match(text)
    if match and not (match.group(2).startswith("0") or match.group(3).startswith("0")):
        return
    checker.add(
        "date-format",
        _("The date {date} is not written like 2018年11月30日."),
        _("Write the date in Arabic numerals, full year, without leading zeros."),
        date.place,
        Severity.WARNING if DATE_CHINESE.match(text) else Severity.ERROR,
        date=text,
    )


def _check_placement(checker: Checker, issuer: Part, date: Part) -> None:
    """The unsealed rule (date starts two characters right of the issuer) or the sealed
    rule (date right-spaced four, issuer centred over it), from the actual strings."""
    name, when = issuer.text.strip(), date.text.strip()
    actual = (_start(checker, issuer), _start(checker, date))
    rules = {
        sealed: signature(name, when, sealed=sealed).starts(CHARS_PER_LINE)
        for sealed in (False, True)
    }
    if any(
        all(abs(a - e) <= PLACE_TOLERANCE for a, e in zip(actual, wanted, strict=True))
        for wanted in rules.values()
    ):
        return
    checker.add(
        "signature",
        _(
            "The issuer starts at character {issuer} and the date at {date}; GB/T 9704 "
            "puts them at {issuer_unsealed} and {date_unsealed} (unsealed) or "
            "{issuer_sealed} and {date_sealed} (sealed)."
        ),
        _(
            "Unsealed: right-space the issuer so that the date starts two characters right "
            "of its first character, the longer line right-spaced 2. Sealed: date "
            "right-spaced 4, issuer centred over it."
        ),
        date.place,
        issuer=f"{actual[0]:g}",
        date=f"{actual[1]:g}",
        issuer_unsealed=f"{rules[False][0]:g}",
        date_unsealed=f"{rules[False][1]:g}",
        issuer_sealed=f"{rules[True][0]:g}",
        date_sealed=f"{rules[True][1]:g}",
    )


def _start(checker: Checker, part: Part) -> float:
    """Where the paragraph's text starts, in characters from the left of the text block
    (half-width characters counting half, as GB/T 9704 counts them)."""
    levels = checker.styles.ppr_levels(part.paragraph._p)
    text = part.text
    core = text.strip(_SPACES)
    leading = display_width(text[: len(text) - len(text.lstrip(_SPACES))])
    trailing = display_width(text[len(text.rstrip(_SPACES)) :])
    left = indent_chars(levels, "left")
    right = indent_chars(levels, "right")
    if right == 0:
        right = indent_chars(levels, "end")
    alignment = alignment_of(checker, part.paragraph)
    if alignment == "right":
        start = CHARS_PER_LINE - right - trailing - display_width(core)
    elif alignment == "center":
        start = left + (CHARS_PER_LINE - left - right - display_width(core)) / 2
    else:
        first = indent_chars(levels, "firstLine") - indent_chars(levels, "hanging")
        start = left + first + leading
    return round(start * 4) / 4


# ---------------------------------------------------------------- page numbers


def _check_page_numbers(checker: Checker) -> None:
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
        paragraph = next((p for p in footer.paragraphs if _has_page_field(p._p)), None)
        if paragraph is None:
            checker.add(
                "page-number",
                _("The footer has no page number."),
                _("Insert a PAGE field as “— N —”."),
                place,
            )
            continue
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
    for run in runs(paragraph._p):
        run_levels = checker.styles.rpr_levels(paragraph._p, run)
        font = east_asian_font(run_levels)
        if font_kind(font.name if font else None) != "宋体" or size_half_points(run_levels) != 28:
            problems.append(font.name if font else "?")
            break
    if problems:
        checker.add(
            "page-number",
            _PAGE_NUMBER_MESSAGES[side],
            _("Odd pages: right-aligned, right indent 1 character; even pages: left."),
            place,
            found="; ".join(problems),
        )


_PAGE_NUMBER_MESSAGES = {
    "right": _(
        "The page number is not “— N —” in 四号 宋体, right-aligned one character in: {found}."
    ),
    "left": _(
        "The page number is not “— N —” in 四号 宋体, left-aligned one character in: {found}."
    ),
}
