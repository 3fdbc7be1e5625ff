"""The faces of the PDF: AR PL KaitiM GB for 楷体, the office's fonts folder (``--fonts DIR``,
$REPORTGEN_FONTS) drawn in preference to the substitutes, and one warning for each face
drawn with a stand-in. One LibreOffice run converts the two examples for all of them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from docx import Document

from reportgen import conversion
from reportgen.api import BuildOptions, build_report
from reportgen.cli.app import main
from reportgen.core.errors import ConversionError
from reportgen.fonts.faces import Substitution, requested_faces, shipped_conf, substitutions

from .conftest import EXAMPLE, EXAMPLE_ANNUAL

HINT = "install the font or use --fonts DIR for an exact print."
needs_fontconfig = pytest.mark.skipif(
    shutil.which("fc-match") is None, reason="fontconfig's fc-match is not installed"
)


def _warning(face: str, font: str) -> str:
    return f"reportgen: warning: PDF: {face} was drawn with {font}; {HINT}"


def _kaitim_file() -> Path | None:
    """The font file of AR PL KaitiM GB (Debian's fonts-arphic-gkai00mp), if installed."""
    found = subprocess.run(
        ["fc-list", "-f", "%{file}\n", ":family=AR PL KaitiM GB"], capture_output=True, text=True
    ).stdout.split()
    return Path(found[0]) if found else None


@pytest.fixture(scope="module")
def licensed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a stand-in for a licensed 仿宋_GB2312: a free font, renamed."""
    ttlib = pytest.importorskip("fontTools.ttLib", reason="fonttools makes the test font")
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed")
    source = _kaitim_file()
    if source is None:
        pytest.skip("AR PL KaitiM GB (fonts-arphic-gkai00mp) is not installed")
    folder = tmp_path_factory.mktemp("licensed")
    with ttlib.TTFont(str(source), lazy=True) as font:
        for record in font["name"].names:
            if record.nameID in (1, 3, 4):  # family, unique and full name
                record.string = "仿宋_GB2312"
            elif record.nameID == 6:  # the PostScript name, which the PDF shows
                record.string = "FangSong_GB2312"
        font.save(str(folder / "fangsong-gb2312.ttf"))
    return folder


@pytest.fixture(scope="module")
def converted(
    tmp_path_factory: pytest.TempPathFactory, licensed: Path
) -> tuple[Result, list[Path]]:
    """`reportgen pdf --fonts DIR` of the letter and the annual report: one LibreOffice run."""
    if shutil.which("soffice") is None or shutil.which("pdffonts") is None:
        pytest.skip("LibreOffice and poppler-utils (pdffonts) are needed to render")
    root = tmp_path_factory.mktemp("faces")
    docxs = [build_report(book, root / "build").outputs[0] for book in (EXAMPLE, EXAMPLE_ANNUAL)]
    result = CliRunner().invoke(
        main,
        ["--lang", "en", "pdf", *map(str, docxs), "-o", str(root), "--fonts", str(licensed)],
    )
    assert result.exit_code == 0, result.output
    return result, [Path(line) for line in result.stdout.splitlines()]


def _pdf_fonts(pdf: Path) -> set[str]:
    """The PostScript names of the fonts embedded in ``pdf``, subset prefix removed."""
    lines = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return {line.split()[0].partition("+")[2] for line in lines}


def test_kai_is_drawn_with_ar_pl_kaitim_gb(converted: tuple[Result, list[Path]]) -> None:
    for pdf in converted[1]:
        fonts = _pdf_fonts(pdf)
        assert "GBZenKai-Medium" in fonts  # AR PL KaitiM GB: 。 at the bottom left
        assert not any("UKai" in name for name in fonts)  # UKai centres it


def test_the_fonts_folder_is_drawn_instead_of_the_substitute(
    converted: tuple[Result, list[Path]],
) -> None:
    result, pdfs = converted
    for pdf in pdfs:
        assert "FangSong_GB2312" in _pdf_fonts(pdf)
    assert "仿宋_GB2312" not in result.stderr


def test_each_substituted_face_is_warned_once_per_run(
    converted: tuple[Result, list[Path]],
) -> None:
    lines = converted[0].stderr.splitlines()
    assert _warning("楷体_GB2312", "AR PL KaitiM GB") in lines
    assert _warning("黑体", "Noto Sans CJK SC") in lines
    assert _warning("方正小标宋简体", "Noto Serif CJK SC Bold") in lines
    assert len(lines) == len(set(lines))  # two documents, each face once


@needs_fontconfig
def test_substitutions_are_returned_as_data(tmp_path: Path) -> None:
    [docx] = build_report(EXAMPLE, tmp_path).outputs
    assert requested_faces(docx)[:2] == ["Times New Roman", "方正小标宋简体"]
    found = substitutions([docx], shipped_conf())
    assert Substitution("楷体_GB2312", "AR PL KaitiM GB") in found
    assert Substitution("仿宋_GB2312", "Noto Serif CJK SC") in found


def test_a_missing_fonts_folder_is_named(tmp_path: Path) -> None:
    docx = tmp_path / "a.docx"
    Document().save(str(docx))
    missing = tmp_path / "fonts"
    result = CliRunner().invoke(main, ["--lang", "en", "pdf", str(docx), "--fonts", str(missing)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"reportgen: The fonts folder “{missing}” does not exist. Give the folder that holds "
        "the office's font files (--fonts DIR or REPORTGEN_FONTS), and try again."
    ]


def test_an_empty_fonts_folder_from_the_setting_is_named(tmp_path: Path) -> None:
    docx = tmp_path / "a.docx"
    Document().save(str(docx))
    empty = tmp_path / "fonts"
    (empty / "sub").mkdir(parents=True)
    (empty / "readme.txt").write_text("no fonts here", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--lang", "en", "pdf", str(docx)], env={"REPORTGEN_FONTS": str(empty)}
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"reportgen: The fonts folder “{empty}” holds no font file (.ttf, .otf, .ttc). Copy "
        "the office's licensed fonts (仿宋_GB2312, 方正小标宋简体 …) into it, and try again."
    ]


def test_build_checks_the_fonts_folder_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conversion, "soffice", lambda: "soffice")
    options = BuildOptions(pdf=True, fonts=tmp_path / "fonts")
    with pytest.raises(ConversionError, match="does not exist"):
        build_report(EXAMPLE, tmp_path / "out", options=options)
    assert not (tmp_path / "out").exists()


@needs_fontconfig
def test_fontconfig_is_asked_once_while_the_fonts_stay_as_they_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``serve`` and a batch ask fontconfig once; a font put into a folder fontconfig reads
    (its modification time changes) makes the next conversion ask again."""
    from reportgen.fonts import faces

    faces._asked.cache_clear()
    asked: list[str] = []
    real = faces._fontconfig

    def counted(program: str, conf: Path, *args: str) -> str | None:
        asked.append(program)
        return real(program, conf, *args)

    monkeypatch.setattr(faces, "_fontconfig", counted)
    [docx] = build_report(EXAMPLE, tmp_path / "out").outputs
    folder = tmp_path / "office-fonts"
    (folder / "old").mkdir(parents=True)
    conf = faces.write_conf(tmp_path, folder)
    first = substitutions([docx], conf)
    assert "fc-list" in asked and first
    count = len(asked)
    assert substitutions([docx], conf) == first
    assert len(asked) == count  # answered from what was asked before
    (folder / "new").mkdir()  # as copying a font in does
    assert substitutions([docx], conf) == first
    assert len(asked) > count
