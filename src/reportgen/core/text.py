"""Cleaning text typed or pasted into cells (文本清理), and measuring it in characters."""

from __future__ import annotations

import re
import unicodedata

# Control characters (vertical tab from Alt+Enter in some tools, bell, form feed …) and
# zero-width characters break the document's XML or hide in it; line breaks inside a cell
# are joined, since each cell is one paragraph, and so are tabs (pasted from a table), which
# would otherwise become a wide gap (<w:tab/>) in the body text.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")
_LINE_BREAKS = re.compile(r"\s*[\r\n\t]+\s*")
_EDGE_SPACES = " \t\u3000\u00a0"


def clean_text(value: object) -> tuple[str, bool]:
    """The cell's text as the document should show it, and whether cleaning changed it."""
    if value is None:
        return "", False
    raw = _as_text(value)
    text = _INVISIBLE.sub("", raw)
    text = _LINE_BREAKS.sub("", text).strip(_EDGE_SPACES + "\r\n")
    return text, text != raw


def _as_text(value: object) -> str:
    """A cell value as text: whole floats without ``.0``, everything else as str()."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def display_width(text: str) -> float:
    """Width in full characters: half-width letters and digits count as half (GB/T 9704)."""
    return sum(0.5 if unicodedata.east_asian_width(ch) in ("Na", "H") else 1.0 for ch in text)
