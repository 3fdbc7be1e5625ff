"""`check --pages`: the rendered pages checked — 背题, split headings, a page with only the
落款, 22 × 28, the date's right space, page numbers — on documents made to have each defect
(by explicit edits that do not depend on the template's pagination), and nothing on the
letter that is right. All documents are converted in one LibreOffice run."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen import conversion
from reportgen.api import BuildOptions, build_report, check_docx
from reportgen.checking.pages import PAGE_CODES, _first_unit, _fits, check_rendered
from reportgen.checking.rendered import Line, align, key
from reportgen.cli.app import main
from reportgen.conversion import convert_to_pdf
from reportgen.core.errors import Finding, Severity

from .conftest import EXAMPLE

Edit = Callable[[dict[str, str]], None]
HEADING = "二、主要工作"
PAGE_BREAK = '<w:r><w:br w:type="page"/></w:r>'


def _in(part: str, old: str, new: str, count: int = 1) -> Edit:
    """An edit replacing ``old`` by ``new`` in the package part ``part`` (it must be there)."""

    def edit(parts: dict[str, str]) -> None:
        assert old in parts[part], (part, old)
        parts[part] = parts[part].replace(old, new, count)

    return edit


def _heading_run(text: str) -> str:
    return f'<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def _body_run_spacing(parts: dict[str, str]) -> None:
    """1.5 pt more between the characters of every paragraph without a style (the body)."""
    document = parts["word/document.xml"]
    parts["word/document.xml"] = re.sub(
        r"<w:p><w:pPr/>.*?</w:p>",
        lambda m: m.group(0).replace("</w:rPr>", '<w:spacing w:val="30"/></w:rPr>'),
        document,
    )


DOCUMENT, EVEN_FOOTER = "word/document.xml", "word/footer2.xml"
DEFECTS: dict[str, tuple[str, list[Edit]]] = {
    # a page break after the heading: the heading ends its page, its text starts the next
    "heading-at-foot": (
        "heading-at-foot",
        [
            _in(
                DOCUMENT,
                _heading_run(HEADING),
                _heading_run(HEADING).replace("</w:r></w:p>", "</w:r>" + PAGE_BREAK + "</w:p>"),
            )
        ],
    ),
    # a page break inside the heading: its two halves on two pages
    "heading-split": (
        "heading-split",
        [_in(DOCUMENT, f">{HEADING}<", '>二、主要</w:t><w:br w:type="page"/><w:t>工作<')],
    ),
    # a page break before the 署名: its page holds the 署名 and date alone
    "only-signature": (
        "page-only-signature",
        [_in(DOCUMENT, '<w:pStyle w:val="署名"/>', '<w:pStyle w:val="署名"/><w:pageBreakBefore/>')],
    ),
    # a line pitch of 32 pt: 20 lines a page
    "lines": ("lines-per-page", [_in(DOCUMENT, 'w:linePitch="579"', 'w:linePitch="640"')]),
    # wider character spacing in the body: 26 characters a line
    "chars": ("chars-per-line", [_body_run_spacing]),
    # the date one character further right: right space 1
    "date": ("date-right-space", [_in(DOCUMENT, 'w:left="6002"', 'w:left="6318"')]),
    # the even pages' number centred
    "page-number": (
        "page-number-place",
        [
            _in(
                EVEN_FOOTER,
                '<w:ind w:left="316" w:leftChars="100"/><w:jc w:val="left"/>',
                '<w:jc w:val="center"/>',
            )
        ],
    ),
    # hidden text the pages do not show: no line can be trusted to its paragraph
    "unmatched": (
        "pages-unmatched",
        [
            _in(
                DOCUMENT,
                "<w:p><w:pPr/>",
                "<w:p><w:pPr/><w:r><w:rPr><w:vanish/></w:rPr><w:t>此处隐藏的文字不会显示在页面上</w:t></w:r>",
            )
        ],
    ),
}


def _edited(source: Path, target: Path, edits: list[Edit]) -> Path:
    """A copy of the .docx ``source`` with its XML parts edited."""
    with zipfile.ZipFile(source) as package:
        names = package.namelist()
        data = {name: package.read(name) for name in names}
    parts = {name: data[name].decode("utf-8") for name in (DOCUMENT, EVEN_FOOTER)}
    for edit in edits:
        edit(parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for name in names:
            package.writestr(name, parts[name].encode("utf-8") if name in parts else data[name])
    return target


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """The letter plain, 信函格式 and sealed, and one edited copy per defect: .docx and PDF."""
    for program in ("soffice", "pdftotext", "pdftoppm"):
        if shutil.which(program) is None:
            pytest.skip(f"{program} is not installed (LibreOffice, poppler-utils)")
    root = tmp_path_factory.mktemp("pages")
    docx = {}
    for name, options in {
        "plain": BuildOptions(),
        "letterhead": BuildOptions(letterhead=True),
        "sealed": BuildOptions(seal=True),
    }.items():
        [built] = build_report(EXAMPLE, output_dir=root / name, options=options).outputs
        docx[name] = built.rename(root / f"{name}.docx")
    for name, (_code, edits) in DEFECTS.items():
        docx[name] = _edited(docx["plain"], root / f"{name}.docx", edits)
    pdfs = convert_to_pdf(list(docx.values()), root / "pdf")
    return {name: (docx[name], pdf) for name, pdf in zip(docx, pdfs, strict=True)}


_CHECKED: dict[Path, list[Finding]] = {}


def _page_findings(rendered: dict[str, tuple[Path, Path]], name: str) -> list[Finding]:
    """The page findings of one rendered document (each checked once)."""
    docx, pdf = rendered[name]
    if docx not in _CHECKED:
        _CHECKED[docx] = check_rendered(docx, pdf)
    return _CHECKED[docx]


@pytest.mark.parametrize("name", ["plain", "letterhead", "sealed"])
def test_the_letter_that_is_right_has_no_page_finding(
    rendered: dict[str, tuple[Path, Path]], name: str
) -> None:
    findings = _page_findings(rendered, name)
    assert [(f.code, f.cell, f.text("en")) for f in findings] == []


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_each_defect_is_reported_with_its_code(
    rendered: dict[str, tuple[Path, Path]], name: str
) -> None:
    code = DEFECTS[name][0]
    findings = _page_findings(rendered, name)
    assert code in [f.code for f in findings], [(f.code, f.text("en")) for f in findings]
    assert all(f.code in PAGE_CODES and f.file == str(rendered[name][0]) for f in findings)


def test_heading_at_foot_names_the_heading_and_the_pages(
    rendered: dict[str, tuple[Path, Path]],
) -> None:
    [finding] = [
        f for f in _page_findings(rendered, "heading-at-foot") if f.code == "heading-at-foot"
    ]
    assert finding.cell.endswith(f"“{HEADING}”")
    assert finding.severity is Severity.ERROR
    page = finding.params["page"]
    assert finding.text("en") == (
        f"The heading is the last line of page {page} and its text starts on page {page + 1} (背题)."
    )
    assert finding.text("zh")  # translated when the catalog has it, the English id otherwise


def test_a_split_heading_is_not_also_a_heading_at_foot(
    rendered: dict[str, tuple[Path, Path]],
) -> None:
    codes = [f.code for f in _page_findings(rendered, "heading-split")]
    assert codes.count("heading-split") == 1 and "heading-at-foot" not in codes
    assert "lines-per-page" not in codes  # the page ends at an explicit break


def test_a_page_with_only_the_signature_is_reported_at_the_issuer(
    rendered: dict[str, tuple[Path, Path]],
) -> None:
    findings = _page_findings(rendered, "only-signature")
    assert [f.code for f in findings] == ["page-only-signature"]  # the short page before is fine
    assert findings[0].cell == "¶20 “杭州市公安局”"


def test_unmatched_text_says_which_rules_were_skipped_and_checks_page_numbers(
    rendered: dict[str, tuple[Path, Path]],
) -> None:
    [finding] = _page_findings(rendered, "unmatched")
    assert finding.severity is Severity.WARNING
    assert "were not checked (the page numbers were)" in finding.text("en")


def test_date_right_space_on_the_pages(rendered: dict[str, tuple[Path, Path]]) -> None:
    [finding] = [f for f in _page_findings(rendered, "date") if f.code == "date-right-space"]
    assert finding.params == {"found": "1.0", "wanted": "2"}


# ---------------------------------------------------------------- the command and the library


def _already_converted(rendered: dict[str, tuple[Path, Path]]) -> Callable[..., list[Path]]:
    """convert_to_pdf answered from the module's one LibreOffice run."""
    pdfs = {docx: pdf for docx, pdf in rendered.values()}

    def convert(paths: list[Path], out_dir: Path, **_options: object) -> list[Path]:
        return [Path(shutil.copy(pdfs[Path(p)], out_dir / (Path(p).stem + ".pdf"))) for p in paths]

    return convert


