"""Reading a report to import (来源文件): a .txt or .docx as numbered lines of text.

A .docx is read from its XML (``wordml.text``) rather than through ``Paragraph.text`` so that text in tracked insertions, fields, smart tags and content controls
(all common in Word and WPS files) is not lost; deleted text and field codes are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reportgen.core.errors import SourceError
from reportgen.core.filekind import DOCX, EMPTY, MISSING, OLE, OTHER, PDF, XLSX, sniff
from reportgen.core.i18n import _
from reportgen.core.text import clean_text
from reportgen.wordml.text import paragraph_texts

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
    """The non-empty lines of a .txt or .docx, cleaned of invisible characters and edge spaces.

    What the file is comes from its bytes: a Word document named .txt is read as Word, a PDF
    or an old .doc is refused whatever its name. The suffix is heard only where the bytes do
    not tell: whether to read a file as text (.txt), or what a broken file was meant to be.
    """
    kind, suffix = sniff(path), path.suffix.lower()
    _refuse_unreadable(path, kind, suffix)
    if kind in (OTHER, EMPTY) and suffix == ".txt":
        source = Source(path, _lines(enumerate(_read_text(path).splitlines(), 1), "行"), True)
    elif kind in (DOCX, XLSX) or suffix == ".docx":
        # open_docx says what a file that is no Word document is (a workbook, damaged …)
        source = Source(path, _lines(paragraph_texts(path, SourceError), "段"), False)
    else:
        raise SourceError(
            _("{file}: cannot import this kind of file; use a .docx or a .txt."), file=str(path)
        )
    if not source.lines:
        # an empty workbook "imported" from it would only hide that the wrong file was given
        raise SourceError(
            _("{file}: there is no text in it to import. Check that this is the right file."),
            file=str(path),
        )
    return source


def _refuse_unreadable(path: Path, kind: str, suffix: str) -> None:
    """Stop at a missing file, an old .doc or a PDF, by its bytes, else by its suffix."""
    if kind == MISSING:
        raise SourceError(_("{file}: file not found."), file=str(path))
    untold = kind not in (DOCX, XLSX, OLE, PDF)  # the bytes do not say what it is
    if kind == OLE or (untold and suffix in (".doc", ".wps")):
        raise SourceError(
            _("{file}: this is an old Word/WPS file. Save it as .docx and try again."),
            file=str(path),
        )
    if kind == PDF or (untold and suffix == ".pdf"):
        raise SourceError(
            _(
                "{file}: a PDF cannot be imported. Open it, copy all its text into a .txt file "
                "(or save it as .docx from WPS), and import that."
            ),
            file=str(path),
        )


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
