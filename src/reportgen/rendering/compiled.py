"""The Word template compiled once (模板缓存): read, patched and compiled once per process, and
kept on disk between runs (``stored``).

DocxTemplate re-reads the .docx, re-patches its XML and re-compiles its Jinja on every
render, and python-docx re-serializes and re-compresses every part on save; a batch of
hundreds of letters pays all of that each time, and a single build pays it at every start.
Here a template is prepared once: the parts a render never changes are serialized and
deflated, and the body, headers and footers are patched by docxtpl's own code and compiled
by Jinja. That is plain data, kept on disk, so the next run starts from it without importing
docxtpl or python-docx at all. A render then only runs the compiled Jinja and the
post-processing DocxTemplate.render does after it, sets the signature indents and the
properties, and zips. The bytes are the same as a fresh DocxTemplate gives;
``tests/test_compiled.py`` compares them.

The post-processing is docxtpl's own code wherever it can change something: its listing
pass (tabs, line and page breaks typed in the data) when a text holds one of those
characters, and its table fix when the document has a table; otherwise both leave the XML
as it is, and are skipped. Drawings get docxtpl's ids (1001 on, in document order).

What this path does not do — footnotes, or Jinja in the document properties, both of which
DocxTemplate renders — makes ``compiled_template`` return None and the caller renders the
slow way. Data is plain (strings, lists, dicts): no InlineImage, RichText or Subdoc.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.core.model import Report
from reportgen.rendering import stored
from reportgen.rendering.context import RenderContext
from reportgen.rendering.docx_zip import Member, deflate, unzip
from reportgen.rendering.edits import (
    drop_thumbnail,
    fill_properties,
    isolate_ambiguous_marks,
    place_signature,
    property_date,
)
from reportgen.rendering.jinja import jinja_env, template_error
from reportgen.schema.spec import TEMPLATE_TAG
from reportgen.wordml.ooxml import paragraph_style, qn

_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_JINJA = re.compile(r"\{[{%]")
# The properties DocxTemplate.render_properties passes through Jinja, in its order. Without
# Jinja in them (see _compilable) that rewrites each with its own text, which still turns
# <dc:subject/> into <dc:subject></dc:subject> and adds empty ones: done here the same way.
_RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
# Stand-ins for the data in the kept core.xml, replaced at every fill.
_TITLE, _ISSUER, _TEMPLATE = "\u2060title\u2060", "\u2060issuer\u2060", "\u2060template\u2060"
_DAY = dt.date(1901, 2, 3)
_STAND_INS = re.compile(
    b"|".join(
        re.escape(key.encode())
        for key in (_TITLE, _ISSUER, TEMPLATE_TAG + _TEMPLATE, property_date(_DAY))
    )
)
# A character docxtpl's listing pass turns into a tab, a paragraph, a line or a page break,
# inside a w:t's text (which holds no "<": the XML escapes it).
_LISTING_TEXT = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")


@dataclass(frozen=True)
class JinjaPart:
    """A header or footer: its zip member name, compiled Jinja and XML encoding."""

    name: str
    template: Any
    encoding: str


@dataclass(frozen=True)
class CompiledTemplate:
    """A Word template ready to fill: unchanging parts zipped, Jinja parts compiled."""

    path: Path
    static: tuple[Member, ...]
    document_name: str
    document: bytes  # the document element, serialized; its body is replaced at each fill
    body: Any  # the body's compiled Jinja
    parts: tuple[JinjaPart, ...]
    core_name: str
    core: bytes  # the core properties, serialized with stand-ins for the data
    styles: dict[str, str]  # paragraph style id → style name
    default_style: str

    def fill(self, context: RenderContext, report: Report, template: str) -> list[Member]:
        """Every zip member of the document filled with ``context``; ``template`` is the
        template's name, recorded in the properties."""
        data = context.as_template_data()
        members = list(self.static)
        members.append(deflate(self.document_name, self._document_xml(data, context)))
        members.extend(deflate(part.name, self._part_xml(part, data)) for part in self.parts)
        members.append(deflate(self.core_name, self._core_xml(report, template)))
        return members

    def _render(self, template: Any, data: dict[str, Any]) -> str:
        """Jinja, then what DocxTemplate.render_xml_part does after it."""
        from jinja2 import TemplateError as JinjaError

        try:
            xml = template.render(data)
        except JinjaError as exc:
            raise template_error(self.path, exc) from exc
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        for escaped, plain in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
            xml = xml.replace(escaped, plain)
        if _LISTING_TEXT.search(xml):
            xml = str(_docxtpl(self.path).resolve_listing(xml))
        return xml

    def _document_xml(self, data: dict[str, Any], context: RenderContext) -> bytes:
        """document.xml: the rendered body in a copy of the template's document element."""
        from lxml import etree

        xml = self._render(self.body, data)
        if "<w:tbl" in xml:
            body = _docxtpl(self.path).fix_tables(xml)
        else:  # what fix_tables does to a body without tables: parse it
            body = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
        for n, drawing in enumerate(body.iter(qn("wp:docPr")), start=1001):
            drawing.set("id", str(n))  # as DocxTemplate.fix_docpr_ids, for every document
        root = etree.fromstring(self.document)
        root.replace(root.find(qn("w:body")), body)
        self._place_signature(body, context)
        isolate_ambiguous_marks(body)
        return bytes(etree.tostring(root, encoding="UTF-8", standalone=True))

    def _place_signature(self, body: Any, context: RenderContext) -> None:
        """Place 署名 and 成文日期, found by paragraph style as render.py does."""
        paragraphs = body.iterchildren(qn("w:p"))
        place_signature(
            (
                (p, self.styles.get(paragraph_style(p) or "", self.default_style))
                for p in paragraphs
            ),
            context,
        )

    def _part_xml(self, part: JinjaPart, data: dict[str, Any]) -> bytes:
        """A header or footer rendered, parsed and serialized as python-docx would."""
        from lxml import etree

        xml = self._render(part.template, data)
        parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False)  # python-docx's
        element = etree.fromstring(xml.encode(part.encoding), parser=parser)
        return bytes(etree.tostring(element, encoding="UTF-8", standalone=True))

    def _core_xml(self, report: Report, template: str) -> bytes:
        """docProps/core.xml with the properties taken from the data: the stand-ins of the
        kept XML replaced by the values, escaped as lxml escapes text (the bytes stay those
        python-docx writes, empty elements written <dc:subject></dc:subject> included)."""
        values = {
            _TITLE: report.title,
            _ISSUER: report.issuer,
            TEMPLATE_TAG + _TEMPLATE: TEMPLATE_TAG + template,
            property_date(_DAY): property_date(report.signature_date),
        }
        encoded = {key.encode(): _escaped(value).encode() for key, value in values.items()}
        return _STAND_INS.sub(lambda found: encoded[found.group()], self.core)