def test_cli_check_pages_adds_page_findings_to_check(
    rendered: dict[str, tuple[Path, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conversion, "convert_to_pdf", _already_converted(rendered))
    docx = rendered["only-signature"][0]
    args = ["--lang", "en", "check", "--pages", str(docx), "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    found = json.loads(result.stdout)
    [expected] = _page_findings(rendered, "only-signature")
    assert [f["code"] for f in found if f["code"] in PAGE_CODES] == ["page-only-signature"]
    assert found[-1] == {
        "severity": "error",
        "file": str(docx),
        "sheet": "",
        "cell": "¶20 “杭州市公安局”",
        "line": None,
        "code": "page-only-signature",
        "message": f"Page {expected.params['page']} holds only the 署名 and date, no line of the body.",
        "hint": found[-1]["hint"],
    }
    plain = CliRunner().invoke(
        main, ["--lang", "en", "check", "--pages", str(rendered["plain"][0])]
    )
    assert (plain.exit_code, plain.stdout.strip()) == (
        0,
        f"{rendered['plain'][0]}: no problems found.",
    )


def test_check_pages_without_libreoffice_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(conversion.shutil, "which", lambda _name: None)
    monkeypatch.delenv("REPORTGEN_SOFFICE", raising=False)
    [docx] = build_report(EXAMPLE, output_dir=tmp_path).outputs
    result = CliRunner().invoke(main, ["--lang", "en", "check", "--pages", str(docx)])
    assert result.exit_code == 2
    assert result.stderr.startswith("reportgen: LibreOffice (soffice) was not found.")
    assert check_docx(docx) == check_docx(docx, pages=False)  # without --pages: no LibreOffice


# ---------------------------------------------------------------- the measures, without LibreOffice


def _line(text: str, page: int = 1) -> Line:
    return Line(page, 79.5, 521.0, 100.0, 120.0, text)


def test_align_ignores_white_space_and_skips_text_of_no_paragraph() -> None:
    texts = ["一、基本 情况", "正文第一行正文第二行"]
    lines = (_line("杭州市公安局"), _line("一、基本情况"), _line("正文第一行"), _line("正文第二行"))
    alignment = align(texts, lines)
    assert [p.paragraph for p in alignment.placed] == [None, 0, 1, 1]
    assert [(p.first, p.last) for p in alignment.placed[1:]] == [
        (True, True),
        (True, False),
        (False, True),
    ]
    assert alignment.unmatched is None


def test_align_says_where_the_text_stops_matching() -> None:
    alignment = align(["甲乙丙", "丁戊己", "庚辛"], (_line("甲乙丙"), _line("庚辛")))
    assert alignment.unmatched == 1
    assert align(["甲乙"], ()).unmatched == 0  # nothing rendered at all


def test_key_folds_compatibility_characters() -> None:
    assert key("⼀、基本\u3000情况") == "一、基本情况"  # a Kangxi radical from the font


@pytest.mark.parametrize(
    ("chars", "text", "following", "right"),
    [
        (28, "汉" * 28, "字", True),
        (27, "汉" * 27, "字", False),  # one more character would have fitted
        (27, "汉" * 27, "字。", True),  # 。 may not start a line: 字。 goes down together
        (27, "汉" * 27, "《书", True),  # 《 may not end a line
        (26.5, "汉" * 5 + "17" + "汉" * 20 + "9", "条", True),  # the gaps at 汉字/digits
        (29, "汉" * 29, "字", False),  # more than the grid holds
    ],
)
def test_a_full_line_holds_28_characters(chars: float, text: str, following: str, right: bool):
    assert _fits(chars, text, following) is right


def test_first_unit_keeps_numbers_and_marks_together() -> None:
    assert _first_unit("2024年") == "2024"
    assert _first_unit("“法律进园区”") == "“法"
    assert _first_unit("条，均已") == "条，"


def test_the_format_check_page_checks_the_pages_when_asked(
    rendered: dict[str, tuple[Path, Path]],
) -> None:
    from starlette.testclient import TestClient

    from reportgen.web.app import create_app

    docx = rendered["only-signature"][0]
    upload = {"document": ("函.docx", docx.read_bytes(), "application/octet-stream")}
    with TestClient(create_app(), base_url="http://127.0.0.1:8000") as client:
        form = client.get("/docx?lang=en")
        assert 'type="checkbox" name="pages"' in form.text
        plain = client.post("/docx?lang=en", files=upload)
        checked = client.post("/docx?lang=en", files=upload, data={"pages": "on"})
    assert plain.status_code == checked.status_code == 200
    assert "holds only the 署名 and date" not in plain.text
    assert "holds only the 署名 and date, no line of the body." in checked.text
    assert "The pages were checked as LibreOffice lays them out." in checked.text


def test_pieces_of_one_row_are_one_line() -> None:
    from reportgen.checking.rendered import _joined

    hung = [_line("汉" * 28), Line(1, 521.5, 530.0, 100.2, 120.2, "，"), _line("下一行", page=2)]
    joined = _joined(hung)
    assert [x.text for x in joined] == ["汉" * 28 + "，", "下一行"]
    assert joined[0].x1 == 530.0


def test_pages_of_another_text_are_said_not_to_match_without_a_crash(
    rendered: dict[str, tuple[Path, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportgen.checking import pages
    from reportgen.checking.rendered import Rendered

    other = Rendered(2, (_line("完全不同的文字"), _line("另一篇文章", page=2)))
    monkeypatch.setattr(pages, "read_rendered", lambda _pdf: other)
    findings = check_rendered(*rendered["plain"])
    assert [f.code for f in findings] == ["pages-unmatched", "page-number-place"]
    assert findings[0].cell.startswith("¶1 ")  # from the first paragraph on
    assert findings[1].text("en") == "Pages 1、2 show no page number (§7.5)."  # no 信函格式 page 1
