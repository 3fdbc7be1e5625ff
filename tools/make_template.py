"""Write the docxtpl Word template of the 函 (templates/letter/template.docx).

The template is data: this script only makes it reproducibly, so that every number in it
(page, margins, grid, fonts, indents) can be read and reviewed here instead of in Word.
Run:  python tools/make_template.py templates/letter/template.docx
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips

from reportgen import __version__
from reportgen.wordml import ooxml

LATIN = "Times New Roman"
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"

BODY_HALF_POINTS = 32  # 三号 16 pt
TITLE_HALF_POINTS = 44  # 二号 22 pt
PAGE_NUMBER_HALF_POINTS = 28  # 四号 14 pt
LINE_PITCH = 579  # 225 mm / 22 lines, in twips (gbt9704.md: 580 would fit only 21 lines)
CHAR_TWIPS = 8845 / 28  # one grid character (一字) across the 156 mm text block
INDENT_TWIPS = round(2 * CHAR_TWIPS)  # 首行缩进二字
# 28 characters a line: 28 × 16 pt = 448 pt is wider than the 442.2 pt text block, so each
# character is condensed by 0.25 pt (w:spacing, in twentieths of a point): 28 × 15.75 = 441 pt.
# Rendering showed why this is not done with a character grid (linesAndChars, charSpace -849):
# LibreOffice gives a 16 pt glyph two cells of a 15.79 pt grid and sets 14 characters a line.
# With a line grid (w:type="lines") Word and LibreOffice both set 28 a line, 22 lines a page.
CHAR_SPACING = -5

PAGE = {
    "w": 11906,
    "h": 16838,
    "top": 2098,
    "bottom": 1984,
    "left": 1587,
    "right": 1474,
    "header": 851,
    "footer": 1426,
}  # footer: 25.2 mm, so that the dashes of "— N —" sit 7 mm under the text block
# (measured in LibreOffice's PDF: 1307 twips put them 9.1 mm under it)


def set_fonts(rpr, east_asia: str, latin: str = LATIN, size: int | None = None) -> None:
    """Set the fonts (East Asian explicitly, no theme fonts) and optionally the size of rPr."""
    ooxml.set_fonts(rpr, east_asia, latin, size)


def child(parent, tag: str, **attrs: str):
    """Find or make ``parent``'s child ``tag`` (in schema order) and set its w: attributes."""
    return ooxml.set_child(parent, tag.removeprefix("w:"), **attrs)


def strip_theme_fonts(styles_element) -> None:
    """Remove theme font references everywhere, so that w:eastAsia is never overridden."""
    for fonts in styles_element.iter(qn("w:rFonts")):
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attr}"), None)


