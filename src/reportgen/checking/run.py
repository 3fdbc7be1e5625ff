"""Checking a Word document against GB/T 9704 and its template (格式检查).

``check_document`` reads any .docx — made by reportgen or edited by hand in Word or WPS — and
reports what breaks the standard (page, margins, grid, fonts per part, indents, numbering
brackets, recipient colon, closing, signature and date, page-number footers) and what the
template's schema requires (every required part, in order). It finds the parts by their
place and their words, not by style names, since hand editing often loses styles. Every
finding names its paragraph (``¶12 “（一）加强领导抓规划…”``) and its rule (``code``).

``parts`` recognises the parts; each family of rules has its module (``page``, ``fonts``,
``paragraphs``, ``words``, ``sections``, ``signature``, ``page_numbers``). ``check_document``
runs them in a fixed order, which is the order of its findings.

Any document that opens is checked without a traceback: settings are read from the raw XML,
a value that is no number is a ``value`` finding and taken as unset (``document`` says how),
and a document beyond ``MAX_PARAGRAPHS`` or ``MAX_RUNS`` is refused with one DocumentError.
Every rule is linear in the paragraphs and runs.
"""

from __future__ import annotations

from pathlib import Path

from reportgen.checking.document import Checker, open_document, recorded_schema
from reportgen.checking.fonts import check_fonts
from reportgen.checking.letterhead import check_letterhead
from reportgen.checking.page import check_grid, check_page, check_page_setup
from reportgen.checking.page_numbers import check_page_numbers
from reportgen.checking.paragraphs import check_layout
from reportgen.checking.parts import recognise
from reportgen.checking.sections import check_sections
from reportgen.checking.signature import check_signature
from reportgen.checking.words import check_words
from reportgen.core.errors import Finding
from reportgen.schema.spec import Schema


def check_document(path: Path, schema: Schema | None = None) -> list[Finding]:
    """Every way ``path`` departs from GB/T 9704 and from its template's schema
    (``schema``, else the template recorded in the document, else the letter)."""
    document = open_document(path)
    checker = Checker(path, document, schema or recorded_schema(document))
    page_set_up = check_page_setup(checker)
    if page_set_up:
        check_page(checker)
        check_grid(checker)
    parts = list(recognise(checker))
    for check in (
        check_fonts,
        check_layout,
        check_words,
        check_sections,
        check_signature,
        check_letterhead,
    ):
        check(checker, parts)
    check_page_numbers(checker)
    return checker.findings