def _escaped(text: str) -> str:
    """``text`` as lxml writes an element's text in UTF-8: & < > and carriage returns
    escaped, everything else as it is (the workbook reader has removed what XML cannot hold)."""
    for mark, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
        text = text.replace(mark, entity)
    return text


@functools.lru_cache(maxsize=8)
def _docxtpl(path: Path) -> Any:
    """A DocxTemplate never rendered, for docxtpl's own listing and table passes."""
    from docxtpl import DocxTemplate

    return DocxTemplate(str(path))


def compiled_template(path: Path) -> CompiledTemplate | None:
    """The template at ``path`` compiled, once per process and file version; None when
    it uses what only a fresh DocxTemplate renders (footnotes, Jinja in properties)."""
    resolved = path.resolve()
    stat = resolved.stat()
    return _compile(resolved, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _compile(path: Path, _mtime_ns: int, _size: int) -> CompiledTemplate | None:
    """The template compiled: from the disk cache when it holds this file's bytes, else
    read, patched and compiled (and kept); the file's version is part of the cache key."""
    content = path.read_bytes()
    data = stored.load(content)
    if data is None:
        data = _compiled_data(path)
        stored.save(content, data)
    return _from_data(path, data) if data["compilable"] else None


def _from_data(path: Path, data: dict[str, Any]) -> CompiledTemplate:
    """The CompiledTemplate that ``_compiled_data`` describes."""
    env = jinja_env()
    return CompiledTemplate(
        path=path,
        static=tuple(Member(*member) for member in data["static"]),
        document_name=data["document_name"],
        document=data["document"],
        body=_template(env, data["body"]),
        parts=tuple(
            JinjaPart(name, _template(env, code), enc) for name, code, enc in data["parts"]
        ),
        core_name=data["core_name"],
        core=data["core"],
        styles=data["styles"],
        default_style=data["default_style"],
    )


def _template(env: Any, code: Any) -> Any:
    """A Jinja template from its compiled code, as Environment.from_string makes one."""
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def _compiled_data(path: Path) -> dict[str, Any]:
    """Read, patch and compile the template with docxtpl and python-docx, as plain data."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.oxml import serialize_part_xml
    from docxtpl import DocxTemplate

    helper = DocxTemplate(str(path))
    helper.init_docx()
    document = helper.docx
    if not _compilable(document):
        return {"compilable": False}
    env = jinja_env()
    parts = _jinja_parts(env, helper, path)
    core_part = document.part.package.part_related_by(RT.CORE_PROPERTIES)
    dynamic = {document.part.partname[1:], core_part.partname[1:], *(p[0] for p in parts)}
    return {
        "compilable": True,
        "static": [
            (m.name, m.crc, m.size, m.compressed) for m in _static_members(document, dynamic)
        ],
        "document_name": document.part.partname[1:],
        "document": bytes(serialize_part_xml(copy.deepcopy(document.element))),
        "body": _compile_xml(env, helper, helper.get_xml(), path),
        "parts": parts,
        "core_name": core_part.partname[1:],
        "core": _core_skeleton(document),
        "styles": _paragraph_styles(document),
        "default_style": _default_paragraph_style(document),
    }


def _core_skeleton(document: Any) -> bytes:
    """The template's core properties as a render leaves them, with stand-ins for the data."""
    from docx.opc.coreprops import CoreProperties
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml.parser import parse_xml

    element = parse_xml(serialize_part_xml(document.core_properties._element))
    props = CoreProperties(element)
    for name in _RENDERED_PROPERTIES:
        setattr(props, name, getattr(props, name))
    fill_properties(props, _TITLE, _ISSUER, _DAY, _TEMPLATE)
    return bytes(serialize_part_xml(element))


def _compilable(document: Any) -> bool:
    """Whether a render changes only what this module renders."""
    props = document.core_properties  # also adds the core part if the template lacks one
    if any(_JINJA.search(getattr(props, name) or "") for name in _RENDERED_PROPERTIES):
        return False
    return all(part.content_type != _FOOTNOTES for part in document.part.package.iter_parts())


def _compile_xml(env: Any, helper: Any, xml: str, path: Path) -> Any:
    """docxtpl's patch of ``xml`` compiled by ``env`` to Python code, as
    DocxTemplate.render_xml_part compiles it (through from_string)."""
    from jinja2 import TemplateError as JinjaError

    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", helper.patch_xml(xml))
    try:
        return env.compile(source)
    except JinjaError as exc:
        raise template_error(path, exc) from exc


def _jinja_parts(env: Any, helper: Any, path: Path) -> list[tuple[str, Any, str]]:
    """The headers and footers DocxTemplate renders: name, compiled code, XML encoding."""
    parts: dict[str, tuple[str, Any, str]] = {}
    for uri in (helper.HEADER_URI, helper.FOOTER_URI):
        for _rel, part in helper.get_headers_footers(uri):
            xml = helper.get_part_xml(part)
            name = part.partname[1:]
            encoding = helper.get_headers_footers_encoding(xml)
            parts[name] = (name, _compile_xml(env, helper, xml, path), encoding)
    return list(parts.values())


def _static_members(document: Any, dynamic: set[str]) -> tuple[Member, ...]:
    """Every part a render leaves as it is, saved by python-docx and deflated once."""
    import io

    drop_thumbnail(document)
    buffer = io.BytesIO()
    document.save(buffer)
    parts = unzip(buffer.getvalue())
    return tuple(deflate(name, content) for name, content in parts.items() if name not in dynamic)


def _paragraph_styles(document: Any) -> dict[str, str]:
    """Paragraph style id → name, the names python-docx's ``paragraph.style.name`` gives."""
    from docx.enum.style import WD_STYLE_TYPE

    return {
        style.style_id: style.name
        for style in document.styles
        if style.type == WD_STYLE_TYPE.PARAGRAPH
    }


def _default_paragraph_style(document: Any) -> str:
    from docx.enum.style import WD_STYLE_TYPE

    style = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    return str(style.name) if style is not None else ""
