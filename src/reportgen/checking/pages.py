"""Checking the rendered pages (排版后的页面): what ``check --pages`` adds to ``check``.

The .docx is rendered by LibreOffice (``conversion.convert_to_pdf``) and its pages are read
back (``rendered``): every text line with its box, and the ink of the footers. The lines are
matched to the paragraphs ``parts.recognise`` finds (white space ignored), so each line knows
its part of the letter. On those pages:

- 背题: a first-level heading (一、…) that is the last line of a page, its text on the next;
- a heading split across two pages (the title, a 一、 heading, a （一） heading on its own);
- a page holding only the 落款 (署名 and/or 成文日期), none of the body (§7.3.5);
- 22 lines on every full page, and 28 characters on every full line of the body (§5.2.2);
- the date's right space: 2 characters unsealed, 4 sealed (§7.3.5.1, §7.3.5.2);
- the page numbers: — N —, odd pages right and even pages left one character in, the dashes
  7 mm under the text block (§7.5).

A page is *full* unless it is the last, or ends early for a reason the pagination gives: the
next page starts with a heading, the closing phrase or the 落款 (kept with what follows), or
holds the 落款 (the body's last lines kept with it), or the page ends at a page or section
break; one line short is allowed where the next page starts a paragraph or its first two
lines end one (widow and orphan control). A *full line* is a line of the body that is not the
last of its paragraph; it holds 28 characters, half-width ones counting half, or fewer when
the next line starts with what could not be split from it (a mark that may not start a line,
a number or Latin word), allowing for the gap LibreOffice draws where 汉字 meet digits.

When the pages' text does not match the paragraphs, one warning says so and which rules were
not applied; the page numbers, which need no matching, are checked still.
"""

from __future__ import annotations

import statistics
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from reportgen.checking.document import Checker, open_document, parse_number, recorded_schema, w
from reportgen.checking.parts import CheckedParagraph, recognise
from reportgen.checking.rendered import (
    PT_PER_MM,
    Alignment,
    Line,
    Placed,
    align,
    dash_tops,
    pdftotext,
    read_rendered,
)
from reportgen.core.errors import Finding, Severity
from reportgen.core.i18n import _
from reportgen.core.text import display_width
from reportgen.gbt9704.grid import (
    CHARS_PER_LINE,
    LINES_PER_PAGE,
    MARGINS_MM,
    NO_LINE_END,
    NO_LINE_START,
)
from reportgen.gbt9704.signature import signature
from reportgen.schema.spec import Schema
from reportgen.wordml.styles import flag

# The codes of the findings this module adds, and nothing else adds.
PAGE_CODES = (
    "heading-at-foot",
    "heading-split",
    "page-only-signature",
    "lines-per-page",
    "chars-per-line",
    "date-right-space",
    "page-number-place",
    "pages-unmatched",
)
PLACE_TOLERANCE = 0.3  # characters, for the date and the page numbers
CHAR_TOLERANCE = 0.25  # characters: a full line may hold 28 and this much more
# LibreOffice draws about 1.1 mm (0.2 character) where 汉字 meet digits or Latin letters
# (autoSpaceDN not honoured, issue #13); a line's count allows for it.
BOUNDARY_GAP = 0.2
DASH_MM, DASH_TOLERANCE_MM = 7.0, 1.0  # the dashes of — N —, under the text block (§7.5)
_FOOTER_BAND_MM = 15.0
_A4_PT = (595.3, 841.9)
_KEPT = ("标题", "一级标题", "二级标题", "结束语", "署名", "成文日期")  # kept with what follows
_UNCOUNTED = ("标题", "发文字号", "署名", "成文日期")  # lines not set on the 28-a-line count


@dataclass(frozen=True)
class Block:
    """The text block (版心) of the document's first section, in points from the page's top left."""

    left: float
    right: float
    top: float
    bottom: float

    @property
    def char(self) -> float:
        """One character of the 28-a-line grid."""
        return (self.right - self.left) / CHARS_PER_LINE

    @property
    def pitch(self) -> float:
        """One line of the 22-a-page grid."""
        return (self.bottom - self.top) / LINES_PER_PAGE


