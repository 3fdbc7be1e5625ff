"""Font rules of GB/T 9704 per part: the font, its size and the font of ambiguous punctuation."""

from __future__ import annotations

import unicodedata
from typing import Any

from reportgen.checking.document import Checker, measure
from reportgen.checking.parts import CheckedParagraph
from reportgen.core.i18n import _
from reportgen.gbt9704.punctuation import AMBIGUOUS_PUNCTUATION
from reportgen.wordml.styles import east_asian_font, lookup, qn, run_text, runs

# Font kinds by the words their names carry (小标宋 first: its name holds 宋 too).
FONT_KINDS = (
    ("小标宋", ("小标宋", "xiaobiaosong")),
    ("仿宋", ("仿宋", "fangsong")),
    ("楷体", ("楷体", "kaiti")),
    ("黑体", ("黑体", "simhei", "heiti")),
    ("宋体", ("宋体", "simsun", "书宋", "songti")),
)
_FONTS = {
    "标题": ("小标宋", 44),
    "主送机关": ("仿宋", 32),
    "一级标题": ("黑体", 32),
    "正文": ("仿宋", 32),
    "结束语": ("仿宋", 32),
    "署名": ("仿宋", 32),
    "成文日期": ("仿宋", 32),
    "发文字号": ("仿宋", 32),
    "附注": ("仿宋", 32),
}
# Colours that print black: Word's automatic colour, black, and the theme's dark text colours
# (text1 and dark1 are black in every built-in theme) without a tint or shade.
_BLACK = {"auto", "000000"}
_BLACK_THEME = {"text1", "dark1"}


def font_kind(name: str | None) -> str | None:
    """仿宋, 黑体, 楷体, 小标宋 or 宋体 for a font name such as 仿宋_GB2312 or FangSong."""
    lowered = (name or "").lower().replace(" ", "")
    for kind, words in FONT_KINDS:
        if any(word in lowered for word in words):
            return kind
    return None


def check_fonts(checker: Checker, parts: list[CheckedParagraph]) -> None:
    """The font, size and colour of every run with Chinese text, by the part it belongs to."""
    for part in parts:
        _check_colour(checker, part)
        lead_end = _lead_end(part.text) if part.role == "二级标题" else 0
        offset = 0
        for run in runs(part.p):
            text = run_text(run)
            kind, size = _FONTS.get(part.role, ("仿宋", 32))
            if offset < lead_end:
                kind = "楷体"
            offset += len(text)
            if _has_chinese(text) and _check_run(checker, part, run, text, kind, size):
                break  # one finding a paragraph is enough to find it


def _lead_end(text: str) -> int:
    """Where a run-in level-2 title (（一）加强领导抓规划。) ends in its paragraph."""
    stop = text.find("。")
    return stop + 1 if stop >= 0 else len(text)


def _has_chinese(text: str) -> bool:
    """Whether ``text`` holds a wide (Chinese) character, whose font the rules are about."""
    return any(unicodedata.east_asian_width(ch) in ("W", "F") for ch in text)


def _check_run(
    checker: Checker, part: CheckedParagraph, run: Any, text: str, kind: str, size: int
) -> bool:
    """Check one run; True if it produced a finding (then the run's other rules wait)."""
    levels = checker.styles.rpr_levels(part.p, run)
    return (
        _check_font(checker, part, levels, kind)
        or _check_size(checker, part, levels, size)
        or _check_punctuation_font(checker, part, levels, text)
    )


def _check_font(checker: Checker, part: CheckedParagraph, levels: list[Any], kind: str) -> bool:
    """The run's East Asian font is of ``kind`` and named, not a theme font; True if not."""
    font = east_asian_font(levels)
    if font is not None and not font.from_theme and font_kind(font.name) == kind:
        return False
    checker.add(
        "font",
        _("The {part} is set in {font}; GB/T 9704 sets it in {wanted}."),
        _("Set the East Asian font of this text to {wanted} (not a theme font)."),
        part.place,
        part=part.role,
        font=font.name if font else "?",
        wanted=kind,
    )
    return True


def _check_size(checker: Checker, part: CheckedParagraph, levels: list[Any], size: int) -> bool:
    """The run is ``size`` half-points; True if not."""
    actual = measure(checker, levels, "sz", "val", part.place, unit=10)
    if actual == size:
        return False
    checker.add(
        "font-size",
        _("The {part} is {actual} pt; GB/T 9704 sets it in {wanted} pt."),
        _("Set this text to {wanted} pt."),
        part.place,
        part=part.role,
        actual=f"{(actual or 20) / 2:g}",
        wanted=f"{size / 2:g}",
    )
    return True


def _check_punctuation_font(
    checker: Checker, part: CheckedParagraph, levels: list[Any], text: str
) -> bool:
    """“ ” — … take the Latin font unless the run is hinted East Asian; then they are
    half as wide and change shape (a common fault of generated documents)."""
    marks = "".join(sorted({ch for ch in text if ch in AMBIGUOUS_PUNCTUATION}))
    if not marks or lookup(levels, "rFonts", "hint") == "eastAsia":
        return False
    if font_kind(lookup(levels, "rFonts", "hAnsi")) is not None:  # Word sets “ ” — … in hAnsi
        return False
    checker.add(
        "punctuation-font",
        _("{marks} in the {part} fall back to the Latin font and lose their full width."),
        _(
            'Mark the text as East Asian (w:hint="eastAsia"), e.g. by retyping the marks '
            "with a Chinese input method."
        ),
        part.place,
        marks=marks,
        part=part.role,
    )
    return True


def _check_colour(checker: Checker, part: CheckedParagraph) -> None:
    """The text prints black (GB/T 9704 §5.2.4: 文字的颜色均为黑色): one finding at the first
    run of another colour."""
    for run in runs(part.p):
        if not run_text(run).strip():
            continue
        colour = _colour(checker.styles.rpr_levels(part.p, run))
        if colour is not None:
            checker.add(
                "colour",
                _("Text in the {part} is coloured {colour}; GB/T 9704 prints all text black."),
                _("Set the font colour of this text to automatic (black)."),
                part.place,
                part=part.role,
                colour=colour,
            )
            return


def _colour(levels: list[Any]) -> str | None:
    """The run's colour when it is not black (``FF0000``, ``theme accent1``), else None."""
    for level in levels:
        element = level.find(qn("w:color"))
        if element is None:
            continue
        theme = element.get(qn("w:themeColor"))
        if theme is not None:
            shaded = element.get(qn("w:themeTint")) or element.get(qn("w:themeShade"))
            return None if theme in _BLACK_THEME and not shaded else f"theme {theme}"
        value = (element.get(qn("w:val")) or "auto").strip()
        return None if value.lower() in _BLACK else value
    return None