def set_defaults(doc) -> None:
    """Document defaults: 三号 仿宋, Chinese language, exact 579-twip lines, no spacing."""
    styles = doc.styles.element
    strip_theme_fonts(styles)
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, BODY_FONT, size=BODY_HALF_POINTS)
    child(rpr, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    # Condensed by 0.25 pt a character so that 28 fit a line (see CHAR_SPACING).
    child(rpr, "w:spacing", val=str(CHAR_SPACING))
    ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = child(ppr, "w:spacing", before="0", after="0", line=str(LINE_PITCH), lineRule="exact")
    spacing.attrib.pop(qn("w:afterLines"), None)
    set_punctuation(ppr)


def set_punctuation(ppr) -> None:
    """Line-end punctuation and Latin spacing that keep every line on the 28-character grid.

    w:overflowPunct="1" is Word's own default (a line-end ，。 may hang past the margin). It is
    written out because LibreOffice reads the value inverted and then does *not* hang; left
    out, LibreOffice hangs the mark and, on a justified line, draws nothing for it (rendering
    the example lost 8 line-end ，、。). autoSpaceDE/DN off: no extra gap between Chinese and
    digits, so a half-width digit takes half a character as GB/T 9704 counts it. Word and WPS
    honour both; LibreOffice's DOCX import reads neither (it would add about 0.2 character at
    each boundary), so reportgen.conversion turns its one setting for both off in the PDF
    when the styles carry these.
    """
    child(ppr, "w:overflowPunct", val="1")
    child(ppr, "w:autoSpaceDE", val="0")
    child(ppr, "w:autoSpaceDN", val="0")


def paragraph_style(
    doc,
    name: str,
    font: str,
    size: int,
    align: str,
    first_line: bool,
    based_on: str = "Normal",
    keep: tuple[str, ...] = (),
):
    """A paragraph style with its own East Asian font, size, alignment and indent; ``keep``
    names the pagination it asks for (keepNext: on the page of the next paragraph;
    keepLines: never split across pages)."""
    style = (
        doc.styles[name]
        if name == "Normal"
        else doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    )
    if name != "Normal":
        style.base_style = doc.styles[based_on]
        style.quick_style = True
    set_fonts(style.element.get_or_add_rPr(), font, size=size)
    ppr = style.element.get_or_add_pPr()
    for rule in keep:
        child(ppr, f"w:{rule}")
    # No widow/orphan control: every full page holds its 22 lines (GB/T 9704 §5.2.2), as
    # 公文 templates set it; headings and the 落款 are kept with their neighbours instead.
    child(ppr, "w:widowControl", val="0")
    set_punctuation(ppr)
    child(ppr, "w:spacing", before="0", after="0", line=str(LINE_PITCH), lineRule="exact")
    if first_line:
        child(ppr, "w:ind", firstLine=str(INDENT_TWIPS), firstLineChars="200")
    else:
        child(ppr, "w:ind", firstLine="0", firstLineChars="0")
    child(ppr, "w:jc", val=align)
    return style


def make_styles(doc) -> None:
    """The styles of every part of the 函 (GB/T 9704 §7; names are what check looks for).

    Pagination: the title, the recipient (and the blank lines, which use its style) and each
    first-level heading stay with what follows (no 背题), headings and the 落款 are never
    split, and the 署名 stays with its date; rendering keeps the closing and the last body
    lines with the 署名 (``rendering.edits.keep_ending_together``).
    """
    paragraph_style(doc, "Normal", BODY_FONT, BODY_HALF_POINTS, "both", first_line=True)
    together = ("keepNext", "keepLines")
    title = paragraph_style(
        doc, "公文标题", TITLE_FONT, TITLE_HALF_POINTS, "center", first_line=False, keep=together
    )
    # The 二号 title is wider and taller than a grid cell: off the grid it keeps its own
    # spacing instead of taking two cells a character and two lines a line.
    child(title.element.get_or_add_pPr(), "w:snapToGrid", val="0")
    child(title.element.get_or_add_rPr(), "w:spacing", val="0")
    paragraph_style(
        doc, "主送机关", BODY_FONT, BODY_HALF_POINTS, "left", first_line=False, keep=("keepNext",)
    )
    paragraph_style(
        doc, "一级标题", HEADING1_FONT, BODY_HALF_POINTS, "both", first_line=True, keep=together
    )
    paragraph_style(
        doc, "署名", BODY_FONT, BODY_HALF_POINTS, "right", first_line=False, keep=together
    )
    paragraph_style(
        doc, "成文日期", BODY_FONT, BODY_HALF_POINTS, "right", first_line=False, keep=("keepLines",)
    )
    page_number = paragraph_style(
        doc, "页码", PAGE_NUMBER_FONT, PAGE_NUMBER_HALF_POINTS, "right", first_line=False
    )
    set_fonts(
        page_number.element.get_or_add_rPr(),
        PAGE_NUMBER_FONT,
        latin=PAGE_NUMBER_FONT,
        size=PAGE_NUMBER_HALF_POINTS,
    )
    child(page_number.element.get_or_add_pPr(), "w:spacing", line="240", lineRule="auto")
    heading2 = doc.styles.add_style("二级标题", WD_STYLE_TYPE.CHARACTER)
    set_fonts(heading2.element.get_or_add_rPr(), HEADING2_FONT)


def add_paragraph(doc, text: str, style: str = "Normal", runs=None):
    """A body paragraph of one run (or of ``runs``: (text, character style) pairs)."""
    paragraph = doc.add_paragraph(style=style)
    for run_text, char_style in runs or [(text, None)]:
        run = paragraph.add_run(run_text, style=char_style)
        set_fonts(run._r.get_or_add_rPr(), _run_font(style, char_style))
    return paragraph


def _run_font(style: str, char_style: str | None) -> str:
    if char_style == "二级标题":
        return HEADING2_FONT
    return {"公文标题": TITLE_FONT, "一级标题": HEADING1_FONT}.get(style, BODY_FONT)


def make_body(doc) -> None:
    """The body with docxtpl tags: numbering and words come from the render context."""
    add_paragraph(doc, "{%p for line in title_lines %}")
    add_paragraph(doc, "{{ line }}", "公文标题")
    add_paragraph(doc, "{%p endfor %}")
    add_paragraph(doc, "", "主送机关")
    add_paragraph(doc, "{{ recipient }}", "主送机关")
    add_paragraph(doc, "{{ intro }}")
    add_paragraph(doc, "{%p for part in parts %}")
    add_paragraph(doc, "{{ part.heading }}", "一级标题")
    add_paragraph(doc, "{%p for paragraph in part.paragraphs %}")
    add_paragraph(
        doc, "", runs=[("{{ paragraph.lead }}", "二级标题"), ("{{ paragraph.body }}", None)]
    )
    make_indicator_tables(doc)
    add_paragraph(doc, "{%p endfor %}")
    add_paragraph(doc, "{%p endfor %}")
    add_paragraph(doc, "{{ closing }}")
    add_paragraph(doc, "", "主送机关")
    add_paragraph(doc, "{{ signature.issuer }}", "署名")
    add_paragraph(doc, "{{ signature.date }}", "成文日期")


# ---------------------------------------------------------------- the indicator table (指标表)

# A part with indicators = "table" shows its figures as a table after the subsection's
# paragraph. 四号 (14 pt) 仿宋: one size below the body, as 公文 tables are set, and 15
# characters still fit the 指标 column. A one-line row takes one line of the page's 22: its
# text exactly 563 twips plus the 0.5 pt (10 twips) rule under it is 573 twips, just under the
# 579-twip pitch, so that a page of table holds 22 rows. Measured in LibreOffice: at 569 + 10
# (the pitch exactly) a split table page held 21, the repeated header's and the page's own
# bottom rule taking the last 2 twips. Cell text is off the grid (snapToGrid 0, as the
# title), so that neither Word nor LibreOffice snaps a row to two grid lines; the paragraph
# after the table returns to the grid.
TABLE_HALF_POINTS = 28  # 四号 14 pt
TABLE_WIDTH = 8845  # the text block, 156 mm
TABLE_BORDER = "4"  # eighths of a point: 0.5 pt single black lines
TABLE_LINE = LINE_PITCH - 16  # 563 twips: see above
# Column widths (twips, summing to TABLE_WIDTH): 指标 | 本年 | 上年 | 单位, and without 上年.
TABLE_COLUMNS = {4: (4405, 1620, 1620, 1200), 3: (5605, 1940, 1300)}
# The paragraph style of each column: the name left, the figures right, the unit centred
# (表格居中, as the header).
TABLE_CELL_STYLES = {
    4: ("表格文字", "表格数字", "表格数字", "表格居中"),
    3: ("表格文字", "表格数字", "表格居中"),
}


def make_table_styles(doc) -> None:
    """The paragraph styles of the indicator table's cells: 仿宋 四号, no indent, off the grid."""
    for name, align in (("表格文字", "left"), ("表格数字", "right"), ("表格居中", "center")):
        style = paragraph_style(doc, name, BODY_FONT, TABLE_HALF_POINTS, align, first_line=False)
        ppr = style.element.get_or_add_pPr()
        child(ppr, "w:snapToGrid", val="0")
        child(ppr, "w:spacing", line=str(TABLE_LINE), lineRule="exact")
        child(style.element.get_or_add_rPr(), "w:spacing", val="0")


def make_indicator_tables(doc) -> None:
    """The table of a paragraph with indicators (paragraph.table), after the paragraph:
    four columns when a row has a 上年 figure, else three."""
    add_paragraph(doc, "{%p if paragraph.table %}")
    add_paragraph(doc, "{%p if paragraph.table.header|length == 4 %}")
    doc.element.body._insert_tbl(indicator_table(4))
    add_paragraph(doc, "{%p else %}")
    doc.element.body._insert_tbl(indicator_table(3))
    add_paragraph(doc, "{%p endif %}")
    add_paragraph(doc, "{%p endif %}")


def indicator_table(columns: int):
    """A w:tbl of ``columns`` columns: the header row (repeated on every page), a docxtpl
    row loop over paragraph.table.rows, no row split across pages."""
    widths = TABLE_COLUMNS[columns]
    header = [(f"{{{{ paragraph.table.header[{i}] }}}}", "表格居中") for i in range(columns)]
    cells = [(f"{{{{ row[{i}] }}}}", TABLE_CELL_STYLES[columns][i]) for i in range(columns)]
    table = OxmlElement("w:tbl")
    table.append(_table_properties())
    grid = OxmlElement("w:tblGrid")
    for width in widths:
        child_col = OxmlElement("w:gridCol")
        child_col.set(qn("w:w"), str(width))
        grid.append(child_col)
    table.append(grid)
    table.append(_table_row(header, widths, header_row=True))
    table.append(_table_row([("{%tr for row in paragraph.table.rows %}", "表格文字")], widths))
    table.append(_table_row(cells, widths))
    table.append(_table_row([("{%tr endfor %}", "表格文字")], widths))
    return table


def _table_properties():
    """tblPr: the text block's width, centred, fixed layout, 0.5 pt single black borders."""
    props = OxmlElement("w:tblPr")
    child(props, "w:tblW", w=str(TABLE_WIDTH), type="dxa")
    child(props, "w:jc", val="center")
    borders = child(props, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        child(borders, f"w:{side}", val="single", sz=TABLE_BORDER, space="0", color="000000")
    child(props, "w:tblLayout", type="fixed")
    margins = child(props, "w:tblCellMar")
    for side in ("left", "right"):
        child(margins, f"w:{side}", w="108", type="dxa")
    return props


def _table_row(cells, widths, header_row: bool = False):
    """A w:tr that is never split across pages; the header row repeats on each page."""
    row = OxmlElement("w:tr")
    row_props = OxmlElement("w:trPr")
    row_props.append(OxmlElement("w:cantSplit"))
    if header_row:
        row_props.append(OxmlElement("w:tblHeader"))
    row.append(row_props)
    for (text, style), width in zip(cells, widths, strict=False):
        row.append(_table_cell(text, style, width))
    return row


def _table_cell(text: str, style: str, width: int):
    """A w:tc of ``width`` twips, vertically centred, holding one paragraph of ``style``."""
    cell = OxmlElement("w:tc")
    cell_props = OxmlElement("w:tcPr")
    child(cell_props, "w:tcW", w=str(width), type="dxa")
    child(cell_props, "w:vAlign", val="center")
    cell.append(cell_props)
    paragraph = OxmlElement("w:p")
    paragraph_props = OxmlElement("w:pPr")
    child(paragraph_props, "w:pStyle", val=style)
    paragraph.append(paragraph_props)
    run = OxmlElement("w:r")
    set_fonts(run.get_or_add_rPr(), BODY_FONT)
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    paragraph.append(run)
    cell.append(paragraph)
    return cell


def set_page(doc) -> None:
    """A4, margins 37/35/28/26 mm, and the 22 × 28 document grid."""
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(PAGE["w"]), Twips(PAGE["h"])
    section.top_margin, section.bottom_margin = Twips(PAGE["top"]), Twips(PAGE["bottom"])
    section.left_margin, section.right_margin = Twips(PAGE["left"]), Twips(PAGE["right"])
    section.header_distance, section.footer_distance = Twips(PAGE["header"]), Twips(PAGE["footer"])
    section.gutter = Twips(0)
    sect_pr = section._sectPr
    grid = child(sect_pr, "w:docGrid", type="lines", linePitch=str(LINE_PITCH))
    grid.attrib.pop(qn("w:charSpace"), None)
    sect_pr.remove(grid)
    sect_pr.append(grid)  # docGrid is the last child of sectPr that matters for its order


def page_number_paragraph(paragraph, odd: bool) -> None:
    """ "— N —" with a PAGE field: odd pages right one character in, even pages left."""
    paragraph.style = "页码"
    ppr = paragraph._p.get_or_add_pPr()
    side = "right" if odd else "left"
    child(ppr, "w:ind", **{side: str(round(CHAR_TWIPS)), f"{side}Chars": "100"})
    child(ppr, "w:jc", val=side)
    pieces = [
        ("text", "— "),
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
        ("text", " —"),
    ]
    for kind, value in pieces:
        run = paragraph.add_run()
        set_fonts(run._r.get_or_add_rPr(), PAGE_NUMBER_FONT, latin=PAGE_NUMBER_FONT)
        if kind == "text":
            run.text = value
        elif kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = value
            run._r.append(instr)
        else:
            run._r.append(_fld_char(kind))


def _fld_char(kind: str):
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def make_footers(doc) -> None:
    """Odd and even page footers (w:evenAndOddHeaders), each with its page number."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    page_number_paragraph(section.footer.paragraphs[0], odd=True)
    page_number_paragraph(section.even_page_footer.paragraphs[0], odd=False)


def set_language(doc) -> None:
    """Chinese as the East Asian theme language, so Word lays out punctuation as Chinese."""
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def build(target: Path) -> None:
    """Make the whole template and save it to ``target``."""
    doc = Document()
    body = doc.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    set_defaults(doc)
    make_styles(doc)
    make_table_styles(doc)
    set_language(doc)
    set_page(doc)
    make_footers(doc)
    make_body(doc)
    props = doc.core_properties
    props.author, props.title, props.comments = "reportgen", "", ""
    props.last_modified_by = "reportgen"
    set_compatibility_mode(doc)
    set_font_table(doc)
    set_app_properties(doc)
    drop_stale_parts(doc)
    doc.save(str(target))


# ---------------------------------------------------------------- Word and WPS on office PCs

# 15 = Word 2013 and later. python-docx's default (14, Word 2010) opens as [兼容模式].
COMPATIBILITY_MODE = "15"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
GB2312_SIG = ("00000001", "080E0000", "00000000", "00000000", "00040000", "00000000")
WINDOWS_CJK_SIG = ("800002BF", "38CF7CFA", "00000016", "00000000", "00040001", "00000000")


@dataclass(frozen=True)
class FontEntry:
    """One w:font of word/fontTable.xml: what Word needs to find the face or a substitute."""

    name: str
    alt_name: str | None  # tried first when ``name`` is not installed (Word: one name only)
    panose: str
    charset: str  # 86 = GB2312_CHARSET (134), 00 = ANSI
    family: str
    pitch: str
    sig: tuple[str, str, str, str, str, str]  # usb0-3, csb0-1 (csb0 bit 18: code page 936)


# Every face the template and the letterhead name, nothing else (the python-docx default
# listed Symbol, Cambria, ＭＳ 明朝 … and none of these). The Windows faces (宋体, 黑体) are
# described as Word itself writes them on a Chinese Windows; the _GB2312 faces with the
# 中易 fonts' own PANOSE and GB2312 coverage. 方正小标宋简体's PANOSE is not known to us (no
# licensed copy to read it from): PANOSE "any" (all zeros) plus family roman (a serifed Song
# face), so that a substitution by metrics also lands on a Song face.
FONT_TABLE = (
    FontEntry(
        LATIN,
        None,
        "02020603050405020304",
        "00",
        "roman",
        "variable",
        ("E0002EFF", "C000785B", "00000009", "00000000", "000001FF", "00000000"),
    ),
    FontEntry(BODY_FONT, "仿宋", "02010609030101010101", "86", "modern", "fixed", GB2312_SIG),
    FontEntry(HEADING2_FONT, "楷体", "02010609030101010101", "86", "modern", "fixed", GB2312_SIG),
    FontEntry(
        HEADING1_FONT, "SimHei", "02010609060101010101", "86", "modern", "fixed", WINDOWS_CJK_SIG
    ),
    FontEntry(TITLE_FONT, "宋体", "00000000000000000000", "86", "roman", "variable", GB2312_SIG),
    FontEntry(
        PAGE_NUMBER_FONT,
        "SimSun",
        "02010600030101010101",
        "86",
        "auto",
        "variable",
        ("00000003", "288F0000", "00000016", "00000000", "00040001", "00000000"),
    ),
)


def font_table_xml(fonts: tuple[FontEntry, ...] = FONT_TABLE) -> bytes:
    """word/fontTable.xml declaring ``fonts`` (children in CT_Font's schema order)."""
    entries = "".join(_font_xml(font) for font in fonts)
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<w:fonts xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{entries}'
        "</w:fonts>"
    ).encode()


def _font_xml(font: FontEntry) -> str:
    """One w:font: altName, panose1, charset, family, pitch, sig."""
    usb0, usb1, usb2, usb3, csb0, csb1 = font.sig
    alt = f'<w:altName w:val="{font.alt_name}"/>' if font.alt_name else ""
    return (
        f'<w:font w:name="{font.name}">{alt}<w:panose1 w:val="{font.panose}"/>'
        f'<w:charset w:val="{font.charset}"/><w:family w:val="{font.family}"/>'
        f'<w:pitch w:val="{font.pitch}"/><w:sig w:usb0="{usb0}" w:usb1="{usb1}" '
        f'w:usb2="{usb2}" w:usb3="{usb3}" w:csb0="{csb0}" w:csb1="{csb1}"/></w:font>'
    )


def set_font_table(doc) -> None:
    """Replace python-docx's default font table with FONT_TABLE."""
    doc.part.part_related_by(RT.FONT_TABLE)._blob = font_table_xml()


def set_compatibility_mode(doc) -> None:
    """compatibilityMode 15, so that Word opens the document without [兼容模式]."""
    for setting in doc.settings.element.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), COMPATIBILITY_MODE)


