"""Which font drew each face a document asks for (字体替换), and the office's own fonts folder.

LibreOffice on Linux draws a font it finds among fontconfig's fonts under the name the document
gives; for one it does not find (仿宋_GB2312 on a machine without it) it draws what fontconfig
substitutes, by the rules of ``fonts.conf``. ``substitutions`` asks fontconfig the same two
questions with the same configuration file, so that the user learns which faces of the PDF are
stand-ins. The names are not read back from the PDF: LibreOffice names a subset of a font
collection after the collection's first face (``NotoSerifCJKjp-Regular-VKana`` for Noto Serif
CJK SC), so a PDF font name does not say which family drew it.

An office with licensed fonts (仿宋_GB2312, 方正小标宋简体 …) names their folder (``--fonts DIR``
or ``$REPORTGEN_FONTS``); the run's fontconfig file adds it as a font folder, so LibreOffice
finds them and draws them in preference to the substitutes.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree

from reportgen.core.errors import ConversionError
from reportgen.core.i18n import _, fill

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
FONTS_VARIABLE = "REPORTGEN_FONTS"
SUBSTITUTED = _(
    "{face} was drawn with {font}; install the font or use --fonts DIR for an exact print."
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FONT_ATTRIBUTES = (_W + "ascii", _W + "hAnsi", _W + "eastAsia")  # not cs: no complex script


@dataclass(frozen=True)
class Substitution:
    """A face the document asks for (``face``: 仿宋_GB2312) drawn with another ``font``."""

    face: str
    font: str

    def text(self, lang: str) -> str:
        """The warning in ``lang``."""
        return fill(SUBSTITUTED, {"face": self.face, "font": self.font}, lang)


def shipped_conf() -> Path:
    """The shipped fontconfig file: 仿宋_GB2312, 黑体 … → Noto CJK / AR PL KaitiM GB."""
    return Path(str(resources.files("reportgen") / "fonts" / "fonts.conf"))


def fonts_folder(given: Path | None = None) -> Path | None:
    """The office's fonts folder: ``given``, else $REPORTGEN_FONTS, else None; a
    ConversionError naming it when it is not a folder or holds no font file."""
    if given is None:
        value = os.environ.get(FONTS_VARIABLE, "").strip()
        given = Path(value) if value else None
    if given is None:
        return None
    if not given.is_dir():
        raise ConversionError(
            _(
                "The fonts folder “{folder}” does not exist. Give the folder that holds the "
                "office's font files (--fonts DIR or REPORTGEN_FONTS), and try again."
            ),
            folder=str(given),
        )
    if not any(_font_files(given)):
        raise ConversionError(
            _(
                "The fonts folder “{folder}” holds no font file (.ttf, .otf, .ttc). Copy the "
                "office's licensed fonts (仿宋_GB2312, 方正小标宋简体 …) into it, and try again."
            ),
            folder=str(given),
        )
    return given.resolve()


def _font_files(folder: Path) -> Iterator[Path]:
    """The font files in ``folder`` and its subfolders (fontconfig reads both)."""
    return (p for p in folder.rglob("*") if p.suffix.lower() in FONT_SUFFIXES and p.is_file())


def write_conf(work: Path, folder: Path | None) -> Path:
    """The fontconfig file of a run: the shipped one, with ``folder`` as a font folder too."""
    if folder is None:
        return shipped_conf()
    conf = work / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{_escape(str(folder))}</dir>\n"
        f"  <include>{_escape(str(shipped_conf()))}</include>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


def substitutions(docxs: Iterable[Path], conf: Path) -> tuple[Substitution, ...]:
    """Each face the documents ask for that fontconfig (with ``conf``) does not have, and the
    font drawn instead; empty when fontconfig's programs are not there to ask.

    Asking takes a run of fc-list and one of fc-match per missing face (about 90 ms for the
    six faces of a letter), so the answer is kept for the process while the configuration
    and every font folder it can see stay as they were: ``serve`` and a batch ask once, and
    a font installed meanwhile (a folder's modification time changes) is asked about again."""
    faces = tuple(dict.fromkeys(face for docx in docxs for face in requested_faces(docx)))
    if not faces:
        return ()
    try:
        settings = conf.read_bytes()
    except OSError:
        return ()
    return _asked(faces, conf, settings, _font_folders_state(settings))


@functools.lru_cache(maxsize=32)
def _asked(
    faces: tuple[str, ...], conf: Path, _settings: bytes, _state: tuple[tuple[str, int], ...]
) -> tuple[Substitution, ...]:
    """``substitutions`` for ``faces``, asked of fontconfig; the last two arguments are only
    the cache key (what the configuration says, and the font folders as they are now)."""
    installed = _installed_families(conf)
    if installed is None:
        return ()
    found = []
    for face in faces:
        if face.casefold() in installed:
            continue
        font = _substitute(face, conf)
        if font and font.casefold() != face.casefold():
            found.append(Substitution(face, font))
    return tuple(found)


# Where fontconfig looks for fonts on Linux and macOS besides the folders a configuration
# names with <dir> (fonts.conf's defaults, and the user's own folders).
_FONT_ROOTS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "~/.fonts",
    "~/.local/share/fonts",
    "~/Library/Fonts",
    "/etc/fonts",
)
_DIR = re.compile(rb"<dir[^>]*>([^<]+)</dir>")


