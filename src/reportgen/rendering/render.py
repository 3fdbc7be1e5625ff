"""Rendering (渲染): the render context into the template's Word document, saved atomically.

docxtpl and python-docx stay inside this module, ``compiled`` and ``letterhead``. Rendering
runs Jinja in a sandbox with autoescaping on (so ``&`` or ``<`` in the data appear literally)
and StrictUndefined (so a variable the template uses but the context lacks fails loudly
instead of rendering blank).

Two paths give the same bytes: ``compiled`` (the template read and its Jinja compiled once per
process, used by every plain build) and a fresh DocxTemplate per document (``cached=False``,
the letterhead variant, and templates the compiled path does not handle). Either way the parts
are zipped by ``package``, so the same workbook, template, options and reportgen version give
a byte-identical .docx.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from reportgen.core.errors import TemplateError
from reportgen.core.filekind import not_a_word_file
from reportgen.core.files import atomic_path
from reportgen.core.i18n import _
from reportgen.core.model import Report
from reportgen.rendering.context import CHARS_PER_LINE, RenderContext
from reportgen.schema.spec import TEMPLATE_TAG, Schema

TEXT_BLOCK_TWIPS = 8845  # 版心 156 mm
CHAR_TWIPS = TEXT_BLOCK_TWIPS / CHARS_PER_LINE  # one character (一字) on the grid
SIGNATURE_STYLES = ("署名", "成文日期")


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


@contextlib.contextmanager
def template_errors(path: Path) -> Iterator[None]:
    """Whatever a template does wrong ends as a TemplateError naming it, never a traceback.

    A user may bring their own template: an unknown variable, a forbidden attribute in the
    sandbox, a broken tag, a range too big, XML it breaks, or a file that is no .docx.
    """
    from docx.opc.exceptions import OpcError
    from jinja2 import TemplateError as JinjaError
    from lxml.etree import XMLSyntaxError

    try:
        yield
    except TemplateError:
        raise
    except (JinjaError, XMLSyntaxError, OverflowError) as exc:
        raise template_error(path, exc) from exc
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        # python-docx: not a zip, or a zip without a Word document part
        raise not_a_word_file(path, TemplateError, REPLACE_TEMPLATE_DOCX) from exc


REPLACE_TEMPLATE_DOCX = _(
    "Replace template.docx with a Word document (.docx), e.g. one copied from a folder "
    "made by: reportgen templates new NAME"
)


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
    from reportgen.rendering.compiled import compiled_template
    from reportgen.rendering.docx_zip import deflate, unzip, write_zip

    with template_errors(schema.docx_path):
        compiled = compiled_template(schema.docx_path) if cached and not letterhead else None
        if compiled is not None:
            members = compiled.fill(context, report, schema.name)
        else:
            parts = unzip(_fresh_docx(schema, report, context, letterhead))
            members = [deflate(name, content) for name, content in parts.items()]
    return write_zip(members, report.signature_date)


def _fresh_docx(schema: Schema, report: Report, context: RenderContext, letterhead: bool) -> bytes:
    """The document through a fresh DocxTemplate, as python-docx saves it."""
    document = _render(schema, context)
    place_signature(((p._p, p.style.name) for p in document.paragraphs), context)
    if letterhead:
        from reportgen.rendering.letterhead import add_letterhead

        add_letterhead(document, report.issuer, report.doc_number)
    set_properties(document.core_properties, report, schema.name)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def jinja_env() -> Any:
    """The sandboxed, autoescaping, strict Jinja environment every render uses."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def _render(schema: Schema, context: RenderContext) -> Any:
    """The rendered python-docx Document; the caller turns what a template does wrong into a
    TemplateError (``template_errors``)."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(schema.docx_path))
    template.render(context.as_template_data(), jinja_env=jinja_env(), autoescape=True)
    return template.docx


def template_error(path: Path, exc: Exception) -> TemplateError:
    """The user-facing error for a template Jinja cannot fill."""
    return TemplateError(
        _("{file}: the template cannot be filled: {error}"), file=str(path), error=str(exc)
    )


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
                p.add_p_before()


def _set_indent(p: Any, start: float, right: float, *, from_right: bool) -> None:
    """Right-align with ``right`` characters of right indent, or left-align starting
    ``start`` characters in. In twips only: Word turns w:leftChars and w:rightChars into
    16 pt characters, wider than those of the 28-a-line grid."""
    from docx.oxml.ns import qn

    from reportgen.wordml.ooxml import set_child

    ppr = p.get_or_add_pPr()
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


def set_properties(props: Any, report: Report, template: str) -> None:
    """Document properties from the data, never from the clock or the machine: title,
    author and last modified by = 发文机关, created and modified = 成文日期 00:00, revision 1,
    no last-printed date, and the template in 类别 (category) as ``reportgen:<name>`` so that
    ``check`` can find it."""
    from docx.oxml.ns import qn

    when = dt.datetime.combine(report.signature_date, dt.time(0, 0))
    props.category = TEMPLATE_TAG + template
    props.title = report.title
    props.author = report.issuer
    props.last_modified_by = report.issuer
    props.created = when
    props.modified = when
    props.revision = 1
    printed = props._element.find(qn("cp:lastPrinted"))
    if printed is not None:  # a template saved after printing would carry its print date
        props._element.remove(printed)
