"""Reading documents to import: text encodings, and .docx paragraphs the way Word writes them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import OxmlElement

from reportgen.core.errors import SourceError
from reportgen.yearly.source import read_source

from .conftest import EXAMPLE


def test_text_lines_keep_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("\ufeff第一行\n\n\u3000\u3000第三行 \r\n", encoding="utf-8")
    source = read_source(path)
    assert [(line.text, line.place) for line in source.lines] == [
        ("第一行", "第1行"),
        ("第三行", "第3行"),
    ]
    assert source.plain_text


def test_gb18030_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("市政府办公室：\n特此函告。\n".encode("gb18030"))
    assert [line.text for line in read_source(path).lines] == ["市政府办公室：", "特此函告。"]


def test_utf16_text_from_notepad_is_read(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("主送机关：\r\n".encode("utf-16"))
    assert [line.text for line in read_source(path).lines] == ["主送机关："]


def _word_like(path: Path) -> None:
    """A paragraph split into runs mid-word, a tracked insertion, a tab stop and a text box."""
    document = Document()
    paragraph = document.add_paragraph()
    for piece in ("（一）加强", "领导抓规划。", "一是强化组", "织领导。"):
        paragraph.add_run(piece)
    inserted = OxmlElement("w:ins")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "新增的话。"
    run.append(text)
    inserted.append(run)
    paragraph._p.append(inserted)
    deleted = OxmlElement("w:del")
    deleted_run = OxmlElement("w:r")
    deleted_text = OxmlElement("w:delText")
    deleted_text.text = "删掉的话。"
    deleted_run.append(deleted_text)
    deleted.append(deleted_run)
    paragraph._p.append(deleted)
    tabbed = document.add_paragraph()
    tabbed.paragraph_format.tab_stops.add_tab_stop(720)
    tabbed.add_run("没有制表符")
    broken = document.add_paragraph()
    broken.add_run("第一行")
    broken.add_run().add_break()
    broken.add_run("第二行")
    document.save(str(path))


def test_docx_paragraphs_join_runs_and_keep_insertions(tmp_path: Path) -> None:
    path = tmp_path / "word.docx"
    _word_like(path)
    lines = read_source(path).lines
    assert [line.text for line in lines] == [
        "（一）加强领导抓规划。一是强化组织领导。新增的话。",
        "没有制表符",
        "第一行",
        "第二行",
    ]
    assert [line.place for line in lines] == ["第1段", "第2段", "第3段", "第3段"]
    assert not read_source(path).plain_text


def test_text_box_fallback_is_read_once(tmp_path: Path) -> None:
    path = tmp_path / "box.docx"
    document = Document()
    paragraph = document.add_paragraph("正文")
    choice_xml = (
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
        ' xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<mc:Choice Requires="wps"><w:r><w:t>框内</w:t></w:r></mc:Choice>'
        "<mc:Fallback><w:p><w:r><w:t>框内</w:t></w:r></w:p></mc:Fallback>"
        "</mc:AlternateContent>"
    )
    from lxml import etree

    paragraph._p.append(etree.fromstring(choice_xml))
    document.save(str(path))
    assert [line.text for line in read_source(path).lines] == ["正文框内"]


def _docx_with_broken_xml() -> bytes:
    """A Word package whose document part is cut in the middle of its XML."""
    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("正文")
    document.save(buffer)
    source, out = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name in source.namelist():
            data = source.read(name)
            package.writestr(name, data[: len(data) // 2] if name == "word/document.xml" else data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("old.doc", b"\xd0\xcf\x11\xe0", "old Word/WPS file"),
        ("page.pdf", b"%PDF-1.4", "copy all its text into a .txt file"),
        ("notes.md", b"# x", "use a .docx or a .txt"),
        ("bad.docx", b"not a zip", "not a Word document (.docx)"),
        ("book.docx", EXAMPLE.read_bytes(), "this is an Excel workbook"),
        ("cut.docx", _docx_with_broken_xml(), "damaged or incomplete"),
        ("bad.txt", b"abc\xff\xff", "not a UTF-8 or GB18030"),
    ],
)
def test_unreadable_sources_get_one_clear_error(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError) as caught:
        read_source(path)
    assert message in caught.value.text("en")


def test_missing_source(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="file not found"):
        read_source(tmp_path / "nope.txt")


@pytest.mark.parametrize(
    ("name", "content"),
    [("empty.txt", b""), ("blank.txt", " \n\u3000\n\t\n".encode()), ("blank.docx", None)],
)
def test_a_source_without_text_is_refused(tmp_path: Path, name: str, content: bytes | None) -> None:
    path = tmp_path / name
    if content is None:
        document = Document()
        document.add_paragraph("  ")
        document.save(str(path))
    else:
        path.write_bytes(content)
    with pytest.raises(SourceError) as caught:
        read_source(path)
    assert caught.value.text("en") == (
        f"{path}: there is no text in it to import. Check that this is the right file."
    )
