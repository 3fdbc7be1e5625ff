"""A request's files (上传与下载): its own temporary folder, safe names, downloads by name.

An upload is written under a fixed name of the page's choosing inside a folder made for the
request and removed with everything in it when the answer is ready; the name the user's
computer gave is only ever shown, never used as a path. A file the page hands back for a
later download travels inside the page itself (base64 in a hidden field), so that nothing
is kept on the server between requests.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
import shutil
import tempfile
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from reportgen.core.errors import ReportgenError
from reportgen.core.i18n import _

_CHUNK = 1024 * 1024
_NO_FILE = _("Choose a file first, then press the button.")
_BAD_COPY = _("The page's copy of your file is damaged. Upload the file again.")


class FormError(ReportgenError):
    """A form sent without what it needs (no file chosen, a damaged page copy)."""


@dataclass(frozen=True)
class Saved:
    """An uploaded file: where it was written and the name it had on the user's computer."""

    path: Path
    name: str


@dataclass
class Upload:
    """A parsed form with its files written into the request's own folder."""

    form: FormData
    work: Path
    files: dict[str, Saved] = field(default_factory=dict)

    def text(self, name: str, default: str = "") -> str:
        """A text field, or ``default``."""
        value = self.form.get(name)
        return value if isinstance(value, str) else default

    async def file(self, name: str, stem: str, suffixes: tuple[str, ...]) -> Saved:
        """The file field ``name`` written as ``<stem><suffix>``; FormError if none was chosen."""
        value = self.form.get(name)
        if not isinstance(value, UploadFile) or not value.filename:
            raise FormError(_NO_FILE)
        target = self.work / (stem + suffix_for(value.filename, suffixes))
        with target.open("wb") as out:
            while chunk := await value.read(_CHUNK):
                out.write(chunk)
        self.files[name] = Saved(target, shown_name(value.filename))
        return self.files[name]

    def copy(self, name: str, stem: str, suffixes: tuple[str, ...]) -> Saved:
        """The page's own copy of a file (``<name>`` base64, ``<name>_name``), written out."""
        try:
            content = base64.b64decode(self.text(name), validate=True)
        except (binascii.Error, ValueError):
            raise FormError(_BAD_COPY) from None
        if not content:
            raise FormError(_BAD_COPY)
        given = shown_name(self.text(name + "_name", stem))
        target = self.work / (stem + suffix_for(given, suffixes))
        target.write_bytes(content)
        self.files[name] = Saved(target, given)
        return self.files[name]

    def names(self) -> dict[str, str]:
        """Each written path (as text) → the name the user knows it by, for messages."""
        return {str(saved.path): saved.name for saved in self.files.values()}


@contextlib.asynccontextmanager
async def upload(request: Request, limit: int, scratch: Path | None) -> AsyncIterator[Upload]:
    """The request's form with a folder of its own, both gone when the block ends."""
    work = Path(tempfile.mkdtemp(prefix="reportgen-web-", dir=scratch))
    form: FormData | None = None
    try:
        form = await request.form(max_files=4, max_fields=20, max_part_size=limit * 2)
        yield Upload(form, work)
    finally:
        if form is not None:
            await form.close()
        shutil.rmtree(work, ignore_errors=True)


def suffix_for(filename: str, allowed: tuple[str, ...]) -> str:
    """The file's suffix when it is one of ``allowed``, else the first of them (a file's
    kind is told from its bytes later; the suffix only helps a .txt be read as text)."""
    suffix = Path(filename.replace("\\", "/")).suffix.lower()
    return suffix if suffix in allowed else allowed[0]


def shown_name(filename: str) -> str:
    """A file name fit to be shown: its last part, without control characters, 100 at most."""
    last = filename.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(c for c in last if unicodedata.category(c)[0] != "C").strip()
    return clean[:100] or "file"


def as_copy(path: Path) -> str:
    """A file's bytes as base64, for the page to carry to a later download."""
    return base64.b64encode(path.read_bytes()).decode("ascii")


def disposition(filename: str) -> str:
    """An RFC 6266 attachment header: an ASCII fallback and the real (Chinese) name."""
    plain = re.fullmatch(r"[A-Za-z0-9._ -]+", filename)
    fallback = filename if plain else "reportgen" + Path(filename).suffix
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
