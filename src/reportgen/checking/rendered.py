"""Reading rendered pages (排版后的页面): a PDF's text lines and the ink of its footers.

``text_lines`` runs poppler's ``pdftotext -bbox-layout`` and returns every text line with its
box in points (from the page's top left), page by page; ``dash_tops`` runs ``pdftoppm`` once
for all pages on a band under the text block and finds where the dashes of “— N —” start.
Poppler is an external program, found like LibreOffice: ``$REPORTGEN_PDFTOTEXT`` or on PATH.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from xml.etree import ElementTree

from reportgen.conversion import given_program, pdftoppm
from reportgen.core.errors import ConversionError
from reportgen.core.i18n import _

PT_PER_MM = 72 / 25.4
_NAMESPACE = re.compile(r'xmlns="[^"]+"')
_PGM = re.compile(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s")
_DARK = 110  # a grey level under this is ink
_INK = bytes(1 if value < _DARK else 0 for value in range(256))
_SAME_ROW_PT = 2.0  # two pieces of text whose middles are this close are on one row
_READ_FAILED = _("{program} could not read {file}: {detail}")


@dataclass(frozen=True)
class Line:
    """One text line of a page: its box in points from the page's top left, and its text."""

    page: int
    x0: float
    x1: float
    y0: float
    y1: float
    text: str

    @property
    def middle(self) -> float:
        """The height of the line's middle, which sits in the middle of its grid row."""
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class Rendered:
    """A rendered document: how many pages it has and their text lines in reading order."""

    pages: int
    lines: tuple[Line, ...]


def pdftotext() -> str:
    """The pdftotext program: $REPORTGEN_PDFTOTEXT, else on PATH; or a ConversionError
    saying how to install it or point to it."""
    found = given_program("REPORTGEN_PDFTOTEXT") or shutil.which("pdftotext")
    if not found:
        raise ConversionError(
            _(
                "pdftotext was not found. Install it (Debian/Ubuntu: apt-get install "
                "poppler-utils), or set REPORTGEN_PDFTOTEXT to the program's full path, "
                "and try again."
            )
        )
    return found


def read_rendered(pdf: Path) -> Rendered:
    """Every text line of ``pdf``, page by page, top to bottom; a ConversionError if poppler
    cannot read it."""
    xml = _run([pdftotext(), "-bbox-layout", str(pdf), "-"], pdf).decode("utf-8", "replace")
    try:
        root = ElementTree.fromstring(_NAMESPACE.sub("", xml, count=1))
    except ElementTree.ParseError as exc:
        raise ConversionError(
            _READ_FAILED, program="pdftotext", file=str(pdf), detail=str(exc)
        ) from None
    pages = list(root.iter("page"))
    lines = [
        _line(number, line) for number, page in enumerate(pages, 1) for line in page.iter("line")
    ]
    return Rendered(len(pages), tuple(_joined(lines)))


def _joined(lines: list[Line]) -> list[Line]:
    """``lines`` with pieces of one row joined, left to right: pdftotext may make a line of
    a mark LibreOffice hangs past the right margin."""
    joined: list[Line] = []
    for line in lines:
        last = joined[-1] if joined else None
        if last and _continues(last, line):
            joined[-1] = Line(line.page, last.x0, line.x1, last.y0, last.y1, last.text + line.text)
        else:
            joined.append(line)
    return joined


def _continues(last: Line, line: Line) -> bool:
    """Whether ``line`` is the rest of ``last``'s row, further right on the same page."""
    same_row = last.page == line.page and abs(last.middle - line.middle) < _SAME_ROW_PT
    return same_row and last.x1 <= line.x0 + _SAME_ROW_PT


def _line(page: int, element: ElementTree.Element) -> Line:
    """A Line from pdftotext's <line> element: its words joined without spaces."""
    text = "".join(word.text or "" for word in element.iter("word"))
    x0, x1, y0, y1 = (float(element.get(name, 0)) for name in ("xMin", "xMax", "yMin", "yMax"))
    return Line(page, x0, x1, y0, y1, unicodedata.normalize("NFC", text))


