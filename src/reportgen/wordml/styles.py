"""Effective formatting of a Word document (有效格式): what Word shows, not what one run says.

A run's font, size or a paragraph's indent is the first value found along Word's chain:
the run (or paragraph) itself, its character style and that style's bases, the paragraph
style and its bases, and the document defaults. ``check`` reads documents edited by hand in
Word or WPS, where a value may sit at any of these levels. Render-side (python-docx oxml).

Values are read as the strings the XML holds (python-docx's typed properties raise on values
they do not expect); turning them into numbers is the caller's, who can say where they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from reportgen.wordml.ooxml import local_name

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@cache
def qn(name: str) -> str:
    """``w:styleId`` → Clark notation; cached, as it is asked for on every paragraph."""
    return f"{{{_W_NS}}}{name.removeprefix('w:')}"


@dataclass(frozen=True)
class EastAsianFont:
    """The font a run's Chinese text takes: a name, or a theme slot (``theme:minorEastAsia``)."""

    name: str
    from_theme: bool = False


class Styles:
    """The styles part of one document, for looking properties up along Word's chain."""

    def __init__(self, document: Any) -> None:
        element = _styles_element(document)
        self._cache: dict[tuple[str | None, str], list[Any]] = {}
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

    def _levels(self, style_id: str | None, tag: str) -> list[Any]:
        """The ``tag`` (pPr, rPr) of the style ``style_id`` and of its bases, nearest first;
        kept, as every paragraph of a style asks for the same."""
        key = (style_id, tag)
        if key not in self._cache:
            found = (s.find(qn(f"w:{tag}")) for s in self._chain(style_id))
            self._cache[key] = [level for level in found if level is not None]
        return self._cache[key]

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
        levels += self._levels(self.paragraph_style_id(p), "pPr")
        levels.append(self._default_ppr)
        return [level for level in levels if level is not None]

    def rpr_levels(self, p: Any, r: Any) -> list[Any]:
        """Every rPr that can set a property of run ``r`` in paragraph ``p``, nearest first."""
        rpr = r.find(qn("w:rPr"))
        rstyle = rpr.find(qn("w:rStyle")) if rpr is not None else None
        levels = [rpr]
        if rstyle is not None:
            levels += self._levels(rstyle.get(qn("w:val")), "rPr")
        levels += self._levels(self.paragraph_style_id(p), "rPr")
        levels.append(self._default_rpr)
        return [level for level in levels if level is not None]


def _styles_element(document: Any) -> Any:
    """The styles part's root, read through the relationship: python-docx's
    ``document.styles`` fails on one that points to a part of another kind (then no styles
    at all); python-docx's default styles when the document has no styles relationship."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement

    element = related_element(document.part, RELATIONSHIP_TYPE.STYLES)
    if element is not None:
        return element
    if any(r.reltype == RELATIONSHIP_TYPE.STYLES for r in document.part.rels.values()):
        return OxmlElement("w:styles")
    return document.styles.element


def related_element(part: Any, reltype: str, rid: str | None = None) -> Any:
    """The XML root of the part that ``part`` relates to by ``reltype`` (that relationship
    ``rid``, if given), or None: missing, external, or not an XML part."""
    rels = part.rels
    candidates = [rels[rid]] if rid is not None and rid in rels else []
    if rid is None:
        candidates = list(rels.values())
    for rel in candidates:
        if rel.reltype == reltype and not rel.is_external:
            element = getattr(rel.target_part, "element", None)
            if element is not None:
                return element
    return None


def _path(element: Any, *tags: str) -> Any:
    """``element``'s descendant along ``tags``, or None."""
    for tag in tags:
        if element is None:
            return None
        element = element.find(qn(tag))
    return element


def lookup(levels: list[Any], tag: str, attr: str) -> str | None:
    """The first ``w:tag/@w:attr`` along ``levels``, or None."""
    element_name, attr_name = qn(f"w:{tag}"), qn(f"w:{attr}")
    for level in levels:
        element = level.find(element_name)
        value = element.get(attr_name) if element is not None else None
        if value is not None:
            return str(value)
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
