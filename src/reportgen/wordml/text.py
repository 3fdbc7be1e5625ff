"""The text of a Word document as a reader sees it (文档文字): paragraph by paragraph.

Read from the XML rather than through python-docx's ``Paragraph.text`` so that text in tracked
insertions, fields, smart tags and content controls (all common in Word and WPS files) is not
lost; deleted text and field codes are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reportgen.core.errors import ReportgenError
from reportgen.wordml.open import open_docx


def paragraph_texts(path: Path, error: type[ReportgenError]) -> Iterator[tuple[int, str]]:
    """Every body paragraph (tables and text boxes included) as (number, text); ``error``
    if the file is no readable .docx."""
    from docx.oxml.ns import qn

    document = open_docx(path, error)

    fallback = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
    number = 0
    for paragraph in document.element.body.iter(qn("w:p")):
        # A text box is stored twice (DrawingML and a VML fallback); read it once.
        if any(a.tag == fallback for a in paragraph.iterancestors()):
            continue
        number += 1
        yield number, "".join(_run_texts(paragraph))


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
