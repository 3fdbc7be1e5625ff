"""Recognising the parts of a letter (标题, 主送机关, headings, 正文, 结束语, 署名, 成文日期).

Parts are found by their place and their words, not by style names, since hand editing in
Word or WPS often loses styles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from reportgen.checking.document import Checker, alignment_of
from reportgen.core.i18n import _
from reportgen.core.text import display_width
from reportgen.gbt9704.numbering import NUMERALS, PART_HEADING
from reportgen.gbt9704.signature import DATE_ARABIC, DATE_CHINESE

PLACE_CHARS = 10  # characters of a paragraph shown in a finding's place
_HEADING2 = re.compile(f"^[（(][{NUMERALS}]+[）)]")
HALF_BRACKETS = re.compile(f"^(\\([{NUMERALS}\\d]+[）)]|（[{NUMERALS}\\d]+\\))")


@dataclass(frozen=True)
class Part:
    """One non-empty paragraph and the part of the letter it was recognised as."""

    number: int  # 1-based among all body paragraphs, as Word counts them
    paragraph: Any  # python-docx Paragraph
    role: str  # 标题, 主送机关, 一级标题, 二级标题, 正文, 结束语, 署名, 成文日期, 发文字号

    @property
    def text(self) -> str:
        """The paragraph's text."""
        return str(self.paragraph.text)

    @property
    def place(self) -> str:
        """``¶12 “（一）加强领导抓规划…”``: the number and the first characters."""
        text = self.text.strip()
        head = ""
        for ch in text:
            if display_width(head + ch) > PLACE_CHARS:
                return f"¶{self.number} “{head}…”"
            head += ch
        return f"¶{self.number} “{head}”"


def recognise(checker: Checker) -> Iterator[Part]:
    """The non-empty paragraphs, each with the part of the letter it is."""
    filled = [(n, p) for n, p in enumerate(checker.document.paragraphs, 1) if p.text.strip()]
    if not filled:
        checker.add("empty", _("The document has no text."))
        return
    centred = [alignment_of(checker, p) == "center" for _n, p in filled]
    start = centred.index(True) if True in centred[:6] else 0
    tail = _signature_start(filled)
    title_end = start + 1
    while title_end < tail and centred[title_end]:
        title_end += 1
    for index, (number, paragraph) in enumerate(filled):
        role = _role(index, paragraph.text.strip(), (start, title_end, tail))
        yield Part(number, paragraph, role)


def _signature_start(filled: list[tuple[int, Any]]) -> int:
    """Index of the issuer line: the one before a closing date (len(filled) if none)."""
    last = filled[-1][1].text.strip()
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
