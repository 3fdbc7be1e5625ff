"""A Word package's links to the outside (外部链接): relationships with ``TargetMode="External"``.

A template an office brings may link a picture to ``file:///…`` or ``http://…`` instead of
holding it, attach a remote document template (settings.xml.rels ``attachedTemplate``) or link
an OLE object: LibreOffice fetches such targets when it makes the PDF, and Word when the
letter is opened, so a file of the machine that builds could end up in the published PDF. A
hyperlink is a link the reader follows, not one that is fetched: one to an ``http(s)`` or
``mailto`` address is allowed, any other scheme (``file:``, ``smb:``, ``javascript:`` …) is not.

Read with zipfile and lxml straight from the package, each .rels part size-bounded, so that
``templates lint`` and ``build`` see every relationship python-docx would not load.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.core.i18n import _

_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_RELS_LIMIT = 4_000_000  # bytes of one .rels part; Word's are a few kilobytes
_PART_LIMIT = 256_000_000  # bytes of a part scanned for fields, as its zip entry declares
_READERS_FOLLOW = ("http://", "https://", "mailto:")  # hyperlink targets a reader may open

EMBED_PICTURE = _(
    "Embed the picture instead of linking it: in Word delete it and insert it again with "
    "Insert › Pictures, Insert (not Link to File)."
)
REMOVE_ATTACHED_TEMPLATE = _(
    "Remove the attached template in Word: Developer › Document Template, clear the template "
    "name, OK, and save."
)
BREAK_LINK = _(
    "Break the link in Word (File › Info › Edit Links to Files › Break Link) so the object is "
    "held in the document, or replace it by a picture."
)
FIX_HYPERLINK = _(
    "Point the hyperlink to an http(s) or mailto address, or remove it (right-click › Remove "
    "Hyperlink)."
)
REMOVE_LINK = _("Remove what links outside the document, or embed it.")


@dataclass(frozen=True)
class ExternalLink:
    """One relationship of a part to a target outside the package."""

    part: str  # the part that holds it: word/document.xml, word/settings.xml …
    rel_id: str  # rId7
    kind: str  # the last piece of its type: image, hyperlink, attachedTemplate, oleObject …
    target: str

    @property
    def allowed(self) -> bool:
        """Whether a letter may keep it: a hyperlink to a web or mail address."""
        return self.kind == "hyperlink" and self.target.strip().lower().startswith(_READERS_FOLLOW)

    @property
    def fix(self) -> str:
        """How to fix it in Word (a message id)."""
        if self.kind == "image":
            return EMBED_PICTURE
        if self.kind == "attachedTemplate":
            return REMOVE_ATTACHED_TEMPLATE
        if self.kind in ("oleObject", "package", "frame", "subDocument"):
            return BREAK_LINK
        return FIX_HYPERLINK if self.kind == "hyperlink" else REMOVE_LINK


def external_links(path: Path) -> list[ExternalLink]:
    """Every external relationship of the package at ``path``, part by part; a .rels part too
    large or not well formed counts as one link to an unknown target (it cannot be checked)."""
    with zipfile.ZipFile(path) as package:
        return [
            link
            for info in package.infolist()
            if info.filename.endswith(".rels")
            for link in _links(package, info)
        ]


def refused_links(path: Path) -> list[ExternalLink]:
    """The external relationships a letter may not keep (all but web and mail hyperlinks),
    then the fields and VML pictures that name an outside target without one."""
    links = [link for link in external_links(path) if not link.allowed]
    return links + [link for link in field_links(path) if not link.allowed]


def field_links(path: Path) -> list[ExternalLink]:
    """Fields that fetch what they show (INCLUDEPICTURE, INCLUDETEXT, LINK, DDE …), HYPERLINK
    fields, and VML pictures with an ``o:href`` or ``src`` of their own, in the parts Word
    shows (body, headers, footers, notes, comments): each as an ExternalLink with no id."""
    with zipfile.ZipFile(path) as package:
        return [
            link
            for info in package.infolist()
            if _SHOWN_PART.fullmatch(info.filename)
            for link in _part_fields(package, info)
        ]


_SHOWN_PART = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_VML_HREFS = ("{urn:schemas-microsoft-com:office:office}href", "src")
# Fields whose result Word or LibreOffice fetches from their target when it is updated.
_FETCHING_FIELDS = ("INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "LINK", "DDE", "DDEAUTO", "IMPORT")
_TOKEN = re.compile(r'"[^"]*"|\S+')


def _part_fields(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[ExternalLink]:
    """The fetching fields, HYPERLINK fields and VML picture targets of one part."""
    from lxml import etree

    if info.file_size > _PART_LIMIT:
        return  # beyond what python-docx (libxml2) opens: the document is refused anyway
    try:
        root = etree.fromstring(
            package.read(info), etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError:
        return  # python-docx reports the part when the document is opened
    instructions = [f.get(_W + "instr") or "" for f in root.iter(_W + "fldSimple")]
    instructions += _complex_instructions(root)
    for instruction in instructions:
        link = _field_link(info.filename, instruction)
        if link is not None:
            yield link
    for element in root.iter("{urn:schemas-microsoft-com:vml}imagedata"):
        for attribute in _VML_HREFS:
            if element.get(attribute):
                yield ExternalLink(info.filename, "", "image", element.get(attribute) or "")


def _complex_instructions(root: Any) -> list[str]:
    """The instruction of each complex field (w:fldChar begin, w:instrText …, separate/end),
    nested fields each on their own."""
    done: list[str] = []
    open_fields: list[list[str]] = []
    for element in root.iter(_W + "fldChar", _W + "instrText"):
        if element.tag == _W + "instrText":
            if open_fields:
                open_fields[-1].append(element.text or "")
            continue
        kind = element.get(_W + "fldCharType")
        if kind == "begin":
            open_fields.append([])
        elif kind == "end" and open_fields:
            done.append("".join(open_fields.pop()))
    return done + ["".join(pieces) for pieces in open_fields]


def _field_link(part: str, instruction: str) -> ExternalLink | None:
    """The field an instruction is, when it fetches or links: INCLUDEPICTURE "…", HYPERLINK "…"
    (not HYPERLINK \\l "bookmark", a place in the document itself)."""
    tokens = _TOKEN.findall(instruction)
    if not tokens:
        return None
    name = tokens[0].upper()
    arguments = [t.strip('"') for t in tokens[1:]]
    target = next((a for a in arguments if not a.startswith("\\")), "")
    if name in _FETCHING_FIELDS:
        return ExternalLink(part, "", f"{name} field", target)
    local = "\\l" in arguments[: arguments.index(target)] if target in arguments else False
    if name == "HYPERLINK" and target and not local:
        return ExternalLink(part, "", "hyperlink", target)
    return None


def _links(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[ExternalLink]:
    """The external relationships in one .rels part."""
    from lxml import etree

    part = _source_part(info.filename)
    with package.open(info) as stream:
        data = stream.read(_RELS_LIMIT + 1)
    try:
        if len(data) > _RELS_LIMIT:
            raise ValueError(info.filename)
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except (etree.XMLSyntaxError, ValueError):
        yield ExternalLink(part, "", "relationships", "?")
        return
    for rel in root.iter(_RELS_NS + "Relationship"):
        if (rel.get("TargetMode") or "").lower() == "external":
            kind = (rel.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
            yield ExternalLink(part, rel.get("Id") or "", kind, rel.get("Target") or "")


def _source_part(rels_name: str) -> str:
    """The part a .rels part belongs to: word/_rels/document.xml.rels → word/document.xml."""
    folder, name = posixpath.split(rels_name)
    parent = posixpath.dirname(folder)
    source = name[: -len(".rels")]
    return posixpath.join(parent, source) if source else "(package)"
