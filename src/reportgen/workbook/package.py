"""The .xlsx file itself (文件检查): what kind of file it is, and what read-only openpyxl hides.

openpyxl's read-only mode is fast but does not say which cells hold formulas, which are merged
or which rows and columns are hidden. Rather than a second full openpyxl load, this module
scans the raw sheet XML, and parses a sheet only when a cheap byte search shows it has any of
those. Parsing goes through defusedxml, like openpyxl's own, so an XML bomb is refused.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.core.errors import WorkbookError
from reportgen.core.filekind import DOCX, XLSX, ZIP, damaged, looks_like_text, sniff
from reportgen.core.i18n import _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .xls, or an encrypted .xlsx
ZIP_MAGIC = b"PK\x03\x04"
# An encrypted (password-protected) .xlsx is a compound file holding this stream.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Only sheets whose XML contains one of these are parsed: formulas, merges, hidden rows/columns.
_WORTH_PARSING = re.compile(rb"<(?:\w+:)?f[\s>/]|mergeCell|hidden=")
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


@dataclass(frozen=True)
class SheetExtras:
    """What read-only openpyxl does not report about one sheet."""

    uncached_formulas: tuple[str, ...] = ()  # cells holding a formula with no saved result
    merged: tuple[str, ...] = ()  # merged ranges such as "A2:A5"
    hidden_rows: tuple[int, ...] = ()
    hidden_columns: tuple[str, ...] = ()  # column letters


def check_file_kind(path: Path) -> None:
    """Refuse anything that is not an .xlsx package, saying what it is and what to do."""
    if not path.is_file():
        raise WorkbookError(_("{file}: file not found."), file=str(path))
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(ZIP_MAGIC):
        _check_package_kind(path)
        return
    if head.startswith(b"%PDF-"):
        raise WorkbookError(
            _(
                "{file}: this is a PDF, not an Excel workbook (.xlsx). Give the workbook "
                "itself, as saved from Excel or WPS."
            ),
            file=str(path),
        )
    if not head:
        raise WorkbookError(_("{file}: the file is empty (0 bytes)."), file=str(path))
    if head.startswith(OLE_MAGIC[:4]):
        raise _ole_error(path)
    if looks_like_text(head):
        raise WorkbookError(
            _(
                "{file}: this is a text file (CSV?), not an .xlsx workbook. Open it in Excel "
                "or WPS and save it as .xlsx (Excel 工作簿)."
            ),
            file=str(path),
        )
    raise WorkbookError(
        _("{file}: not an Excel workbook. Save it from Excel or WPS as .xlsx and try again."),
        file=str(path),
    )


def _check_package_kind(path: Path) -> None:
    """Refuse a Word document or a plain zip by name, and a workbook package without its
    workbook part (readers take it for a workbook with no sheets); a damaged zip is left to
    the reader, whose message says so."""
    kind = sniff(path)
    if kind == XLSX and not _has_workbook_part(path):
        raise damaged(path, WorkbookError)
    if kind == DOCX:
        raise WorkbookError(
            _(
                "{file}: this is a Word document, not an Excel workbook (.xlsx). Give the "
                "workbook instead; to check a .docx, use: reportgen check {file}"
            ),
            file=str(path),
        )
    if kind == ZIP:
        raise WorkbookError(
            _(
                "{file}: this is a ZIP archive, not an Excel workbook. If the workbook is "
                "inside it, extract it first."
            ),
            file=str(path),
        )


def _has_workbook_part(path: Path) -> bool:
    """Whether the package holds the workbook part its root relationships name."""
    try:
        with zipfile.ZipFile(path) as package:
            return _workbook_part(package) in package.namelist()
    except Exception:
        # broken or hostile relationships (bad XML, entities, a bad member): the reader
        # meets them too and names the problem, so this check gives way to it
        return True


def _ole_error(path: Path) -> WorkbookError:
    """A compound file is either password-protected or an old .xls; say which."""
    if _ENCRYPTED_STREAM in path.read_bytes():
        return WorkbookError(
            _(
                "{file}: the workbook is password-protected. Open it in Excel, remove the "
                "password (File › Info › Protect Workbook › Encrypt with Password, leave it "
                "empty), save, and try again."
            ),
            file=str(path),
        )
    return WorkbookError(
        _(
            "{file}: this is an old .xls workbook. Open it in Excel or WPS "
            "and save it as .xlsx (Excel 工作簿)."
        ),
        file=str(path),
    )


def lock_file(path: Path) -> Path | None:
    """The lock file Excel/WPS (``~$name``) or LibreOffice (``.~lock.name#``) keeps beside
    an open workbook, if there is one."""
    for name in (f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#"):
        candidate = path.with_name(name)
        if candidate.is_file():
            return candidate
    return None


# ---------------------------------------------------------------- sheet XML


def scan_sheets(path: Path) -> dict[str, SheetExtras]:
    """Formulas without results, merged ranges and hidden rows/columns, by sheet name."""
    extras: dict[str, SheetExtras] = {}
    with zipfile.ZipFile(path) as package:
        for name, member in _sheet_members(package).items():
            xml = package.read(member)
            if _WORTH_PARSING.search(xml):
                extras[name] = _parse_sheet(xml)
    return extras


def _sheet_members(package: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML member in the package, from the workbook part and its rels."""
    from defusedxml.ElementTree import fromstring

    book_part = _workbook_part(package)
    rels_part = posixpath.join(
        posixpath.dirname(book_part), "_rels", posixpath.basename(book_part) + ".rels"
    )
    names = set(package.namelist())
    if book_part not in names or rels_part not in names:
        return {}
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in fromstring(package.read(rels_part)).iter(f"{_PKG_REL}Relationship")
    }
    members = {}
    for sheet in fromstring(package.read(book_part)).iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        member = _resolve(posixpath.dirname(book_part), target)
        if member in names:
            members[sheet.get("name", "")] = member
    return members