def _font_folders_state(settings: bytes) -> tuple[tuple[str, int], ...]:
    """Each folder under the font roots and the configuration's <dir> folders, with its
    modification time: installing or removing a font changes the time of its folder."""
    named = [m.decode("utf-8", "replace") for m in _DIR.findall(settings)]
    state = []
    for root in (*_FONT_ROOTS, *named):
        top = Path(root).expanduser()
        for folder, _subfolders, _files in os.walk(top):
            with contextlib.suppress(OSError):
                state.append((folder, os.stat(folder).st_mtime_ns))
    return tuple(state)


def requested_faces(docx: Path) -> list[str]:
    """The Latin and East Asian fonts a .docx's text asks for, in order of first use: its runs,
    and the styles its paragraphs and runs use (with what they are based on); none when the
    file cannot be read."""
    try:
        with zipfile.ZipFile(docx) as package:
            parts = [
                ElementTree.fromstring(package.read(name))
                for name in package.namelist()
                if _is_text_part(name)
            ]
            names = package.namelist()
            styles = (
                _parsed_styles(package.read("word/styles.xml"))
                if "word/styles.xml" in names
                else None
            )
    except (OSError, zipfile.BadZipFile, ElementTree.ParseError, KeyError):
        return []
    faces = [face for part in parts for face in _run_fonts(part)]
    used = {e.get(_W + "val", "") for p in parts for e in p.iter() if e.tag in _STYLE_REFS}
    if styles is not None:
        faces += _style_fonts(styles, used)
    return list(dict.fromkeys(faces))


_STYLE_REFS = (_W + "pStyle", _W + "rStyle")


@functools.lru_cache(maxsize=8)
def _parsed_styles(content: bytes) -> ElementTree.Element:
    """styles.xml parsed once per process for each content: the letters of a batch share
    their template's (about 350 KB, 14 ms to parse each time). Read, never changed."""
    return ElementTree.fromstring(content)


def _is_text_part(name: str) -> bool:
    """The body, headers, footers and notes: the parts whose runs are printed."""
    stem = name.removeprefix("word/").removesuffix(".xml")
    return (
        name.startswith("word/")
        and name.endswith(".xml")
        and "/" not in stem
        and (stem in ("document", "footnotes", "endnotes") or stem.startswith(("header", "footer")))
    )


def _run_fonts(element: ElementTree.Element) -> Iterator[str]:
    """The font names of every w:rFonts in ``element``."""
    for fonts in element.iter(_W + "rFonts"):
        for attribute in _FONT_ATTRIBUTES:
            if value := fonts.get(attribute, "").strip():
                yield value


def _style_fonts(styles: ElementTree.Element, used: set[str]) -> list[str]:
    """The fonts of the document defaults, the default styles and the ``used`` styles."""
    by_id = {s.get(_W + "styleId", ""): s for s in styles.iter(_W + "style")}
    wanted = set(used) | {
        s.get(_W + "styleId", "") for s in by_id.values() if s.get(_W + "default") in ("1", "true")
    }
    faces = [face for d in styles.iter(_W + "docDefaults") for face in _run_fonts(d)]
    seen: set[str] = set()
    for style_id in sorted(wanted):
        while style_id in by_id and style_id not in seen:
            seen.add(style_id)
            style = by_id[style_id]
            faces += [face for r in style.findall(_W + "rPr") for face in _run_fonts(r)]
            based = style.find(_W + "basedOn")
            style_id = based.get(_W + "val", "") if based is not None else ""
    return faces


def _installed_families(conf: Path) -> set[str] | None:
    """Every family name fontconfig knows with ``conf``, folded; None without fc-list."""
    output = _fontconfig("fc-list", conf, "-f", "%{family}\n")
    if output is None:
        return None
    return {name.strip().casefold() for line in output.splitlines() for name in line.split(",")}


def _substitute(face: str, conf: Path) -> str:
    """The font fontconfig draws for ``face`` with ``conf``: its full name (Noto Serif CJK SC
    Bold), else its family; empty if fc-match cannot say."""
    pattern = "".join("\\" + ch if ch in "\\-:," else ch for ch in face)  # fontconfig's escapes
    output = _fontconfig("fc-match", conf, "-f", "%{family[0]}\n%{fullname[0]}\n", pattern) or ""
    family, _sep, fullname = output.partition("\n")
    return fullname.strip() or family.strip()


def _fontconfig(program: str, conf: Path, *args: str) -> str | None:
    """The output of a fontconfig program run with ``conf``; None when it is not there."""
    found = shutil.which(program)
    if found is None:
        return None
    try:
        result = subprocess.run(
            [found, *args],
            env=dict(os.environ, FONTCONFIG_FILE=str(conf)),
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "replace")


def _escape(text: str) -> str:
    """``text`` as XML character data (xml.sax.saxutils would import urllib and ssl)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
