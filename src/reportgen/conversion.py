"""PDF and page images (PDF 与预览): LibreOffice for PDF, pdftoppm for PNG pages.

Documents are converted by LibreOffice workers (``reportgen.office``): where a Python here can
``import uno`` (Debian's python3-uno; the python.exe LibreOffice ships on Windows), each worker
is one LibreOffice kept running behind the UNO bridge, so its start is paid once, not per
document; else each worker is one ``soffice --convert-to`` run for its share of the files.
Up to ``jobs`` workers convert at once, each with a throw-away profile of its own (so a running
LibreOffice or a broken profile cannot interfere, and two workers never share one) that forbids
fetching anything a document links to (``PROFILE_SETTINGS``), and the shipped fontconfig file
that maps the Word font names of GB/T 9704 to installed CJK fonts. A worker that hangs or dies
is killed with its process group and replaced, and its document tried once more; what still
fails is reported by name. LibreOffice can exit 0 having written nothing, or something else
than a PDF, so each PDF is looked for and must be a PDF by its bytes. Results are written
beside their targets and renamed into place, all or none. ``workers`` gives a pool to keep
(the page keeps one warm for its previews).

Fonts (字体): an office's own fonts folder (``fonts``, or $REPORTGEN_FONTS) joins the fonts
LibreOffice can draw, and ``convert`` says which faces were drawn with a stand-in
(``reportgen.fonts.faces``).

Spacing between 汉字 and digits: a reportgen document turns off Word's extra gap there
(``w:autoSpaceDE``/``w:autoSpaceDN`` = 0), but LibreOffice's DOCX import reads neither setting
and keeps its own "apply spacing between Asian and non-Asian text" on, about 1.1 mm at every
boundary — the date of a letter ended one character from the margin instead of two. The
bridge switches it off in the opened document; without the bridge, such a document goes
through ODT first (``office.oneshot``).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from reportgen.core.errors import ConversionError
from reportgen.core.filekind import MISSING, PDF, require_docx, sniff
from reportgen.core.files import atomic_path, remove_folder
from reportgen.core.i18n import _
from reportgen.fonts.faces import (
    Substitution,
    fonts_folder,
    shipped_conf,
    substitutions,
    write_conf,
)
from reportgen.office.oneshot import convert_shares
from reportgen.office.pool import Failure, Pool
from reportgen.office.worker import Job, Worker, bridge_command, uno_python

# The throw-away profile's settings (its user/registrymodifications.xcu): a document, or a
# template, must not make LibreOffice read or fetch anything it links to — a picture linked
# to file:///etc/passwd or http://… would otherwise be loaded and printed into the PDF.
PROFILE_SETTINGS: tuple[tuple[str, str, str], ...] = (
    # "Block any links from documents not among the trusted locations" (Tools > Options >
    # Security > Options): linked pictures, media and other external references are not
    # resolved. The profile trusts no location (SecureURL is empty), so it blocks them all.
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "SecureURL", ""),
    # Writer's "Update links when loading": 0 = never (1 = on request, 2 = always), so that
    # linked sections, fields and OLE objects keep what the file holds and are not re-read.
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "0"),
    # No macro of a document runs: macros disabled outright, security level "very high".
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),
    # The version this profile last ran. LibreOffice (7.2 on) runs its graphics self-test
    # (GraphicsRenderTests, about 100 drawings) at every start whose version is newer than
    # that, and only its UI ever records the version, so a headless profile never has one:
    # the test ran at every start, about 1 s of a 1.6 s start on 2 cores. A version no
    # LibreOffice has reached counts no start as an upgrade; nothing else headless reads it.
    ("/org.openoffice.Setup/Product", "ooSetupLastVersion", "99.9"),
)

__all__ = [
    "Conversion",
    "ConversionError",
    "Substitution",
    "convert",
    "convert_to_pdf",
    "fonts_folder",
    "preview",
    "preview_pages",
    "render_pages",
]


@dataclass(frozen=True)
class Conversion:
    """What a conversion wrote (PDFs, or page images), and the faces the documents ask for
    that were drawn with another font."""

    outputs: tuple[Path, ...]
    substitutions: tuple[Substitution, ...] = ()


def fonts_conf() -> Path:
    """The shipped fontconfig file: 仿宋_GB2312, 黑体 … → Noto CJK / AR PL KaitiM GB."""
    return shipped_conf()


def soffice() -> str:
    """The LibreOffice program: $REPORTGEN_SOFFICE, else on PATH, else (Windows) where its
    installer puts it; or a ConversionError saying how to install it or point to it."""
    found = (
        given_program("REPORTGEN_SOFFICE")
        or shutil.which("soffice")
        or shutil.which("libreoffice")
        or next((str(p) for p in windows_soffice_places() if p.is_file()), None)
    )
    if found is None:
        raise ConversionError(
            _(
                "LibreOffice (soffice) was not found. Install it (Debian/Ubuntu: "
                "apt-get install libreoffice-writer-nogui; Windows: from libreoffice.org), "
                "or set REPORTGEN_SOFFICE to the program's full path, and try again."
            )
        )
    return found


# Where LibreOffice's Windows installer puts soffice.exe: for all users (64- and 32-bit
# Program Files) or for one user (%LOCALAPPDATA%\Programs). Variable, default if unset.
_WINDOWS_FOLDERS: tuple[tuple[str, str | None], ...] = (
    ("ProgramFiles", r"C:\Program Files"),
    ("ProgramW6432", r"C:\Program Files"),  # the 64-bit one, seen from a 32-bit Python
    ("ProgramFiles(x86)", r"C:\Program Files (x86)"),
    ("LOCALAPPDATA", None),
)


def windows_soffice_places() -> list[Path]:
    """On Windows, where soffice.exe is when LibreOffice is installed but not on PATH."""
    if sys.platform != "win32":
        return []
    places: list[Path] = []
    for variable, default in _WINDOWS_FOLDERS:
        folder = os.environ.get(variable) or default
        if folder is None:
            continue
        programs = Path(folder) / "Programs" if variable == "LOCALAPPDATA" else Path(folder)
        place = programs / "LibreOffice" / "program" / "soffice.exe"
        if place not in places:
            places.append(place)
    return places


def given_program(variable: str) -> str | None:
    """The program named by environment variable ``variable``; None when it is not set."""
    value = os.environ.get(variable, "").strip()
    if not value:
        return None
    if not Path(value).is_file():
        raise ConversionError(
            _(
                "{variable} is set to “{path}”, but there is no program there. Set it to "
                "the program's full path, or unset it, and try again."
            ),
            variable=variable,
            path=value,
        )
    return value


def convert(
    docx_paths: Sequence[Path],
    out_dir: Path,
    *,
    pdfa: bool = False,
    fonts: Path | None = None,
    jobs: int = 1,
    pool: Pool | None = None,
) -> Conversion:
    """``convert_to_pdf``, and which faces of the documents were drawn with a stand-in
    (asked of fontconfig while LibreOffice converts: both take a while, neither needs the
    other)."""
    folder = fonts_folder(fonts)
    with (
        tempfile.TemporaryDirectory(prefix="reportgen-fonts-") as work,
        ThreadPoolExecutor(1) as asking,
    ):
        conf = write_conf(Path(work), folder)
        found = asking.submit(substitutions, [Path(p) for p in docx_paths], conf)
        pdfs = convert_to_pdf(docx_paths, out_dir, pdfa=pdfa, fonts=folder, jobs=jobs, pool=pool)
        return Conversion(tuple(pdfs), found.result())


def convert_to_pdf(
    docx_paths: Sequence[Path],
    out_dir: Path,
    *,
    pdfa: bool = False,
    timeout: float = 180.0,
    fonts: Path | None = None,
    jobs: int = 1,
    pool: Pool | None = None,
) -> list[Path]:
    """Convert every .docx; return ``out_dir/<stem>.pdf`` for each. Up to ``jobs``
    LibreOffice workers share the files (or the warm ``pool`` given, whose fonts are its
    own); ``fonts``: a folder of fonts to draw in preference to the substitutes (default:
    $REPORTGEN_FONTS); ``timeout``: seconds for one document (a worker's whole share when
    there is no UNO bridge)."""
    sources = [Path(p) for p in docx_paths]
    _check_sources(sources)
    program = soffice()
    folder = fonts_folder(fonts)
    with tempfile.TemporaryDirectory(prefix="reportgen-pdf-") as work:
        produced = Path(work) / "out"  # made by LibreOffice, or for the workers
        todo = [
            Job(p.resolve(), produced / (p.stem + ".pdf"), pdfa, turns_autospace_off(p))
            for p in sources
        ]
        if pool is not None:
            produced.mkdir()
            failures = pool.convert(todo)
        else:
            failures = _convert_here(program, todo, jobs, folder, Path(work), timeout)
        if failures:
            raise _not_converted(failures, timeout)
        made = [_produced(job.target, source) for job, source in zip(todo, sources, strict=True)]
        return _move_all(made, out_dir)


def _convert_here(
    program: str, todo: list[Job], jobs: int, fonts: Path | None, work: Path, timeout: float
) -> list[Failure]:
    """Convert ``todo`` with workers started for it: warm UNO workers where a Python here can
    import uno, else one LibreOffice run per worker's share (``office.oneshot``)."""
    size = max(1, min(jobs, len(todo)))
    pool = workers(size, fonts=fonts, timeout=timeout, work=work, program=program)
    if pool is not None:
        with pool:
            todo[0].target.parent.mkdir(exist_ok=True)
            return pool.convert(todo)
    env = dict(os.environ, FONTCONFIG_FILE=str(write_conf(work, fonts)))
    profiles = itertools.count()
    return convert_shares(
        program, todo, size, lambda: write_profile(work / f"profile-{next(profiles)}"), env, timeout
    )


