"""Word rules: numbering brackets, the recipient colon, 发文字号 brackets, the closing phrase."""

from __future__ import annotations

import re

from reportgen.checking.document import Checker
from reportgen.checking.parts import HALF_BRACKETS, CheckedParagraph
from reportgen.core.errors import Severity
from reportgen.core.i18n import _
from reportgen.schema.spec import Schema

USUAL_CLOSINGS = (
    "特此函告。",
    "特此函复。",
    "特此函达。",
    "请予函复。",
    "此复。",
    "特此报告。",
    "特此说明。",
    "以上报告，请审阅。",
)
_DOC_NUMBER_BRACKETS = re.compile(r"[\[［【(（]\d{4}[\]］】)）]\s*第?\d+号")


def check_words(checker: Checker, parts: list[CheckedParagraph]) -> None:
    """Recipient colon, full-width numbering brackets, 发文字号 brackets and the closing."""
    for part in parts:
        text = part.text.strip()
        if part.role == "主送机关":
            _check_recipient_colon(checker, part, text)
        _check_brackets(checker, part, text)
        _check_doc_numbers(checker, part, text)
        if part.role == "结束语":
            _check_closing(checker, part, text)


def _check_recipient_colon(checker: Checker, part: CheckedParagraph, text: str) -> None:
    """The recipient line ends with a full-width colon “：”."""
    if not text.endswith("："):
        checker.add(
            "recipient-colon",
            _("The recipient line does not end with a full-width colon “：”."),
            _("End the recipient line with “：”."),
            part.place,
        )


def _check_brackets(checker: Checker, part: CheckedParagraph, text: str) -> None:
    """Level-2 and level-4 numbers in full-width brackets: （一）, （1）."""
    match = HALF_BRACKETS.match(text)
    if match:
        checker.add(
            "bracket",
            _("The numbering {number} uses half-width brackets."),
            _("Write level-2 numbers with full-width brackets: （一）, level-4 （1）."),
            part.place,
            number=match.group(0),
        )


def _check_doc_numbers(checker: Checker, part: CheckedParagraph, text: str) -> None:
    """Every 发文字号 in the text written like 杭公函〔2018〕12号."""
    for match in _DOC_NUMBER_BRACKETS.finditer(text):
        if not re.search(r"〔\d{4}〕\d+号", match.group(0)) or "第" in match.group(0):
            checker.add(
                "doc-number",
                _("{number} is not in the standard form of a 发文字号."),
                _("Write it like 杭公函〔2018〕12号: 〔〕, full year, no 第, no leading zero."),
                part.place,
                number=match.group(0),
            )


def _closings(schema: Schema) -> tuple[str, ...]:
    """The closing phrases accepted: the template's default and the usual ones."""
    keys = {f.key for f in schema.fields}
    default = schema.field("closing").default if "closing" in keys else ""
    return tuple(c for c in dict.fromkeys([default, *USUAL_CLOSINGS]) if c)


def _check_closing(checker: Checker, part: CheckedParagraph, text: str) -> None:
    """The last body paragraph should be a closing phrase such as 特此函告。."""
    accepted = _closings(checker.schema)
    if text not in accepted:
        checker.add(
            "closing",
            _("The body does not end with a closing phrase such as {closing}."),
            _("End the body with one of: {closings}."),
            part.place,
            Severity.WARNING,
            closing=checker.schema.field("closing").default or "特此函告。",
            closings=" ".join(sorted(accepted)),
        )
