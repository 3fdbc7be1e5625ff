"""Rendering (渲染): the render context into the template's Word document, saved atomically.

docxtpl and python-docx stay inside this module and ``compiled``. Rendering runs Jinja in a
sandbox with autoescaping on (so ``&`` or ``<`` in the data appear literally) and
StrictUndefined (so a variable the template uses but the context lacks fails loudly instead of
rendering blank).

Two paths give the same bytes: ``compiled`` (the template read and its Jinja compiled once per
process, used by every build) and a fresh DocxTemplate per document (``cached=False``, and for
templates the compiled path does not handle). Either way the parts are zipped by ``package``,
so the same workbook, template and reportgen version give a byte-identical .docx.
"""

from __future__ import annotations

import datetime as dt
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


def render_docx(schema: Schema, report: Report, context: RenderContext, target: Path) -> None:
    """Fill the template of ``schema`` with ``context`` and write ``target`` whole."""
    content = render_package(schema, report, context)
    with atomic_path(target) as tmp:
        tmp.write_bytes(content)


def render_package(
    schema: Schema, report: Report, context: RenderContext, *, cached: bool = True
) -> bytes:
    """The .docx bytes: the same for the same template, data and reportgen version."""
    from reportgen.compiled import compiled_template
    from reportgen.package import deflate, unzip, write_zip

    compiled = compiled_template(schema.docx_path) if cached else None
    if compiled is not None:
        members = compiled.fill(context, report)
    else:
        parts = unzip(_fresh_docx(schema, report, context))
        members = [deflate(name, content) for name, content in parts.items()]
    return write_zip(members, report.signature_date)


def _fresh_docx(schema: Schema, report: Report, context: RenderContext) -> bytes:
    """The document through a fresh DocxTemplate, as python-docx saves it."""
    import io

    document = _render(schema, context)
    _place_signature(document, context)
    set_properties(document.core_properties, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def jinja_env() -> Any:
    """The sandboxed, autoescaping, strict Jinja environment every render uses."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def _render(schema: Schema, context: RenderContext) -> Any:
    """The rendered python-docx Document, or a TemplateError naming the template's fault."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError as JinjaError

    template = DocxTemplate(str(schema.docx_path))
    try:
        template.render(context.as_template_data(), jinja_env=jinja_env(), autoescape=True)
    except JinjaError as exc:
        raise template_error(schema.docx_path, exc) from exc
    return template.docx


def template_error(path: Path, exc: Exception) -> TemplateError:
    """The user-facing error for a template Jinja cannot fill."""
    return TemplateError(
        _("{file}: the template cannot be filled: {error}"), file=str(path), error=str(exc)
    )


def _place_signature(document: Any, context: RenderContext) -> None:
    """Right-space 署名 and 成文日期 by the characters the signature rule computed."""
    for paragraph in document.paragraphs:
        field = RIGHT_SPACED_STYLES.get(paragraph.style.name)
        if field is None:
            continue
        set_right_indent(paragraph._p, getattr(context.signature, field))


def set_right_indent(p: Any, chars: float) -> None:
    """Right indent of paragraph element ``p`` in grid characters (Word) and in twips
    (LibreOffice and the rest)."""
    from docx.oxml.ns import qn

    ind = p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:right"), str(round(chars * CHAR_TWIPS)))
    ind.set(qn("w:rightChars"), str(round(chars * 100)))


def set_properties(props: Any, report: Report) -> None:
    """Document properties from the data, never from the clock or the machine: title,
    author and last modified by = 发文机关, created and modified = 成文日期 00:00, revision 1,
    no last-printed date."""
    from docx.oxml.ns import qn

    when = dt.datetime.combine(report.signature_date, dt.time(0, 0))
    props.title = report.title
    props.author = report.issuer
    props.last_modified_by = report.issuer
    props.created = when
    props.modified = when
    props.revision = 1
    printed = props._element.find(qn("cp:lastPrinted"))
    if printed is not None:  # a template saved after printing would carry its print date
        props._element.remove(printed)
