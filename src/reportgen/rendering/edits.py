"""What rendering does to the filled document besides Jinja: the signature's place (§7.3.5),
“ ” — … in runs of their own set in the Chinese face, and document properties taken from the
data, never from the clock or the machine."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from reportgen.core.model import Report
from reportgen.gbt9704.grid import CHAR_TWIPS, CHARS_PER_LINE
from reportgen.gbt9704.punctuation import AMBIGUOUS_PUNCTUATION
from reportgen.rendering.context import RenderContext
from reportgen.schema.spec import TEMPLATE_TAG
from reportgen.wordml.ooxml import new_element, paragraph_properties, qn, set_child


def place_signature(paragraphs: Iterable[tuple[Any, str]], context: RenderContext) -> None:
    """Place 署名 and 成文日期 (given as ``(w:p element, style name)`` pairs) where the
    signature rule puts them; a sealed document gets more blank lines above the issuer, to
    leave room for the seal.

    LibreOffice sets a date wider than Word does (it adds a gap between Chinese and digits
    that Word leaves out with autoSpaceDN off), so each rule anchors the edge it is about:
    unsealed, the date's first character two right of the issuer's (left indents); sealed,
    the date right-spaced four characters (right indents).
    """
    signature = context.signature
    issuer_start, date_start = signature.starts(CHARS_PER_LINE)
    places = {
        "署名": (issuer_start, signature.issuer_right_chars),
        "成文日期": (date_start, signature.date_right_chars),
    }
    for p, style in list(paragraphs):
        place = places.get(style)
        if place is None:
            continue
        _set_indent(p, *place, from_right=signature.sealed)
        if style == "署名":
            for _extra in range(signature.blank_lines_above - 1):
                p.addprevious(new_element(p, "w:p"))
            keep_ending_together(p)


KEPT_PARAGRAPHS = 2  # non-empty paragraphs above the 署名 kept on its page: closing, last
KEPT_WHOLE_LINES = 4  # a last body paragraph this short is kept with the closing whole


def keep_ending_together(issuer: Any) -> None:
    """Keep the 署名 (``issuer``, a w:p) on the page of the body's last lines (GB/T 9704
    §7.3.5: never a page with only the 落款).

    The blank lines above it and the closing are kept with the next (w:keepNext); the style
    keeps the 署名 with the date. The body paragraph before the closing gets widow control,
    so that when the page breaks inside it at least two of its lines come over; when it is
    short (``KEPT_WHOLE_LINES``) it is kept with the closing too. A longer one is not, because
    LibreOffice never splits a kept paragraph: it would move it whole and leave the page
    before it half empty. So the one layout left is a page break falling exactly after a
    long last paragraph: the next page then holds the closing and the 落款 — 正文 still,
    never the 落款 alone.
    """
    kept = 0
    p = issuer.getprevious()
    while p is not None and kept < KEPT_PARAGRAPHS and p.tag == issuer.tag:
        ppr = paragraph_properties(p)
        text = "".join(p.itertext()).strip()
        kept += bool(text)
        if kept < KEPT_PARAGRAPHS or _lines(text) <= KEPT_WHOLE_LINES:
            set_child(ppr, "keepNext")
        if kept == KEPT_PARAGRAPHS:
            set_child(ppr, "widowControl")
        p = p.getprevious()


def _lines(text: str) -> float:
    """About how many lines ``text`` takes, its two-character indent included."""
    return (len(text) + 2) / CHARS_PER_LINE


def _set_indent(p: Any, start: float, right: float, *, from_right: bool) -> None:
    """Right-align with ``right`` characters of right indent, or left-align starting
    ``start`` characters in. In twips only: Word turns w:leftChars and w:rightChars into
    16 pt characters, wider than those of the 28-a-line grid."""
    ppr = paragraph_properties(p)
    left_twips, right_twips = (0.0, right) if from_right else (start, 0.0)
    ind = set_child(
        ppr,
        "ind",
        left=str(round(left_twips * CHAR_TWIPS)),
        right=str(round(right_twips * CHAR_TWIPS)),
        firstLine="0",
    )
    for attr in ("leftChars", "rightChars", "firstLineChars"):
        ind.attrib.pop(qn(f"w:{attr}"), None)
    set_child(ppr, "jc", val="right" if from_right else "left")


_MARKS = re.compile(f"[{AMBIGUOUS_PUNCTUATION}]")
# Latin text (letters, digits, Latin punctuation and spaces): it keeps the Latin font.
_LATIN = re.compile(f"((?:(?![{AMBIGUOUS_PUNCTUATION}])[\\x00-\\u052f\\u1e00-\\u1fff])+)")


def isolate_ambiguous_marks(body: Any) -> None:
    """Set “ ” ‘ ’ — … · of the body's runs in runs whose Latin fonts (ascii, hAnsi) are the
    run's East Asian face (仿宋_GB2312 …), keeping the run's other properties.

    ``w:hint="eastAsia"`` alone would do in Word, but LibreOffice drops every hint when it
    re-saves a document, and the marks then fall to Times New Roman (narrow, another shape);
    a font named on the run survives. A run holding a mark is cut where its text turns from
    Chinese to Latin (letters, digits) and back: the Latin stretches keep Times New Roman,
    the Chinese ones with their marks take the East Asian face. Cutting only there, where
    the script changes anyway, leaves LibreOffice's layout on the character grid as it was
    (a run of marks alone is set a cell wider: “警调衔接”“交调对接” pushed a line to 27)."""
    for run in list(body.iter(qn("w:r"))):
        texts = run.findall(qn("w:t"))
        if any(_MARKS.search(t.text or "") for t in texts):
            _split_run(run)


def _split_run(run: Any) -> None:
    """Split ``run`` where its text turns from Chinese to Latin and back; the Chinese pieces
    get the East Asian face as their Latin font too (a run without one is left whole)."""
    rpr = run.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    face = fonts.get(qn("w:eastAsia")) if fonts is not None else None
    if rpr is None or not face:
        return
    for latin, contents in _pieces(run):
        piece = copy.deepcopy(rpr)
        if not latin:
            _set_face(piece.find(qn("w:rFonts")), face)
        new = run.makeelement(run.tag, {})
        new.append(piece)
        new.extend(contents)
        run.addprevious(new)
    run.getparent().remove(run)


def _pieces(run: Any) -> list[tuple[bool, list[Any]]]:
    """The run's content (all but its w:rPr) in groups: Latin text, or anything else; a w:t
    holding both is cut into one w:t per stretch."""
    groups: list[tuple[bool, list[Any]]] = []
    for child in run:
        if child.tag == qn("w:rPr"):
            continue
        for cut_latin, element in _cut(child):
            latin = groups[-1][0] if cut_latin is None and groups else bool(cut_latin)
            if groups and groups[-1][0] == latin:
                groups[-1][1].append(element)
            else:
                groups.append((latin, [element]))
    return groups


def _cut(child: Any) -> list[tuple[bool | None, Any]]:
    """``child`` as (is Latin, element) pairs: a w:t cut at every change of script; other
    elements (breaks, tabs: None) go with the text before them."""
    if child.tag != qn("w:t"):
        return [(None, child)]
    cut: list[tuple[bool | None, Any]] = []
    for stretch in _LATIN.split(child.text or ""):
        if stretch:
            t = child.makeelement(child.tag, dict(child.attrib))
            t.text = stretch
            cut.append((bool(_LATIN.fullmatch(stretch)), t))
    return cut


def _set_face(fonts: Any, face: str) -> None:
    """Latin and East Asian fonts of ``fonts`` (a w:rFonts) all ``face``, hinted East Asian."""
    for attr in ("ascii", "hAnsi", "eastAsia"):
        fonts.set(qn(f"w:{attr}"), face)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    fonts.set(qn("w:hint"), "eastAsia")


def set_properties(props: Any, report: Report, template: str) -> None:
    """Document properties from the data, never from the clock or the machine: title,
    author and last modified by = 发文机关, created and modified = 成文日期 00:00, revision 1,
    no last-printed date, and the template in 类别 (category) as ``reportgen:<name>`` so that
    ``check`` can find it. ``props`` is python-docx's CoreProperties."""
    fill_properties(props, report.title, report.issuer, report.signature_date, template)


def fill_properties(props: Any, title: str, issuer: str, day: dt.date, template: str) -> None:
    """``set_properties`` with the values given one by one (the compiled path fills a copy
    made with stand-ins, see ``rendering.compiled``)."""
    when = dt.datetime.combine(day, dt.time(0, 0))
    props.category = TEMPLATE_TAG + template
    props.title = title
    props.author = issuer
    props.last_modified_by = issuer
    props.created = when
    props.modified = when
    props.revision = 1
    printed = props._element.find(qn("cp:lastPrinted"))
    if printed is not None:  # a template saved after printing would carry its print date
        props._element.remove(printed)


def property_date(day: dt.date) -> str:
    """成文日期 00:00 as core.xml's dcterms:created and :modified hold it (W3CDTF, UTC)."""
    return f"{day:%Y-%m-%d}T00:00:00Z"


_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"


def drop_thumbnail(document: Any) -> None:
    """Drop the template's preview picture (docProps/thumbnail.*): it shows the template,
    never the document made from it; Word draws a new one when it saves the document."""
    rels = document.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == _THUMBNAIL]:
        del rels[rid]