def dash_tops(pdf: Path, top_pt: float, height_pt: float, dpi: int = 300) -> dict[int, float]:
    """For each page with ink in the band ``top_pt`` … ``top_pt + height_pt`` (points from the
    page's top): where its widest strokes (the dashes of “— N —”) start, in points."""
    scale = dpi / 72
    command = [pdftoppm(), "-gray", "-r", str(dpi), "-y", str(round(top_pt * scale))]
    command += ["-H", str(round(height_pt * scale)), str(pdf)]
    raw = _run(command, pdf)
    tops, page, start = {}, 1, 0
    while match := _PGM.match(raw, start):
        width, height = int(match.group(1)), int(match.group(2))
        start = match.end() + width * height
        row = _widest_row(raw[match.end() : start], width, height)
        if row is not None:
            tops[page] = top_pt + row / scale
        page += 1
    return tops


def _widest_row(pixels: bytes, width: int, height: int) -> int | None:
    """The first row holding at least 80 % of the ink of the inkiest row; None if no ink."""
    counts = [pixels[y * width : (y + 1) * width].translate(_INK).count(1) for y in range(height)]
    darkest = max(counts, default=0)
    if darkest == 0:
        return None
    return next(y for y, count in enumerate(counts) if count >= 0.8 * darkest)


def _run(command: list[str], pdf: Path) -> bytes:
    """A poppler program's output, or a ConversionError with what it said."""
    result = subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise ConversionError(
            _READ_FAILED,
            program=Path(command[0]).name,
            file=str(pdf),
            detail=result.stderr.decode("utf-8", "replace").strip(),
        )
    return result.stdout


# ---------------------------------------------------------------- matching lines to paragraphs

# How far past the last matched character a line is looked for when it does not follow on
# at once (a hidden run, a field LibreOffice shows otherwise); and how long a line must be
# to be trusted there without the next line confirming it.
_LOOKAHEAD = 200
_SURE = 8


@dataclass(frozen=True)
class Placed:
    """A rendered line and the paragraph it shows: ``paragraph`` indexes the texts given to
    ``align`` (None: text of no body paragraph, such as a letterhead or a table), ``start``
    and ``end`` are offsets in their joined key, ``first``/``last`` whether it starts or
    ends its paragraph."""

    line: Line
    paragraph: int | None = None
    start: int = 0
    end: int = 0
    first: bool = False
    last: bool = False


@dataclass(frozen=True)
class Alignment:
    """The lines of a rendered document placed on its paragraphs; ``unmatched`` is the
    first paragraph some of whose text was not found on the pages (None: all were)."""

    placed: tuple[Placed, ...]
    unmatched: int | None


def key(text: str) -> str:
    """``text`` as it is compared with the PDF: no white space, each character in its
    compatibility form (a font's Kangxi radical ⼀ is 一) when that is one character."""
    return "".join(_key_char(ch) for ch in text if not ch.isspace())


def _key_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def align(texts: list[str], lines: tuple[Line, ...]) -> Alignment:
    """Place each line on the paragraph (of ``texts``, in order) whose text it shows,
    white space ignored; a line matching no paragraph is placed on none."""
    keys = [key(text) for text in texts]
    joined = "".join(keys)
    owner = [index for index, k in enumerate(keys) for _ch in k]
    starts = [0, *accumulate(len(k) for k in keys)][:-1] if keys else []
    line_keys = [key(line.text) for line in lines]
    placed, cursor, skipped = [], 0, set()
    for index, line in enumerate(lines):
        following = line_keys[index + 1] if index + 1 < len(lines) else ""
        at = _find(joined, line_keys[index], cursor, following)
        if at < 0:
            placed.append(Placed(line))
            continue
        skipped.update(owner[cursor:at])
        cursor = at + len(line_keys[index])
        part = owner[at]
        end_of_part = starts[part] + len(keys[part])
        placed.append(Placed(line, part, at, cursor, at == starts[part], cursor >= end_of_part))
    skipped.update(owner[cursor:])
    return Alignment(tuple(placed), min(skipped) if skipped else None)


def _find(joined: str, line: str, cursor: int, following: str) -> int:
    """Where ``line`` is in ``joined``: at ``cursor``, or a little further on if it is long
    or the next line follows it there; -1 if not."""
    if not line:
        return -1
    if joined.startswith(line, cursor):
        return cursor
    at = joined.find(line, cursor, cursor + len(line) + _LOOKAHEAD)
    sure = len(line) >= _SURE or (following and joined.startswith(following, at + len(line)))
    return at if at >= 0 and sure else -1
