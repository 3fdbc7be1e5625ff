"""The page in a real browser: Debian's Chromium driven by Playwright, against real uvicorn.

No browser is downloaded: Playwright launches /usr/bin/chromium. Skipped, with the reason,
where Chromium or the playwright package is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document

from reportgen.web.app import Settings, create_app

from .web_helpers import EXAMPLE, SCRIPT, running, with_info, with_point

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path("/tmp/web-shots")

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page on a random port, with a small upload limit for the oversized upload."""
    scratch = tmp_path_factory.mktemp("scratch")
    with running(create_app(Settings(max_upload=2 * 1024 * 1024, scratch=scratch))) as address:
        yield address
    assert list(scratch.iterdir()) == []


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.dialogs = dialogs
    yield tab
    context.close()


def shot(tab: object, name: str) -> None:
    """Keep a screenshot of what the page shows, for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@needs_soffice
def test_the_example_checks_clean_and_its_docx_downloads(
    page: object, base: str, tmp_path: Path
) -> None:
    page.goto(base + "/")
    shot(page, "home")
    page.click("text=检查与生成")
    shot(page, "check")
    page.set_input_files("input[name=workbook]", str(EXAMPLE))
    page.click("button:has-text('检查')")
    page.wait_for_selector("text=没有发现问题", timeout=120_000)
    assert page.locator(".pages img").count() >= 2
    shot(page, "check-clean")
    with page.expect_download(timeout=120_000) as waiting:
        page.click("button[value=docx]")
    download = waiting.value
    assert download.suggested_filename == "杭州市公安局关于2018年度法治政府建设工作情况的函.docx"
    target = tmp_path / "letter.docx"
    download.save_as(target)
    assert any("杭州市公安局" in p.text for p in Document(str(target)).paragraphs)


def test_an_empty_issuer_is_shown_at_its_cell(page: object, base: str, tmp_path: Path) -> None:
    workbook = with_info(tmp_path / "空发文机关.xlsx", "发文机关", None)
    page.goto(base + "/check")
    page.set_input_files("input[name=workbook]", str(workbook))
    page.click("button:has-text('检查')")
    page.wait_for_selector("text=基本信息!B2", timeout=60_000)
    assert page.locator("li.error code.place", has_text="基本信息!B2").count() == 1
    shot(page, "check-errors")


def test_a_script_in_a_cell_opens_no_dialog(page: object, base: str, tmp_path: Path) -> None:
    workbook = with_info(tmp_path / "script.xlsx", "发文字号", SCRIPT)  # quoted in its finding
    page.goto(base + "/check")
    page.set_input_files("input[name=workbook]", str(workbook))
    page.click("button:has-text('检查')")
    page.wait_for_selector("text=基本信息!B6", timeout=60_000)
    assert SCRIPT in page.inner_text(".findings")  # shown as text
    page.wait_for_timeout(300)
    assert page.dialogs == []


def test_review_shows_the_redline(page: object, base: str, tmp_path: Path) -> None:
    changed = with_point(tmp_path / "2018-定稿.xlsx", "全年共办理行政案件" + SCRIPT)
    page.goto(base + "/review")
    page.set_input_files("input[name=old]", str(EXAMPLE))
    page.set_input_files("input[name=new]", str(changed))
    page.click("button:has-text('比较')")
    frame = page.frame_locator("iframe.redline")
    frame.locator("ins, del").first.wait_for(timeout=60_000)
    text = frame.locator("body").inner_text()
    assert "</script>" in text  # shown as text (the marks split the rest)
    assert "example-2018.xlsx → 2018-定稿.xlsx" in frame.locator("h1").inner_text()
    assert page.dialogs == []
    shot(page, "review")


def test_an_oversized_upload_gets_a_message_and_the_page_goes_on(
    page: object, base: str, tmp_path: Path
) -> None:
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"x" * (3 * 1024 * 1024))
    page.goto(base + "/check")
    page.set_input_files("input[name=workbook]", str(big))
    page.click("button:has-text('检查')")
    page.wait_for_selector("text=文件太大", timeout=60_000)
    shot(page, "too-large")
    page.goto(base + "/new")
    assert page.locator("h1").inner_text() == "新建"
    shot(page, "new")


def test_the_other_pages_in_english(page: object, base: str) -> None:
    page.goto(base + "/archive?lang=en")
    assert page.locator("h1").inner_text() == "Archive"
    shot(page, "archive-en")
    page.goto(base + "/docx")  # the cookie keeps English
    assert page.locator("h1").inner_text() == "Format check"
    page.goto(base + "/docx?lang=zh")
    shot(page, "docx")


def test_the_forms_work_without_javascript(browser: object, base: str, tmp_path: Path) -> None:
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    tab = context.new_page()
    try:
        tab.goto(base + "/new")
        with tab.expect_download(timeout=60_000) as waiting:
            tab.click("button:has-text('下载空白工作簿')")
        assert waiting.value.suggested_filename.endswith("（函告）.xlsx")
        workbook = with_info(tmp_path / "empty.xlsx", "发文机关", None)
        tab.goto(base + "/check")
        tab.set_input_files("input[name=workbook]", str(workbook))
        tab.click("button:has-text('检查')")
        tab.wait_for_selector("text=基本信息!B2", timeout=60_000)
    finally:
        context.close()
