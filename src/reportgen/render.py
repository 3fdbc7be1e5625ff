"""Rendering (渲染): the render context into the template's Word document, saved atomically.

docxtpl and python-docx stay inside this module. Rendering runs Jinja in a sandbox with
autoescaping on (so ``&`` or ``<`` in the data appear literally) and StrictUndefined (so a
variable the template uses but the context lacks fails loudly instead of rendering blank).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

from reportgen.context import RenderContext
from reportgen.errors import TemplateError
from reportgen.i18n import _
from reportgen.model import Report
from reportgen.output import atomic_path
from reportgen.schema import Schema

TEXT_BLOCK_TWIPS = 8845  # 版心 156 mm
CHARS_PER_LINE = 28
CHAR_TWIPS = TEXT_BLOCK_TWIPS / CHARS_PER_LINE  # one character (一字) on the grid
RIGHT_SPACED_STYLES = {"署名": "issuer_right_chars", "成文日期": "date_right_chars"}


def render_docx(schema: Schema, report: Report, context: RenderContext, target: Path) -> str:
    """Fill the template of ``schema`` with ``context`` and write ``target`` whole.

    Returns the document's text (every paragraph, joined), so the caller can check that
    everything typed made it in.
    """
    document = _render(schema, context)
    _place_signature(document, context)
    _set_properties(document, report)
    with atomic_path(target) as tmp:
        document.save(str(tmp))
    return "".join(p.text for p in document.paragraphs)


def _jinja_env() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def _render(schema: Schema, context: RenderContext) -> Any:
    """The rendered python-docx Document, or a TemplateError naming the template's fault.

    A user may bring their own template: whatever it does wrong (an unknown variable, a
    forbidden attribute in the sandbox, a broken tag, a range too big, XML it breaks) ends
    as a TemplateError, never a traceback.
    """
    from docx.opc.exceptions import OpcError
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError as JinjaError
    from lxml.etree import XMLSyntaxError

    try:
        template = DocxTemplate(str(schema.docx_path))
        template.render(context.as_template_data(), jinja_env=_jinja_env(), autoescape=True)
    except (JinjaError, XMLSyntaxError, OverflowError) as exc:
        raise TemplateError(
            _("{file}: the template cannot be filled: {error}"),
            file=str(schema.docx_path),
            error=str(exc),
        ) from exc
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        # python-docx: not a zip, or a zip without a Word document part
        raise TemplateError(
            _("{file}: not a Word .docx template ({error})."),
            file=str(schema.docx_path),
            error=type(exc).__name__,
        ) from exc
    return template.docx


def _place_signature(document: Any, context: RenderContext) -> None:
    """Right-space 署名 and 成文日期 by the characters the signature rule computed."""
    for paragraph in document.paragraphs:
        field = RIGHT_SPACED_STYLES.get(paragraph.style.name)
        if field is None:
            continue
        chars = getattr(context.signature, field)
        _set_right_indent(paragraph, chars)


def _set_right_indent(paragraph: Any, chars: float) -> None:
    """Right indent in grid characters (Word) and in twips (LibreOffice and the rest)."""
    from docx.oxml.ns import qn

    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:right"), str(round(chars * CHAR_TWIPS)))
    ind.set(qn("w:rightChars"), str(round(chars * 100)))


def _set_properties(document: Any, report: Report) -> None:
    """Document properties from the data: title, author = 发文机关, dates = 成文日期."""
    props = document.core_properties
    when = dt.datetime.combine(report.signature_date, dt.time(0, 0))
    props.title = report.title
    props.author = report.issuer
    props.last_modified_by = report.issuer
    props.created = when
    props.modified = when
    props.revision = 1
