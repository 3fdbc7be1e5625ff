"""PDF through LibreOffice, measured: 22 lines × 28 characters, page numbers, complete text,
the 信函格式 letterhead and the signature rules; and the converter's failures."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from reportgen import conversion as pdf_module
from reportgen.api import BuildOptions, build_report
from reportgen.cli.app import main
from reportgen.conversion import convert_to_pdf, preview_pages
from reportgen.core.errors import ConversionError, OutputError
from reportgen.gbt9704.grid import NO_LINE_END, NO_LINE_START

from .conftest import EXAMPLE
from .pdf_layout import (
    CHAR_PT,
    LEFT_PT,
    PT_PER_MM,
    TEXT_RIGHT_PT,
    Line,
    ink_bands,
    page_number_dash_mm,
    text_lines,
)

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed"
)
DOC_NUMBER = "杭公函〔2018〕12号"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """The example as plain, letterhead and sealed .docx, converted in one LibreOffice run."""
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice and poppler-utils are needed to render")
    from openpyxl import load_workbook

    root = tmp_path_factory.mktemp("rendered")
    book = load_workbook(EXAMPLE)
    sheet = book["基本信息"]
    for row in sheet.iter_rows():
        if row[0].value == "发文字号":
            row[1].value = DOC_NUMBER
    workbook = root / "numbered.xlsx"
    book.save(workbook)
    docx = {}
    for name, options in {
        "plain": {},
        "letterhead": {"letterhead": True},
        "sealed": {"seal": True},
    }.items():
        [docx[name]] = build_report(
            workbook, output_dir=root / name, options=BuildOptions(**options)
        ).outputs
        docx[name] = docx[name].rename(root / f"{name}.docx")
    pdfs = convert_to_pdf(list(docx.values()), root / "pdf")
    return {name: (docx[name], pdf) for name, pdf in zip(docx, pdfs, strict=True)}


def _body(lines: list[Line]) -> list[Line]:
    return [line for line in lines if not line.is_page_number]


# ---------------------------------------------------------------- 22 × 28


def test_every_full_page_has_22_lines(rendered: dict[str, tuple[Path, Path]]) -> None:
    lines = text_lines(rendered["plain"][1])
    pages = max(line.page for line in lines)
    counts = [len(_body([x for x in lines if x.page == n])) for n in range(1, pages + 1)]
    assert pages >= 9
    assert counts[1:-1] == [22] * (pages - 2), counts  # page 1 holds the title


def _explained(line: Line, following: Line) -> bool:
    """A line short of 28 only because a mark may not start the next line or end this one,
    or because a number or Latin word did not fit."""
    missing = round(28 - line.chars)
    nxt = following.text
    if missing < 1 or not nxt:
        return False
    return (
        nxt[0].isascii()
        or line.text[-1] in NO_LINE_END
        or (missing == 1 and nxt[0] in NO_LINE_END)
        or (len(nxt) > missing and nxt[missing] in NO_LINE_START)
    )


def test_every_full_line_has_28_characters(rendered: dict[str, tuple[Path, Path]]) -> None:
    body = _body(text_lines(rendered["plain"][1]))
    full = [
        (line, following)
        for line, following in zip(body, body[1:], strict=False)
        # lines reaching the right edge, without Latin text (its width varies by renderer)
        if line.x1 > TEXT_RIGHT_PT - CHAR_PT and all(not ch.isascii() for ch in line.text)
    ]
    assert len(full) > 100
    exact = [line for line, _following in full if line.chars == 28]
    short = [(line, nxt) for line, nxt in full if line.chars != 28]
    assert all(line.chars < 28 and _explained(line, nxt) for line, nxt in short), [
        (line.text, nxt.text) for line, nxt in short if not _explained(line, nxt)
    ]
    assert len(exact) > 0.8 * len(full)
    assert all(line.x0 >= LEFT_PT - 1 and line.x1 <= TEXT_RIGHT_PT + 1 for line, _ in full)


def test_text_is_complete(rendered: dict[str, tuple[Path, Path]]) -> None:
    docx, pdf = rendered["plain"]
    wanted = re.sub(r"\s", "", "".join(p.text for p in Document(str(docx)).paragraphs))
    shown = "".join(line.text for line in _body(text_lines(pdf)))
    assert re.sub(r"\s", "", shown) == wanted


def test_page_numbers_alternate_sides(rendered: dict[str, tuple[Path, Path]]) -> None:
    lines = text_lines(rendered["plain"][1])
    numbers = [line for line in lines if line.is_page_number]
    assert [int(re.sub(r"\D", "", n.text)) for n in numbers] == list(range(1, len(numbers) + 1))
    for number in numbers:
        if number.page % 2:  # odd: right, one character in
            assert number.x1 == pytest.approx(TEXT_RIGHT_PT - CHAR_PT, abs=2)
        else:
            assert number.x0 == pytest.approx(LEFT_PT + CHAR_PT, abs=2)


def test_page_number_dashes_sit_7_mm_under_the_text(
    rendered: dict[str, tuple[Path, Path]],
) -> None:
    for page in (2, 3):  # an even and an odd page
        assert page_number_dash_mm(rendered["plain"][1], page) == pytest.approx(7, abs=0.5)


# ---------------------------------------------------------------- letterhead


def test_letterhead_matches_section_10_1(rendered: dict[str, tuple[Path, Path]]) -> None:
    pdf = rendered["letterhead"][1]
    name, *rules = ink_bands(pdf, 1, "red")
    assert name.top == pytest.approx(30, abs=0.5)  # the name's top 30 mm from the page top
    assert (name.left + name.right) / 2 == pytest.approx(105, abs=0.5)  # centred
    upper, lower = rules[:2], rules[2:]
    assert len(rules) == 4  # two double lines
    assert upper[0].top - name.bottom == pytest.approx(4, abs=0.5)
    assert upper[0].bottom - upper[0].top > lower[0].bottom - lower[0].top  # thick over thin
    assert lower[1].bottom - lower[1].top > lower[0].bottom - lower[0].top  # thin over thick
    assert 297 - lower[1].bottom == pytest.approx(20, abs=0.5)
    for rule in rules:
        assert (rule.left, rule.right) == (pytest.approx(20, abs=0.3), pytest.approx(190, abs=0.3))


def test_letterhead_number_title_and_first_page(rendered: dict[str, tuple[Path, Path]]) -> None:
    lines = text_lines(rendered["letterhead"][1])
    first = [line for line in lines if line.page == 1]
    number = next(line for line in first if line.text == DOC_NUMBER)
    assert number.x1 == pytest.approx(TEXT_RIGHT_PT, abs=1.5)  # flush right
    [rule_upper, rule_lower] = ink_bands(rendered["letterhead"][1], 1, "red")[1:3]
    dark = ink_bands(rendered["letterhead"][1], 1, "dark")
    number_ink = next(band for band in dark if band.top > rule_lower.bottom)
    assert number_ink.top - rule_lower.bottom == pytest.approx(5, abs=1)  # ≈ 7/8 character
    assert not any(line.is_page_number for line in first)  # no number on page 1
    assert any(line.is_page_number for line in lines if line.page == 2)
    assert rule_upper.top < number.y0 / PT_PER_MM


# ---------------------------------------------------------------- signature


def _signature(pdf: Path) -> tuple[Line, Line]:
    body = _body(text_lines(pdf))
    return body[-2], body[-1]


def test_unsealed_date_starts_two_characters_right_of_the_issuer(
    rendered: dict[str, tuple[Path, Path]],
) -> None:
    issuer, date = _signature(rendered["plain"][1])
    assert (issuer.text, date.text) == ("杭州市公安局", "2018年11月30日")
    assert (date.x0 - issuer.x0) / CHAR_PT == pytest.approx(2, abs=0.1)
    assert (TEXT_RIGHT_PT - issuer.x1) / CHAR_PT == pytest.approx(5, abs=0.1)
    # 右空二字 as in Word: no extra gap at the four 汉字/digit boundaries of the date
    assert (TEXT_RIGHT_PT - date.x1) / CHAR_PT == pytest.approx(2, abs=0.3)


def test_no_gap_between_chinese_and_digits_anywhere(
    rendered: dict[str, tuple[Path, Path]],
) -> None:
    """Word's autoSpaceDN off holds in every paragraph of the PDF, not only the date: the
    text poppler lays out has no space between a digit and 年/月/日 (LibreOffice's gap
    would show as one: 20 of them on the letter without the bridge's pass)."""
    for name, (_docx, pdf) in rendered.items():
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert re.findall(r"\d [年月日]", text) == [], name
        assert re.search(r"\d[年月日]", text), name  # the dates are there to look at


def test_sealed_date_right_spaced_four_with_issuer_centred(
    rendered: dict[str, tuple[Path, Path]],
) -> None:
    issuer, date = _signature(rendered["sealed"][1])
    assert (TEXT_RIGHT_PT - date.x1) / CHAR_PT == pytest.approx(4, abs=0.1)
    centre = (date.x0 + date.x1) / 2
    assert (issuer.x0 + issuer.x1) / 2 == pytest.approx(centre, abs=0.3 * CHAR_PT)
    closing = next(x for x in _body(text_lines(rendered["sealed"][1])) if x.text == "特此函告。")
    assert round((issuer.y0 - closing.y0) / (579 / 20)) == 3  # two blank lines for the seal


# ---------------------------------------------------------------- the converter


@needs_soffice
def test_pdfa_declares_part_2b(tmp_path: Path, rendered: dict[str, tuple[Path, Path]]) -> None:
    [pdf] = convert_to_pdf([rendered["plain"][0]], tmp_path, pdfa=True)
    meta = subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True).stdout
    assert "<pdfaid:part>2</pdfaid:part>" in meta
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in meta


