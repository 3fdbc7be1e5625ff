"""Measuring a rendered PDF for the tests: text lines (reportgen.checking.rendered, which reads
them with pdftotext -bbox-layout) and ink (pdftoppm)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from reportgen.checking import rendered
from reportgen.core.text import display_width

PT_PER_MM = 72 / 25.4
LEFT_PT = 1587 / 20  # 28 mm
TEXT_RIGHT_PT = (1587 + 8845) / 20  # the text block's right edge
CHAR_PT = 8845 / 28 / 20  # one character of the 28-a-line grid
BODY_TOP_PT = 2098 / 20
BODY_BOTTOM_PT = (16838 - 1984) / 20
PAGE_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")


@dataclass(frozen=True)
class Line:
    """One text line of a page: its box in points and its text."""

    page: int
    x0: float
    x1: float
    y0: float
    text: str

    @property
    def is_page_number(self) -> bool:
        return self.y0 > BODY_BOTTOM_PT and bool(PAGE_NUMBER.match(self.text))

    @property
    def chars(self) -> float:
        """Width in characters as GB/T 9704 counts them, the first-line indent included."""
        indent = round((self.x0 - LEFT_PT) / CHAR_PT)
        return indent + display_width(self.text)


def text_lines(pdf: Path) -> list[Line]:
    """Every text line of ``pdf``, page by page, top to bottom, as
    reportgen.checking.rendered reads them (pdftotext -bbox-layout)."""
    return [
        Line(line.page, line.x0, line.x1, line.y0, line.text)
        for line in rendered.read_rendered(pdf).lines
    ]


@dataclass(frozen=True)
class Ink:
    """A band of rows holding ink of one colour: its top, bottom, left and right in mm."""

    top: float
    bottom: float
    left: float
    right: float


def ink_bands(pdf: Path, page: int, colour: str, dpi: int = 150) -> list[Ink]:
    """Bands of consecutive pixel rows with ``colour`` ink (red or dark) on ``page``."""
    raw = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    magic, width, height, _depth, pixels = raw.split(maxsplit=4)
    assert magic == b"P6"
    w, h = int(width), int(height)
    mm = 25.4 / dpi
    bands: list[list[tuple[int, int, int]]] = []
    for y in range(h):
        row = pixels[y * w * 3 : (y + 1) * w * 3]
        xs = [x for x in range(w) if _is(colour, row[3 * x : 3 * x + 3])]
        if not xs:
            continue
        if bands and bands[-1][-1][0] == y - 1:
            bands[-1].append((y, xs[0], xs[-1]))
        else:
            bands.append([(y, xs[0], xs[-1])])
    return [
        Ink(
            band[0][0] * mm,
            (band[-1][0] + 1) * mm,
            min(b[1] for b in band) * mm,
            (max(b[2] for b in band) + 1) * mm,
        )
        for band in bands
    ]


def _is(colour: str, rgb: bytes) -> bool:
    r, g, b = rgb
    if colour == "red":
        return r > 180 and g < 100 and b < 100
    return r < 110 and g < 110 and b < 110


def page_number_dash_mm(pdf: Path, page: int, dpi: int = 600) -> float:
    """How far under the text block (262 mm from the top) the dashes of — N — are drawn:
    the top of the rows with the most ink in the footer band."""
    top_mm, height_mm = 262.0, 15.0
    raw = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page)]
        + ["-y", str(round(top_mm / 25.4 * dpi)), "-H", str(round(height_mm / 25.4 * dpi))]
        + [str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    _magic, width, height, _depth, pixels = raw.split(maxsplit=4)
    w, h = int(width), int(height)
    counts = [sum(1 for x in range(0, 3 * w, 3) if pixels[y * 3 * w + x] < 110) for y in range(h)]
    darkest = max(counts)
    first = next(y for y in range(h) if counts[y] >= 0.8 * darkest)
    return first * 25.4 / dpi
