"""Shared fixtures: the example workbook, the 2018 letter, and workbooks edited by code."""

from __future__ import annotations

import dataclasses
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from reportgen.api import validate
from reportgen.core.model import Report, Section

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "example-2018.xlsx"
EXAMPLE_ANNUAL = ROOT / "inputs" / "example-annual.xlsx"
# The published 2018 letter, the project's own copy (a published official document).
LETTER = ROOT / "inputs" / "sources" / "letter-2018.txt"

Edits = dict[tuple[str, str], Any]


@pytest.fixture(autouse=True, scope="session")
def _private_template_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled templates go to a folder of this test run, not the user's cache (and child
    processes the tests start inherit it)."""
    import os

    os.environ["REPORTGEN_CACHE"] = str(tmp_path_factory.mktemp("template-cache"))


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A private copy of the example workbook."""
    target = tmp_path / "example.xlsx"
    shutil.copy(EXAMPLE, target)
    return target


@pytest.fixture
def edited(tmp_path: Path) -> Callable[..., Path]:
    """Make a copy of the example with cells changed and sheets deleted or renamed."""

    def make(
        edits: Edits | None = None,
        delete: tuple[str, ...] = (),
        rename: dict[str, str] | None = None,
        name: str = "edited.xlsx",
        source: Path = EXAMPLE,
    ) -> Path:
        book = load_workbook(source)
        for (sheet, cell), value in (edits or {}).items():
            book[sheet][cell] = value
        for sheet in delete:
            del book[sheet]
        for old, new in (rename or {}).items():
            book[old].title = new
        target = tmp_path / name
        book.save(target)
        return target

    return make


def docx_paragraphs(path: Path) -> list[str]:
    """The text of every body paragraph of a .docx."""
    from docx import Document

    return [p.text for p in Document(str(path)).paragraphs]


def docx_lines(path: Path) -> list[str]:
    """The document as lines: the title's lines (公文标题) joined into one, then every
    non-empty body paragraph."""
    from docx import Document

    paragraphs = Document(str(path)).paragraphs
    title = "".join(p.text for p in paragraphs if p.style.name == "公文标题")
    body = [p.text for p in paragraphs if p.style.name != "公文标题" and p.text.strip()]
    return [title, *body]


@pytest.fixture
def changed(tmp_path: Path) -> Callable[..., Path]:
    """Make a copy of the example changed by a function of the openpyxl workbook."""

    def make(edit: Callable[[Any], None], name: str = "changed.xlsx") -> Path:
        book = load_workbook(EXAMPLE)
        edit(book)
        target = tmp_path / name
        book.save(target)
        return target

    return make


def rezip(source: Path, target: Path, transform: Callable[[str, bytes], bytes]) -> Path:
    """Copy an .xlsx package member by member, each passed through ``transform(name, data)``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in src.namelist():
            out.writestr(name, transform(name, src.read(name)))
    return target


def sheet_member(path: Path, sheet: str) -> str:
    """The package member holding ``sheet`` (openpyxl writes them in sheet order)."""
    book = load_workbook(path, read_only=True)
    try:
        return f"xl/worksheets/sheet{book.sheetnames.index(sheet) + 1}.xml"
    finally:
        book.close()


def docx_text(path: Path) -> str:
    """All the text of a .docx body, paragraphs joined by newlines."""
    return "\n".join(docx_paragraphs(path))


SECTION_LEAD = "局党组始终把法治建设摆在突出位置。"
LEAD_ONLY = "全年建成执法数据平台，汇聚案件数据。"


def example_with_leads() -> Report:
    """The example report with a lead (导语) before section 1's points of 主要工作 and a sixth
    section that is only a lead."""
    report = validate(EXAMPLE).report
    assert report is not None
    work = report.parts[1]
    first = dataclasses.replace(work.sections[0], text=SECTION_LEAD)
    sections = (first, *work.sections[1:], Section("推进数字法治", text=LEAD_ONLY))
    work = dataclasses.replace(work, sections=sections)
    return dataclasses.replace(report, parts=(report.parts[0], work, *report.parts[2:]))
