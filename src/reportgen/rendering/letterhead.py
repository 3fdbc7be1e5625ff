"""The 信函格式 letterhead (GB/T 9704 §10.1), added to a rendered document when asked for.

Added after rendering rather than written into each template, so every template gets it the
same way: the issuer's name in red 小标宋 centred with its top 30 mm from the page top; a red
double line (thick over thin) 4 mm under it and one (thin over thick) 20 mm above the page
bottom, both 170 mm long and centred; 发文字号 flush right under the first line; the title two
lines lower; and no page number on the first page. Render-side module (python-docx).

Each shape is written the way Word writes it: an ``mc:AlternateContent`` whose Choice (for
readers that know Word 2010 shapes, ``wps``: Word, WPS, LibreOffice) holds the DrawingML shape
and whose Fallback holds the same shape in VML (``w:pict``) for older readers.
"""

from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from reportgen.core.text import display_width
from reportgen.gbt9704.grid import TWIPS_PER_MM
from reportgen.wordml.ooxml import set_child, set_fonts

EMU_PER_MM = 36000
TWIPS_PER_PT = 20
# Declared on each shape's run as well, for a template whose root lacks them (Word's own
# documents declare them all on the root, where serialization then leaves them).
SHAPE_NAMESPACES = {
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "w10": "urn:schemas-microsoft-com:office:word",
}
SHAPE_NS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in SHAPE_NAMESPACES.items())
EMU_PER_PT = 12700
Z_BASE = 251659264  # Word's relativeHeight (DrawingML) and z-index (VML) of the first shape
RED = "FF0000"
NAME_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
NAME_PT = 26  # 一号: the standard leaves the size to the issuer; shrunk if the name is long
NAME_TOP_MM = 30.0
RULE_GAP_MM = 4.0  # from the name's foot to the double line
RULE_LENGTH_MM = 170.0
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
BOTTOM_RULE_MM = 20.0  # the lower double line's foot, above the page bottom
THICK_PT, THIN_PT, RULE_PITCH_PT = 1.5, 0.75, 2.25  # common practice; the standard is silent
TEXT_BLOCK_PT = 442.2  # 156 mm
MM_PER_PT = 25.4 / 72
# Where the ink of a CJK name sits on its line, measured by rendering (LibreOffice, Noto Serif
# CJK Bold for 小标宋 at 26 pt): its top 0.05 em above the line, 0.94 em tall.
NAME_INK_TOP, NAME_INK_HEIGHT = -0.05, 0.94
# The ink of a 三号 line off the grid starts 3.55 mm under the top of its 579-twip line
# (measured likewise).
BODY_INK_TOP_MM = 3.55
LINE_PITCH_TWIPS = 579
DOC_NUMBER_GAP_MM = 7 / 8 * 16 * MM_PER_PT  # 7/8 of a 三号 character under the double line


