"""Reproducible zips: fixed times, order, compression and attributes; readable by zipfile."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from reportgen.rendering.docx_zip import deflate, dos_date, unzip, write_zip

PARTS = {
    "word/document.xml": b"<w:document/>" * 50,
    "[Content_Types].xml": b"<Types/>",
    "_rels/.rels": b"<Relationships/>",
    "docProps/core.xml": "<dc:title>函</dc:title>".encode(),
}


def _zip(when: dt.date = dt.date(2018, 11, 30)) -> bytes:
    return write_zip([deflate(name, content) for name, content in PARTS.items()], when)


def test_entries_read_back_whole_in_a_fixed_order() -> None:
    content = _zip()
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert package.testzip() is None
        names = package.namelist()
    assert names == ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "word/document.xml"]
    assert unzip(content) == {name: PARTS[name] for name in names}


def test_every_header_field_is_fixed() -> None:
    with zipfile.ZipFile(io.BytesIO(_zip())) as package:
        for info in package.infolist():
            assert info.date_time == (2018, 11, 30, 0, 0, 0)
            assert (info.create_system, info.external_attr, info.extra, info.comment) == (
                0,
                0,
                b"",
                b"",
            )
            assert info.compress_type == zipfile.ZIP_DEFLATED


def test_same_parts_same_bytes_whatever_the_input_order() -> None:
    reversed_members = [deflate(n, c) for n, c in reversed(list(PARTS.items()))]
    assert write_zip(reversed_members, dt.date(2018, 11, 30)) == _zip()
    assert _zip(dt.date(2019, 1, 2)) != _zip()


def test_dates_outside_what_a_zip_holds_are_clamped() -> None:
    assert dos_date(dt.date(1970, 1, 1)) == dos_date(dt.date(1980, 1, 1))
    assert dos_date(dt.date(2200, 5, 6)) == dos_date(dt.date(2107, 5, 6))
