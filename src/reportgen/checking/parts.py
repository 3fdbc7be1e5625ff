"""Recognising the parts of a letter (标题, 主送机关, headings, 正文, 结束语, 署名, 成文日期).

Parts are found by their place and their words, not by style names, since hand editing in
Word or WPS often loses styles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from reportgen.checking.document import Checker, alignment_of, w
from reportgen.core.i18n import _
from reportgen.core.text import display_width
from reportgen.gbt9704.numbering import NUMERALS, PART_HEADING
from reportgen.gbt9704.signature import DATE_ARABIC, DATE_CHINESE

PLACE_CHARS = 10  # characters of a paragraph shown in a finding's place
_HEADING2 = re.compile(f"^[（(][{NUMERALS}]+[）)]")
_TITLE_SEARCH = 6  # the title starts in one of the first six non-empty paragraphs
_RUN, _HYPERLINK, _TEXT, _BREAK = w("r"), w("hyperlink"), w("t"), w("br")
_INNER = {w("tab"): "\t", w("ptab"): "\t", w("cr"): "\n", w("noBreakHyphen"): "-"}
HALF_BRACKETS = re.compile(f"^(\\([{NUMERALS}\\d]+[）)]|（[{NUMERALS}\\d]+\\))")


@dataclass(frozen=True)
class CheckedParagraph:
    """One non-empty paragraph and the part of the letter it was recognised as."""

    number: int  # 1-based among all body paragraphs, as Word counts them
    p: Any  # the paragraph's w:p element
    role: str  # 标题, 主送机关, 一级标题, 二级标题, 正文, 结束语, 署名, 成文日期, 发文字号
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
    centred = [alignment_of(checker, p) == "center" for _n, p, _t in filled[:_TITLE_SEARCH]]
    start = centred.index(True) if True in centred else 0
    tail = _signature_start(filled)
    title_end = start + 1
    while title_end < tail and alignment_of(checker, filled[title_end][1]) == "center":
        title_end += 1
    for index, (number, p, text) in enumerate(filled):
        role = _role(index, text.strip(), (start, title_end, tail))
        yield CheckedParagraph(number, p, role, text, place_of(number, text))


def _signature_start(filled: list[tuple[int, Any, str]]) -> int:
    """Index of the issuer line: the one before a closing date (len(filled) if none)."""
    last = filled[-1][2].strip()
    if len(filled) >= 4 and (DATE_ARABIC.match(last) or DATE_CHINESE.match(last)):
        return len(filled) - 2
    return len(filled)


def _role(index: int, text: str, bounds: tuple[int, int, int]) -> str:
    """The part of the letter the ``index``-th non-empty paragraph is, given where the
    title starts, where it ends and where the signature starts."""
    start, title_end, tail = bounds
    if index < start:
        return "发文字号"
    if index < title_end:
        return "标题"
    if index == title_end:
        return "主送机关"
    if index >= tail:
        return "署名" if index == tail else "成文日期"
    if index == tail - 1:
        return "结束语"
    if PART_HEADING.match(text):
        return "一级标题"
    if _HEADING2.match(text) or HALF_BRACKETS.match(text):
        return "二级标题"
    return "正文"