def workers(
    size: int,
    *,
    fonts: Path | None = None,
    timeout: float = 180.0,
    work: Path | None = None,
    program: str | None = None,
) -> Pool | None:
    """Up to ``size`` warm LibreOffice workers (each with its own profile, started on first
    use, replaced when one hangs or dies), or None when no Python here can ``import uno`` or
    $REPORTGEN_UNO_PYTHON is ``off``. Close it (``with``) to end them all."""
    program = program or soffice()
    python = None if _uno_off() else uno_python(program)
    if python is None:
        return None
    own = work is None
    folder = Path(tempfile.mkdtemp(prefix="reportgen-office-")) if work is None else work
    env = dict(os.environ, FONTCONFIG_FILE=str(write_conf(folder, fonts_folder(fonts))))
    launches = itertools.count()

    def launch(_index: int) -> Worker:
        profile = write_profile(folder / f"worker-{next(launches)}")
        return Worker(bridge_command(python, program, profile), env)

    cleanup = (lambda: remove_folder(folder)) if own else None
    return Pool(size, launch, timeout, cleanup)


def _uno_off() -> bool:
    return os.environ.get("REPORTGEN_UNO_PYTHON", "").strip().lower() in ("off", "0", "no")


def _not_converted(failures: list[Failure], timeout: float) -> ConversionError:
    """The error for the documents that got no PDF, each named with its reasons."""
    if all("did not finish" in r or "no answer" in r for f in failures for r in f.reasons):
        return ConversionError(
            _(
                "LibreOffice did not finish within {seconds} seconds; no PDF was written "
                "for {files}."
            ),
            seconds=int(timeout),
            files=", ".join(str(f.job.source) for f in failures),
        )
    return ConversionError(
        _("LibreOffice wrote no PDF for {file}: {detail}"),
        file=", ".join(str(f.job.source) for f in failures),
        detail="; ".join(dict.fromkeys(r for f in failures for r in f.reasons)),
    )


