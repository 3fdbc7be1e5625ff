"""WordprocessingML helpers (OOXML) shared by the template generator, the renderer and check.

Word refuses, or silently drops, property elements written out of the schema's order, and
python-docx only orders the few it knows. ``set_child`` puts any property where the schema
says. Plain lxml: it works on python-docx's elements and on trees parsed by lxml alone (the
compiled render path fills documents without importing python-docx, see
``rendering.compiled``).
"""

from __future__ import annotations

import functools
from typing import Any

# The namespaces rendering names elements in (the prefixes Word and python-docx use).
NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}


@functools.cache  # asked for on every run and paragraph a render edits
def qn(name: str) -> str:
    """``w:p`` → ``{http://…/wordprocessingml/2006/main}p`` (Clark notation, as lxml wants)."""
    prefix, local = name.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def new_element(near: Any, name: str) -> Any:
    """A new, unattached ``name`` element (``w:p``) in ``near``'s document, declaring its
    prefix as python-docx's OxmlElement does (lxml drops the declaration where it is
    redundant once the element is placed)."""
    prefix = name.split(":")[0]
    return near.makeelement(qn(name), nsmap={prefix: NAMESPACES[prefix]})


def paragraph_properties(p: Any) -> Any:
    """``p``'s w:pPr, made as its first child if it has none (the schema puts it first)."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = new_element(p, "w:pPr")
        p.insert(0, ppr)
    return ppr


def paragraph_style(p: Any) -> str | None:
    """The style id ``p`` names in its w:pStyle, or None."""
    ppr = p.find(qn("w:pPr"))
    style = ppr.find(qn("w:pStyle")) if ppr is not None else None
    return style.get(qn("w:val")) if style is not None else None


def _sequence(names: str) -> tuple[str, ...]:
    return tuple(names.split())


# ECMA-376 Part 1, CT_PPrBase / CT_RPr / CT_SectPr child sequences.
PPR_ORDER = _sequence(
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
    "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
    "rPr sectPr pPrChange"
)
RPR_ORDER = _sequence(
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
)
SECTPR_ORDER = _sequence(
    "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders "
    "lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter "
    "docGrid printerSettings sectPrChange"
)
_ORDERS = {"pPr": PPR_ORDER, "rPr": RPR_ORDER, "sectPr": SECTPR_ORDER}


def local_name(element: Any) -> str:
    """``w:spacing`` → ``spacing``."""
    return str(element.tag).rsplit("}", 1)[-1]


def set_child(parent: Any, tag: str, **attrs: str) -> Any:
    """Find or make ``parent``'s ``w:`` child ``tag`` in schema order and set its attributes."""
    element = parent.find(qn(f"w:{tag}"))
    if element is None:
        element = new_element(parent, f"w:{tag}")
        _insert_in_order(parent, element, tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _insert_in_order(parent: Any, element: Any, tag: str) -> None:
    """Insert ``element`` before the first sibling that the schema puts after ``tag``."""
    order = _ORDERS.get(local_name(parent))
    if order is None or tag not in order:
        parent.append(element)
        return
    later = set(order[order.index(tag) + 1 :])
    for sibling in parent:
        if local_name(sibling) in later:
            sibling.addprevious(element)
            return
    parent.append(element)


def set_fonts(rpr: Any, east_asia: str, latin: str, size: int | None = None) -> None:
    """Explicit fonts on ``rpr`` (no theme fonts, ``w:hint="eastAsia"``), size in half-points."""
    fonts = set_child(rpr, "rFonts")
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for name, value in (
        ("ascii", latin),
        ("hAnsi", latin),
        ("eastAsia", east_asia),
        ("cs", latin),
        ("hint", "eastAsia"),
    ):
        fonts.set(qn(f"w:{name}"), value)
    if size is not None:
        set_child(rpr, "sz", val=str(size))
        set_child(rpr, "szCs", val=str(size))
