"""Pagination on the rendered pages (分页): 24 letters and reports of varied length, plain and
信函格式, converted by LibreOffice and measured — no 背题 (a heading at the foot of a page with
its text on the next), no heading split across pages, no page holding only the 落款.

The lengths vary by adding to the 开头 a sentence repeated n times, in steps of about four
lines, so that across six lengths every heading and the 落款 fall at every place on a page.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from reportgen.api import BuildOptions, build_report
from reportgen.conversion import convert_to_pdf

from .conftest import EXAMPLE, EXAMPLE_ANNUAL
from .pdf_layout import Line, text_lines

# Our own filler: 24 characters, six sevenths of a line of the grid.
FILLER = "全年持续推进依法行政各项工作，法治意识明显提升。"
LENGTHS = (0, 4, 8, 12, 16, 20)  # sentences added: 0 … 17 lines, about 3.4 lines apart
FORMS = {
    "plain": BuildOptions(),
    "letterhead": BuildOptions(letterhead=True),
    "sealed": BuildOptions(seal=True),
}
KINDS = {"letter": EXAMPLE, "annual": EXAMPLE_ANNUAL}
HEADING, CLOSING_BLOCK, BODY = "heading", "落款", "body"


@dataclass(frozen=True)
class Placed:
    """A PDF line and the paragraph of the document it shows."""

    line: Line
    paragraph: int
    role: str


def _workbook(source: Path, sentences: int, target: Path) -> Path:
    book = load_workbook(source)
    sheet = book["基本信息"]
    for row in sheet.iter_rows():
        if row[0].value == "开头":
            row[1].value = str(row[1].value) + FILLER * sentences
    book.save(target)
    return target


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Every kind × form × length built, and all converted in one LibreOffice run."""
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice and poppler-utils are needed to render the pages")
    root = tmp_path_factory.mktemp("pagination")
    built: dict[str, Path] = {}
    for kind, source in KINDS.items():
        for sentences in LENGTHS:
            workbook = _workbook(source, sentences, root / f"{kind}-{sentences}.xlsx")
            for form, options in FORMS.items():
                name = f"{kind}-{form}-{sentences}"
                [docx] = build_report(workbook, root / name, options=options).outputs
                built[name] = docx.rename(root / f"{name}.docx")
    pdfs = convert_to_pdf(list(built.values()), root / "pdf")
    return {name: (docx, pdf) for (name, docx), pdf in zip(built.items(), pdfs, strict=True)}


def _roles(docx: Path) -> list[tuple[str, str]]:
    """(text without spaces, role) of every non-empty body paragraph."""
    roles = []
    for p in Document(str(docx)).paragraphs:
        text = "".join(p.text.split())
        if not text:
            continue
        style = p.style.name
        role = (
            HEADING
            if style == "一级标题"
            else CLOSING_BLOCK
            if style in ("署名", "成文日期")
            else BODY
        )
        roles.append((text, role))
    return roles


def placed_lines(docx: Path, pdf: Path) -> list[Placed]:
    """The PDF's text lines matched, in order, to the document's paragraphs; lines that are
    no paragraph's (page numbers, the letterhead's words) are left out."""
    paragraphs = _roles(docx)
    placed: list[Placed] = []
    current: list[Placed] = []  # the lines matched so far to paragraph ``index``
    index, offset = 0, 0
    for line in text_lines(pdf):
        text = "".join(line.text.split())
        if line.is_page_number or not text or index >= len(paragraphs):
            continue
        whole, role = paragraphs[index]
        if offset and not whole.startswith(text, offset):
            current, offset = [], 0  # a false start (the letterhead's issuer): begin again
        if whole.startswith(text, offset):
            current.append(Placed(line, index, role))
            offset += len(text)
            if offset >= len(whole):
                placed.extend(current)
                current, index, offset = [], index + 1, 0
    assert index == len(paragraphs), f"{pdf.name}: stopped matching at paragraph {index}"
    return placed


def pagination_defects(placed: list[Placed]) -> list[str]:
    """背题, split headings and pages with only the 落款, each as one line of text."""
    defects = []
    pages = sorted({p.line.page for p in placed})
    for page in pages:
        on_page = [p for p in placed if p.line.page == page]
        if all(p.role == CLOSING_BLOCK for p in on_page):
            defects.append(f"page {page} holds only the 落款")
        last = on_page[-1]
        if last.role == HEADING and page != pages[-1]:
            defects.append(f"page {page} ends with the heading ¶{last.paragraph} (背题)")
    for index in {p.paragraph for p in placed if p.role == HEADING}:
        if len({p.line.page for p in placed if p.paragraph == index}) > 1:
            defects.append(f"heading ¶{index} is split across pages")
    return defects


def test_there_are_enough_documents_of_several_pages(rendered):
    """The battery is what it claims: 24 documents, the longest of several pages."""
    assert len(rendered) == len(KINDS) * len(LENGTHS) * len(FORMS) == 36
    pages = [max(p.line.page for p in placed_lines(*pair)) for pair in rendered.values()]
    assert min(pages) >= 2 and max(pages) >= 4


def test_no_heading_is_stranded_or_split_and_no_page_holds_only_the_signature(rendered):
    defects = {
        name: found
        for name, pair in rendered.items()
        if (found := pagination_defects(placed_lines(*pair)))
    }
    assert defects == {}


def test_the_measure_sees_a_stranded_heading():
    """The measure itself: a page ending in a heading, and a page of only the 落款."""

    def at(page: int, paragraph: int, role: str) -> Placed:
        return Placed(Line(page, 0, 0, 0, "x"), paragraph, role)

    placed = [at(1, 0, BODY), at(1, 1, HEADING), at(2, 2, BODY), at(3, 3, CLOSING_BLOCK)]
    assert pagination_defects(placed) == [
        "page 1 ends with the heading ¶1 (背题)",
        "page 3 holds only the 落款",
    ]
    split = [at(1, 0, BODY), at(1, 1, HEADING), at(2, 1, HEADING), at(2, 2, BODY)]
    assert pagination_defects(split) == [
        "page 1 ends with the heading ¶1 (背题)",
        "heading ¶1 is split across pages",
    ]