# Word's settings for the gap between East Asian text and Latin letters (DE) or digits (DN),
# turned off; LibreOffice has one setting for both.
_AUTOSPACE_OFF = re.compile(rb'<w:autoSpaceD[EN]\b[^>]*w:val="(?:0|false|off)"')


def turns_autospace_off(docx: Path) -> bool:
    """Whether the styles of ``docx`` turn off Word's gap between 汉字 and digits or letters."""
    try:
        with zipfile.ZipFile(docx) as package:
            return bool(_AUTOSPACE_OFF.search(package.read("word/styles.xml")))
    except (OSError, zipfile.BadZipFile, KeyError):
        return False


def write_profile(profile: Path) -> Path:
    """A new LibreOffice profile folder holding ``PROFILE_SETTINGS``; its path."""
    user = profile / "user"
    user.mkdir(parents=True)
    items = "\n".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>"
        for path, name, value in PROFILE_SETTINGS
    )
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}\n</oor:items>\n",
        encoding="utf-8",
    )
    return profile


def _check_sources(sources: list[Path]) -> None:
    """Refuse missing inputs and two inputs that would make the same PDF name."""
    for path in sources:
        # LibreOffice would turn an empty or wrong file into a blank PDF and exit 0
        require_docx(path, ConversionError)
    stems = [p.stem for p in sources]
    for stem in stems:
        if stems.count(stem) > 1:
            raise ConversionError(
                _("Two files are named {name}; their PDFs would overwrite each other."),
                name=stem + ".docx",
            )


