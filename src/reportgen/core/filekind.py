"""What kind of file the user gave (文件类型), told from its first bytes, not its name.

Office staff rename files, pick the wrong one in a dialog, or give the letter where the
workbook is wanted. Every reader asks this module first, so that its message can say what the
file really is (a Word document, a PDF, an Excel workbook …) and which command takes it,
instead of the reading library's own error. Only the standard library is used here.
"""

from __future__ import annotations

import codecs
import zipfile
from enum import Enum
from pathlib import Path

from reportgen.core.errors import ReportgenError
from reportgen.core.i18n import Message, _


class FileKind(str, Enum):
    """What a file is, told from its bytes."""

    MISSING = "missing"
    EMPTY = "empty"
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    ZIP = "zip"  # an ordinary zip archive
    DAMAGED = "damaged"  # a zip that does not open
    OLE = "ole"  # .doc, .xls, or a password-protected .docx/.xlsx
    OTHER = "other"

    def __str__(self) -> str:
        return self.value


MISSING, EMPTY, PDF, DOCX, XLSX, ZIP, DAMAGED, OLE, OTHER = FileKind
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # compound file: .doc, .xls, or a password-protected .docx/.xlsx
_PDF_MAGIC = b"%PDF-"


def sniff(path: Path) -> FileKind:
    """The kind of file at ``path``: one of the constants above."""
    if not path.is_file():
        return MISSING
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        return EMPTY
    if head.startswith(_PDF_MAGIC):
        return PDF
    if head.startswith(_OLE_MAGIC):
        return OLE
    if head.startswith(_ZIP_MAGIC):
        return _package_kind(path)
    return OTHER


def _package_kind(path: Path) -> FileKind:
    """A zip: a Word document, an Excel workbook, another Office file (OTHER), an ordinary
    zip, or a damaged one."""
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return DAMAGED
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    # every Office package has [Content_Types].xml; one without is an ordinary zip
    return OTHER if "[Content_Types].xml" in names else ZIP


def require_docx(path: Path, error: type[ReportgenError]) -> None:
    """Refuse anything but a Word .docx with ``error``, saying what the file is instead."""
    kind = sniff(path)
    if kind == DOCX:
        return
    raise error(_NOT_DOCX.get(kind, _NOT_DOCX[OTHER]), file=str(path))


def what_it_is(path: Path) -> str:
    """What the file at ``path`` is, as a sentence for a message about a file that should be
    a Word document; a .docx that will not open counts as damaged."""
    kind = sniff(path)
    if kind == OTHER and _is_text(path):
        return _IS_TEXT
    return _WHAT_IT_IS.get(kind, _WHAT_IT_IS[OTHER])


def not_a_word_file(path: Path, error: type[ReportgenError], advice: str) -> ReportgenError:
    """``error`` saying what the file at ``path`` is instead of a Word document, then
    ``advice`` (a message id): what to do in the place that wanted the document."""
    return error(
        _("{file}: {what} {advice}"),
        file=str(path),
        what=Message(what_it_is(path)),
        advice=Message(advice),
    )


def looks_like_text(head: bytes) -> bool:
    """Whether the first bytes read as printable text in UTF-8 or GB18030 (a CSV, say)."""
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    for encoding in ("utf-8", "gb18030"):
        try:
            # incremental: the head may end inside a multi-byte character
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return all(ch.isprintable() or ch in "\t\r\n" for ch in text)
    return False


def _is_text(path: Path) -> bool:
    with path.open("rb") as handle:
        return looks_like_text(handle.read(4096))


def damaged(path: Path, error: type[ReportgenError]) -> ReportgenError:
    """The error for a package that opens as a zip but whose contents are broken."""
    return error(_NOT_DOCX[DAMAGED], file=str(path))


_NOT_DOCX = {
    MISSING: _("{file}: file not found."),
    EMPTY: _("{file}: the file is empty (0 bytes)."),
    XLSX: _(
        "{file}: this is an Excel workbook, not a Word document (.docx). "
        "Build the document from it with: reportgen build {file}"
    ),
    PDF: _("{file}: this is a PDF, not a Word document (.docx). Use the .docx it was made from."),
    OLE: _(
        "{file}: this is an old .doc file or a password-protected document. Open it in Word "
        "or WPS, remove any password, and save it as .docx (Word 文档)."
    ),
    DAMAGED: _(
        "{file}: the file is damaged or incomplete (was it copied while still being saved?). "
        "Copy it again from where it was saved, or open and re-save it."
    ),
    OTHER: _(
        "{file}: not a Word document (.docx). Open it in Word or WPS and save it as .docx "
        "(Word 文档)."
    ),
}

_IS_TEXT = _("this is a text file, not a Word document (.docx).")
_WHAT_IT_IS = {
    MISSING: _("the file does not exist."),
    EMPTY: _("the file is empty (0 bytes)."),
    XLSX: _("this is an Excel workbook, not a Word document (.docx)."),
    PDF: _("this is a PDF, not a Word document (.docx)."),
    OLE: _("this is an old .doc file or a password-protected document, not a .docx."),
    ZIP: _("this is a ZIP archive, not a Word document (.docx)."),
    DAMAGED: _("the file is damaged or incomplete."),
    DOCX: _("the file is damaged or incomplete."),  # a Word package that will not open
    OTHER: _("this is not a Word document (.docx)."),
}
