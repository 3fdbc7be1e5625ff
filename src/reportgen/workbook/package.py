"""The .xlsx file itself (文件检查): what kind of file it is, its size, and what read-only readers hide.

Before any reader (python-calamine, openpyxl) sees a workbook, its package is copied part by
part within size limits (a zip bomb stops there), and every sheet's XML is scanned once,
streaming, with expat: for cells far outside any table (the readers allocate a grid up to the
farthest one), formulas without a saved result, merged cells, hidden rows and columns, and
Excel error values. The scan knows both the usual (transitional) and the Strict OOXML
namespaces. XML declaring entities (the shape of an XML bomb) is refused, as defusedxml does.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from reportgen.core.errors import WorkbookError
from reportgen.core.filekind import DOCX, XLSX, ZIP, damaged, looks_like_text, sniff
from reportgen.core.i18n import _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .xls, or an encrypted .xlsx
ZIP_MAGIC = b"PK\x03\x04"
# An encrypted (password-protected) .xlsx is a compound file holding this stream.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# SpreadsheetML's namespaces: transitional (what Excel saves by default) and Strict OOXML.
_MAIN_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "http://purl.oclc.org/ooxml/spreadsheetml/main",
    }
)
_REL_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    }
)
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")

# ---------------------------------------------------------------- limits
# What reading a workbook may cost. Past a limit the workbook is refused with a message naming
# the file and what to do, before a reader sees it. The example workbooks are about 20 KB
# packed and 180 KB unpacked, their largest part 66 KB.

_MB = 1024 * 1024
# Unpacked size of one part. The schema's limits (2,000 rows of 5,000-character text on each
# part sheet) allow some 60 MB of text in one part (sharedStrings.xml holds it all); 200 MB
# leaves room for any honest workbook, and a zip bomb (4 MB inflating to gigabytes) is
# stopped after reading 200 MB instead of minutes and gigabytes of memory.
PART_LIMIT = 200 * _MB
# Unpacked size of all the parts the readers read: three full part sheets with their text.
PACKAGE_LIMIT = 500 * _MB
# A cell holding anything below this row, or right of this column, is refused: the readers
# build a grid from A1 to the farthest such cell, and one value in XFD1048576 made calamine
# ask for 512 GiB and abort. The row limit is twice read.READ_ROW_LIMIT, so a sheet that is
# only long is still read and reported as having too many rows; 20,000 × 200 cells cost the
# reader about 200 MB.
MAX_ROW = 20_000
# The templates' sheets use a dozen columns at most; 200 leaves room for notes beside them.
MAX_COLUMN = 200
# The longest tag, comment or other token a sheet may hold. Python's expat (2.5) is given
# its input in 1 MB pieces and parses a token spanning pieces again from its start for each
# one, so a single 190 MB comment took over two minutes; Excel's tokens are a few hundred
# bytes. Text between tags is not a token and may be as long as it likes.
TOKEN_LIMIT = _MB
# A token that long: "<" and then TOKEN_LIMIT bytes that are neither "<" nor ">" (linear:
# each try stops at the next "<").
_LONG_TOKEN = re.compile(b"<[^<>]{%d}" % TOKEN_LIMIT)
_CHUNK = 1024 * 1024  # parts are unpacked and checked in pieces of this size
# Parts the readers read (XML and relationships); pictures and other binaries are left out.
_READ_SUFFIXES = (".xml", ".rels")
# Sheet parts are scanned wherever the workbook's relationships put them, and also here.
_SHEET_FOLDER = "xl/worksheets/"


@dataclass(frozen=True)
class SheetExtras:
    """What read-only openpyxl does not report about one sheet."""

    uncached_formulas: tuple[str, ...] = ()  # cells holding a formula with no saved result
    merged: tuple[str, ...] = ()  # merged ranges such as "A2:A5"
    hidden_rows: tuple[int, ...] = ()
    hidden_columns: tuple[str, ...] = ()  # column letters
    # cells holding an Excel error value (#N/A …) and its text: calamine reads them as blanks
    errors: tuple[tuple[str, str], ...] = ()
    formulas: int = 0  # cells holding a formula, with or without a result


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
            if any(i.file_size > _CHUNK for i in package.infolist() if i.filename == "_rels/.rels"):
                return True  # not what Excel writes: left to the reader's size checks
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


# ---------------------------------------------------------------- the package


def checked_package(path: Path) -> bytes:
    """The workbook's package as the readers get it: the parts they read, each read in
    pieces within the size limits, zipped again so that the readers see only checked bytes.

    A zip's directory can claim any size for a part, so the limits are enforced on what
    unpacking actually gives; the directory is checked first to refuse a bomb without work.
    """
    if path.stat().st_size > PACKAGE_LIMIT:
        raise _too_large(path, "", PACKAGE_LIMIT)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(path) as package,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy,
    ):
        infos = [i for i in package.infolist() if i.filename.lower().endswith(_READ_SUFFIXES)]
        _check_directory(path, infos)
        total = 0
        for info in infos:
            total = _copy_part(path, package, info, copy, total)
    return out.getvalue()


def _check_directory(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a package whose directory already gives a part or the whole past a limit, or
    names a part twice (readers differ in which one they take)."""
    if len({i.filename for i in infos}) < len(infos):
        raise zipfile.BadZipFile("a part is named twice")
    for info in infos:
        if info.file_size > PART_LIMIT:
            raise _too_large(path, info.filename, PART_LIMIT)
    if sum(i.file_size for i in infos) > PACKAGE_LIMIT:
        raise _too_large(path, "", PACKAGE_LIMIT)


