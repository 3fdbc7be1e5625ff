"""Rendering (渲染): the render context into the template's Word document, saved atomically.

docxtpl and python-docx stay inside this module. Rendering runs Jinja in a sandbox with
autoescaping on (so ``&`` or ``<`` in the data appear literally) and StrictUndefined (so a
variable the template uses but the context lacks fails loudly instead of rendering blank).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from docx.oxml.ns import qn

from reportgen.context import CHARS_PER_LINE, RenderContext
from reportgen.errors import TemplateError
from reportgen.i18n import _
from reportgen.model import Report
from reportgen.ooxml import set_child
from reportgen.output import atomic_path
from reportgen.schema import Schema

TEMPLATE_TAG = "reportgen:"  # the same tag the workbook carries (workbook.TEMPLATE_TAG)

TEXT_BLOCK_TWIPS = 8845  # 版心 156 mm
CHAR_TWIPS = TEXT_BLOCK_TWIPS / CHARS_PER_LINE  # one character (一字) on the grid


def render_docx(
    schema: Schema,
    report: Report,
    context: RenderContext,
    target: Path,
    *,
    letterhead: bool = False,
) -> None:
    """Fill the template of ``schema`` with ``context`` and write ``target`` whole;
    ``letterhead`` gives the first page the 信函格式 (GB/T 9704 §10.1)."""
    document = _render(schema, context)
    _place_signature(document, context)
    if letterhead:
        from reportgen.letterhead import add_letterhead

        add_letterhead(document, report.issuer, report.doc_number)
    _set_properties(document, report, schema)
    with atomic_path(target) as tmp:
        document.save(str(tmp))


def _jinja_env() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def _render(schema: Schema, context: RenderContext) -> Any:
    """The rendered python-docx Document, or a TemplateError naming the template's fault."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError as JinjaError

    template = DocxTemplate(str(schema.docx_path))
    try:
        template.render(context.as_template_data(), jinja_env=_jinja_env(), autoescape=True)
    except JinjaError as exc:
        raise TemplateError(
            _("{file}: the template cannot be filled: {error}"),
            file=str(schema.docx_path),
            error=str(exc),
        ) from exc
    return template.docx


def _place_signature(document: Any, context: RenderContext) -> None:
    """Place 署名 and 成文日期 where the signature rule puts them; a sealed document gets more
    blank lines above the issuer, to leave room for the seal.

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
    for paragraph in document.paragraphs:
        place = places.get(paragraph.style.name)
        if place is None:
            continue
        _set_indent(paragraph, *place, from_right=signature.sealed)
        if paragraph.style.name == "署名":
            for _extra in range(signature.blank_lines_above - 1):
                paragraph.insert_paragraph_before("")


def _set_indent(paragraph: Any, start: float, right: float, *, from_right: bool) -> None:
    """Right-align with ``right`` characters of right indent, or left-align starting
    ``start`` characters in. In twips only: Word turns w:leftChars and w:rightChars into
    16 pt characters, wider than those of the 28-a-line grid."""
    ppr = paragraph._p.get_or_add_pPr()
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


def _set_properties(document: Any, report: Report, schema: Schema) -> None:
    """Document properties from the data: title, author = 发文机关, dates = 成文日期, and the
    template in 类别 (category) as ``reportgen:<name>`` so that ``check`` can find it."""
    props = document.core_properties
    props.category = TEMPLATE_TAG + schema.name
    when = dt.datetime.combine(report.signature_date, dt.time(0, 0))
    props.title = report.title
    props.author = report.issuer
    props.last_modified_by = report.issuer
    props.created = when
    props.modified = when
    props.revision = 1
