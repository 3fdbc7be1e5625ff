"""Numbering typed by hand at the start of a title (手写编号): 一是, （一）, 一、, 1. …

reportgen numbers every title itself (一、 （一） 一是), so a number pasted with the title from
last year's Word file would print twice (一是一是推进…). Only a numeral followed by the mark
that makes it a number is recognised, so that a title which merely starts with a numeral word
(一网通办改革, 1 000 件, 十三五规划, 1.5倍) is left alone:

- 一是 … 九十九是 (the 是 of a run-in point; not 是否);
- （一） (一) and （1） (1) — a numeral in full- or half-width brackets;
- 一、 and 1、 — a numeral and the 顿号, not followed by another numeral (一、二季度 and
  1、2月 list two of them);
- 1. 1． — Arabic digits and a full stop not followed by a digit (1.5倍 is a figure);
- ① … ⑳ and ⑴ … ⒇ — the circled and bracketed numerals.

Spaces after the number are taken with it.

``doubled_number`` finds a number followed by another (一、一、, （一）1、, 一是1., 1.1.): the
first may be followed by a numeral there, the second is a typed number as above.
"""

from __future__ import annotations

import re

_CHINESE = "[一二三四五六七八九十]{1,3}"
_ARABIC = r"[0-9０-９]{1,2}"
TYPED_NUMBER = re.compile(
    "^(?:"
    f"{_CHINESE}是(?!否)"
    f"|[（(](?:{_CHINESE}|{_ARABIC})[）)]"
    f"|(?:{_CHINESE}|{_ARABIC})、(?![一二三四五六七八九十0-9０-９])"
    rf"|{_ARABIC}[.．](?![0-9０-９])"
    "|[\u2460-\u2473\u2474-\u2487]"
    ")[ \u3000]*"
)

# The first of two numbers: any numbering mark, even with a numeral after it (1.1.).
_LEADING_NUMBER = re.compile(
    "(?:"
    f"{_CHINESE}是(?!否)"
    f"|[（(](?:{_CHINESE}|{_ARABIC})[）)]"
    f"|(?:{_CHINESE}|{_ARABIC})[、.．]"
    "|[\u2460-\u2473\u2474-\u2487]"
    ")[ \u3000]*"
)


def typed_number(title: str) -> str:
    """The number typed at the start of ``title`` (as typed, with its spaces), or ''."""
    match = TYPED_NUMBER.match(title)
    return match.group(0) if match and match.end() < len(title) else ""


def without_typed_number(title: str) -> str:
    """``title`` without the number typed at its start (the title itself if it has none)."""
    return title[len(typed_number(title)) :]


def doubled_number(text: str, start: int = 0) -> tuple[str, str] | None:
    """The two numbers at ``start`` of ``text`` when a number is followed by another
    (一、 and 一、 of 一、一、推进, （一） and 1、, 一是 and 1.), as typed; None otherwise
    (一、二季度 and 1.5倍 hold one number or none)."""
    first = _LEADING_NUMBER.match(text, start)
    if first is None:
        return None
    second = typed_number(text[first.end() :])
    return (first.group(0), second) if second else None
