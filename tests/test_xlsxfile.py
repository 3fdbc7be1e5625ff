"""The file itself: every kind of not-an-.xlsx refused by name, lock files, the sheet XML scan."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from reportgen.api import validate
from reportgen.core.errors import Severity, WorkbookError
from reportgen.workbook.package import (
    column_index,
    column_letter,
    lock_file,
    scan_sheets,
    split_ref,
)

from .conftest import EXAMPLE, EXAMPLE_ANNUAL, rezip, sheet_member


def xls_bytes() -> bytes:
    """A real Excel 97–2003 workbook, written by xlwt."""
    import xlwt

    book = xlwt.Workbook()
    book.add_sheet("基本信息").write(0, 0, "项目")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def encrypted_bytes() -> bytes:
    """The example workbook with an opening password, encrypted as Excel does (agile)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with EXAMPLE.open("rb") as plain:
        OOXMLFile(plain).encrypt("密码123", out)
    return out.getvalue()


def docx_bytes() -> bytes:
    """A Word document: a zip package, but not a workbook."""
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def _zip_of_photos() -> bytes:
    """A zip that is no Office document."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("照片/1.jpg", b"\xff\xd8")
    return buffer.getvalue()


def _without(content: bytes, member: str) -> bytes:
    """The package ``content`` with one member left out."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as old, zipfile.ZipFile(buffer, "w") as new:
        for item in old.infolist():
            if item.filename != member:
                new.writestr(item, old.read(item))
    return buffer.getvalue()


