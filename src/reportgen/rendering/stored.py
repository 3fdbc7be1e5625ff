"""Compiled templates kept on disk between runs (模板编译缓存), so that a single ``build``
does not pay for reading, patching and compiling the Word template every time it starts.

What is kept is plain data (bytes, strings, Jinja's compiled code objects) written with
``marshal``, the format Python uses for its own .pyc files and Jinja for its bytecode cache.
An entry's name is a SHA-256 of the template's bytes, of this Python and of the files of the
code that compiled it (reportgen's rendering package, docxtpl, python-docx, Jinja, lxml): a
different template, an upgrade or an edit of that code gives a new name, never a stale hit.

Where: ``$REPORTGEN_CACHE`` if set (``off`` turns the cache off); else the user's cache
folder — ``%LOCALAPPDATA%\\reportgen\\cache`` on Windows, ``~/Library/Caches/reportgen`` on
macOS, ``$XDG_CACHE_HOME/reportgen`` or ``~/.cache/reportgen`` elsewhere. At most
``KEPT`` entries are kept (the oldest go). A cache is only ever a shortcut: an entry that
cannot be read, written or trusted is ignored and the template compiled again, never an
error for the user. The folder is the user's own and trusted as their installed Python
packages are: what is kept there is code that runs, like a .pyc.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import marshal
import os
import sys
from pathlib import Path
from typing import Any

FORMAT = b"reportgen compiled template 1"
KEPT = 32  # entries; each is about the size of its template
OFF = ("off", "0", "no", "false")
# Whose code shapes what is kept: a change in any of their files names a new entry.
_COMPILERS = ("docxtpl", "docx", "jinja2", "lxml")


def cache_folder() -> Path | None:
    """The folder compiled templates are kept in, or None when the cache is off."""
    chosen = os.environ.get("REPORTGEN_CACHE", "").strip()
    if chosen.lower() in OFF:
        return None
    if chosen:
        return Path(chosen).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "reportgen" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "reportgen"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reportgen"


@functools.lru_cache(maxsize=8)  # a miss asks for it twice: load, then save
def entry_name(template: bytes) -> str:
    """The entry's file name for a template's bytes, as compiled by the code installed now."""
    digest = hashlib.sha256(FORMAT)
    digest.update(sys.version.encode())
    for stamp in _code_stamps():
        digest.update(stamp.encode())
    digest.update(template)
    return digest.hexdigest() + ".marshal"


def _code_stamps() -> list[str]:
    """Name, size and modification time of each file of the compiling code: cheap to read,
    and changed by every install, upgrade or edit."""
    folders = [Path(__file__).parent]
    for name in _COMPILERS:
        spec = importlib.util.find_spec(name)  # finds the package without importing it
        if spec is not None and spec.origin:
            folders.append(Path(spec.origin).parent)
    stamps = []
    for folder in folders:
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.endswith(".py") and entry.is_file():
                    stat = entry.stat()
                    stamps.append(f"{entry.path}:{stat.st_size}:{stat.st_mtime_ns}")
    return stamps


def load(template: bytes) -> dict[str, Any] | None:
    """The kept compilation of ``template``, or None (no cache, no entry, or one that does
    not read back as what ``save`` wrote)."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        data = marshal.loads((folder / entry_name(template)).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def save(template: bytes, data: dict[str, Any]) -> None:
    """Keep ``data`` (plain values and code objects) for ``template``; written whole or not
    at all, and silently skipped where the folder cannot be written."""
    folder = cache_folder()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_whole(folder / entry_name(template), marshal.dumps({**data, "format": FORMAT}))
        _keep_newest(folder)
    except (OSError, ValueError):
        return


def _write_whole(target: Path, content: bytes) -> None:
    """``content`` at ``target`` by a rename, so a reader sees all of it or nothing."""
    import tempfile  # deferred: only a run that compiles writes

    handle, name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".marshal")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _keep_newest(folder: Path) -> None:
    """Remove the oldest entries beyond ``KEPT``."""
    entries = sorted(folder.glob("*.marshal"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEPT:]:
        old.unlink(missing_ok=True)
