"""Reading a report to import (来源文件): a .txt or .docx as numbered lines of text.

python-docx stays inside this module. A .docx is read from its XML rather than through
``Paragraph.text`` so that text in tracked insertions, fields, smart tags and content controls
(all common in Word and WPS files) is not lost; deleted text and field codes are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.core.errors import SourceError
from reportgen.core.i18n import _
from reportgen.core.text import clean_text
from reportgen.wordml.open import open_docx

SUFFIXES = (".txt", ".docx")
# Text files from Chinese Windows are often GB18030 (a superset of GBK and GB2312), not UTF-8.
_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class Line:
    """One non-empty line of the source and where it was: line (.txt) or paragraph (.docx)."""

    text: str
    position: int
    unit: str  # "行" for a text file's line, "段" for a Word paragraph

    @property
    def place(self) -> str:
        """Where the line was, as the workbook shows it: 第12行 or 第12段."""
        return f"第{self.position}{self.unit}"


@dataclass(frozen=True)
class Source:
    """A document to import: its lines, and whether it is plain text (perhaps from a web page)."""

    path: Path
    lines: tuple[Line, ...]
    plain_text: bool


def read_source(path: Path) -> Source:
    """The non-empty lines of a .txt or .docx, cleaned of invisible characters and edge spaces."""
    if not path.is_file():
        raise SourceError(_("{file}: file not found."), file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".doc", ".wps"):
        raise SourceError(
            _("{file}: this is an old Word/WPS file. Save it as .docx and try again."),
            file=str(path),
        )
    if suffix == ".pdf":
        raise SourceError(
            _(
                "{file}: a PDF cannot be imported. Open it, copy all its text into a .txt file "
                "(or save it as .docx from WPS), and import that."
            ),
            file=str(path),
        )
    if suffix not in SUFFIXES:
        raise SourceError(
            _("{file}: cannot import this kind of file; use a .docx or a .txt."), file=str(path)
        )
    if suffix == ".txt":
        source = Source(path, _lines(enumerate(_read_text(path).splitlines(), 1), "行"), True)
    else:
        source = Source(path, _lines(_docx_paragraphs(path), "段"), False)
    if not source.lines:
        # an empty workbook "imported" from it would only hide that the wrong file was given
        raise SourceError(
            _("{file}: there is no text in it to import. Check that this is the right file."),
            file=str(path),
        )
    return source


def _lines(numbered: Iterator[tuple[int, str]], unit: str) -> tuple[Line, ...]:
    """Cleaned non-empty lines; a paragraph with line breaks gives one line per break."""
    lines = []
    for position, raw in numbered:
        for piece in raw.split("\n"):
            text, _changed = clean_text(piece)
            if text:
                lines.append(Line(text, position, unit))
    return tuple(lines)


def _read_text(path: Path) -> str:
    """The file decoded as UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030."""
    data = path.read_bytes()
    # Notepad's "Unicode" is UTF-16 with a byte-order mark.
    encodings = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else _ENCODINGS
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError(
        _("{file}: not a UTF-8 or GB18030 text file. Save it as UTF-8 text and try again."),
        file=str(path),
    )


# ---------------------------------------------------------------- .docx


def _docx_paragraphs(path: Path) -> Iterator[tuple[int, str]]:
    """Every body paragraph (tables and text boxes included) as (number, text)."""
    document = _open_docx(path)
    from docx.oxml.ns import qn

    fallback = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
    number = 0
    for paragraph in document.element.body.iter(qn("w:p")):
        # A text box is stored twice (DrawingML and a VML fallback); read it once.
        if any(a.tag == fallback for a in paragraph.iterancestors()):
            continue
        number += 1
        yield number, "".join(_run_texts(paragraph))


def _open_docx(path: Path) -> Any:
    """The python-docx Document, or a SourceError saying why the file cannot be read."""
    return open_docx(path, SourceError)


def _run_texts(element: Any) -> Iterator[str]:
    """The visible text under ``element``, not descending into nested paragraphs."""
    from docx.oxml.ns import qn

    text, tab, breaks = qn("w:t"), qn("w:tab"), (qn("w:br"), qn("w:cr"))
    skip = (qn("w:p"), qn("w:txbxContent"), qn("w:del"), qn("w:pPr"), qn("w:rPr"))
    for child in element:
        if child.tag == text:
            yield child.text or ""
        elif child.tag == tab:
            yield "\t"
        elif child.tag in breaks:
            yield "\n"
        elif child.tag not in skip:
            yield from _run_texts(child)