def add_letterhead(document: Any, issuer: str, doc_number: str) -> None:
    """Turn the first page of ``document`` into the 信函格式 with ``issuer`` and ``doc_number``."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    _clear(section.first_page_header)
    _clear(section.first_page_footer)
    size = name_size(issuer)
    rule_top = NAME_TOP_MM + NAME_INK_HEIGHT * size * MM_PER_PT + RULE_GAP_MM
    first = _lead_paragraphs(document, doc_number)
    if doc_number:
        _raise_doc_number(first, section.top_margin.mm, rule_top)
    anchor = first._p
    anchor.append(_name_box(issuer, size))
    _double_rule(anchor, rule_top, thick_first=True, first_id=1)
    bottom = (
        PAGE_HEIGHT_MM - BOTTOM_RULE_MM - (THIN_PT / 2 + RULE_PITCH_PT + THICK_PT / 2) * MM_PER_PT
    )
    _double_rule(anchor, bottom, thick_first=False, first_id=3)


def _raise_doc_number(first: Any, top_margin_mm: float, rule_top: float) -> None:
    """Shorten the blank first line so that 发文字号 (on the next) sits 7/8 of a character
    under the double line, as §10.1 asks, instead of wherever the grid puts it."""
    rule_foot = rule_top + (THICK_PT / 2 + RULE_PITCH_PT + THIN_PT / 2) * MM_PER_PT
    wanted = rule_foot + DOC_NUMBER_GAP_MM - top_margin_mm - BODY_INK_TOP_MM
    twips = round(min(max(wanted, 0.0), LINE_PITCH_TWIPS / TWIPS_PER_MM) * TWIPS_PER_MM)
    ppr = first._p.get_or_add_pPr()
    set_child(ppr, "snapToGrid", val="0")  # LibreOffice would round the line up to the grid
    set_child(ppr, "spacing", before="0", after="0", line=str(twips), lineRule="exact")
    set_child(first._p.getnext().get_or_add_pPr(), "snapToGrid", val="0")


def name_size(issuer: str) -> float:
    """一号 (26 pt), or smaller so that the name fits one line of the text block."""
    return min(NAME_PT, TEXT_BLOCK_PT / max(display_width(issuer), 1))


def _emu(mm: float) -> int:
    return round(mm * EMU_PER_MM)


def _name_box(issuer: str, size: float) -> Any:
    """The name in a text box fixed to the page, wrapNone so that it moves no text."""
    cx, cy = _emu(RULE_LENGTH_MM), _emu(size * MM_PER_PT * 1.5)
    y = _emu(NAME_TOP_MM - NAME_INK_TOP * size * MM_PER_PT)
    vml = (
        f'<v:rect id="{_spid(0)}" o:spid="{_spid(0)}" style="{_vml_box(_left(), y, cx, cy, 0)}" '
        f'filled="f" stroked="f"><v:textbox inset="0,0,0,0"><w:txbxContent/></v:textbox>'
        f"<w10:anchorlock/></v:rect>"
    )
    run = _anchored(
        f'<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
        f'<a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        f"<a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr><wps:txbx><w:txbxContent/></wps:txbx>"
        f'<wps:bodyPr wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="t">'
        f"<a:noAutofit/></wps:bodyPr></wps:wsp>",
        vml,
        y=y,
        cx=cx,
        cy=cy,
        shape_id=0,
    )
    for box in run.iter(qn("w:txbxContent")):  # the DrawingML box and its VML twin
        box.append(_name_paragraph(issuer, size))
    return run


def _name_paragraph(issuer: str, size: float) -> Any:
    """The red 小标宋 name, centred, on one line exactly as tall as the type."""
    paragraph = OxmlElement("w:p")
    ppr = paragraph.get_or_add_pPr()
    height = str(round(size * TWIPS_PER_PT))
    set_child(ppr, "snapToGrid", val="0")
    set_child(ppr, "spacing", before="0", after="0", line=height, lineRule="exact")
    set_child(ppr, "ind", left="0", right="0", firstLine="0", firstLineChars="0")
    set_child(ppr, "jc", val="center")
    run = paragraph.add_r()
    rpr = run.get_or_add_rPr()
    set_fonts(rpr, NAME_FONT, LATIN_FONT, size=round(size * 2))
    set_child(rpr, "color", val=RED)
    set_child(rpr, "spacing", val="0")
    run.text = issuer
    return paragraph


def _double_rule(p: Any, top_mm: float, *, thick_first: bool, first_id: int) -> None:
    """Two red 170 mm lines, the upper one's top edge at ``top_mm`` from the page top."""
    widths = (THICK_PT, THIN_PT) if thick_first else (THIN_PT, THICK_PT)
    centre = top_mm + widths[0] / 2 * MM_PER_PT
    for offset, (width, shape_id) in enumerate(zip(widths, (first_id, first_id + 1), strict=True)):
        y = centre + offset * RULE_PITCH_PT * MM_PER_PT
        line = (
            f'<wps:wsp><wps:cNvCnPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
            f'<a:ext cx="{_emu(RULE_LENGTH_MM)}" cy="0"/></a:xfrm>'
            f'<a:prstGeom prst="line"><a:avLst/></a:prstGeom><a:ln w="{round(width * 12700)}">'
            f'<a:solidFill><a:srgbClr val="{RED}"/></a:solidFill></a:ln></wps:spPr>'
            f"<wps:bodyPr/></wps:wsp>"
        )
        vml = _vml_line(_emu(y), width, shape_id)
        cx = _emu(RULE_LENGTH_MM)
        p.append(_anchored(line, vml, y=_emu(y), cx=cx, cy=0, shape_id=shape_id))


