"""Writing files whole or not at all (原子写入): a temporary file beside the target, then rename."""

from __future__ import annotations

import collections
import contextlib
import errno
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from reportgen.core.errors import OutputError
from reportgen.core.i18n import _

# Characters Windows, macOS or Linux refuse in a file name, replaced by a full-width look-alike.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f]')
# Device names Windows reserves in any case, also with an extension (NUL.txt is NUL).
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³])(\.|$)", re.IGNORECASE)
_FULL_WIDTH = {
    "\\": "＼",
    "/": "／",
    ":": "：",
    "*": "＊",
    "?": "？",
    '"': "＂",
    "<": "＜",
    ">": "＞",
    "|": "｜",
}


# Invisible characters removed from a name: format characters (Cf: the bidi controls such as
# U+202E, which would show ``函\u202efdp.exe.docx`` as ``函xcod.exe.docx``, zero-width
# spaces, soft hyphens), line and paragraph separators, and lone surrogates (no file system
# can store them).
_INVISIBLE = frozenset(("Cf", "Zl", "Zp", "Cs"))
# File systems cap a name at 255 bytes, not characters: 80 four-byte characters are 320.
# 200 leaves room for the suffix (.docx, .pdf) and a batch's counter (（2）).
NAME_BYTES = 200


def safe_filename(name: str, limit: int = 120) -> str:
    """``name`` made safe as a file name on every system, kept readable in Chinese.

    No separators survive (/ and \\ become ／ ＼), so a title can never lead outside the
    output folder; invisible characters are removed; the name is cut to ``limit``
    characters and ``NAME_BYTES`` bytes of UTF-8, at a character; names Windows reserves
    (CON, NUL, COM1 …) get a leading underscore.
    """
    visible = "".join(c for c in name if unicodedata.category(c) not in _INVISIBLE)
    cleaned = _UNSAFE.sub(lambda m: _FULL_WIDTH.get(m.group(0), ""), visible).strip(" .")
    cut = cleaned[:limit].encode("utf-8")[:NAME_BYTES].decode("utf-8", "ignore")
    cleaned = cut.strip(" .") or "report"
    return "_" + cleaned if is_reserved_name(cleaned) else cleaned


def is_reserved_name(name: str) -> bool:
    """Whether Windows refuses ``name`` for a file or folder: CON, PRN, AUX, NUL, COM1–9 and
    LPT1–9, in any case, with or without an extension."""
    return _RESERVED.match(name) is not None


def refuse_existing(path: Path, force: bool) -> None:
    """Stop before overwriting ``path`` unless ``force`` says so."""
    if path.exists() and not force:
        raise OutputError(_("{file} already exists. Use --force to overwrite it."), file=str(path))


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` only on success.

    On any failure the temporary file is removed, and so are the folders made for it, so no
    partial output is ever left behind. The file gets the mode a new file would (or the
    replaced file's), not the private 0600 of a temporary file.
    """
    try:
        made = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=".reportgen-", suffix=target.suffix, dir=target.parent
        )
    except OSError as exc:
        raise write_error(target, exc) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    done = False
    try:
        yield tmp
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
        done = True
        record_written(target)
    except OSError as exc:
        raise write_error(target, exc) from exc
    finally:
        tmp.unlink(missing_ok=True)
        if not done:
            _remove_empty(made)


def _file_mode(target: Path) -> int:
    """The permissions for ``target``: the read and write bits of the file it replaces, else
    0666 less the umask.

    Only a regular file's own mode is kept (``lstat``): a symlink is replaced, not written
    through, so its target's mode (setuid, say) must not pass to the output; nor do the
    execute, setuid, setgid or sticky bits of a replaced file.
    """
    with contextlib.suppress(OSError):
        info = os.lstat(target)
        if stat.S_ISREG(info.st_mode):
            return stat.S_IMODE(info.st_mode) & 0o666
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


# What this process has put in place, in order, so that an interrupted or failed command can
# say what it completed (``written``); kept only once a command asks (``reset_written``), and
# only the latest, so that a long-running process (the page) does not pile up paths.
_WRITTEN: collections.deque[Path] | None = None


def record_written(path: Path) -> None:
    """Note that ``path`` is now in place, whole."""
    if _WRITTEN is not None:
        _WRITTEN.append(path)


def written() -> list[Path]:
    """The outputs put in place since ``reset_written``, that are still there (a staged
    file, moved on or removed with its staging folder, is not counted)."""
    return list(dict.fromkeys(p for p in _WRITTEN or () if p.exists()))


def reset_written() -> None:
    """Start noting what is written, afresh (each command does)."""
    global _WRITTEN
    _WRITTEN = collections.deque(maxlen=10_000)


def write_error(target: Path, exc: OSError) -> OutputError:
    """The error for an output that cannot be written, saying why in the user's words
    (the system's own text, such as 'Read-only file system', is English only)."""
    blocker = _file_in_the_way(target)
    if blocker is not None:
        return OutputError(
            _("Cannot write to {file}: {folder} is a file, not a folder. Choose another folder."),
            file=str(target),
            folder=str(blocker),
        )
    reason = _OS_REASONS.get(exc.errno or 0)
    if reason is not None:
        return OutputError(reason, file=str(target))
    return OutputError(
        _("Cannot write to {file}: {error}"), file=str(target), error=exc.strerror or str(exc)
    )


def _file_in_the_way(target: Path) -> Path | None:
    """The nearest folder on ``target``'s path that is in fact a file, if any."""
    for folder in reversed(target.parents):
        with contextlib.suppress(OSError):
            if folder.is_file():
                return folder
    return None


_READ_ONLY = _(
    "Cannot write to {file}: the folder is read-only, or you may not write there. "
    "Choose another folder."
)
_OS_REASONS = {
    errno.EACCES: _READ_ONLY,
    errno.EPERM: _READ_ONLY,
    errno.EROFS: _READ_ONLY,
    errno.ENOSPC: _("Cannot write to {file}: the disk is full. Free some space and try again."),
    errno.EISDIR: _(
        "Cannot write to {file}: a folder of that name is in the way. Move or rename it."
    ),
    errno.ENAMETOOLONG: _(
        "Cannot write to {file}: the name is too long. Choose a shorter name or folder."
    ),
}


def _remove_empty(folders: list[Path]) -> None:
    """Remove the folders (deepest first) made for an output that failed, if still empty."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def staging_folder(output_dir: Path, kind: str) -> Path:
    """A private hidden folder inside ``output_dir`` (``.reportgen-<kind>-…``): what is built
    there is renamed into place, never copied, so a failure leaves nothing half-written."""
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".reportgen-{kind}-", dir=output_dir))
    except OSError as exc:
        raise write_error(output_dir, exc) from exc


def remove_folder(folder: Path) -> None:
    """Remove ``folder`` and what is in it, ignoring every error: a cleanup must not fail on
    its way out. Python 3.11's ``rmtree(ignore_errors=True)`` still raises when closing a
    folder's descriptor fails (seen on an interrupted batch, an fd closed twice elsewhere), so
    that is caught too, and the removal tried once more. Ctrl-C or SIGTERM arriving part way
    (raised as an exception where the program is) does not leave half a folder: the removal
    is finished, then the interrupt goes on out."""
    try:
        _remove_tree(folder)
    except BaseException:
        _remove_tree(folder)
        raise


def _remove_tree(folder: Path) -> None:
    import shutil

    for _attempt in range(2):
        try:
            shutil.rmtree(folder, ignore_errors=True)
            return
        except OSError:
            continue
