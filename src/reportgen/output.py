"""Writing files whole or not at all (原子写入): a temporary file beside the target, then rename."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from reportgen.errors import OutputError
from reportgen.i18n import _

# Characters Windows, macOS or Linux refuse in a file name, replaced by a full-width look-alike.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\.|$)", re.IGNORECASE)
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


def safe_filename(name: str, limit: int = 120) -> str:
    """``name`` made safe as a file name on every system, kept readable in Chinese.

    No separators survive (/ and \\ become ／ ＼), so a title can never lead outside the
    output folder; names Windows reserves (CON, NUL, COM1 …) get a leading underscore.
    """
    cleaned = _UNSAFE.sub(lambda m: _FULL_WIDTH.get(m.group(0), ""), name).strip(" .")
    cleaned = cleaned[:limit].strip(" .") or "report"
    return "_" + cleaned if _RESERVED.match(cleaned) else cleaned


def refuse_existing(path: Path, force: bool) -> None:
    """Stop before overwriting ``path`` unless ``force`` says so."""
    if path.exists() and not force:
        raise OutputError(_("{file} already exists. Use --force to overwrite it."), file=str(path))


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` only on success.

    On any failure the temporary file is removed, and so are the folders made for it, so no
    partial output is ever left behind.
    """
    made = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=".reportgen-", suffix=target.suffix, dir=target.parent
        )
    except OSError as exc:
        raise OutputError(
            _("Cannot write to {file}: {error}"), file=str(target), error=exc.strerror or str(exc)
        ) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    done = False
    try:
        yield tmp
        os.replace(tmp, target)
        done = True
    except OSError as exc:
        raise OutputError(
            _("Cannot write to {file}: {error}"), file=str(target), error=exc.strerror or str(exc)
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
        if not done:
            _remove_empty(made)


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
        raise OutputError(
            _("Cannot write to {file}: {error}"),
            file=str(output_dir),
            error=exc.strerror or str(exc),
        ) from exc