def _copy_part(
    path: Path, package: zipfile.ZipFile, info: zipfile.ZipInfo, copy: zipfile.ZipFile, total: int
) -> int:
    """Copy one part in pieces, stopping past a limit or at an entity declaration; the
    package's unpacked size so far."""
    from defusedxml import EntitiesForbidden

    size, tail = 0, b""
    with package.open(info) as source, copy.open(info.filename, "w") as target:
        while chunk := source.read(_CHUNK):
            size, total = size + len(chunk), total + len(chunk)
            if size > PART_LIMIT:
                raise _too_large(path, info.filename, PART_LIMIT)
            if total > PACKAGE_LIMIT:
                raise _too_large(path, "", PACKAGE_LIMIT)
            if b"<!ENTITY" in tail + chunk[:16] or b"<!ENTITY" in chunk:
                raise EntitiesForbidden(info.filename, None, None, None, None, None)
            tail = chunk[-16:]
            target.write(chunk)
    return total


def _too_large(path: Path, part: str, limit: int) -> WorkbookError:
    """The message for a package, or one part of it, that unpacks past ``limit`` bytes."""
    if part:
        return WorkbookError(
            _(
                "{file}: the part {part} of the workbook unpacks to more than {limit} MB (a "
                "workbook for a letter is well under 1 MB); it is damaged or made to exhaust "
                "memory. Open it in Excel or WPS, save it as a new .xlsx and try again."
            ),
            file=str(path),
            part=part,
            limit=limit // _MB,
        )
    return WorkbookError(
        _(
            "{file}: the workbook unpacks to more than {limit} MB (a workbook for a letter is "
            "well under 1 MB); it is damaged or made to exhaust memory. Remove pictures and "
            "other content that is not part of the letter, save it as a new .xlsx and try again."
        ),
        file=str(path),
        limit=limit // _MB,
    )


# ---------------------------------------------------------------- sheet XML


def scan_sheets(path: Path, content: bytes | None = None) -> dict[str, SheetExtras]:
    """Formulas without results, merged ranges, hidden rows/columns and error values, by
    sheet name, for the sheets that have any; a cell far outside the table is refused.

    ``content`` is the package from :func:`checked_package`, read from ``path`` if not given.
    """
    if content is None:
        content = checked_package(path)
    extras: dict[str, SheetExtras] = {}
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        members = _sheet_members(package)
        for member in _scanned_members(package, members):
            found = _scan_member(path, package, member, members.get(member, member))
            if member in members and found != SheetExtras():
                extras[members[member]] = found
    return extras


# What makes a sheet worth the full scan: anything but plain cells, each with its reference.
# The search is for fixed bytes, so it is linear whatever the part holds.
_WORTH_SCANNING = (
    b"<f>",
    b"<f ",
    b"<f/>",
    b"mergeCell",
    b"hidden",
    b'"e"',
    b"'e'",
    b"<!",
    b":c",
    b":row",
)
# References that may pass a limit: the longest column letters and row numbers the limits
# allow (MAX_COLUMN 200 = GR, two letters; MAX_ROW 20 000, five digits) and anything longer.
_COLUMN_LETTERS = 2  # len(column_letter(MAX_COLUMN)); tests/test_workbook_limits.py checks it
_NEAR_COLUMN = re.compile(rb'<c r="([A-Z]{%d,})[0-9]' % _COLUMN_LETTERS)
_NEAR_ROW = re.compile(rb'<c r="[A-Z]+([0-9]{%d,})"' % len(str(MAX_ROW)))


