"""“ ” — … in runs of their own set in the Chinese face (rendering/edits.py), so that they keep
their full width when LibreOffice re-saves the document and drops w:hint="eastAsia"."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

from reportgen.api import build_report
from reportgen.gbt9704.punctuation import AMBIGUOUS_PUNCTUATION
from reportgen.rendering.edits import isolate_ambiguous_marks

from .conftest import EXAMPLE, EXAMPLE_ANNUAL

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_FONTS = (
    '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" '
    'w:cs="Times New Roman" w:hint="eastAsia"/>'
)


def _body(runs: str) -> object:
    return parse_xml(f"<w:body {_W}><w:p>{runs}</w:p></w:body>")


def _pieces(body: object) -> list[tuple[str, str | None, str | None, bool]]:
    """Each run as (text, ascii font, hAnsi font, bold)."""
    pieces = []
    for run in body.iter(qn("w:r")):  # type: ignore[attr-defined]
        fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        bold = run.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None
        text = "".join(t.text or "" for t in run.iter(qn("w:t")))
        pieces.append((text, fonts.get(qn("w:ascii")), fonts.get(qn("w:hAnsi")), bold))
    return pieces


def test_marks_take_the_chinese_face_and_latin_text_keeps_its_font() -> None:
    text = "推进“最多跑一次”改革……2018年 A·B"
    run = f'<w:r><w:rPr>{_FONTS}<w:b/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'
    body = _body(run)
    isolate_ambiguous_marks(body)
    tnr, fs = "Times New Roman", "仿宋_GB2312"
    assert _pieces(body) == [
        ("推进“最多跑一次”改革……", fs, fs, True),
        ("2018", tnr, tnr, True),
        ("年", fs, fs, True),
        (" A", tnr, tnr, True),
        ("·", fs, fs, True),
        ("B", tnr, tnr, True),
    ]
    for t in body.iter(qn("w:t")):  # type: ignore[attr-defined]
        assert t.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


def test_a_run_of_chinese_and_marks_only_stays_one_run() -> None:
    body = _body(f"<w:r><w:rPr>{_FONTS}</w:rPr><w:t>“最多跑一次”</w:t></w:r>")
    isolate_ambiguous_marks(body)
    assert _pieces(body) == [("“最多跑一次”", "仿宋_GB2312", "仿宋_GB2312", False)]


def test_runs_without_marks_or_an_east_asian_font_are_left_as_they_are() -> None:
    plain = f"<w:r><w:rPr>{_FONTS}</w:rPr><w:t>推进改革</w:t></w:r>"
    bare = "<w:r><w:t>“最多跑一次”</w:t></w:r>"
    body = _body(plain + bare)
    before = etree.tostring(body)
    isolate_ambiguous_marks(body)
    assert etree.tostring(body) == before


def test_a_break_in_a_run_stays_in_place() -> None:
    run = f"<w:r><w:rPr>{_FONTS}</w:rPr><w:t>甲“</w:t><w:br/><w:t>A”乙</w:t></w:r>"
    body = _body(run)
    isolate_ambiguous_marks(body)
    runs = list(body.iter(qn("w:r")))  # type: ignore[attr-defined]
    layout = [[child.tag.split("}")[1] + (child.text or "") for child in r[1:]] for r in runs]
    assert layout == [["t甲“", "br"], ["tA"], ["t”乙"]]


def test_every_mark_of_the_built_examples_is_in_the_chinese_face(tmp_path: Path) -> None:
    for source in (EXAMPLE, EXAMPLE_ANNUAL):
        [built] = build_report(source, output_dir=tmp_path / source.stem).outputs
        with zipfile.ZipFile(built) as package:
            body = parse_xml(package.read("word/document.xml")).find(qn("w:body"))
        marked = [
            piece for piece in _pieces(body) if any(ch in AMBIGUOUS_PUNCTUATION for ch in piece[0])
        ]
        assert marked, source
        for text, ascii_font, hansi_font, _bold in marked:
            assert ascii_font == hansi_font and "Times" not in (hansi_font or ""), text
            assert not any(ch.isascii() and ch.isalnum() for ch in text), text
