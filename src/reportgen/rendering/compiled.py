"""The Word template compiled once per process (模板缓存): read, patched and compiled once.

DocxTemplate re-reads the .docx, re-patches its XML and re-compiles its Jinja on every
render, and python-docx re-serializes and re-compresses every part on save; a batch of
hundreds of letters pays all of that each time. Here a template is prepared once per process:
the parts a render never changes are serialized and deflated, and the body, headers and
footers are patched by docxtpl's own code and compiled by Jinja. A render then only runs the
compiled Jinja and the post-processing DocxTemplate.render does after it (the same docxtpl
methods), sets the signature indents and the properties, and zips. The bytes are the same as
a fresh DocxTemplate gives; ``tests/test_compiled.py`` compares them.

What this path does not do — footnotes, or Jinja in the document properties, both of which
DocxTemplate renders — makes ``compiled_template`` return None and the caller renders the
slow way. Data is plain (strings, lists, dicts): no InlineImage, RichText or Subdoc.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.core.model import Report
from reportgen.rendering.context import RenderContext
from reportgen.rendering.docx_zip import Member, deflate, unzip
from reportgen.rendering.edits import isolate_ambiguous_marks, place_signature, set_properties
from reportgen.rendering.jinja import jinja_env, template_error

_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_JINJA = re.compile(r"\{[{%]")
_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
# The properties DocxTemplate.render_properties passes through Jinja, in its order. Without
# Jinja in them (see _compilable) that rewrites each with its own text, which still turns
# <dc:subject/> into <dc:subject></dc:subject> and adds empty ones: done here the same way.
_RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


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
    helper: Any  # a DocxTemplate never rendered: its patch and fix methods are docxtpl's
    static: tuple[Member, ...]
    document_name: str
    document: Any  # the document element with the template's body, copied per render
    body: Any  # the body's compiled Jinja
    parts: tuple[JinjaPart, ...]
    core_name: str
    core: bytes  # the template's core properties, serialized
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
        return str(self.helper.resolve_listing(xml))

    def _document_xml(self, data: dict[str, Any], context: RenderContext) -> bytes:
        """document.xml: the rendered body in a copy of the template's document element."""
        from docx.opc.oxml import serialize_part_xml

        body = self.helper.fix_tables(self._render(self.body, data))
        self.helper.docx_ids_index = 1000  # as DocxTemplate.render_init, for every document
        self.helper.fix_docpr_ids(body)
        root = copy.deepcopy(self.document)
        root.replace(root.body, body)
        self._place_signature(root, context)
        isolate_ambiguous_marks(root.body)
        return bytes(serialize_part_xml(root))

    def _place_signature(self, root: Any, context: RenderContext) -> None:
        """Place 署名 and 成文日期, found by paragraph style as render.py does."""
        from docx.oxml.ns import qn

        paragraphs = root.body.iterchildren(qn("w:p"))
        place_signature(
            ((p, self.styles.get(p.style or "", self.default_style)) for p in paragraphs),
            context,
        )

    def _part_xml(self, part: JinjaPart, data: dict[str, Any]) -> bytes:
        """A header or footer rendered, parsed and serialized as python-docx would."""
        from docx.opc.oxml import serialize_part_xml
        from docx.oxml.parser import parse_xml

        xml = self._render(part.template, data)
        return bytes(serialize_part_xml(parse_xml(xml.encode(part.encoding))))

    def _core_xml(self, report: Report, template: str) -> bytes:
        """docProps/core.xml with the properties taken from the data."""
        from docx.opc.coreprops import CoreProperties
        from docx.opc.oxml import serialize_part_xml
        from docx.oxml.parser import parse_xml

        element = parse_xml(self.core)
        props = CoreProperties(element)
        for name in _RENDERED_PROPERTIES:
            setattr(props, name, getattr(props, name))
        set_properties(props, report, template)
        return bytes(serialize_part_xml(element))


def compiled_template(path: Path) -> CompiledTemplate | None:
    """The template at ``path`` compiled, once per process and file version; None when
    it uses what only a fresh DocxTemplate renders (footnotes, Jinja in properties)."""
    resolved = path.resolve()
    stat = resolved.stat()
    return _compile(resolved, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _compile(path: Path, _mtime_ns: int, _size: int) -> CompiledTemplate | None:
    """Read, patch and compile the template; the file's version is part of the cache key."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.oxml import serialize_part_xml
    from docxtpl import DocxTemplate

    helper = DocxTemplate(str(path))
    helper.init_docx()
    document = helper.docx
    if not _compilable(document):
        return None
    env = jinja_env()
    body = _compile_xml(env, helper, helper.get_xml(), path)
    parts = tuple(_jinja_parts(env, helper, path))
    core_part = document.part.package.part_related_by(RT.CORE_PROPERTIES)
    dynamic = {document.part.partname[1:], core_part.partname[1:], *(p.name for p in parts)}
    return CompiledTemplate(
        path=path,
        helper=helper,
        static=_static_members(document, dynamic),
        document_name=document.part.partname[1:],
        document=copy.deepcopy(document.element),
        body=body,
        parts=parts,
        core_name=core_part.partname[1:],
        core=bytes(serialize_part_xml(document.core_properties._element)),
        styles=_paragraph_styles(document),
        default_style=_default_paragraph_style(document),
    )


def _compilable(document: Any) -> bool:
    """Whether a render changes only what this module renders."""
    props = document.core_properties  # also adds the core part if the template lacks one
    if any(_JINJA.search(getattr(props, name) or "") for name in _RENDERED_PROPERTIES):
        return False
    return all(part.content_type != _FOOTNOTES for part in document.part.package.iter_parts())


def _compile_xml(env: Any, helper: Any, xml: str, path: Path) -> Any:
    """docxtpl's patch of ``xml`` compiled by ``env``, as DocxTemplate.render_xml_part does."""
    from jinja2 import TemplateError as JinjaError

    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", helper.patch_xml(xml))
    try:
        return env.from_string(source)
    except JinjaError as exc:
        raise template_error(path, exc) from exc


def _jinja_parts(env: Any, helper: Any, path: Path) -> list[JinjaPart]:
    """The headers and footers DocxTemplate renders, compiled."""
    parts: dict[str, JinjaPart] = {}
    for uri in (helper.HEADER_URI, helper.FOOTER_URI):
        for _rel, part in helper.get_headers_footers(uri):
            xml = helper.get_part_xml(part)
            name = part.partname[1:]
            encoding = helper.get_headers_footers_encoding(xml)
            parts[name] = JinjaPart(name, _compile_xml(env, helper, xml, path), encoding)
    return list(parts.values())


def _static_members(document: Any, dynamic: set[str]) -> tuple[Member, ...]:
    """Every part a render leaves as it is, saved by python-docx and deflated once."""
    import io

    drop_thumbnail(document)
    buffer = io.BytesIO()
    document.save(buffer)
    parts = unzip(buffer.getvalue())
    return tuple(deflate(name, content) for name, content in parts.items() if name not in dynamic)


def drop_thumbnail(document: Any) -> None:
    """Drop the template's preview picture (docProps/thumbnail.*): it shows the template,
    never the document made from it; Word draws a new one when it saves the document."""
    rels = document.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == _THUMBNAIL]:
        del rels[rid]


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
