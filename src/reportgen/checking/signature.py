"""Signature rules: 署名 and 成文日期 at the end, the date's form, and their placement (§7.3.5)."""

from __future__ import annotations

from reportgen.checking.document import PLACE_TOLERANCE, Checker, alignment_of, indent_chars
from reportgen.checking.parts import CheckedParagraph
from reportgen.core.errors import Severity
from reportgen.core.i18n import _
from reportgen.core.text import display_width
from reportgen.gbt9704.grid import CHARS_PER_LINE
from reportgen.gbt9704.signature import DATE_ARABIC, DATE_CHINESE, signature

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
    _check_placement(checker, issuer, date)


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


def _check_placement(checker: Checker, issuer: CheckedParagraph, date: CheckedParagraph) -> None:
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
    _report_placement(checker, date, actual, rules)


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
        first = indent_chars(checker, levels, "firstLine", place)
        first -= indent_chars(checker, levels, "hanging", place)
        start = left + first + leading
    return round(start * 4) / 4
