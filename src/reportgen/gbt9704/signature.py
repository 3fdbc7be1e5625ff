"""署名 and 成文日期 (§7.3.5): the date's form and where the two lines sit, sealed or not."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from reportgen.core.text import display_width
from reportgen.gbt9704.grid import CHARS_PER_LINE

DATE_ARABIC = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
DATE_CHINESE = re.compile(
    r"^[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日$"
)


@dataclass(frozen=True)
class Signature:
    """署名 and 成文日期 with their right spacing in characters (GB/T 9704 §7.3.5)."""

    issuer: str
    date: str
    issuer_right_chars: float
    date_right_chars: float
    sealed: bool = False

    @property
    def blank_lines_above(self) -> int:
        """Blank lines between the body and the issuer: one, or two to make room for a seal."""
        return 2 if self.sealed else 1

    def starts(self, line_chars: int = CHARS_PER_LINE) -> tuple[float, float]:
        """Where the issuer and the date start, in characters from the left of the line."""
        issuer_start = line_chars - self.issuer_right_chars - display_width(self.issuer)
        date_start = line_chars - self.date_right_chars - display_width(self.date)
        return issuer_start, date_start


def signature(issuer: str, date: str, *, sealed: bool = False) -> Signature:
    """署名 and 成文日期 placed by GB/T 9704 §7.3.5, half-width characters counting half.

    Unsealed (§7.3.5.2): issuer right-spaced 2 characters, the date starting 2 characters
    right of the issuer's first character; if the date is longer than the name, the date is
    right-spaced 2 and the name moves left: name right space = max(2, Ld − Ln + 4).
    Sealed (§7.3.5.1): the date right-spaced 4, the issuer centred over the date.
    """
    name_len, date_len = display_width(issuer), display_width(date)
    if sealed:
        date_right = 4.0
        issuer_right = max(0.0, date_right + (date_len - name_len) / 2)
        return Signature(issuer, date, issuer_right, date_right, sealed=True)
    issuer_right = max(2.0, date_len - name_len + 4)
    date_right = issuer_right + name_len - 2 - date_len
    return Signature(issuer, date, issuer_right, date_right)


def format_date(date: dt.date) -> str:
    """成文日期 in Arabic numerals, full year, no zero padding: 2018年11月30日 (§7.3.5)."""
    return f"{date.year}年{date.month}月{date.day}日"
