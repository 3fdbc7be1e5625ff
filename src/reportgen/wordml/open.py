"""The one way a .docx is opened (打开 Word 文档): python-docx, its failures turned into our error.

Every command that reads a Word document — ``check``, ``import``, ``templates lint``, and a
build with a template of the office's own — opens it here, so that a damaged, truncated,
encrypted or wrong file ends in the same clear message from all of them.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any

from reportgen.core.errors import ReportgenError
from reportgen.core.filekind import damaged, not_a_word_file, require_docx
from reportgen.core.i18n import _


class WrongPart(Exception):
    """A part of a Word package holds another kind of XML than its name says."""


def docx_failures() -> tuple[type[BaseException], ...]:
    """What reading a Word package can raise on a bad file, whichever library reads it.

    A part listed but missing (KeyError), a truncated or damaged zip (BadZipFile, EOFError,
    zlib.error: a deflate stream cut or altered), XML that is not well formed, a package that
    is no Word document (python-docx's PackageNotFoundError and OpcError, ValueError for a
    wrong content type such as a .docm or .dotx). python-docx trusts a package's
    [Content_Types].xml and relationships: when they are not what Word writes, it fails with
    AttributeError, TypeError or IndexError deep inside its reader.
    """
    from docx.opc.exceptions import OpcError
    from lxml.etree import XMLSyntaxError

    return (
        OpcError,
        XMLSyntaxError,
        KeyError,
        ValueError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        AttributeError,
        TypeError,
        IndexError,
        WrongPart,
    )


def open_docx(path: Path, error: type[ReportgenError], advice: str | None = None) -> Any:
    """The python-docx Document at ``path``, or ``error`` saying what the file is instead.

    ``advice`` (a message id) says what to do where the document was wanted, such as
    replacing a template's template.docx; without it the message says to re-save the file.
    """
    from docx import Document

    if advice is None:
        require_docx(path, error)
    try:
        document = Document(str(path))
        _check_parts(document)
    except docx_failures() as exc:
        raise unreadable(path, exc, error, advice) from exc
    return document


def _check_parts(document: Any) -> None:
    """Read the parts every command uses, now rather than halfway through a check: python-docx
    reads a part lazily and trusts its kind, so a styles part holding a document body fails
    later, deep inside it. A part of the wrong kind raises WrongPart here."""
    wanted = {
        "styles": document.styles.element,
        "settings": document.settings.element,
        "coreProperties": document.core_properties._element,
    }
    for name, element in wanted.items():
        if not str(element.tag).endswith("}" + name):
            raise WrongPart(f"the {name} part holds <{element.tag}>")
    for section in document.sections:
        for story in (section.header, section.footer):
            story.is_linked_to_previous  # noqa: B018 (reading it parses the part)


def unreadable(
    path: Path, exc: BaseException, error: type[ReportgenError], advice: str | None
) -> ReportgenError:
    """The error for a Word package that would not open (or fill): damaged, or not Word."""
    from docx.opc.exceptions import PackageNotFoundError

    if advice is not None:
        return not_a_word_file(path, error, advice)
    if isinstance(exc, (PackageNotFoundError, ValueError)):  # a .docm, a .dotx, no Word part
        return error(_NOT_WORD, file=str(path))
    return damaged(path, error)


_NOT_WORD = _(
    "{file}: not a Word document (.docx). Open it in Word or WPS and save it as .docx (Word 文档)."
)
