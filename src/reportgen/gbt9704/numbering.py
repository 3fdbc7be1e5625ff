"""The numbering of a document's levels (§7.3.3): 一、 then （一） then 一是 (run-in points)."""

from __future__ import annotations

import re

NUMERALS = "一二三四五六七八九十"  # the numerals of headings up to 九十九
_DIGITS = "零一二三四五六七八九"
PART_HEADING = re.compile(f"^([{NUMERALS}]+)、")  # 一、基本情况


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (for numbering up to 99)."""
    if not 0 < n < 100:
        raise ValueError(f"numbering only goes to 99, got {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")