def _plain(xml: bytes) -> bool:
    """Whether a sheet part surely holds nothing the scan looks for: no formula, merge,
    hidden row or column, error value, comment or prefixed element, every cell and row with
    its reference, and every reference within the limits. Most parts are so, and telling it
    costs a few searches for fixed bytes instead of the parse (a third of a build's time);
    only the references long enough to pass a limit are read one by one."""
    if any(marker in xml for marker in _WORTH_SCANNING):
        return False
    if xml.count(b"<c ") + xml.count(b"<c>") != xml.count(b'<c r="'):
        return False
    if xml.count(b"<row ") + xml.count(b"<row>") != xml.count(b'<row r="'):
        return False
    columns = set(_NEAR_COLUMN.findall(xml))
    if any(len(c) > 3 or column_index(c.decode()) > MAX_COLUMN for c in columns):
        return False  # past the limit, or more than the full scan's reference reads
    rows = set(_NEAR_ROW.findall(xml))
    return not any(len(r) > 7 or int(r) > MAX_ROW for r in rows)


def _scanned_members(package: zipfile.ZipFile, members: dict[str, str]) -> list[str]:
    """Every part a reader could take for a sheet: the ones the workbook names, and any
    other in the sheet folder (a reader may resolve the workbook's parts differently)."""
    others = [n for n in package.namelist() if n.startswith(_SHEET_FOLDER) and n.endswith(".xml")]
    return list(dict.fromkeys([*members, *others]))


def _scan_member(path: Path, package: zipfile.ZipFile, member: str, sheet: str) -> SheetExtras:
    """One sheet part scanned; a cell far outside the table, or a token too long for expat
    to parse in linear time, is refused by name."""
    xml = package.read(member)
    if _LONG_TOKEN.search(xml):
        raise WorkbookError(
            _(
                "{file}: the part {part} of the workbook holds an XML tag or comment longer "
                "than {limit} MB, which Excel never writes; it is damaged or made to slow "
                "reading down. Open it in Excel or WPS, save it as a new .xlsx and try again."
            ),
            file=str(path),
            part=member,
            limit=TOKEN_LIMIT // _MB,
        )
    if _plain(xml):
        return SheetExtras()
    scanner = _SheetScanner()
    try:
        scanner.parser().Parse(xml, True)
    except _FarCell as far:
        raise WorkbookError(
            _(
                "{file}: {place} holds content far outside the table (a sheet is read up to "
                "row {rows} and column {columns}). Delete the stray content: in Excel, Ctrl+End "
                "goes to the last cell in use; delete the rows and columns beyond the table, "
                "save, and try again."
            ),
            file=str(path),
            place=f"{sheet}!{far.ref}",
            rows=MAX_ROW,
            columns=column_letter(MAX_COLUMN),
        ) from None
    return scanner.extras()


class _FarCell(Exception):
    """A cell holding something past MAX_ROW or MAX_COLUMN, found while scanning."""

    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref


@dataclass
class _OpenCell:
    """The cell being scanned: where it is, its type, and what it holds so far."""

    ref: str
    kind: str
    filled: bool = False  # has a value, formula or inline text: a reader keeps it
    formula: bool = False
    has_value: bool = False
    value: list[str] = field(default_factory=list)