def _vml_line(y: int, width_pt: float, shape_id: int) -> str:
    """The VML twin of a rule: a red line across the 170 mm, ``y`` EMU from the page top."""
    left, right = _left(), _left() + _emu(RULE_LENGTH_MM)
    return (
        f'<v:line id="{_spid(shape_id)}" o:spid="{_spid(shape_id)}" '
        f'style="{_vml_position(shape_id)}" from="{_pt(left)},{_pt(y)}" '
        f'to="{_pt(right)},{_pt(y)}" o:connectortype="straight" strokecolor="#{RED}" '
        f'strokeweight="{width_pt:g}pt"><w10:anchorlock/></v:line>'
    )


def _vml_box(x: int, y: int, cx: int, cy: int, shape_id: int) -> str:
    """The VML style of a box ``cx`` × ``cy`` EMU at (``x``, ``y``) from the page corner."""
    box = f"margin-left:{_pt(x)};margin-top:{_pt(y)};width:{_pt(cx)};height:{_pt(cy)};"
    return _vml_position(shape_id, box)


def _vml_position(shape_id: int, box: str = "") -> str:
    """Placed on the page, in front of the text and moving none of it (DrawingML's wrapNone)."""
    return (
        f"position:absolute;{box}z-index:{Z_BASE + shape_id};mso-position-horizontal:absolute;"
        "mso-position-horizontal-relative:page;mso-position-vertical:absolute;"
        "mso-position-vertical-relative:page"
    )


def _spid(shape_id: int) -> str:
    """The VML shape id, in the block Word's o:idmap data="1" gives the body (1025 …)."""
    return f"_x0000_s{1025 + shape_id}"


def _pt(emu: int) -> str:
    """EMU as VML points, to the hundredth."""
    return f"{round(emu / EMU_PER_PT, 2):g}pt"


def _left() -> int:
    """The shapes' left edge: 170 mm centred across the page, in EMU."""
    return _emu((PAGE_WIDTH_MM - RULE_LENGTH_MM) / 2)


def _anchored(shape: str, vml: str, *, y: int, cx: int, cy: int, shape_id: int) -> Any:
    """A run holding ``shape`` (DrawingML) centred across the page, ``y`` EMU from its top,
    with ``vml``, the same shape in VML, as the fallback (mc:AlternateContent, as Word)."""
    x = _left()
    return parse_xml(
        f"<w:r {nsdecls('w', 'wp', 'a')} {SHAPE_NS}><mc:AlternateContent>"
        f'<mc:Choice Requires="wps"><w:drawing>'
        f'<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        f'relativeHeight="{Z_BASE + shape_id}" behindDoc="0" locked="1" layoutInCell="1" '
        f'allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapNone/><wp:docPr id="{1000 + shape_id}" name="版头 {shape_id}"/>'
        f"<wp:cNvGraphicFramePr/><a:graphic><a:graphicData "
        f'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">{shape}'
        f"</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict>{vml}</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def _clear(part: Any) -> None:
    """Leave a header or footer with one empty paragraph (the first page has no number)."""
    for paragraph in part.paragraphs[1:]:
        paragraph._p.getparent().remove(paragraph._p)
    for run in list(part.paragraphs[0].runs):
        run._r.getparent().remove(run._r)


def _lead_paragraphs(document: Any, doc_number: str) -> Any:
    """Body lines before the title: the rule's line, 发文字号 flush right, two blank lines.

    Returns the first one, which anchors the name and the rules. They are anchored in the
    body, not in the first-page header: LibreOffice draws a header text box's text at the
    page's corner, and lets a header frame push the body down.
    """
    first = document.paragraphs[0]
    lines = [""] + ([doc_number] if doc_number else []) + ["", ""]
    made = []
    for text in lines:
        paragraph = first.insert_paragraph_before(text)
        ppr = paragraph._p.get_or_add_pPr()
        set_child(ppr, "ind", firstLine="0", firstLineChars="0")
        set_child(ppr, "jc", val="right")
        if text:
            set_fonts(paragraph.runs[0]._r.get_or_add_rPr(), BODY_FONT, LATIN_FONT)
        made.append(paragraph)
    return made[0]
