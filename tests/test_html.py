"""The page to publish (build --html): every line of the letter, in order, with real headings,
no script and nothing fetched; and it renders in Chromium, on a phone's width too."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document

from reportgen.api import BuildOptions, build_report
from reportgen.rendering.context import build_context
from reportgen.rendering.html import html_page, render_html
from reportgen.validation.run import validate_file

from .conftest import EXAMPLE, EXAMPLE_ANNUAL

CHROMIUM = Path("/usr/bin/chromium")


class Outline(HTMLParser):
    """Every element's tag and its text, in document order; and what the page refers to."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self.references: list[str] = []
        self._open: list[str] = []
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.references += [f"{tag} {name}" for name, _ in attrs if name in ("src", "href")]
        if tag in ("h1", "h2", "p", "th", "td"):
            self._open.append(tag)
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self._open[-1]:
            self.blocks.append((self._open.pop(), "".join(self._text)))

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def outline(page: str) -> Outline:
    parsed = Outline()
    parsed.feed(page)
    return parsed


def letter_lines(docx: Path) -> list[str]:
    """The letter's lines: the title's lines as one, then every non-empty paragraph, a
    table's cells among them in reading order."""
    paragraphs = list(_body_paragraphs(Document(str(docx))))
    title = "".join(p.text for p in paragraphs if p.style.name == "公文标题")
    return [title, *(p.text for p in paragraphs if p.style.name != "公文标题" and p.text.strip())]


def _body_paragraphs(document):
    """The body's paragraphs in order, those of a table's cells (row by row) in its place."""
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                for cell in row.cells:
                    yield from cell.paragraphs
        else:
            yield block


@pytest.mark.parametrize("workbook", [EXAMPLE, EXAMPLE_ANNUAL], ids=["letter", "annual"])
def test_build_html_holds_every_line_of_the_letter_in_order(workbook: Path, tmp_path: Path):
    result = build_report(workbook, tmp_path, options=BuildOptions(html=True))
    docx, page = result.outputs
    assert page.suffix == ".html" and page.stem == docx.stem
    parsed = outline(page.read_text(encoding="utf-8"))
    assert [text for _tag, text in parsed.blocks] == letter_lines(docx)
    tags = [tag for tag, _text in parsed.blocks]
    assert tags[0] == "h1" and tags.count("h1") == 1
    headings = [text for tag, text in parsed.blocks if tag == "h2"]
    assert headings and all(re.match(r"^[一二三四五六七八九十]+、", h) for h in headings)
    assert headings == [
        p.text for p in Document(str(docx)).paragraphs if p.style.name == "一级标题"
    ]


def test_the_page_has_no_script_and_refers_to_nothing(tmp_path: Path):
    page = html_page(*_example())
    parsed = outline(page)
    assert "script" not in parsed.tags and parsed.references == []
    assert not re.search(r"url\(|@import|https?://|//[a-z]", page, re.IGNORECASE)
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert '<meta name="viewport"' in page and "@media print" in page


def test_the_signature_ends_the_page_with_a_machine_readable_date():
    page = html_page(*_example())
    footer = page[page.index("<footer>") :]
    assert (
        "杭州市公安局" in footer and '<time datetime="2018-11-30">2018年11月30日</time>' in footer
    )


def test_typed_markup_is_shown_as_text_never_as_markup(tmp_path: Path, edited):
    workbook = edited({("基本信息", "B8"): "我局<script>alert(1)</script>&全面推进依法行政："})
    page = html_page(*_example(workbook))
    assert "<script>" not in page
    assert "我局&lt;script&gt;alert(1)&lt;/script&gt;&amp;全面推进依法行政：" in page


def test_the_same_data_gives_the_same_bytes(tmp_path: Path):
    report, context = _example()
    first = render_html(report, context, tmp_path / "a.html").read_bytes()
    assert render_html(report, context, tmp_path / "b.html").read_bytes() == first


def _example(workbook: Path = EXAMPLE):
    report = validate_file(workbook).report
    assert report is not None
    return report, build_context(report)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_the_page_renders_in_chromium_without_overflow(width: int, tmp_path: Path):
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is missing"
    )
    page_file = render_html(*_example(EXAMPLE_ANNUAL), tmp_path / "page.html")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            tab = browser.new_page(viewport={"width": width, "height": 800})
            requests: list[str] = []
            tab.on("request", lambda request: requests.append(request.url))
            tab.goto(page_file.as_uri())
            assert requests == [page_file.as_uri()]  # nothing else is fetched
            assert tab.evaluate("document.documentElement.scrollWidth") <= width
            assert tab.locator("h1").count() == 1
            assert tab.locator("h2").count() == 5
            assert tab.locator("footer p").all_inner_texts() == ["示例市司法局", "2024年2月26日"]
        finally:
            browser.close()
