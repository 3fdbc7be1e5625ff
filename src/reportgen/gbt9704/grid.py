"""The page grid of GB/T 9704-2012 (§5.2): a 156 × 225 mm text block, 22 lines of 28 characters."""

from __future__ import annotations

CHARS_PER_LINE = 28
LINES_PER_PAGE = 22
# A 二号 (22 pt) title line holds 20 characters of the 156 mm (442 pt) text block.
TITLE_CHARS = 20
TWIPS_PER_MM = 56.6929
TEXT_BLOCK_TWIPS = 8845  # 版心 156 mm
CHAR_TWIPS = TEXT_BLOCK_TWIPS / CHARS_PER_LINE  # one character (一字) on the grid
# §5.2.1: 天头 37 mm ± 1 mm, 订口 28 mm ± 1 mm; the bottom and right margins follow from the
# 156 × 225 mm block on A4.
MARGINS_MM = {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}
MARGIN_TOLERANCE_MM = 1.0
# Characters a line may not start with, and ones it may not end with (Chinese line breaking).
NO_LINE_START = "，。、；：？！）》〕】」』”’…—·％%"
NO_LINE_END = "（《〔【「『“‘"


def may_break(before: str, after: str) -> bool:
    """Whether a line may end between the characters ``before`` and ``after``: not inside a
    number or Latin word, and not before a mark that cannot start a line or after one that
    cannot end it (the renderer's rule for the title, and check's)."""
    if before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
        return False
    return after not in NO_LINE_START and before not in NO_LINE_END
