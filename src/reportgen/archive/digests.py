"""Checksums of a bag's files (校验值): SHA-256, and SM3 (GB/T 32905-2016) beside it.

DA/T 97 asks for SM3 digests, the national hash, beside the usual ones. SM3 is not one of
BagIt's algorithms (bagit.py knows md5 … sha512 only), so it is kept in a tag file of its own,
``sm3-manifest.txt``, written like a payload manifest (``<hex>  data/<path>`` per line) and
itself listed in ``tagmanifest-sha256.txt``: bagit.py validates the bag as before, and
reportgen's ``--verify`` reads the SM3 lines too. The name does not match ``manifest-*.txt``
on purpose: a tool that read it as a BagIt manifest would refuse an algorithm it does not know.

SM3 comes from the standard library where Python's OpenSSL has it (OpenSSL 1.1.1 and later
usually do), and otherwise from the ``cryptography`` package: a kept library either way,
never a hash written here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Protocol

SM3 = "sm3"
SM3_MANIFEST = "sm3-manifest.txt"
_BLOCK = 1 << 20


class Hash(Protocol):
    """What reportgen needs of a hash object: hashlib's ``update`` and ``hexdigest``."""

    def update(self, data: bytes, /) -> None:
        """Feed more bytes."""

    def hexdigest(self) -> str:
        """The digest so far, as lower-case hex."""


class _CryptographySM3:
    """SM3 from the ``cryptography`` package, behind hashlib's interface."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives import hashes

        self._hash = hashes.Hash(hashes.SM3())

    def update(self, data: bytes, /) -> None:
        """Feed more bytes."""
        self._hash.update(data)

    def hexdigest(self) -> str:
        """The digest, as lower-case hex (the hash is finished by asking)."""
        return self._hash.finalize().hex()


def new_hash(algorithm: str) -> Hash:
    """A fresh hash object for ``algorithm`` (hashlib's names, and ``sm3``)."""
    if algorithm == SM3 and SM3 not in hashlib.algorithms_available:
        return _CryptographySM3()
    return hashlib.new(algorithm)


def file_digest(path: Path, algorithm: str) -> str:
    """The file's checksum in ``algorithm``, hex."""
    digest = new_hash(algorithm)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def write_sm3_manifest(bag: Path) -> None:
    """``sm3-manifest.txt`` at the bag's top level: the SM3 of every file under data/."""
    lines = [
        f"{file_digest(path, SM3)}  {_escaped(path.relative_to(bag).as_posix())}\n"
        for path in sorted(p for p in (bag / "data").rglob("*") if p.is_file())
    ]
    (bag / SM3_MANIFEST).write_text("".join(lines), encoding="utf-8", newline="\n")


def _escaped(name: str) -> str:
    """A path as a manifest line holds it (RFC 8493 §2.1.3: %, CR and LF percent-encoded)."""
    return name.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
