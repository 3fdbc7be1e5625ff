"""PDF and page images (PDF 与预览): LibreOffice headless for PDF, pdftoppm for PNG pages.

Every conversion runs LibreOffice once for all its files, with a throw-away profile (so a
running LibreOffice or a broken profile cannot interfere), a timeout, and the shipped
fontconfig file that maps the Word font names of GB/T 9704 to installed CJK fonts. LibreOffice
can exit 0 having written nothing, or something else than a PDF, so each PDF is looked for and
must be a PDF by its bytes. Results are written beside their targets and renamed into place.

LibreOffice runs in a process group of its own, ended on every way out (a timeout, Ctrl-C,
SIGTERM), and with a profile that forbids it to fetch anything a document links to
(``PROFILE_SETTINGS``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from reportgen.core.errors import ConversionError
from reportgen.core.filekind import MISSING, PDF, require_docx, sniff
from reportgen.core.files import atomic_path
from reportgen.core.i18n import _

# SelectPdfVersion 2 is PDF/A-2b in LibreOffice's PDF export filter.
PDF_FILTER = "pdf:writer_pdf_Export"
PDFA_FILTER = PDF_FILTER + ':{"SelectPdfVersion":{"type":"long","value":"2"}}'

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
)

__all__ = ["ConversionError", "convert_to_pdf", "preview", "preview_pages"]


def fonts_conf() -> Path:
    """The shipped fontconfig file: 仿宋_GB2312, 黑体 … → Noto CJK / AR PL UKai."""
    return Path(str(resources.files("reportgen") / "fonts" / "fonts.conf"))


def soffice() -> str:
    """The LibreOffice program: $REPORTGEN_SOFFICE, else on PATH, else (Windows) where its
    installer puts it; or a ConversionError saying how to install it or point to it."""
    found = (
        _given("REPORTGEN_SOFFICE")
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


def _given(variable: str) -> str | None:
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


def convert_to_pdf(
    docx_paths: Sequence[Path], out_dir: Path, *, pdfa: bool = False, timeout: float = 180.0
) -> list[Path]:
    """Convert every .docx in ONE LibreOffice run; return ``out_dir/<stem>.pdf`` for each."""
    sources = [Path(p) for p in docx_paths]
    _check_sources(sources)
    program = soffice()
    with tempfile.TemporaryDirectory(prefix="reportgen-pdf-") as work:
        produced = Path(work) / "out"
        profile = write_profile(Path(work) / "profile")
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            PDFA_FILTER if pdfa else PDF_FILTER,
            "--outdir",
            str(produced),
            *(str(p.resolve()) for p in sources),
        ]
        detail = _run(command, timeout, sources)
        made = [_produced(produced / (p.stem + ".pdf"), p, detail) for p in sources]
        return _move_all(made, out_dir)


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


def _run(command: list[str], timeout: float, sources: list[Path]) -> str:
    """Run LibreOffice with the shipped fonts; its last output line, for error messages."""
    env = dict(os.environ, FONTCONFIG_FILE=str(fonts_conf()))
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # so that a timeout ends LibreOffice and its children
    )
    try:
        output, _unused = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise ConversionError(
            _(
                "LibreOffice did not finish within {seconds} seconds; no PDF was written "
                "for {files}."
            ),
            seconds=int(timeout),
            files=", ".join(str(p) for p in sources),
        ) from None
    except BaseException:
        _kill(process)  # Ctrl-C or SIGTERM: LibreOffice must not outlive us
        raise
    lines = output.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"exit code {process.returncode}"


def _kill(process: subprocess.Popen[bytes]) -> None:
    """End ``process`` and everything it started."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (AttributeError, ProcessLookupError, PermissionError):
        process.kill()
    process.communicate()  # reap it and close its pipes


def _produced(produced: Path, source: Path, detail: str) -> Path:
    """The PDF LibreOffice wrote for ``source``, or fail if it did not really write one
    (nothing, an empty file, or a file that is not a PDF by its bytes)."""
    if sniff(produced) != PDF:
        raise ConversionError(
            _("LibreOffice wrote no PDF for {file}: {detail}"), file=str(source), detail=detail
        )
    return produced


def pdftoppm() -> str:
    """The pdftoppm program: $REPORTGEN_PDFTOPPM, else on PATH; or a ConversionError
    saying how to install it or point to it."""
    found = _given("REPORTGEN_PDFTOPPM") or shutil.which("pdftoppm")
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
        result = subprocess.run(
            [program, "-png", "-r", str(dpi), str(pdf), str(root)],
            capture_output=True,
            stdin=subprocess.DEVNULL,
        )
        pages = sorted(Path(work).glob("*.png"), key=_page_number)
        if result.returncode != 0 or not pages:
            raise ConversionError(
                _("pdftoppm could not read {file}: {detail}"),
                file=str(pdf),
                detail=result.stderr.decode("utf-8", "replace").strip(),
            )
        return _move_all(pages, out_dir)


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
    if sniff(path) in (PDF, MISSING):
        return preview_pages(path, out_dir, dpi)
    with tempfile.TemporaryDirectory(prefix="reportgen-preview-") as work:
        [pdf] = convert_to_pdf([path], Path(work))
        return preview_pages(pdf, out_dir, dpi)