class _SheetScanner:
    """One streaming pass over a sheet's XML with expat (linear in its size, whatever it
    holds): what read-only readers do not report, and the farthest cells."""

    def __init__(self) -> None:
        self.row = 0
        self.column = 0
        self.cell: _OpenCell | None = None
        self.far = False  # the open cell lies past MAX_ROW or MAX_COLUMN
        self.in_value = False
        self.uncached: list[str] = []
        self.merged: list[str] = []
        self.hidden_rows: list[int] = []
        self.hidden_columns: list[str] = []
        self.errors: list[tuple[str, str]] = []
        self.formulas = 0

    def parser(self) -> Any:
        """An expat parser feeding this scanner; entity declarations are refused."""
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        parser.EntityDeclHandler = _refuse_entity
        return parser

    def start(self, name: str, attrs: dict[str, str]) -> None:
        """An element opens: rows, cells and what cells hold; merges, columns."""
        local = _main_local(name)
        if self.cell is not None:
            self._inside_cell(local)
        elif local == "row":
            self._row(attrs)
        elif local == "c":
            self._cell(attrs)
        elif local == "mergeCell":
            self.merged.append(attrs.get("ref", ""))
        elif local == "col" and _true(attrs.get("hidden")):
            self._hide_columns(attrs)

    def end(self, name: str) -> None:
        """An element closes: a cell's formula and error value are noted."""
        local = _main_local(name)
        if local == "v":
            self.in_value = False
        elif local == "c" and self.cell is not None:
            cell, self.cell = self.cell, None
            if cell.formula and not _has_result(cell):
                self.uncached.append(cell.ref)
            if cell.kind == "e":
                self.errors.append((cell.ref, "".join(cell.value)))

    def text(self, data: str) -> None:
        """Text: kept only inside a cell's value."""
        if self.in_value and self.cell is not None:
            self.cell.value.append(data)

    def extras(self) -> SheetExtras:
        """What the scan found."""
        return SheetExtras(
            tuple(self.uncached),
            tuple(self.merged),
            tuple(self.hidden_rows),
            tuple(self.hidden_columns),
            tuple(self.errors),
            self.formulas,
        )

    def _row(self, attrs: dict[str, str]) -> None:
        """A row: its number (given, or the one after the last), hidden or not."""
        given = attrs.get("r", "")
        self.row = int(given) if given.isdigit() and given.isascii() else self.row + 1
        self.column = 0
        if _true(attrs.get("hidden")):
            self.hidden_rows.append(self.row)

    def _cell(self, attrs: dict[str, str]) -> None:
        """A cell: where it is (given, or the one after the last in its row), and its type."""
        given = attrs.get("r", "")
        match = _CELL_REF.match(given)
        if match is None:
            row, self.column = self.row, self.column + 1
            given = f"{column_letter(self.column)}{row}"
        else:
            row, self.column = int(match.group(2)), column_index(match.group(1))
        self.cell = _OpenCell(ref=given, kind=attrs.get("t", ""))
        self.far = row > MAX_ROW or self.column > MAX_COLUMN

    def _inside_cell(self, local: str | None) -> None:
        """Something inside a cell: it holds content, so it must be within the limits."""
        cell = self.cell
        assert cell is not None
        if not cell.filled:
            cell.filled = True
            if self.far:
                raise _FarCell(cell.ref)
        if local == "f" and not cell.formula:
            cell.formula = True
            self.formulas += 1
        elif local == "v":
            cell.has_value = self.in_value = True

    def _hide_columns(self, attrs: dict[str, str]) -> None:
        """Letters of hidden columns (``<col min max hidden>``)."""
        low, high = int(attrs.get("min", "1")), int(attrs.get("max", "1"))
        # "hide every column to the right" is one <col> up to XFD: only the first 100 matter,
        # and none past MAX_COLUMN can hold anything
        for index in range(low, min(high, low + 99, MAX_COLUMN) + 1):
            self.hidden_columns.append(column_letter(index))


def _has_result(cell: _OpenCell) -> bool:
    """Whether a formula cell carries the result its program last computed.

    An empty ``<v>`` is a result only for a text formula (``t="str"``) that computed "";
    other programs (openpyxl among them) write formulas with an empty ``<v>`` and no result.
    """
    return cell.has_value and (bool("".join(cell.value)) or cell.kind == "str")


def _refuse_entity(name: str, *_args: object) -> None:
    """Refuse an entity declaration (the shape of an XML bomb), as defusedxml does."""
    from defusedxml import EntitiesForbidden

    raise EntitiesForbidden(name, None, None, None, None, None)


@functools.lru_cache(maxsize=256)
def _main_local(name: str) -> str | None:
    """An expat element name's local part when it is in a SpreadsheetML namespace."""
    namespace, _sep, local = name.rpartition(" ")
    return local if namespace in _MAIN_NAMESPACES else None


def _sheet_members(package: zipfile.ZipFile) -> dict[str, str]:
    """Sheet part in the package → its sheet name, from the workbook part and its rels (both
    the part the package names and xl/workbook.xml, where some readers look)."""
    members: dict[str, str] = {}
    for book_part in dict.fromkeys(["xl/workbook.xml", _workbook_part(package)]):
        for member, name in _sheets_of(package, book_part):
            members.setdefault(member, name)
    return members


def _sheets_of(package: zipfile.ZipFile, book_part: str) -> Iterator[tuple[str, str]]:
    """(member, sheet name) for each sheet a workbook part names."""
    from defusedxml.ElementTree import fromstring

    rels_part = posixpath.join(
        posixpath.dirname(book_part), "_rels", posixpath.basename(book_part) + ".rels"
    )
    names = set(package.namelist())
    if book_part not in names or rels_part not in names:
        return
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in fromstring(package.read(rels_part)).iter(f"{_PKG_REL}Relationship")
    }
    for sheet in _main_elements(fromstring(package.read(book_part)), "sheet"):
        member = _resolve(posixpath.dirname(book_part), targets.get(_rel_id(sheet), ""))
        if member in names:
            yield member, sheet.get("name", "")


def _main_elements(root: Any, local: str) -> Iterator[Any]:
    """Elements called ``local`` in either SpreadsheetML namespace."""
    for element in root.iter():
        namespace, _sep, name = str(element.tag).lstrip("{").rpartition("}")
        if name == local and namespace in _MAIN_NAMESPACES:
            yield element


def _rel_id(element: Any) -> str:
    """An element's r:id, in either relationships namespace."""
    for namespace in _REL_NAMESPACES:
        value = element.get(f"{{{namespace}}}id")
        if value:
            return str(value)
    return ""


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
