"""Cleaning text typed or pasted into cells (文本清理), and measuring it in characters."""

from __future__ import annotations

import re
import unicodedata

# Removed from cell text, because they break the document's XML, hide in it, or make it show
# other than it reads:
# - what XML 1.0 cannot hold: control characters other than tab and line breaks, surrogates
#   (a lone one comes from an escape such as _xD83D_, which openpyxl turns into it),
#   U+FFFE and U+FFFF; also DEL and the C1 controls;
# - the invisible format characters (Unicode category Cf): zero-width spaces and joiners,
#   the soft hyphen, the byte-order mark, and the bidi controls (U+202A–U+202E,
#   U+2066–U+2069) that can make a name read backwards.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
# A surrogate pair (from escapes such as _xD83D__xDE00_) is one character, kept as such.
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
# Line breaks inside a cell are joined, with the spaces around them, since each cell is one
# paragraph; so are tabs (pasted from a table), which would otherwise become a wide gap
# (<w:tab/>) in the body text. U+2028/U+2029 and NEL are line breaks too.
_LINE_BREAKS = re.compile("[\r\n\t\x85\u2028\u2029]+")
_EDGE_SPACES = " \t\u3000\u00a0"
SHOWN_REMOVED = 5  # removed characters a warning names, the rest are left out


def clean_text(value: object) -> tuple[str, bool]:
    """The cell's text as the document should show it, and whether cleaning changed it."""
    if value is None:
        return "", False
    raw = _as_text(value)
    # Most cells hold nothing to remove: every character _INVISIBLE and _LINE_BREAKS match,
    # and every edge space but " ", is a control, format, separator or surrogate, none of
    # which str.isprintable admits (a test compares both ways on generated text).
    text = raw.strip(" ") if raw.isprintable() else _cleaned(raw)
    return text, text != raw


def _cleaned(raw: str) -> str:
    """``raw`` without what cannot or should not be shown, its lines joined, edges stripped."""
    text = _INVISIBLE.sub("", _paired(raw))
    return _joined_lines(text).strip(_EDGE_SPACES + "\r\n")


def removed_characters(value: object) -> list[str]:
    """The characters cleaning removes as unusable or invisible, once each, as U+202E."""
    if value is None:
        return []
    found = dict.fromkeys(_INVISIBLE.findall(_paired(_as_text(value))))
    return [f"U+{ord(c):04X}" for c in found]


def _paired(text: str) -> str:
    """``text`` with each surrogate pair made the character it encodes."""
    if not _SURROGATE_PAIR.search(text):
        return text
    return _SURROGATE_PAIR.sub(
        lambda m: m.group(0).encode("utf-16-le", "surrogatepass").decode("utf-16-le"), text
    )


def _joined_lines(text: str) -> str:
    """Lines joined without the breaks and the spaces around them (linear: a regex around
    the breaks would backtrack over a long run of spaces)."""
    pieces = _LINE_BREAKS.split(text)
    if len(pieces) == 1:
        return text
    inner = (piece.strip() for piece in pieces[1:-1])
    return "".join([pieces[0].rstrip(), *inner, pieces[-1].lstrip()])


def _as_text(value: object) -> str:
    """A cell value as text: whole floats without ``.0``, everything else as str()."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def display_width(text: str) -> float:
    """Width in full characters: half-width letters and digits count as half (GB/T 9704)."""
    return sum(0.5 if unicodedata.east_asian_width(ch) in ("Na", "H") else 1.0 for ch in text)