def _produced(produced: Path, source: Path) -> Path:
    """The PDF LibreOffice wrote for ``source``, or fail if it did not really write one
    (nothing, an empty file, or a file that is not a PDF by its bytes)."""
    if sniff(produced) != PDF:
        raise ConversionError(
            _("LibreOffice wrote no PDF for {file}: {detail}"), file=str(source), detail=""
        )
    return produced


def pdftoppm() -> str:
    """The pdftoppm program: $REPORTGEN_PDFTOPPM, else on PATH; or a ConversionError
    saying how to install it or point to it."""
    found = given_program("REPORTGEN_PDFTOPPM") or shutil.which("pdftoppm")
    if found is None:
        raise ConversionError(
            _(
                "pdftoppm was not found. Install it (Debian/Ubuntu: apt-get install "
                "poppler-utils), or set REPORTGEN_PDFTOPPM to the program's full path, "
                "and try again."
            )
        )
    return found


def preview_pages(pdf: Path, out_dir: Path, dpi: int = 80) -> list[Path]:
    """One PNG a page, ``out_dir/<stem>-<page>.png``, in page order."""
    if not pdf.is_file():
        raise ConversionError(_("{file}: no such file."), file=str(pdf))
    if sniff(pdf) != PDF:
        raise ConversionError(
            _("{file}: this is not a PDF. Preview takes a .docx or a .pdf."), file=str(pdf)
        )
    program = pdftoppm()
    with tempfile.TemporaryDirectory(prefix="reportgen-png-") as work:
        root = Path(work) / pdf.stem
        # Pixels (PPM), made PNG here: poppler's own PNG writer took ten times as long as
        # drawing the pages (3.7 s against 0.33 s for the ten pages of the example).
        result = subprocess.run(
            [program, "-r", str(dpi), str(pdf), str(root)],
            capture_output=True,
            stdin=subprocess.DEVNULL,
        )
        try:
            pages = [_as_png(page) for page in sorted(Path(work).glob("*.ppm"), key=_page_number)]
        except ValueError as exc:
            result = subprocess.CompletedProcess(result.args, 1, b"", str(exc).encode())
            pages = []
        if result.returncode != 0 or not pages:
            raise ConversionError(
                _("pdftoppm could not read {file}: {detail}"),
                file=str(pdf),
                detail=result.stderr.decode("utf-8", "replace").strip(),
            )
        return _move_all(pages, out_dir)


def _as_png(ppm: Path) -> Path:
    """The PNG of a binary PPM (P6, 8 bits) page, beside it; the PPM removed."""
    magic, width, height, depth, pixels = ppm.read_bytes().split(maxsplit=4)
    w, h = int(width), int(height)
    if magic != b"P6" or depth != b"255" or len(pixels) < w * h * 3:
        raise ValueError(f"{ppm.name} is not the page image pdftoppm writes")
    stride = w * 3
    rows = b"".join(b"\x00" + pixels[y * stride : (y + 1) * stride] for y in range(h))
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    png = ppm.with_suffix(".png")
    png.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 1))
        + _chunk(b"IEND", b"")
    )
    ppm.unlink()
    return png


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _page_number(png: Path) -> int:
    return int(png.stem.rsplit("-", 1)[-1])


def _move_all(made: list[Path], out_dir: Path) -> list[Path]:
    """Move files made in a temporary folder to ``out_dir``: all of them or none.

    Each is copied beside its target first; only when every copy is complete are they
    renamed into place, so a full disk on page 3 leaves no pages 1 and 2 behind.
    """
    targets = [out_dir / path.name for path in made]
    with contextlib.ExitStack() as stack:
        for path, target in zip(made, targets, strict=True):
            tmp = stack.enter_context(atomic_path(target))
            shutil.move(str(path), str(tmp))  # a copy when the temporary folder is elsewhere
    return targets


def preview(path: Path, out_dir: Path, dpi: int = 80) -> list[Path]:
    """PNG pages of a .pdf, or of a .docx (converted to PDF in a temporary folder first)."""
    return list(render_pages(path, out_dir, dpi).outputs)


def render_pages(
    path: Path, out_dir: Path, dpi: int = 80, *, fonts: Path | None = None
) -> Conversion:
    """``preview``, with ``fonts`` for a .docx, and which of its faces were drawn with a
    stand-in."""
    if sniff(path) in (PDF, MISSING):
        return Conversion(tuple(preview_pages(path, out_dir, dpi)))
    with tempfile.TemporaryDirectory(prefix="reportgen-preview-") as work:
        converted = convert([path], Path(work), fonts=fonts)
        pages = preview_pages(converted.outputs[0], out_dir, dpi)
        return Conversion(tuple(pages), converted.substitutions)
