"""Signature rules: 署名 and 成文日期 at the end, the date's form, and their placement (§7.3.5)."""

from __future__ import annotations

from typing import Any

from reportgen.checking.document import (
    PLACE_TOLERANCE,
    Checker,
    alignment_of,
    first_line_chars,
    indent_chars,
    w,
)
from reportgen.checking.parts import CheckedParagraph, paragraph_text, place_of
from reportgen.core.errors import Severity
from reportgen.core.i18n import _
from reportgen.core.text import display_width
from reportgen.gbt9704.grid import CHARS_PER_LINE
from reportgen.gbt9704.signature import DATE_ARABIC, DATE_CHINESE, signature
from reportgen.wordml.styles import flag

_SPACES = " \u3000\u00a0\t"


def check_signature(checker: Checker, parts: list[CheckedParagraph]) -> None:
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
    matched = _check_placement(checker, issuer, date)
    closing = next((p for p in parts if p.role == "结束语"), None)
    if closing is not None:
        _check_blank_lines(checker, closing, issuer, matched)
        _check_page_breaks(checker, closing, date)


def _check_date_format(checker: Checker, date: CheckedParagraph) -> None:
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


def _check_placement(
    checker: Checker, issuer: CheckedParagraph, date: CheckedParagraph
) -> set[bool]:
    """The unsealed rule (date starts two characters right of the issuer) or the sealed
    rule (date right-spaced four, issuer centred over it), from the actual strings; the
    rules (sealed or not) that the placement meets."""
    name, when = issuer.text.strip(), date.text.strip()
    actual = (_start(checker, issuer), _start(checker, date))
    rules = {
        sealed: signature(name, when, sealed=sealed).starts(CHARS_PER_LINE)
        for sealed in (False, True)
    }
    matched = {
        sealed
        for sealed, wanted in rules.items()
        if all(abs(a - e) <= PLACE_TOLERANCE for a, e in zip(actual, wanted, strict=True))
    }
    if not matched:
        _report_placement(checker, date, actual, rules)
    return matched


def _report_placement(
    checker: Checker,
    date: CheckedParagraph,
    actual: tuple[float, float],
    rules: dict[bool, tuple[float, float]],
) -> None:
    """One finding: where the issuer and the date start, and where each rule puts them."""
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


def _start(checker: Checker, part: CheckedParagraph) -> float:
    """Where the paragraph's text starts, in characters from the left of the text block
    (half-width characters counting half, as GB/T 9704 counts them)."""
    levels = checker.styles.ppr_levels(part.p)
    text, place = part.text, part.place
    core = text.strip(_SPACES)
    leading = display_width(text[: len(text) - len(text.lstrip(_SPACES))])
    trailing = display_width(text[len(text.rstrip(_SPACES)) :])
    left = indent_chars(checker, levels, "left", place)
    right = indent_chars(checker, levels, "right", place)
    if right == 0:
        right = indent_chars(checker, levels, "end", place)
    alignment = alignment_of(checker, part.p)
    if alignment == "right":
        start = CHARS_PER_LINE - right - trailing - display_width(core)
    elif alignment == "center":
        start = left + (CHARS_PER_LINE - left - right - display_width(core)) / 2
    else:
        start = left + first_line_chars(checker, levels, place) + leading
    return round(start * 4) / 4


def _check_blank_lines(
    checker: Checker, closing: CheckedParagraph, issuer: CheckedParagraph, matched: set[bool]
) -> None:
    """One blank line between the body and the 署名 (§7.3.5.2); sealed, one or two, as the
    seal's top must come within a line of the body (§7.3.5.1; reportgen leaves two).
    ``matched`` says which placement rules the signature meets (either when none)."""
    blank = issuer.number - closing.number - 1  # the paragraphs between are all empty
    most = max(signature("", "", sealed=s).blank_lines_above for s in matched or {False, True})
    wanted = list(range(1, most + 1))
    if blank in wanted:
        return
    checker.add(
        "signature-space",
        _(
            "There are {blank} blank lines between the body and the issuer; GB/T 9704 "
            "wants {wanted} (one, or two to make room for a seal)."
        ),
        _("Leave one empty line between the last line of the body and the issuer's name."),
        issuer.place,
        blank=blank,
        wanted=" / ".join(str(n) for n in wanted),
    )


def _check_page_breaks(checker: Checker, closing: CheckedParagraph, date: CheckedParagraph) -> None:
    """No explicit page break (a page break character, “page break before” or a section
    break) between the closing and the date: it would leave the 署名 and date alone on a
    page (§7.3.5.5) or part them; one finding at the first."""
    paragraphs = checker.body.findall(w("p"))
    for number in range(closing.number, date.number + 1):
        p = paragraphs[number - 1]
        first = number == closing.number
        if _breaks_page(checker, p, first, last=number == date.number):
            checker.add(
                "signature-break",
                _("An explicit page break separates the body from the issuer and date."),
                _(
                    "Remove the page break (or “page break before”) there; let the 署名 "
                    "and date follow the body on the same page."
                ),
                place_of(number, text) if (text := paragraph_text(p)).strip() else f"¶{number}",
            )
            return


def _breaks_page(checker: Checker, p: Any, first: bool, last: bool) -> bool:
    """Whether paragraph ``p`` forces a page break inside the 落款: a page break character
    (in the closing only after its text, in the date only before it: a break after the
    date, before 附件, is right), page break before (not on the closing), or a section
    break that starts a new page (not after the date)."""
    if not first and flag(checker.styles.ppr_levels(p), "pageBreakBefore"):
        return True
    if not last and _new_page_section(p):
        return True
    text_seen = False
    for element in p.iter(w("t"), w("br")):
        if element.tag == w("t"):
            text_seen = text_seen or bool((element.text or "").strip())
        elif element.get(w("type")) == "page" and _inside(text_seen, first, last):
            return True
    return False


def _inside(text_seen: bool, first: bool, last: bool) -> bool:
    """Whether a page break met after text (``text_seen``) or before it falls inside the
    落款: after the closing's text, anywhere in the lines between, before the date's text."""
    if first:
        return text_seen
    return not (last and text_seen)


def _new_page_section(p: Any) -> bool:
    """Whether ``p`` ends a section whose next one starts on a new page."""
    ppr = p.find(w("pPr"))
    section = ppr.find(w("sectPr")) if ppr is not None else None
    if section is None:
        return False
    kind = section.find(w("type"))
    return kind is None or kind.get(w("val")) != "continuous"
