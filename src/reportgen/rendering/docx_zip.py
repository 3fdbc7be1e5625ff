"""Reproducible zip packages (可复现的打包): the same parts always give the same bytes.

A .docx is a zip. Python's zipfile stamps each entry with the current time and the system it
runs on, so two builds of one letter differ. Here every byte of the zip is fixed: entries in a
fixed order ([Content_Types].xml first, then by name), dated the letter's 成文日期 at 00:00
(zip times carry no time zone, so the date reads the same everywhere), deflated at level 6,
marked as made on MS-DOS with no file attributes, no extra fields and no comment.

Deflate's output is fixed by the zlib implementation: the bytes are identical wherever Python
links the same zlib (1.2.x and 1.3.x agree); a zlib-ng build would compress differently.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

COMPRESS_LEVEL = 6  # zlib's default: its output is the one every zlib 1.2/1.3 build gives
CONTENT_TYPES = "[Content_Types].xml"  # must come first: some readers sniff the package by it
_VERSION = 20  # "2.0": deflate, no zip64
_UTF8_NAME = 0x800
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # the same layouts zipfile uses
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


@dataclass(frozen=True)
class Member:
    """One zip entry, already deflated: its name, CRC-32, size and compressed bytes."""

    name: str
    crc: int
    size: int
    compressed: bytes


def deflate(name: str, content: bytes) -> Member:
    """``content`` compressed as the zip entry ``name``."""
    compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
    compressed = compressor.compress(content) + compressor.flush()
    return Member(name, zlib.crc32(content), len(content), compressed)


def unzip(content: bytes) -> dict[str, bytes]:
    """Every entry of a zip, uncompressed, in the zip's order."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return {info.filename: package.read(info) for info in package.infolist()}


def entry_order(name: str) -> tuple[bool, str]:
    """Sort key: [Content_Types].xml first, then by name."""
    return (name != CONTENT_TYPES, name)


def dos_date(when: dt.date) -> int:
    """``when`` as a zip (MS-DOS) date, clamped to the years a zip can hold (1980–2107)."""
    year = min(max(when.year, 1980), 2107)
    return ((year - 1980) << 9) | (when.month << 5) | when.day


def write_zip(members: Iterable[Member], when: dt.date) -> bytes:
    """The zip of ``members``, every entry dated ``when`` 00:00: the same bytes every time."""
    date = dos_date(when)
    out = io.BytesIO()
    directory = []
    for member in sorted(members, key=lambda m: entry_order(m.name)):
        offset = out.tell()
        out.write(_local_header(member, date))
        out.write(member.compressed)
        directory.append(_central_record(member, date, offset))
    start = out.tell()
    for record in directory:
        out.write(record)
    size = out.tell() - start
    if len(directory) > 0xFFFF or start > 0xFFFFFFFF:
        raise ValueError("package too large for a zip without zip64")
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(directory), len(directory), size, start, 0))
    return out.getvalue()


def _fields(member: Member, date: int) -> tuple[int, ...]:
    """The fields local header and directory record share: version … name length."""
    if max(member.size, len(member.compressed)) > 0xFFFFFFFF:
        raise ValueError(f"{member.name} too large for a zip without zip64")
    flags = 0 if member.name.isascii() else _UTF8_NAME
    name_length = len(member.name.encode("utf-8"))
    return (flags, 8, 0, date, member.crc, len(member.compressed), member.size, name_length)


def _local_header(member: Member, date: int) -> bytes:
    """Signature, version needed, flags, method, time, date, CRC, sizes, name, no extra."""
    header = _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, *_fields(member, date), 0)
    return header + member.name.encode("utf-8")


def _central_record(member: Member, date: int, offset: int) -> bytes:
    """The directory record: made by MS-DOS 2.0, no extra, comment or attributes."""
    record = _CENTRAL.pack(
        b"PK\x01\x02", _VERSION, 0, _VERSION, 0, *_fields(member, date), 0, 0, 0, 0, 0, offset
    )
    return record + member.name.encode("utf-8")
