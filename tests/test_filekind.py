"""Telling files apart by their bytes: each wrong kind named in the message, not the library's."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from reportgen.core import filekind
from reportgen.core.errors import DocumentError

from .conftest import EXAMPLE
from .test_xlsxfile import docx_bytes, xls_bytes


def _zip(**members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, text in members.items():
            package.writestr(name, text)
    return buffer.getvalue()


KINDS = [
    ("letter.docx", docx_bytes(), filekind.DOCX),
    ("book.docx", EXAMPLE.read_bytes(), filekind.XLSX),
    ("scan.docx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", filekind.PDF),
    ("old.docx", xls_bytes(), filekind.OLE),
    ("empty.docx", b"", filekind.EMPTY),
    ("photos.docx", _zip(**{"a.jpg": "x"}), filekind.ZIP),
    ("cut.docx", docx_bytes()[:300], filekind.DAMAGED),
    ("notes.docx", "会议纪要".encode(), filekind.OTHER),
]


@pytest.mark.parametrize(("name", "content", "kind"), KINDS, ids=[k[0] for k in KINDS])
def test_sniff_reads_the_bytes_not_the_name(
    tmp_path: Path, name: str, content: bytes, kind: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert filekind.sniff(path) == kind


def test_sniff_missing_and_folder(tmp_path: Path) -> None:
    assert filekind.sniff(tmp_path / "nope.docx") == filekind.MISSING
    assert filekind.sniff(tmp_path) == filekind.MISSING


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            EXAMPLE.read_bytes(),
            "{file}: this is an Excel workbook, not a Word document (.docx). "
            "Build the document from it with: reportgen build {file}",
        ),
        (
            b"%PDF-1.4\n",
            "{file}: this is a PDF, not a Word document (.docx). Use the .docx it was made from.",
        ),
        (b"", "{file}: the file is empty (0 bytes)."),
        (
            b"\x89PNG\r\n\x1a\n",
            "{file}: not a Word document (.docx). Open it in Word or WPS and save it as .docx "
            "(Word 文档).",
        ),
    ],
)
def test_require_docx_says_what_the_file_is(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(content)
    with pytest.raises(DocumentError) as caught:
        filekind.require_docx(path, DocumentError)
    assert caught.value.text("en") == message.format(file=path)
    assert caught.value.text("zh").startswith(f"{path}：")
    docx = tmp_path / "real.docx"
    docx.write_bytes(docx_bytes())
    filekind.require_docx(docx, DocumentError)


WHAT_IT_IS = [
    ("book.docx", EXAMPLE.read_bytes(), "this is an Excel workbook, not a Word document (.docx)."),
    ("notes.docx", "会议纪要\r\n".encode(), "this is a text file, not a Word document (.docx)."),
    ("scan.docx", b"%PDF-1.7\n", "this is a PDF, not a Word document (.docx)."),
    ("empty.docx", b"", "the file is empty (0 bytes)."),
    ("photos.docx", _zip(**{"a.jpg": "x"}), "this is a ZIP archive, not a Word document (.docx)."),
    ("cut.docx", docx_bytes()[:300], "the file is damaged or incomplete."),
    ("image.docx", b"\x89PNG\r\n\x1a\n\x00", "this is not a Word document (.docx)."),
]


@pytest.mark.parametrize(
    ("name", "content", "sentence"), WHAT_IT_IS, ids=[w[0] for w in WHAT_IT_IS]
)
def test_what_it_is_names_the_kind(
    tmp_path: Path, name: str, content: bytes, sentence: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert filekind.what_it_is(path) == sentence


def test_not_a_word_file_says_what_it_is_then_what_to_do(tmp_path: Path) -> None:
    from reportgen.core.errors import TemplateError

    path = tmp_path / "template.docx"
    path.write_bytes(EXAMPLE.read_bytes())
    error = filekind.not_a_word_file(path, TemplateError, "Use another one.")
    assert isinstance(error, TemplateError)
    assert error.text("en") == (
        f"{path}: this is an Excel workbook, not a Word document (.docx). Use another one."
    )
    assert error.text("zh").startswith(f"{path}：这是 Excel 工作簿，不是 Word 文档（.docx）。")