@dataclass
class Pages:
    """One rendered document under check: its parts, text block, pages and placed lines."""

    checker: Checker
    parts: list[CheckedParagraph]
    block: Block
    count: int
    alignment: Alignment
    footers: dict[int, list[Line]]
    after_break: set[int] = field(default_factory=set)  # parts that an explicit break starts
    broken: set[int] = field(default_factory=set)  # parts holding a page break
    _pitches: dict[int, float] = field(default_factory=dict)
    _lines: dict[int, list[int]] = field(default_factory=dict)
    _pages: dict[int, list[Placed]] = field(default_factory=dict)

    @property
    def placed(self) -> tuple[Placed, ...]:
        """Every line inside the text block, in reading order."""
        return self.alignment.placed

    def body(self, page: int) -> list[Placed]:
        """The lines of ``page`` inside the text block."""
        if not self._pages:
            for p in self.placed:
                self._pages.setdefault(p.line.page, []).append(p)
        return self._pages.get(page, [])

    def lines_of(self, paragraph: int) -> list[int]:
        """The indexes (in ``placed``) of the lines that show part ``paragraph``."""
        if not self._lines:
            for k, p in enumerate(self.placed):
                self._lines.setdefault(p.paragraph if p.paragraph is not None else -1, []).append(k)
        return self._lines.get(paragraph, [])

    def part(self, placed: Placed) -> CheckedParagraph | None:
        """The paragraph ``placed`` shows, or None."""
        return self.parts[placed.paragraph] if placed.paragraph is not None else None

    @cached_property
    def signature_start(self) -> int | None:
        """The index of the 署名 among the parts: the 落款 is it and what follows."""
        return next((i for i, p in enumerate(self.parts) if p.role == "署名"), None)

    def pitch(self, page: int) -> float:
        """The line pitch measured on ``page`` (the grid's when it has too few lines)."""
        if page not in self._pitches:
            self._pitches[page] = self._measured_pitch(page)
        return self._pitches[page]

    def _measured_pitch(self, page: int) -> float:
        """The median step between the lines of ``page`` near the grid's pitch."""
        middles = sorted(p.line.middle for p in self.body(page))
        nominal = self.block.pitch
        steps = [b - a for a, b in zip(middles, middles[1:], strict=False)]
        steps = [s for s in steps if 0.8 * nominal < s < 1.2 * nominal]
        return statistics.median(steps) if len(steps) >= 3 else nominal

    def row(self, placed: Placed) -> int:
        """The grid row (1 = the top one) that ``placed`` sits in, by its page's pitch."""
        return int((placed.line.middle - self.block.top) // self.pitch(placed.line.page)) + 1


def require_programs() -> None:
    """A ConversionError unless LibreOffice and poppler (pdftotext, pdftoppm) are found."""
    from reportgen.conversion import pdftoppm, soffice

    soffice(), pdftotext(), pdftoppm()


def check_pages(path: Path, schema: Schema | None = None) -> list[Finding]:
    """Render ``path`` with LibreOffice and check its pages (see the module's rules)."""
    from reportgen.conversion import convert_to_pdf

    require_programs()  # missing poppler: say so before LibreOffice runs
    with tempfile.TemporaryDirectory(prefix="reportgen-pages-") as work:
        [pdf] = convert_to_pdf([path], Path(work))
        return check_rendered(path, pdf, schema)


def check_rendered(path: Path, pdf: Path, schema: Schema | None = None) -> list[Finding]:
    """The page findings of ``path`` as rendered in ``pdf`` (made from it by LibreOffice)."""
    document = open_document(path)
    checker = Checker(path, document, schema or recorded_schema(document))
    parts = list(recognise(checker))
    checker.findings.clear()  # a document without text is check's finding, not the pages'
    pages = _pages(checker, parts, pdf)
    if pages.alignment.unmatched is None:
        for rule in _MATCHED_RULES:
            rule(pages)
    else:
        _report_unmatched(pages)
    check_page_numbers(pages, pdf)
    return checker.findings


def _pages(checker: Checker, parts: list[CheckedParagraph], pdf: Path) -> Pages:
    """The rendered document: its lines read, the body's matched to ``parts``."""
    block = text_block(checker)
    rendered = read_rendered(pdf)
    inside = tuple(x for x in rendered.lines if block.top <= x.middle <= block.bottom)
    footers: dict[int, list[Line]] = {}
    for line in rendered.lines:
        if line.middle > block.bottom:
            footers.setdefault(line.page, []).append(line)
    alignment = align([p.text for p in parts], inside)
    broken = {i for i, part in enumerate(parts) if _breaks_after(part.p)}
    after_break = _after_break(checker, parts)
    return Pages(checker, parts, block, rendered.pages, alignment, footers, after_break, broken)


def text_block(checker: Checker) -> Block:
    """The first section's text block from its paper and margins (GB/T 9704's where unset)."""
    section = checker.section

    def setting(tag: str, attr: str, default_pt: float) -> float:
        element = section.find(w(tag)) if section is not None else None
        value = element.get(w(attr)) if element is not None else None
        number = parse_number(value, unit=1) if value is not None else None
        return number / 20 if number else default_pt

    mm = {side: size * PT_PER_MM for side, size in MARGINS_MM.items()}
    width, height = setting("pgSz", "w", _A4_PT[0]), setting("pgSz", "h", _A4_PT[1])
    return Block(
        setting("pgMar", "left", mm["left"]),
        width - setting("pgMar", "right", mm["right"]),
        setting("pgMar", "top", mm["top"]),
        height - setting("pgMar", "bottom", mm["bottom"]),
    )


def _after_break(checker: Checker, parts: list[CheckedParagraph]) -> set[int]:
    """The parts that start a page by an explicit page or section break before them."""
    body = checker.body
    paragraphs = body.findall(w("p")) if body is not None else []
    breaking = {n for n, p in enumerate(paragraphs, 1) if _breaks_after(p)}
    before = {n for n, p in enumerate(paragraphs, 1) if _breaks_before(checker, p)}
    found, previous = set(), 0
    for index, part in enumerate(parts):
        # a break in the previous part or in an empty paragraph after it, or one before this
        after = any(n in breaking for n in range(previous, part.number))
        if after or any(n in before for n in range(previous + 1, part.number + 1)):
            found.add(index)
        previous = part.number
    return found


def _breaks_after(p: Any) -> bool:
    """Whether paragraph ``p`` holds a page break or ends a section."""
    pages = any(br.get(w("type")) == "page" for br in p.iter(w("br")))
    ppr = p.find(w("pPr"))
    return pages or (ppr is not None and ppr.find(w("sectPr")) is not None)


def _breaks_before(checker: Checker, p: Any) -> bool:
    """Whether paragraph ``p`` starts a new page (page break before, direct or by style)."""
    return flag(checker.styles.ppr_levels(p), "pageBreakBefore")


def _report_unmatched(pages: Pages) -> None:
    """The warning for pages whose text does not match the paragraphs."""
    index = pages.alignment.unmatched
    pages.checker.add(
        "pages-unmatched",
        _(
            "The text of the rendered pages does not match the document's paragraphs from "
            "here on, so 背题, split headings, pages holding only the 落款, lines per page, "
            "characters per line and the date's right space were not checked (the page "
            "numbers were)."
        ),
        _(
            "Look for text that the pages do not show as the paragraphs hold it: hidden "
            "text, tracked changes, fields, text boxes. Accept or remove them and check again."
        ),
        pages.parts[index].place if index is not None else "",
        Severity.WARNING,
    )


# ---------------------------------------------------------------- headings


def check_headings_at_foot(pages: Pages) -> None:
    """背题: a 一、 heading, whole on one page, that is the last line of its page."""
    for index, part in enumerate(pages.parts):
        mine = pages.lines_of(index)
        if part.role != "一级标题" or not mine:
            continue
        last = pages.placed[mine[-1]]
        following = pages.placed[mine[-1] + 1 :]
        on_one_page = pages.placed[mine[0]].line.page == last.line.page
        if on_one_page and following and following[0].line.page > last.line.page:
            pages.checker.add(
                "heading-at-foot",
                _(
                    "The heading is the last line of page {page} and its text starts on "
                    "page {next} (背题)."
                ),
                _(
                    "Keep the heading with the next paragraph (段落 → 换行和分页 → 与下段同页), "
                    "or take out a line before it so that it moves to the next page."
                ),
                part.place,
                page=last.line.page,
                next=following[0].line.page,
            )


def _is_heading(part: CheckedParagraph) -> bool:
    """A paragraph that is a heading and nothing else: the title, a 一、 heading, or a
    （一） heading with no run-in text after its first full stop."""
    text = part.text.strip()
    if part.role == "二级标题":
        return "。" not in text[:-1]
    return part.role in ("标题", "一级标题")


def check_split_headings(pages: Pages) -> None:
    """A heading whose lines fall on two pages."""
    for index, part in enumerate(pages.parts):
        on = sorted({pages.placed[k].line.page for k in pages.lines_of(index)})
        if len(on) > 1 and _is_heading(part):
            pages.checker.add(
                "heading-split",
                _("The heading starts on page {page} and ends on page {next}."),
                _(
                    "Keep the heading's lines together (段落 → 换行和分页 → 段中不分页) and "
                    "with the next paragraph."
                ),
                part.place,
                page=on[0],
                next=on[-1],
            )


# ---------------------------------------------------------------- the 落款


def check_signature_pages(pages: Pages) -> None:
    """A page holding only the 落款 (署名 and/or 成文日期), no line of the body."""
    start = pages.signature_start
    if start is None:
        return  # check says that the issuer and date are missing
    for page in range(1, pages.count + 1):
        lines = pages.body(page)
        if lines and all(p.paragraph is not None and p.paragraph >= start for p in lines):
            part = pages.part(lines[0])
            pages.checker.add(
                "page-only-signature",
                _("Page {page} holds only the 署名 and date, no line of the body."),
                _(
                    "GB/T 9704 §7.3.5: the 落款 shares a page with the body. Take out blank "
                    "lines or a page break before the 署名, or keep the last lines of the "
                    "body with it (段落 → 换行和分页 → 与下段同页)."
                ),
                part.place if part else f"第{page}页",
                page=page,
            )


def check_date_space(pages: Pages) -> None:
    """The date's right space: 2 characters unsealed (空二字), 4 sealed (§7.3.5)."""
    issuer, date = _last_line(pages, "署名"), _last_line(pages, "成文日期")
    name, when = (pages.part(x) if x else None for x in (issuer, date))
    if issuer is None or date is None or name is None or when is None:
        return
    measured = tuple(_right_space(pages, x.line) for x in (issuer, date))
    rules = {s: signature(name.text.strip(), when.text.strip(), sealed=s) for s in (False, True)}
    sealed = _sealed(pages, issuer, measured[0], rules)
    wanted = rules[sealed].date_right_chars
    if abs(measured[1] - wanted) > PLACE_TOLERANCE:
        pages.checker.add(
            "date-right-space",
            _DATE_MESSAGES[sealed],
            _(
                "Right-space the date 2 characters, or 4 with a seal. If the .docx already does, "
                "the space drawn where 汉字 meet digits moved it: turn off 调整中文与数字间距 "
                "for the date (段落 → 中文版式)."
            ),
            when.place,
            found=f"{measured[1]:.1f}",
            wanted=f"{wanted:g}",
        )


_DATE_MESSAGES = {
    False: _(
        "The date ends {found} characters from the right edge of the text block; GB/T 9704 "
        "§7.3.5.2 (no seal) right-spaces it {wanted} characters (空二字)."
    ),
    True: _(
        "The date ends {found} characters from the right edge of the text block; GB/T 9704 "
        "§7.3.5.1 (sealed) right-spaces it {wanted} characters (空四字)."
    ),
}


def _last_line(pages: Pages, role: str) -> Placed | None:
    """The last rendered line of the first paragraph of ``role``."""
    index = next((i for i, p in enumerate(pages.parts) if p.role == role), None)
    lines = pages.lines_of(index) if index is not None else []
    return pages.placed[lines[-1]] if lines else None


def _right_space(pages: Pages, line: Line) -> float:
    """How far ``line`` ends from the text block's right edge, in characters."""
    return (pages.block.right - line.x1) / pages.block.char


def _sealed(pages: Pages, issuer: Placed, space: float, rules: dict[bool, Any]) -> bool:
    """Which rule the 落款 follows: the one whose issuer placement is nearer what is drawn;
    when both place the issuer alike, sealed if two blank lines stand above it."""
    off = {s: abs(space - rule.issuer_right_chars) for s, rule in rules.items()}
    if abs(off[True] - off[False]) > 0.05:
        return off[True] < off[False]
    above = [p for p in pages.body(issuer.line.page) if p.line.y0 < issuer.line.y0]
    if not above:
        return False
    return pages.row(issuer) - pages.row(above[-1]) - 1 >= rules[True].blank_lines_above


# ---------------------------------------------------------------- 22 lines, 28 characters


def check_lines_per_page(pages: Pages) -> None:
    """22 lines on every full page, never more on any (one finding for all pages)."""
    wrong = []
    for page in range(1, pages.count + 1):
        lines = pages.body(page)
        if not lines:
            continue
        rows = pages.row(lines[-1])
        short = _allowed_short(pages, page)
        if rows > LINES_PER_PAGE or (short is not None and rows < LINES_PER_PAGE - short):
            wrong.append((page, rows))
    if wrong:
        pages.checker.add(
            "lines-per-page",
            _("Full pages hold {found} lines (page: lines); GB/T 9704 §5.2.2 sets 22 a page."),
            _(
                "Set the body in 三号 on a grid of 22 lines a page (页面设置 → 文档网格), line "
                "spacing single or exactly 28.95 pt, and no space before or after paragraphs."
            ),
            "第" + "、".join(str(page) for page, _rows in wrong) + "页",
            found=", ".join(f"{page}: {rows}" for page, rows in wrong),
        )


def _allowed_short(pages: Pages, page: int) -> int | None:
    """How many lines short of 22 ``page`` may end: None when it need not be full, 1 where
    widow or orphan control explains a line, else 0."""
    following = pages.body(page + 1) if page < pages.count else []
    if not following:
        return None
    first = following[0]
    part, start = pages.part(first), pages.signature_start
    if part is None or first.paragraph is None:
        return 0
    if first.first and (part.role in _KEPT or first.paragraph in pages.after_break):
        return None
    if not first.first and first.paragraph in pages.broken:
        return None  # a page break inside the paragraph
    if start is not None and any((p.paragraph or 0) >= start for p in following):
        return None  # the body's last lines kept with the 落款
    same = [p for p in following[:2] if p.paragraph == first.paragraph]
    return 1 if first.first or any(p.last for p in same) else 0


def check_chars_per_line(pages: Pages) -> None:
    """28 characters on every full line of the body (one finding for all lines)."""
    wrong = []
    for here, after in zip(pages.placed, pages.placed[1:], strict=False):
        part = pages.part(here)
        if part is None or here.last or after.paragraph != here.paragraph:
            continue
        if part.role in _UNCOUNTED or any(ch in part.text for ch in "\t\n"):
            continue
        chars = _line_chars(pages, here.line)
        if chars is not None and not _fits(chars, here.line.text, after.line.text):
            wrong.append((here, chars))
    if wrong:
        first, chars = wrong[0]
        part = pages.part(first)
        pages.checker.add(
            "chars-per-line",
            _(
                "{count} full line(s) of the body do not hold 28 characters; the first, on "
                "page {page}, holds {chars}: “{text}”."
            ),
            _(
                "Set the body in 三号 (16 pt) on a grid of 28 characters a line (页面设置 → "
                "文档网格), with no extra character spacing or indents."
            ),
            part.place if part else "",
            count=len(wrong),
            page=first.line.page,
            chars=f"{chars:g}",
            text=first.line.text,
        )


def _line_chars(pages: Pages, line: Line) -> float | None:
    """A line's width in characters as GB/T 9704 counts them, its indent included and a
    mark hung past the right edge left out; None when it holds Latin text, whose width
    varies with the font."""
    if any(ch.isascii() and not ch.isdigit() for ch in line.text):
        return None
    text = line.text
    if (
        text[-1] in NO_LINE_START
        and line.x1 > pages.block.right + PLACE_TOLERANCE * pages.block.char
    ):
        text = text[:-1]
    indent = round((line.x0 - pages.block.left) / pages.block.char)
    return indent + display_width(text)


def _fits(chars: float, text: str, following: str) -> bool:
    """Whether a full line holding ``chars`` is right: at most 28, and short of 28 only
    when what starts the next line would not have fitted (or this one may not end it)."""
    if chars > CHARS_PER_LINE + CHAR_TOLERANCE:
        return False
    unit = _first_unit(following)
    gaps = BOUNDARY_GAP * _boundaries(text + unit)
    return chars + display_width(unit) + gaps > CHARS_PER_LINE + 0.05 or text[-1] in NO_LINE_END


def _first_unit(text: str) -> str:
    """What a line must carry whole from the start of ``text``: a number or Latin word, or
    one character, an opening mark with what it opens, and the marks after them that may
    not start a line."""
    end = 0
    while end < len(text) and (end == 0 or text[end - 1] in NO_LINE_END):
        end += 1  # an opening mark goes with what follows it
        while text[end - 1].isascii() and end < len(text) and text[end].isascii():
            end += 1
    while end < len(text) and text[end] in NO_LINE_START:
        end += 1
    return text[:end]


def _boundaries(text: str) -> int:
    """How many times ``text`` passes between wide and half-width characters."""
    narrow = [unicodedata.east_asian_width(ch) in ("Na", "H") for ch in text]
    return sum(a != b for a, b in zip(narrow, narrow[1:], strict=False))


# ---------------------------------------------------------------- page numbers


def check_page_numbers(pages: Pages, pdf: Path) -> None:
    """— N — under the text block: odd pages right, even pages left, one character in,
    the dashes 7 mm under it; every page numbered but a first page of its own (信函格式)."""
    block = pages.block
    tops = dash_tops(pdf, block.bottom, _FOOTER_BAND_MM * PT_PER_MM)
    wrong: dict[str, list[tuple[int, str]]] = {"odd": [], "even": [], "none": []}
    for page in range(1, pages.count + 1):
        number = _page_number(pages.footers.get(page, []))
        if number is None:
            if page > 1 or not _own_first_page(pages.checker):
                wrong["none"].append((page, ""))
            continue
        below = (tops[page] - block.bottom) / PT_PER_MM if page in tops else DASH_MM
        problem = _number_problem(pages, page, number, below)
        if problem:
            wrong["odd" if page % 2 else "even"].append((page, problem))
    _report_numbers(pages, wrong)


def _page_number(lines: list[Line]) -> Line | None:
    """The footer line holding the page number (digits), or None."""
    return next((x for x in lines if any(ch.isdigit() for ch in x.text)), None)


def _own_first_page(checker: Checker) -> bool:
    """Whether the first page has a header and footer of its own (w:titlePg), as the
    信函格式 letterhead page does, which shows no number."""
    return checker.section is not None and flag([checker.section], "titlePg")


def _number_problem(pages: Pages, page: int, number: Line, below: float) -> str:
    """What is wrong with ``page``'s number, as ``“— 3 —”, 1.0, 7.0 mm``; empty if nothing."""
    block = pages.block
    inset = (
        (block.right - number.x1) / block.char
        if page % 2
        else (number.x0 - block.left) / block.char
    )
    text = "".join(number.text.split())
    form = text.startswith("—") and text.endswith("—") and text.strip("—").isdigit()
    if form and abs(inset - 1) <= PLACE_TOLERANCE and abs(below - DASH_MM) <= DASH_TOLERANCE_MM:
        return ""
    return f"“{number.text}”, {inset:.1f}, {below:.1f} mm"


def _report_numbers(pages: Pages, wrong: dict[str, list[tuple[int, str]]]) -> None:
    """One finding for the odd pages, one for the even, one for the pages with no number."""
    for kind, found in wrong.items():
        if not found:
            continue
        listed = "、".join(str(page) for page, _problem in found)
        pages.checker.add(
            "page-number-place",
            _NUMBER_MESSAGES[kind],
            _(
                "Put the PAGE field in the footers as — N — in 四号 宋体: right-aligned with a "
                "right indent of 1 character on odd pages, left-aligned with a left indent of 1 "
                "on even pages; footer distance so that the dashes sit 7 mm under the text block."
            ),
            f"第{listed}页",
            pages=listed,
            page=found[0][0],
            found=found[0][1],
        )


_NUMBER_MESSAGES = {
    "odd": _(
        "The page numbers of odd pages {pages} are not — N — right-aligned one character in, "
        "the dashes 7 mm under the text block (§7.5). Page {page}: {found} (number, "
        "characters from the right edge, dashes under the text block)."
    ),
    "even": _(
        "The page numbers of even pages {pages} are not — N — left-aligned one character in, "
        "the dashes 7 mm under the text block (§7.5). Page {page}: {found} (number, "
        "characters from the left edge, dashes under the text block)."
    ),
    "none": _("Pages {pages} show no page number (§7.5)."),
}

_MATCHED_RULES: tuple[Callable[[Pages], None], ...] = (
    check_headings_at_foot,
    check_split_headings,
    check_signature_pages,
    check_lines_per_page,
    check_chars_per_line,
    check_date_space,
)
