"""Effective formatting of a Word document (有效格式): what Word shows, not what one run says.

A run's font, size or a paragraph's indent is the first value found along Word's chain:
the run (or paragraph) itself, its character style and that style's bases, the paragraph
style and its bases, and the document defaults. ``check`` reads documents edited by hand in
Word or WPS, where a value may sit at any of these levels. Render-side (python-docx oxml).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn

from reportgen.wordml.ooxml import local_name


@dataclass(frozen=True)
class EastAsianFont:
    """The font a run's Chinese text takes: a name, or a theme slot (``theme:minorEastAsia``)."""

    name: str
    from_theme: bool = False


class Styles:
    """The styles part of one document, for looking properties up along Word's chain."""

    def __init__(self, document: Any) -> None:
        element = document.styles.element
        self._by_id = {s.get(qn("w:styleId")): s for s in element.iterfind(qn("w:style"))}
        defaults = element.find(qn("w:docDefaults"))
        self._default_ppr = _path(defaults, "w:pPrDefault", "w:pPr")
        self._default_rpr = _path(defaults, "w:rPrDefault", "w:rPr")
        self._default_para = next(
            (
                sid
                for sid, s in self._by_id.items()
                if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true")
            ),
            None,
        )

    def _chain(self, style_id: str | None) -> list[Any]:
        """The style called ``style_id`` and its bases, nearest first (cycles cut)."""
        chain: list[Any] = []
        while style_id and style_id in self._by_id and len(chain) < 20:
            style = self._by_id[style_id]
            if any(style is seen for seen in chain):
                break
            chain.append(style)
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return chain

    def paragraph_style_id(self, p: Any) -> str | None:
        """The paragraph's style id, or the default paragraph style's."""
        ppr = p.find(qn("w:pPr"))
        pstyle = ppr.find(qn("w:pStyle")) if ppr is not None else None
        return pstyle.get(qn("w:val")) if pstyle is not None else self._default_para

    def ppr_levels(self, p: Any) -> list[Any]:
        """Every pPr that can set a property of paragraph ``p``, nearest first."""
        levels = [p.find(qn("w:pPr"))]
        levels += [s.find(qn("w:pPr")) for s in self._chain(self.paragraph_style_id(p))]
        levels.append(self._default_ppr)
        return [level for level in levels if level is not None]

    def rpr_levels(self, p: Any, r: Any) -> list[Any]:
        """Every rPr that can set a property of run ``r`` in paragraph ``p``, nearest first."""
        rpr = r.find(qn("w:rPr"))
        rstyle = rpr.find(qn("w:rStyle")) if rpr is not None else None
        levels = [rpr]
        if rstyle is not None:
            levels += [s.find(qn("w:rPr")) for s in self._chain(rstyle.get(qn("w:val")))]
        levels += [s.find(qn("w:rPr")) for s in self._chain(self.paragraph_style_id(p))]
        levels.append(self._default_rpr)
        return [level for level in levels if level is not None]


def _path(element: Any, *tags: str) -> Any:
    """``element``'s descendant along ``tags``, or None."""
    for tag in tags:
        if element is None:
            return None
        element = element.find(qn(tag))
    return element


def lookup(levels: list[Any], tag: str, attr: str) -> str | None:
    """The first ``w:tag/@w:attr`` along ``levels``, or None."""
    for level in levels:
        element = level.find(qn(f"w:{tag}"))
        if element is not None and element.get(qn(f"w:{attr}")) is not None:
            return str(element.get(qn(f"w:{attr}")))
    return None


def flag(levels: list[Any], tag: str, default: bool = False) -> bool:
    """An on/off property such as ``w:snapToGrid`` (present without w:val means on)."""
    for level in levels:
        element = level.find(qn(f"w:{tag}"))
        if element is not None:
            return element.get(qn("w:val")) not in ("0", "false", "off")
    return default


def east_asian_font(levels: list[Any]) -> EastAsianFont | None:
    """The font for Chinese text: the nearest rFonts naming one (a theme slot wins over a
    name at the same level, as in Word)."""
    for level in levels:
        fonts = level.find(qn("w:rFonts"))
        if fonts is None:
            continue
        theme = fonts.get(qn("w:eastAsiaTheme"))
        if theme:
            return EastAsianFont(f"theme:{theme}", from_theme=True)
        name = fonts.get(qn("w:eastAsia"))
        if name:
            return EastAsianFont(name)
    return None


def size_half_points(levels: list[Any]) -> int | None:
    """The run's size in half-points (w:sz), or None (Word's default, 10 pt)."""
    value = lookup(levels, "sz", "val")
    return int(float(value)) if value else None


def runs(p: Any) -> list[Any]:
    """The text runs of paragraph ``p``, including those inside hyperlinks and fields."""
    return [r for r in p.iter(qn("w:r")) if not _in_text_box(r, p)]


def _in_text_box(r: Any, p: Any) -> bool:
    """Whether run ``r`` sits in a text box anchored in ``p`` (such as the letterhead's name)."""
    parent = r.getparent()
    while parent is not None and parent is not p:
        if local_name(parent) == "txbxContent":
            return True
        parent = parent.getparent()
    return False


def run_text(r: Any) -> str:
    """The visible text of run ``r`` (text, tabs as spaces; field codes left out)."""
    parts = []
    for child in r:
        name = local_name(child)
        if name == "t":
            parts.append(child.text or "")
        elif name == "tab":
            parts.append(" ")
    return "".join(parts)
