"""Rendering (渲染): the render context into the template's Word document, saved atomically.

docxtpl and Jinja stay inside this subpackage (``jinja`` holds the environment). Rendering
runs Jinja in a sandbox with autoescaping on (so ``&`` or ``<`` in the data appear literally)
and StrictUndefined (so a variable the template uses but the context lacks fails loudly
instead of rendering blank).

Two paths give the same bytes: ``compiled`` (the template read and its Jinja compiled once per
process, used by every plain build) and a fresh DocxTemplate per document (``cached=False``,
the letterhead variant, and templates the compiled path does not handle). Either way the parts
are zipped by ``docx_zip``, so the same workbook, template, options and reportgen version give
a byte-identical .docx.
"""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path
from typing import Any

from reportgen.core.errors import TemplateError
from reportgen.core.files import atomic_path
from reportgen.core.i18n import Message, _
from reportgen.core.model import Report
from reportgen.rendering.compiled import compiled_template
from reportgen.rendering.context import RenderContext
from reportgen.rendering.docx_zip import deflate, unzip, write_zip
from reportgen.rendering.edits import (
    drop_thumbnail,
    isolate_ambiguous_marks,
    place_signature,
    set_properties,
)
from reportgen.rendering.jinja import jinja_env, template_errors
from reportgen.schema.spec import Schema


def render_docx(
    schema: Schema,
    report: Report,
    context: RenderContext,
    target: Path,
    *,
    letterhead: bool = False,
) -> str:
    """Fill the template of ``schema`` with ``context`` and write ``target`` whole;
    ``letterhead`` gives the first page the 信函格式 (GB/T 9704 §10.1).

    Returns the document's text (every paragraph, joined), so the caller can check that
    everything typed made it in.
    """
    content = render_package(schema, report, context, letterhead=letterhead)
    with atomic_path(target) as tmp:
        tmp.write_bytes(content)
    return document_text(content)


def document_text(content: bytes) -> str:
    """The text of a .docx's body, paragraph after paragraph (the w:t runs, in order)."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(content)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return "".join(node.text or "" for node in root.iter(_W + "t"))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def render_package(
    schema: Schema,
    report: Report,
    context: RenderContext,
    *,
    cached: bool = True,
    letterhead: bool = False,
) -> bytes:
    """The .docx bytes: the same for the same template, data, options and reportgen version.

    The letterhead adds parts (a first-page footer) and shapes, so it takes the fresh path.
    """
    with template_errors(schema.docx_path):
        refuse_external_links(schema.docx_path)
        compiled = compiled_template(schema.docx_path) if cached and not letterhead else None
        if compiled is not None:
            members = compiled.fill(context, report, schema.name)
        else:
            parts = unzip(_fresh_docx(schema, report, context, letterhead))
            members = [deflate(name, content) for name, content in parts.items()]
    return write_zip(members, report.signature_date)


def refuse_external_links(path: Path) -> None:
    """A TemplateError for the first link the template makes outside itself (a linked
    picture, an attached template, a file: hyperlink, an INCLUDEPICTURE field …), which
    LibreOffice or Word would fetch or open."""
    stat = path.stat()
    for link in _refused_links(path.resolve(), stat.st_mtime_ns, stat.st_size):
        message = _LINK_MESSAGE if link.rel_id else _FIELD_MESSAGE
        raise TemplateError(
            message,
            file=str(path),
            part=link.part,
            target=link.target,
            rel_id=link.rel_id,
            kind=link.kind,
            fix=Message(link.fix),
        )


_LINK_MESSAGE = _(
    "{file}: {part} links outside the document, to {target} (relationship {rel_id}, {kind}); "
    "Word or LibreOffice would fetch or open it, so reportgen does not build from this "
    "template. {fix}"
)
_FIELD_MESSAGE = _(
    "{file}: {part} links outside the document, to {target} ({kind} in the text); Word or "
    "LibreOffice would fetch or open it, so reportgen does not build from this template. {fix}"
)


@functools.lru_cache(maxsize=8)
def _refused_links(path: Path, _mtime_ns: int, _size: int) -> tuple[Any, ...]:
    """The template's refused links, read once per file version (a batch renders hundreds)."""
    from reportgen.wordml.relations import refused_links

    return tuple(refused_links(path))


def _fresh_docx(schema: Schema, report: Report, context: RenderContext, letterhead: bool) -> bytes:
    """The document through a fresh DocxTemplate, as python-docx saves it."""
    document = _render(schema, context)
    place_signature(((p._p, p.style.name) for p in document.paragraphs), context)
    isolate_ambiguous_marks(document.element.body)
    if letterhead:
        from reportgen.rendering.letterhead import add_letterhead

        add_letterhead(document, report.issuer, report.doc_number)
    set_properties(document.core_properties, report, schema.name)
    drop_thumbnail(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _render(schema: Schema, context: RenderContext) -> Any:
    """The rendered python-docx Document; the caller turns what a template does wrong into a
    TemplateError (``template_errors``)."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(schema.docx_path))
    template.render(context.as_template_data(), jinja_env=jinja_env(), autoescape=True)
    return template.docx
