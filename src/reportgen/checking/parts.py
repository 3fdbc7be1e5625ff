"""Recognising the parts of a letter (标题, 主送机关, headings, 正文, 结束语, 署名, 成文日期, 附注).

Parts are found by their place and their words, not by style names, since hand editing in
Word or WPS often loses styles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from reportgen.checking.document import (
    Checker,
    alignment_of,
    first_line_chars,
    parse_number,
    w,
)
from reportgen.core.i18n import _
from reportgen.core.text import display_width
from reportgen.gbt9704.numbering import NUMERALS, PART_HEADING
from reportgen.gbt9704.signature import DATE_ARABIC, DATE_CHINESE
from reportgen.wordml.styles import lookup, runs

PLACE_CHARS = 10  # characters of a paragraph shown in a finding's place
_HEADING2 = re.compile(f"^[（(][{NUMERALS}]+[）)]")
_TITLE_SEARCH = 6  # the title starts in one of the first six non-empty paragraphs
_RUN, _HYPERLINK, _TEXT, _BREAK = w("r"), w("hyperlink"), w("t"), w("br")
_INNER = {w("tab"): "\t", w("ptab"): "\t", w("cr"): "\n", w("noBreakHyphen"): "-"}
# Lines above the title: 发文字号 (杭公函〔2018〕12号), 份号 (000001), 密级 and 紧急程度.
_HEADER_LINE = re.compile(
    r"[〔\[［【(（]\d{4}[〕\]］】)）]\s*第?\d+号$|^\d{6}$|^(绝密|机密|秘密|特急|加急)"
)
_LEAD_IN = ("如下：", "如下:")
_BODY_SIZE = 32  # half-points: 三号; a title line is larger (二号)
_MAX_NOTES = 2
_NOTE = re.compile(r"[（(].*[）)]", re.S)
HALF_BRACKETS = re.compile(f"^(\\([{NUMERALS}\\d]+[）)]|（[{NUMERALS}\\d]+\\))")


@dataclass(frozen=True)
class CheckedParagraph:
    """One non-empty paragraph and the part of the letter it was recognised as."""

    number: int  # 1-based among all body paragraphs, as Word counts them
    p: Any  # the paragraph's w:p element
    role: str  # 标题, 主送机关, 一级标题, 二级标题, 正文, 结束语, 署名, 成文日期, 附注, 发文字号
    text: str  # the paragraph's text
    place: str  # ``¶12 “（一）加强领导抓规划…”``: the number and the first characters


def place_of(number: int, text: str) -> str:
    """``¶12 “（一）加强领导抓规划…”``: a paragraph's number and its first characters."""
    head, width = "", 0.0
    for ch in text.strip():
        width += display_width(ch)
        if width > PLACE_CHARS:
            return f"¶{number} “{head}…”"
        head += ch
    return f"¶{number} “{head}”"


def paragraph_text(p: Any) -> str:
    """The text of w:p element ``p`` as python-docx's ``Paragraph.text`` reads it (runs and
    hyperlinks, tabs and breaks), without its per-element XPath queries."""
    pieces = []
    for child in p:
        if child.tag == _RUN:
            pieces.append(_run_text(child))
        elif child.tag == _HYPERLINK:
            pieces.extend(_run_text(r) for r in child.iterchildren(_RUN))
    return "".join(pieces)


def _run_text(r: Any) -> str:
    """A run's text: w:t, tabs and breaks as python-docx reads them."""
    pieces = []
    for child in r:
        tag = child.tag
        if tag == _TEXT:
            pieces.append(child.text or "")
        elif tag in _INNER:
            pieces.append(_INNER[tag])
        elif tag == _BREAK and child.get(w("type"), "textWrapping") == "textWrapping":
            pieces.append("\n")
    return "".join(pieces)


def recognise(checker: Checker) -> Iterator[CheckedParagraph]:
    """The non-empty paragraphs, each with the part of the letter it is."""
    body = checker.body
    paragraphs = body.findall(w("p")) if body is not None else []
    filled = [(n, p, t) for n, p in enumerate(paragraphs, 1) if (t := paragraph_text(p)).strip()]
    if not filled:
        checker.add("empty", _("The document has no text."))
        return
    notes = _notes_start(filled)
    tail = _signature_start(filled[:notes])
    start = _title_start(checker, filled[:tail])
    title_end = start + 1
    while title_end < tail and _title_like(checker, filled[title_end][1]):
        title_end += 1
    recipient = title_end < tail and _recipient_like(checker, filled[title_end])
    if not recipient and title_end < tail:
        _report_no_recipient(checker, filled[title_end])
    bounds = _Bounds(start, title_end, title_end if recipient else -1, tail, notes)
    for index, (number, p, text) in enumerate(filled):
        role = _role(index, text.strip(), bounds)
        yield CheckedParagraph(number, p, role, text, place_of(number, text))