def catalogue() -> list[tuple[str, bytes, str]]:
    """Every kind of file that is not an .xlsx, with a phrase its message must contain."""
    example = EXAMPLE.read_bytes()
    return [
        ("old.xls", xls_bytes(), "old .xls workbook"),
        ("xls-renamed.xlsx", xls_bytes(), "old .xls workbook"),
        ("csv-renamed.xlsx", "项目,内容\n发文机关,杭州市公安局\n".encode(), "text file (CSV?)"),
        ("gbk-csv.xlsx", "项目,内容\n发文机关,杭州市公安局\n".encode("gbk"), "text file (CSV?)"),
        ("truncated.xlsx", example[: len(example) // 2], "damaged or incomplete"),
        ("cut-short.xlsx", example[:-200], "damaged or incomplete"),
        ("no-book.xlsx", _without(example, "xl/workbook.xml"), "damaged or incomplete"),
        ("protected.xlsx", encrypted_bytes(), "password-protected"),
        ("empty.xlsx", b"", "empty (0 bytes)"),
        ("noise.xlsx", bytes(range(256)) * 8, "not an Excel workbook"),
        ("letter.xlsx", docx_bytes(), "this is a Word document, not an Excel workbook"),
        ("letter.docx", docx_bytes(), "to check a .docx, use: reportgen check"),
        ("scan.xlsx", b"%PDF-1.4\n1 0 obj\n", "this is a PDF, not an Excel workbook"),
        ("photos.zip", _zip_of_photos(), "a ZIP archive, not an Excel workbook"),
    ]


CATALOGUE = catalogue()


@pytest.mark.parametrize(("name", "content", "phrase"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_not_a_workbook_is_refused_with_the_file_named(
    tmp_path: Path, name: str, content: bytes, phrase: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(WorkbookError) as caught:
        validate(path)
    message = caught.value.text("en")
    assert message.startswith(f"{path}: ") and phrase in message
    assert caught.value.text("zh").startswith(f"{path}：")


def test_a_workbook_without_its_workbook_part_is_damaged_not_sheetless(tmp_path: Path) -> None:
    # calamine reads such a package as a workbook with no sheets: every sheet "missing"
    path = tmp_path / "no-book.xlsx"
    path.write_bytes(_without(EXAMPLE.read_bytes(), "xl/workbook.xml"))
    with pytest.raises(WorkbookError) as caught:
        validate(path)
    assert caught.value.text("en") == (
        f"{path}: the file is damaged or incomplete (was it copied while still being saved?). "
        "Copy it again from where it was saved, or open and re-save it."
    )


@pytest.mark.parametrize(
    "rels", [b"<Relationships", b'<!DOCTYPE r [<!ENTITY a "x">]><Relationships/>']
)
def test_broken_root_relationships_end_as_a_workbook_error(tmp_path: Path, rels: bytes) -> None:
    path = rezip(
        EXAMPLE, tmp_path / "bad-rels.xlsx", lambda n, d: rels if n == "_rels/.rels" else d
    )
    with pytest.raises(WorkbookError):
        validate(path)


def test_password_message_says_how_to_remove_it(tmp_path: Path) -> None:
    path = tmp_path / "protected.xlsx"
    path.write_bytes(encrypted_bytes())
    with pytest.raises(WorkbookError) as caught:
        validate(path)
    assert "取消密码" in caught.value.text("zh")


def test_an_xlsx_named_xls_is_read_by_its_content(tmp_path: Path) -> None:
    path = tmp_path / "2018.xls"
    shutil.copy(EXAMPLE, path)
    assert validate(path).ok


@pytest.mark.parametrize("lock_name", ["~$copy.xlsx", ".~lock.copy.xlsx#"])
def test_lock_file_beside_the_workbook_is_a_warning(tmp_path: Path, lock_name: str) -> None:
    path = tmp_path / "copy.xlsx"
    shutil.copy(EXAMPLE, path)
    (tmp_path / lock_name).write_bytes(b"\x04user")
    assert lock_file(path) == tmp_path / lock_name
    result = validate(path)
    [warning] = result.findings
    assert (warning.severity, warning.code, warning.place) == (
        Severity.WARNING,
        "workbook-open",
        str(path),
    )
    assert "尚未保存的修改不会被读取" in warning.text("zh")
    assert result.ok


def test_no_lock_file(tmp_path: Path) -> None:
    path = tmp_path / "copy.xlsx"
    shutil.copy(EXAMPLE, path)
    assert lock_file(path) is None


def _with_sheet_xml(tmp_path: Path, sheet: str, old: bytes, new: bytes) -> Path:
    member = sheet_member(EXAMPLE, sheet)

    def edit(name: str, data: bytes) -> bytes:
        if name != member:
            return data
        assert old in data
        return data.replace(old, new, 1)

    return rezip(EXAMPLE, tmp_path / "edited.xlsx", edit)


def test_xml_bomb_is_refused(tmp_path: Path) -> None:
    bomb = (
        b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b"<worksheet"
    )
    path = _with_sheet_xml(tmp_path, "主要工作", b"<worksheet", bomb)
    with pytest.raises(WorkbookError) as caught:
        validate(path)
    assert "could be an attack" in caught.value.text("en")


def test_scan_finds_formulas_without_results_merges_and_hidden_rows(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(EXAMPLE)
    sheet = book["主要工作"]
    sheet["H2"] = "=1+1"  # openpyxl writes a formula with an empty <v>: no result
    sheet.merge_cells("A2:A5")
    sheet.row_dimensions[7].hidden = True
    sheet.column_dimensions["H"].hidden = True
    path = tmp_path / "scan.xlsx"
    book.save(path)
    extras = scan_sheets(path)["主要工作"]
    assert extras.uncached_formulas == ("H2",)
    assert extras.merged == ("A2:A5",)
    assert extras.hidden_rows == (7,)
    assert extras.hidden_columns == ("H",)


def test_scan_skips_sheets_with_nothing_to_report() -> None:
    assert scan_sheets(EXAMPLE) == {}


@pytest.mark.parametrize(
    ("cell_xml", "uncached"),
    [
        (b'<c r="H2"><f>1+1</f><v>2</v></c>', ()),  # Excel: the result is saved
        (b'<c r="H2" t="str"><f>""</f><v></v></c>', ()),  # a text formula that gave ""
        (b'<c r="H2"><f>1+1</f></c>', ("H2",)),  # no result at all
        (b'<c r="H2"><f>1+1</f><v></v></c>', ("H2",)),  # openpyxl and others
    ],
)
def test_formula_result_rules(tmp_path: Path, cell_xml: bytes, uncached: tuple[str, ...]) -> None:
    path = _with_sheet_xml(tmp_path, "主要工作", b"</row>", cell_xml + b"</row>")
    assert scan_sheets(path)["主要工作"].uncached_formulas == uncached


def test_column_letters_and_refs() -> None:
    assert [column_letter(n) for n in (1, 26, 27, 702, 703)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert [column_index(column_letter(n)) for n in (1, 26, 27, 702, 703)] == [1, 26, 27, 702, 703]
    assert split_ref("AB12") == ("AB", 12)


def _full_scan(xml: bytes) -> object:
    from reportgen.workbook.package import _SheetScanner

    scanner = _SheetScanner()
    scanner.parser().Parse(xml, True)
    return scanner.extras()


@pytest.mark.parametrize(
    "edit",
    [
        lambda x: x,
        lambda x: x.replace(b"</row>", b'<c r="B9"><f>1+1</f></c></row>', 1),
        lambda x: x.replace(b"<row ", b'<row hidden="1" ', 1),
        lambda x: x.replace(
            b"</sheetData>",
            b'</sheetData><mergeCells count="1"><mergeCell ref="A2:A9"/></mergeCells>',
            1,
        ),
        lambda x: x.replace(b"</row>", b'<c r="XFD1048576"><v>1</v></c></row>', 1),
        lambda x: x.replace(b"</row>", b'<c r="C3" t="e"><v>#N/A</v></c></row>', 1),
        lambda x: x.replace(b"</row>", b"<c><v>7</v></c></row>", 1),
        lambda x: x.replace(b"<sheetData>", b"<!-- <c r='XFD9'> --><sheetData>", 1),
    ],
)
def test_the_quick_look_never_skips_what_the_full_scan_finds(edit: Any) -> None:
    from reportgen.workbook.package import SheetExtras, _FarCell, _plain

    for workbook in (EXAMPLE, EXAMPLE_ANNUAL):
        with zipfile.ZipFile(workbook) as package:
            sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
            for name in sheets:
                xml = edit(package.read(name))
                if not _plain(xml):
                    continue  # the full scan runs: nothing to compare
                try:
                    found = _full_scan(xml)
                except _FarCell:
                    raise AssertionError(f"{name}: a far cell passed the quick look") from None
                assert found == SheetExtras(), name