def app_version(version: str = __version__) -> str:
    """reportgen's version in the XX.YYYY form app.xml requires: 0.1.0 → 00.0100."""
    major, minor, patch = (int(part) for part in (version.split(".") + ["0", "0"])[:3])
    return f"{major:02d}.{minor:02d}{patch:02d}"


def app_properties_xml() -> bytes:
    """docProps/app.xml naming reportgen, with no page, word or character counts: nothing
    has counted them, and Word recounts on save."""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        '2006/docPropsVTypes"><Application>reportgen</Application>'
        "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        f"<HyperlinksChanged>false</HyperlinksChanged><AppVersion>{app_version()}</AppVersion>"
        "</Properties>"
    ).encode()


def set_app_properties(doc) -> None:
    """The extended properties (docProps/app.xml) of a document reportgen made."""
    doc.part.package.part_related_by(RT.EXTENDED_PROPERTIES)._blob = app_properties_xml()


def drop_stale_parts(doc) -> None:
    """Drop the blank preview thumbnail and the 438 KB Word 2010 stylesWithEffects copy:
    without a relationship python-docx saves neither part nor its content type."""
    for rels, reltype in (
        (doc.part.package.rels, RT.THUMBNAIL),
        (doc.part.rels, STYLES_WITH_EFFECTS),
    ):
        for rid in [rid for rid, rel in rels.items() if rel.reltype == reltype]:
            del rels[rid]


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "templates/letter/template.docx"))