@needs_poppler
def test_preview_writes_one_png_a_page(rendered: dict[str, tuple[Path, Path]], tmp_path: Path):
    pages = preview_pages(rendered["plain"][1], tmp_path, dpi=20)
    count = max(line.page for line in text_lines(rendered["plain"][1]))
    assert len(pages) == count and all(p.suffix == ".png" and p.stat().st_size for p in pages)
    assert pages[0].name.endswith("-01.png") and pages[0].parent == tmp_path


def test_missing_soffice_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pdf_module.shutil, "which", lambda _name: None)
    docx = _tiny_docx(tmp_path / "a.docx")
    with pytest.raises(ConversionError) as caught:
        convert_to_pdf([docx], tmp_path)
    assert "apt-get install libreoffice-writer-nogui" in str(caught.value)
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(ConversionError) as caught:
        preview_pages(pdf, tmp_path)
    assert "poppler-utils" in str(caught.value)


def _tiny_docx(path: Path) -> Path:
    Document().save(str(path))
    return path


def _fake_soffice(tmp_path: Path, body: str) -> Callable[[], str]:
    script = tmp_path / "fake-soffice"
    script.write_text(f"#!{sys.executable}\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return lambda: str(script)


def test_exit_0_without_a_pdf_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("REPORTGEN_UNO_PYTHON", "off")  # one soffice --convert-to run
    monkeypatch.setattr(pdf_module, "soffice", _fake_soffice(tmp_path, "print('done')"))
    docx = _tiny_docx(tmp_path / "a.docx")
    with pytest.raises(ConversionError) as caught:
        convert_to_pdf([docx], tmp_path / "out")
    assert str(caught.value) == f"LibreOffice wrote no PDF for {docx}: done"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_hanging_soffice_is_stopped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REPORTGEN_UNO_PYTHON", "off")  # one soffice --convert-to run
    monkeypatch.setattr(
        pdf_module, "soffice", _fake_soffice(tmp_path, "import time; time.sleep(60)")
    )
    docx = _tiny_docx(tmp_path / "a.docx")
    with pytest.raises(ConversionError) as caught:
        convert_to_pdf([docx], tmp_path, timeout=1)
    assert str(caught.value) == (
        f"LibreOffice did not finish within 1 seconds; no PDF was written for {docx}."
    )


def test_a_libreoffice_that_will_not_start_is_named_through_the_bridge(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    program = _fake_soffice(tmp_path, "print('done')")
    if pdf_module.workers(1, program=program()) is None:
        pytest.skip("no Python here can import uno (Debian: apt-get install python3-uno)")
    monkeypatch.setattr(pdf_module, "soffice", program)
    docx = _tiny_docx(tmp_path / "a.docx")
    with pytest.raises(ConversionError) as caught:
        convert_to_pdf([docx], tmp_path / "out")
    assert str(caught.value) == (
        f"LibreOffice wrote no PDF for {docx}: LibreOffice did not start (exit 0)"
    )
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_two_inputs_with_one_name_are_refused(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        _tiny_docx(tmp_path / folder / "letter.docx")
    with pytest.raises(ConversionError, match="letter.docx"):
        convert_to_pdf([tmp_path / "a" / "letter.docx", tmp_path / "b" / "letter.docx"], tmp_path)


@needs_soffice
def test_cli_pdf_and_preview(rendered: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["pdf", str(rendered["sealed"][0]), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(tmp_path / "sealed.pdf")
    result = runner.invoke(main, ["preview", str(tmp_path / "sealed.pdf"), "--dpi", "20"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == str(tmp_path / "sealed-01.png")


def test_cli_pdf_without_soffice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pdf_module.shutil, "which", lambda _name: None)
    docx = _tiny_docx(tmp_path / "a.docx")
    result = CliRunner().invoke(main, ["--lang", "en", "pdf", str(docx)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "reportgen: LibreOffice (soffice) was not found. Install it (Debian/Ubuntu: "
        "apt-get install libreoffice-writer-nogui; Windows: from libreoffice.org), "
        "or set REPORTGEN_SOFFICE to the program's full path, and try again."
    )


@needs_soffice
def test_preview_of_a_docx_converts_it_first(
    rendered: dict[str, tuple[Path, Path]], tmp_path: Path
) -> None:
    pages = pdf_module.preview(rendered["plain"][0], tmp_path, dpi=20)
    assert [p.name for p in pages[:2]] == ["plain-01.png", "plain-02.png"]
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".png"] * len(pages)  # no PDF left


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "{file}: the file is empty (0 bytes)."),
        (
            b"%PDF-1.4\n",
            "{file}: this is a PDF, not a Word document (.docx). Use the .docx it was made from.",
        ),
    ],
)
def test_pdf_of_a_file_that_is_no_docx_is_refused_before_libreoffice(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: bytes, message: str
) -> None:
    # LibreOffice turns an empty file into a blank page and exits 0: it must not be asked.
    monkeypatch.setenv("REPORTGEN_UNO_PYTHON", "off")  # one soffice --convert-to run
    monkeypatch.setattr(pdf_module, "soffice", _fake_soffice(tmp_path, "raise SystemExit(3)"))
    docx = tmp_path / "a.docx"
    docx.write_bytes(content)
    with pytest.raises(ConversionError) as caught:
        convert_to_pdf([docx], tmp_path / "out")
    assert caught.value.text("en") == message.format(file=docx)
    assert not (tmp_path / "out").exists()


def test_preview_of_neither_docx_nor_pdf_is_refused(tmp_path: Path) -> None:
    book = tmp_path / "2018.xlsx"
    shutil.copy(EXAMPLE, book)
    result = CliRunner().invoke(main, ["--lang", "en", "preview", str(book)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"reportgen: {book}: this is an Excel workbook, not a Word document (.docx). "
        f"Build the document from it with: reportgen build {book}"
    )
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["--lang", "en", "preview", str(empty), "-o", str(tmp_path)])
    assert result.exit_code == 2 and not list(tmp_path.glob("*.png"))
    text = tmp_path / "page.pdf"
    text.write_bytes(b"hello")
    with pytest.raises(ConversionError) as caught:
        preview_pages(text, tmp_path)
    assert caught.value.text("en") == (
        f"{text}: this is not a PDF. Preview takes a .docx or a .pdf."
    )


_WRITES_PDFS = """
import sys
from pathlib import Path
args = sys.argv[1:]
out = Path(args[args.index("--outdir") + 1])
out.mkdir(parents=True, exist_ok=True)
for source in args[args.index("--outdir") + 2:]:
    (out / (Path(source).stem + ".pdf")).write_bytes(b"%PDF-1.4 fake")
"""


def test_several_pdfs_are_written_all_or_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REPORTGEN_UNO_PYTHON", "off")  # one soffice --convert-to run
    monkeypatch.setattr(pdf_module, "soffice", _fake_soffice(tmp_path, _WRITES_PDFS))
    sources = [_tiny_docx(tmp_path / f"{name}.docx") for name in ("a", "b", "c")]
    real_move, calls = shutil.move, []

    def disk_full_on_the_second(src: str, dst: str) -> str:
        calls.append(src)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_move(src, dst)

    monkeypatch.setattr(pdf_module.shutil, "move", disk_full_on_the_second)
    out = tmp_path / "out"
    with pytest.raises(OutputError, match="disk is full"):
        convert_to_pdf(sources, out)
    assert not out.exists()  # not a.pdf alone
    monkeypatch.setattr(pdf_module.shutil, "move", real_move)
    assert [p.name for p in convert_to_pdf(sources, out)] == ["a.pdf", "b.pdf", "c.pdf"]


def test_build_with_pdf_but_no_libreoffice_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The .docx used to be written first, then the run failed with exit 2 for the PDF,
    # leaving a letter the user was told had failed.
    monkeypatch.setattr(pdf_module.shutil, "which", lambda _name: None)
    with pytest.raises(ConversionError, match="soffice"):
        build_report(EXAMPLE, output_dir=tmp_path / "out", options=BuildOptions(pdf=True))
    assert not (tmp_path / "out").exists()


@needs_poppler
def test_preview_pngs_hold_exactly_the_pixels_poppler_draws(
    rendered: dict[str, tuple[Path, Path]], tmp_path: Path
) -> None:
    import struct
    import zlib

    pdf = rendered["letterhead"][1]
    [png] = [p for p in preview_pages(pdf, tmp_path / "png", dpi=30) if p.stem.endswith("-01")]
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    idat = data.index(b"IDAT")
    (length,) = struct.unpack(">I", data[idat - 4 : idat])
    rows = zlib.decompress(data[idat + 4 : idat + 4 + length])
    ppm = subprocess.run(
        ["pdftoppm", "-r", "30", "-f", "1", "-l", "1", str(pdf)], capture_output=True, check=True
    ).stdout
    _magic, w, h, _depth, pixels = ppm.split(maxsplit=4)
    assert (width, height) == (int(w), int(h))
    stride = width * 3
    assert rows == b"".join(b"\0" + pixels[y * stride : (y + 1) * stride] for y in range(height))
    reds = zip(pixels[::3], pixels[1::3], strict=False)
    assert any(r > 180 and g < 100 for r, g in reds)  # the red rules are there