@dataclass(frozen=True)
class _Bounds:
    """Where the parts start among the non-empty paragraphs (indexes into them)."""

    title: int  # the first title line
    title_end: int  # the paragraph after the title
    recipient: int  # the recipient line, -1 when there is none
    signature: int  # the issuer line (the end when there is no signature)
    notes: int  # the first 附注 under the date (the end when there are none)


def _title_start(checker: Checker, filled: list[tuple[int, Any, str]]) -> int:
    """Index of the title's first line: the first paragraph that is no 发文字号, 份号 or 密级
    line when it looks like a title, else the first centred one near the top (a title moved
    off centre is still the title, so that a misaligned title is one finding, not four)."""
    head = filled[:_TITLE_SEARCH]
    first = next((i for i, (_n, _p, t) in enumerate(head) if not _HEADER_LINE.search(t)), 0)
    if first < len(head) and _title_like(checker, head[first][1]):
        return first
    centred = [i for i, (_n, p, _t) in enumerate(head) if alignment_of(checker, p) == "center"]
    return centred[0] if centred else first


def _title_like(checker: Checker, p: Any) -> bool:
    """Whether paragraph ``p`` is set as a title line: centred, or larger than 三号."""
    if alignment_of(checker, p) == "center":
        return True
    first = next(iter(runs(p)), None)
    size = lookup(checker.styles.rpr_levels(p, first), "sz", "val") if first is not None else None
    return (parse_number(size) or 0) > _BODY_SIZE if size is not None else False


def _recipient_like(checker: Checker, paragraph: tuple[int, Any, str]) -> bool:
    """Whether the paragraph under the title is a recipient line (主送机关) by its words: no
    full stop, no heading number, not a lead-in (……如下：), and ending with a colon or
    starting flush left."""
    number, p, text = paragraph
    text = text.strip()
    if "。" in text or text.endswith(_LEAD_IN) or PART_HEADING.match(text):
        return False
    if _HEADING2.match(text) or HALF_BRACKETS.match(text):
        return False
    if text.endswith(("：", ":")):
        return True
    levels = checker.styles.ppr_levels(p)
    return abs(first_line_chars(checker, levels, place_of(number, text))) < 1


def _report_no_recipient(checker: Checker, paragraph: tuple[int, Any, str]) -> None:
    """One finding: the title is followed by body text, not by a recipient line."""
    number, _p, text = paragraph
    checker.add(
        "recipient",
        _("No recipient (主送机关) under the title: the body starts right after it."),
        _(
            "Add the recipient's name, flush left and ending with “：”, on the line under the title."
        ),
        place_of(number, text),
    )


def _notes_start(filled: list[tuple[int, Any, str]]) -> int:
    """Index of the 附注 (（联系人：…，电话：…）, GB/T 9704 §7.3.6) under the date: the last
    paragraph (or two) wholly in round brackets, right after a date; len(filled) if none."""
    end = len(filled)
    while (
        end > len(filled) - _MAX_NOTES and end > 1 and _NOTE.fullmatch(filled[end - 1][2].strip())
    ):
        end -= 1
    return end if end < len(filled) and _is_date(filled[end - 1][2]) else len(filled)


def _is_date(text: str) -> bool:
    """Whether ``text`` is a 成文日期 (2018年11月30日 or 二〇一八年十一月三十日)."""
    text = text.strip()
    return bool(DATE_ARABIC.match(text) or DATE_CHINESE.match(text))


def _signature_start(filled: list[tuple[int, Any, str]]) -> int:
    """Index of the issuer line: the one before a closing date (len(filled) if none)."""
    if len(filled) >= 4 and _is_date(filled[-1][2]):
        return len(filled) - 2
    return len(filled)


def _role(index: int, text: str, bounds: _Bounds) -> str:
    """The part of the letter the ``index``-th non-empty paragraph is, given where the
    parts start."""
    if index < bounds.title:
        return "发文字号"
    if index < bounds.title_end:
        return "标题"
    if index == bounds.recipient:
        return "主送机关"
    if index >= bounds.notes:
        return "附注"
    if index >= bounds.signature:
        return "署名" if index == bounds.signature else "成文日期"
    if index == bounds.signature - 1:
        return "结束语"
    if PART_HEADING.match(text):
        return "一级标题"
    if _HEADING2.match(text) or HALF_BRACKETS.match(text):
        return "二级标题"
    return "正文"