def _workbook_part(package: zipfile.ZipFile) -> str:
    """The workbook part named by the package's root relationships (usually xl/workbook.xml)."""
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(package.read("_rels/.rels"))
    except KeyError:
        return "xl/workbook.xml"
    for rel in root.iter(f"{_PKG_REL}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "").lstrip("/")
    return "xl/workbook.xml"


def _resolve(base: str, target: str) -> str:
    """A relationship target as a package member name."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target))


def _parse_sheet(xml: bytes) -> SheetExtras:
    """One sheet's formulas without results, merges and hidden rows/columns."""
    from defusedxml.ElementTree import fromstring

    root = fromstring(xml)
    uncached = tuple(
        cell.get("r", "")
        for cell in root.iter(f"{_MAIN}c")
        if cell.find(f"{_MAIN}f") is not None and not _has_result(cell)
    )
    merged = tuple(m.get("ref", "") for m in root.iter(f"{_MAIN}mergeCell"))
    hidden_rows = tuple(
        int(row.get("r", "0")) for row in root.iter(f"{_MAIN}row") if _true(row.get("hidden"))
    )
    return SheetExtras(uncached, merged, hidden_rows, _hidden_columns(root))


def _has_result(cell: Any) -> bool:
    """Whether a formula cell carries the result its program last computed.

    An empty ``<v>`` is a result only for a text formula (``t="str"``) that computed "";
    other programs (openpyxl among them) write formulas with an empty ``<v>`` and no result.
    """
    value = cell.find(f"{_MAIN}v")
    if value is None:
        return False
    return bool(value.text) or cell.get("t") == "str"


def _hidden_columns(root: Any) -> tuple[str, ...]:
    """Letters of the hidden columns (``<col min max hidden>``)."""
    letters: list[str] = []
    for col in root.iter(f"{_MAIN}col"):
        if _true(col.get("hidden")):
            low, high = int(col.get("min", "1")), int(col.get("max", "1"))
            # "hide every column to the right" is one <col> up to XFD: only the first 100 matter
            letters.extend(column_letter(i) for i in range(low, min(high, low + 99) + 1))
    return tuple(letters)


def column_letter(index: int) -> str:
    """1 → A, 27 → AA (the spreadsheet's column names)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _true(flag: str | None) -> bool:
    return flag in ("1", "true")


def column_index(letters: str) -> int:
    """A → 1, AA → 27 (the inverse of :func:`column_letter`)."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def split_ref(ref: str) -> tuple[str, int]:
    """``"B7"`` → ``("B", 7)``."""
    match = _CELL_REF.match(ref)
    if match is None:
        raise ValueError(f"not a cell reference: {ref}")
    return match.group(1), int(match.group(2))
