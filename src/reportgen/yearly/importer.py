"""Importing an existing report (导入): its lines read back into the model, part by part.

The reader is driven by the schema, not by the kind of document: the document's numbered
headings (一、…) are matched to the schema's part titles by similarity, and each part is read
by its kind (``data``, ``sections``, ``points``). So the 函 shape (基本数据 / 主要工作 / 存在不足)
and the annual-report shape (主要举措和成效 / 存在的不足和原因 / …) import the same way.

Choices made where the issue was silent:
- Web-page navigation (``>> 阳光执法 | …``, 首页 > …, 发布时间 …) before the recipient or after
  the date is set aside and reported, not imported and not written to the workbook.
- Where the workbook has one cell for what the document wrote as several paragraphs (the
  intro, a part of points, a subsection), the paragraphs are joined: the text is kept, the
  paragraph breaks are not.
- Text with no place in the workbook goes to the 未识别内容 sheet with its position and why.
  In a ``sections`` part, the text between a subsection's run-in title and its 一是 is the
  subsection's lead (its 导语 row), and a subsection without points is all lead; only a
  subsection with a title and no text at all has no place.
- A .txt (often copied from a web page) has its half-width Chinese punctuation made full-width,
  except between digits (1,234 and 9:30 stay); a .docx keeps its text exactly as written.
- The year comes from the title (2018年度), else the intro's first 2018年, else the date: an
  annual report for 2018 is dated 2019.
- A text longer than an Excel cell holds (32,767 characters) is refused, naming the paragraph
  it starts in, rather than split: it is one cell of the workbook (the intro, a point's body),
  and splitting it over two rows would make two points of one, or change the document. The
  user splits or shortens the paragraph and imports again. Nothing is written then.
- A file's kind comes from its bytes (``source.read_source``), not its suffix: a .docx named
  .txt is read as Word, a Word file named .txt is not read as text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from reportgen.core.errors import OutputError, SourceError
from reportgen.core.files import refuse_existing
from reportgen.core.i18n import _
from reportgen.core.model import Indicator, Part, Point, Report, Section
from reportgen.gbt9704.numbering import chinese_number
from reportgen.schema.load import builtin_template_names, load_schema
from reportgen.schema.spec import DEFAULT_TEMPLATE, PartSpec, Schema
from reportgen.schema.titles import default_title, fill_title
from reportgen.validation.fields import parse_date
from reportgen.workbook.layout import UNRECOGNISED_HEADERS, UNRECOGNISED_SHEET
from reportgen.workbook.write import ExtraSheet, Marks, write_workbook
from reportgen.yearly.source import Line, read_source

_NUMERAL = "[一二三四五六七八九十]+"
_PART = re.compile(rf"^({_NUMERAL})\s*[、．.]\s*(.*)$")
_SECTION = re.compile(rf"^[（(]\s*({_NUMERAL})\s*[）)]\s*(.*)$")
_POINT = re.compile(rf"(?:^|(?<=[。；：！？;:!?]))({_NUMERAL})是")
_STOP = re.compile(r"[。！？]")
_CLOSING = re.compile(r"^(特此\S{2,4}|请\S{2,8}|此复)[。！]?$")
_DOC_NUMBER = re.compile(r"^\S{1,12}[〔\[［(（]\d{4}[〕\]］)）]第?\d+号$")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_PLACEHOLDER = re.compile(r"\{\w+\}")
_ISSUER_IN_TITLE = re.compile(r"^(.{2,30}?)关于")
_NAVIGATION = re.compile(
    r"^(>>|»|＞＞|首页|当前位置|您的位置|您现在的位置|发布时间|发布日期|信息来源|来源[:：]|"
    r"浏览次数|点击数|阅读次数|字号|字体|【|\[|打印|关闭|分享|扫一扫|上一篇|下一篇|相关链接)"
)
_HALF_TO_FULL = {";": "；", "(": "（", ")": "）", "?": "？", "!": "！", ",": "，", ":": "："}
# , and : between two digits are a thousands separator or a time (1,234 and 9:30): kept.
_HALF_WIDTH = re.compile(r"[;()?!]|(?<![0-9])[,:]|[,:](?![0-9])")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "O": 0}
_CN_DATE = re.compile(
    r"^([〇○零O一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$"
)
_FIGURE = re.compile(
    r"^(?P<name>[^\d，。；：、（）！？]+?)(?P<current>\d+(?:\.\d+)?)"
    r"(?P<unit>[^\d，。；：、（）！？]{0,3})(?:（上年(?P<previous>\d+(?:\.\d+)?)(?P=unit)）)?$"
)
MATCH_THRESHOLD = (
    0.6  # below this a heading is not taken for a part (存在的不足和原因 ~ 存在不足: 0.67)
)
MAX_TITLE_LINES = 3
MAX_HEADING = 60  # a numbered line longer than this is an enumerated sentence, not a heading
# Excel holds at most this many characters in a cell; openpyxl would cut the rest silently.
CELL_LIMIT = 32_767


@dataclass(frozen=True)
class Leftover:
    """Text the import could not place (未识别内容): the line it was on, the text, and why."""

    line: Line
    text: str
    reason: str

    @property
    def place(self) -> str:
        """Where it was: 第12行 or 第12段."""
        return self.line.place


@dataclass(frozen=True)
class ImportResult:
    """A document read into a report, with what it lacked and what had no place."""

    report: Report
    missing: frozenset[str]  # header fields the document did not state: left empty
    leftovers: tuple[Leftover, ...]
    set_aside: tuple[Line, ...]  # web-page navigation, not imported
    matched_parts: int = 0  # numbered parts of the document placed (under a part or a heading)
    # Headings taken for a part of the template whose title reads otherwise: each heading's
    # line and the part's title. The workbook shows the template's title, not the document's.
    renamed: tuple[tuple[Line, str], ...] = ()
    # Whether every numbered part was placed, in the document's order, under a heading that
    # reads as written: then the workbook rebuilds to the document's headings.
    faithful: bool = True
    fixed_parts: int = 0  # numbered parts matched to a part of the template with a fixed title
    year_fits: bool = True  # the year found is within the template's 年度 range (or unknown)

    @property
    def counts(self) -> tuple[int, int]:
        """(sections, points) imported, for the summary line."""
        sections = sum(len(p.sections) for p in self.report.parts)
        points = sum(
            len(p.points) + sum(len(s.points) for s in p.sections) for p in self.report.parts
        )
        return sections, points


# ---------------------------------------------------------------- the command


def import_document(
    source: Path, target: Path, template: str | Path | None = None, force: bool = False
) -> tuple[ImportResult, Schema]:
    """Read ``source`` (.txt/.docx) and write a filled workbook at ``target``; never overwrite
    without ``force``. With no template, the shipped one that places the most text is used."""
    document = read_source(source)
    if target.resolve() == source.resolve():
        raise OutputError(
            _("{file} is the document being imported; choose another name for the workbook."),
            file=str(target),
        )
    refuse_existing(target, force)
    lines = [_plain(line) for line in document.lines] if document.plain_text else document.lines
    schemas = [load_schema(template)] if template else _shipped_schemas()
    result, schema = best_fit(lines, schemas)
    _refuse_overlong(result, schema, lines, source)
    extra = None
    if result.leftovers:
        rows = tuple((x.place, x.text, x.reason) for x in result.leftovers)
        extra = ExtraSheet(name=UNRECOGNISED_SHEET, headers=UNRECOGNISED_HEADERS, rows=rows)
    write_workbook(target, schema, result.report, marks=Marks(blank=result.missing), extra=extra)
    return result, schema


def _refuse_overlong(
    result: ImportResult, schema: Schema, lines: Sequence[Line], source: Path
) -> None:
    """Stop before writing when a text would not fit in its cell, naming where it starts."""
    for sheet, text in _cell_texts(result, schema):
        if len(text) > CELL_LIMIT:
            start = text[:40]
            line = next((line for line in lines if start in line.text), None)
            raise SourceError(
                _(
                    "{file}, {place}: this text is {length} characters long, more than an "
                    "Excel cell holds ({limit}); it would go to the {sheet} sheet. Shorten it "
                    "in the document, or make part of it a point of its own, and import again."
                ),
                file=str(source),
                place=line.place if line else "?",
                length=len(text),
                limit=CELL_LIMIT,
                sheet=sheet,
            )


def _cell_texts(result: ImportResult, schema: Schema) -> Iterator[tuple[str, str]]:
    """Every text the workbook will hold in one cell, with the sheet it goes to."""
    report = result.report
    for spec in schema.fields:
        value = getattr(report, spec.key, None)
        if isinstance(value, str):
            yield schema.info_sheet, value
    sheets = {spec.key: spec.sheet for spec in schema.parts}
    for part in report.parts:
        sheet = sheets.get(part.key, part.title)
        yield sheet, part.lead
        for section in part.sections:
            yield sheet, section.title
            yield sheet, section.text
            for point in section.points:
                yield from ((sheet, point.title), (sheet, point.body))
        for point in part.points:
            yield from ((sheet, point.title), (sheet, point.body))
    for leftover in result.leftovers:
        yield UNRECOGNISED_SHEET, leftover.text


def _shipped_schemas() -> list[Schema]:
    """The shipped templates, the default first so that it wins a tie."""
    names = sorted(builtin_template_names(), key=lambda n: n != DEFAULT_TEMPLATE)
    return [load_schema(name) for name in names]


def best_fit(lines: Sequence[Line], schemas: Sequence[Schema]) -> tuple[ImportResult, Schema]:
    """The reading of ``lines`` under the schema that recognises most parts and leaves least out."""
    best: tuple[ImportResult, Schema] | None = None
    for schema in schemas:
        result = read_lines(lines, schema)
        if best is None or _fit(result) > _fit(best[0]):
            best = (result, schema)
    assert best is not None, "at least one schema"
    return best


def _fit(result: ImportResult) -> tuple[bool, bool, int, int, int]:
    """Better first: a kind that takes the document's year; every heading kept as written and
    in order (a fixed kind whose parts are the document's, else a free-headings kind); then
    parts recognised, then text placed."""
    placed = (result.fixed_parts, result.matched_parts, -len(result.leftovers))
    return (result.year_fits, result.faithful, *placed)


# ---------------------------------------------------------------- text helpers


def full_width(text: str) -> str:
    """Half-width Chinese punctuation (, : ; ( ) ? !) as the full-width forms a document uses."""
    return _HALF_WIDTH.sub(lambda m: _HALF_TO_FULL[m.group(0)], text.strip())


def _plain(line: Line) -> Line:
    return dataclasses.replace(line, text=full_width(line.text))


def _stop_split(text: str) -> tuple[str, str]:
    """``标题。正文`` → (标题, 正文); a ！ or ？ ending the title stays with it."""
    match = _STOP.search(text)
    if match is None:
        return text, ""
    title = text[: match.start()] if match.group(0) == "。" else text[: match.end()]
    return title, text[match.end() :]


def split_points(text: str) -> tuple[str, tuple[Point, ...]]:
    """``lead一是标题。正文二是……`` → the lead and its points, numbered in sequence.

    Only 一是, 二是 … in order and at a sentence boundary start a point, so words such as
    统一是 inside a body do not.
    """
    starts, expected = [], 1
    for match in _POINT.finditer(text):
        if match.group(1) == chinese_number(expected):
            starts.append(match)
            expected += 1
    if not starts:
        return text, ()
    ends = [m.start() for m in starts[1:]] + [len(text)]
    points = tuple(
        Point(*_stop_split(text[m.end() : end])) for m, end in zip(starts, ends, strict=True)
    )
    return text[: starts[0].start()], points


def _date(text: str) -> dt.date | None:
    """A date line in Arabic (2018年11月30日, 2018-11-30) or Chinese numerals (二〇一八年…)."""
    compact = re.sub(r"\s+", "", text)
    match = _CN_DATE.match(compact)
    if match is None:
        return parse_date(compact)
    year = int("".join(str(_CN_DIGITS[c]) for c in match.group(1)))
    try:
        return dt.date(year, _cn_value(match.group(2)), _cn_value(match.group(3)))
    except ValueError:
        return None


def _cn_value(text: str) -> int:
    """一 → 1, 十 → 10, 十一 → 11, 三十 → 30, 二十三 → 23 (month and day numbers)."""
    tens, _ten, ones = text.partition("十")
    if not _ten:
        return _CN_DIGITS[text]
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _is_navigation(text: str) -> bool:
    """A web page's navigation or metadata line (breadcrumbs, 发布时间, 【打印】 …)."""
    return bool(_NAVIGATION.match(text)) or text.count("|") + text.count("｜") >= 2


# ---------------------------------------------------------------- reading lines


@dataclass
class _Reading:
    """What has been read so far."""

    fields: dict[str, str] = field(default_factory=dict)
    title_lines: list[Line] = field(default_factory=list)
    intro: list[str] = field(default_factory=list)
    leftovers: list[Leftover] = field(default_factory=list)
    set_aside: list[Line] = field(default_factory=list)
    letterhead: list[Line] = field(default_factory=list)  # 发文机关标志 (build --letterhead)
    date: dt.date | None = None

    def leave(self, line: Line, reason: str, text: str | None = None) -> None:
        """Keep ``line`` (or part of it) for the 未识别内容 sheet."""
        self.leftovers.append(Leftover(line, line.text if text is None else text, reason))


@dataclass(frozen=True)
class _Block:
    """One numbered part of the document: its heading line, title and the lines under it."""

    heading: Line
    title: str
    lines: tuple[Line, ...]


def read_lines(lines: Sequence[Line], schema: Schema) -> ImportResult:
    """A report from a document's lines, read against ``schema``."""
    reading = _Reading()
    body_end = _read_tail(list(lines), reading)
    blocks, first = _blocks(lines[:body_end], schema)
    _read_head(lines[:first], reading)
    assigned = _assign(blocks, _fixed(schema.parts))
    free = _free_blocks(blocks, assigned, schema.parts)
    parts = tuple(p for spec in schema.parts for p in _spec_parts(spec, assigned, free, reading))
    placed = [b for b in blocks if b in assigned.values() or any(b in f for f in free.values())]
    for block in blocks:
        if block not in placed:
            _leave_block(block, reading)
    report, missing = _report(reading, schema, parts)
    renamed = tuple(
        (line, _filled(title, report)) for line, title in _renamed(assigned, schema.parts)
    )
    return ImportResult(
        report=report,
        missing=missing,
        leftovers=tuple(sorted(reading.leftovers, key=lambda x: x.line.position)),
        set_aside=tuple(sorted(reading.set_aside, key=lambda line: line.position)),
        matched_parts=len(placed),
        renamed=renamed,
        faithful=len(placed) == len(blocks) and not renamed and _in_order(blocks, assigned, schema),
        fixed_parts=len(assigned),
        year_fits=_year_fits(report.year, schema),
    )


def _year_fits(year: int, schema: Schema) -> bool:
    """Whether the template's 年度 takes ``year`` (0: not found, which any template takes)."""
    spec = schema.field("year")
    low, high = spec.minimum, spec.maximum
    return not year or ((low is None or year >= low) and (high is None or year <= high))


def _fixed(specs: Sequence[PartSpec]) -> tuple[PartSpec, ...]:
    """The parts whose titles the schema fixes (all but free-headings parts)."""
    return tuple(spec for spec in specs if spec.kind != "headings")


def _spec_parts(
    spec: PartSpec,
    assigned: dict[str, _Block],
    free: dict[str, list[_Block]],
    reading: _Reading,
) -> tuple[Part, ...]:
    """The part (or, for a free-headings part, the parts) of ``spec`` read from the blocks."""
    if spec.kind != "headings":
        return (_read_part(spec, assigned.get(spec.key), reading),)
    return tuple(_read_heading(spec, block, reading) for block in free.get(spec.key, ()))


def _free_blocks(
    blocks: list[_Block], assigned: dict[str, _Block], specs: Sequence[PartSpec]
) -> dict[str, list[_Block]]:
    """The blocks no fixed part took, each under the free-headings part between the fixed
    parts of the blocks around it; a block with no such part in its place is not taken."""
    index = {spec.key: i for i, spec in enumerate(specs)}
    where = {id(block): index[key] for key, block in assigned.items()}
    free: dict[str, list[_Block]] = {}
    before = -1
    for n, block in enumerate(blocks):
        if id(block) in where:
            before = where[id(block)]
            continue
        if not block.lines:  # a heading with nothing under it: left, said so
            continue
        after = next((where[id(b)] for b in blocks[n + 1 :] if id(b) in where), len(specs))
        spec = next(
            (s for i, s in enumerate(specs) if before < i < after and s.kind == "headings"), None
        )
        if spec is not None:
            free.setdefault(spec.key, []).append(block)
    return free


def _renamed(
    assigned: dict[str, _Block], specs: Sequence[PartSpec]
) -> tuple[tuple[Line, str], ...]:
    """The headings taken for a part whose title reads otherwise (years and 上一/下一 aside)."""
    titles = {spec.key: spec.title for spec in specs}
    found = [
        (block.heading, titles[key])
        for key, block in assigned.items()
        if _title_key(_PLACEHOLDER.sub("", titles[key])) != _title_key(block.title)
    ]
    return tuple(sorted(found, key=lambda pair: pair[0].position))


def _filled(pattern: str, report: Report) -> str:
    """A part title as the built document shows it (2024年度…), or the pattern if it cannot be."""
    values = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)}
    try:
        return fill_title(pattern, values) if report.year else pattern
    except (KeyError, IndexError, ValueError):
        return pattern


def _in_order(blocks: list[_Block], assigned: dict[str, _Block], schema: Schema) -> bool:
    """Whether the parts matched come in the document in the schema's order."""
    order = [blocks.index(assigned[spec.key]) for spec in schema.parts if spec.key in assigned]
    return order == sorted(order)


def _read_tail(lines: list[Line], reading: _Reading) -> int:
    """Closing phrase, issuer and date, read from the end; returns where the body ends."""
    end = len(lines)
    while end and _is_navigation(lines[end - 1].text):
        end -= 1
    reading.set_aside.extend(lines[end:])
    date_at = next((i for i in range(end - 1, max(end - 5, -1), -1) if _date(lines[i].text)), None)
    if date_at is not None:
        reading.date = _date(lines[date_at].text)
        for line in lines[date_at + 1 : end]:
            reading.leave(line, "在成文日期之后")
        end = date_at
    closing_at = next(
        (i for i in range(end - 1, max(end - 5, -1), -1) if _CLOSING.match(lines[i].text)), None
    )
    issuer_at = _issuer_at(lines, closing_at, date_at is not None, end)
    if issuer_at >= 0:
        reading.fields["issuer"] = lines[issuer_at].text
    if closing_at is None:
        return issuer_at if issuer_at >= 0 else end
    reading.fields["closing"] = lines[closing_at].text
    for i in range(closing_at + 1, end):
        if i != issuer_at:
            reading.leave(lines[i], "在结束语之后")
    return closing_at


def _issuer_at(lines: list[Line], closing_at: int | None, dated: bool, end: int) -> int:
    """Where the issuer signs: right above the date, or with no date right under the closing
    phrase; -1 if that line does not look like a name."""
    floor = closing_at + 1 if closing_at is not None else 0
    at = end - 1 if dated else floor if closing_at is not None else -1
    return at if floor <= at < end and _is_issuer(lines[at].text) else -1


def _is_issuer(text: str) -> bool:
    return len(text) <= 40 and not _STOP.search(text) and not _CLOSING.match(text)


def _read_head(lines: Sequence[Line], reading: _Reading) -> None:
    """Title, 发文字号, recipient and intro: everything before the first part heading."""
    for line in lines:
        text, started = line.text, bool(reading.intro or "recipient" in reading.fields)
        if not started and _is_navigation(text):
            reading.set_aside.append(line)
        elif _DOC_NUMBER.match(text) and not reading.intro:
            reading.fields["doc_number"] = text
            # Above the 发文字号 is the letterhead's 发文机关标志, not the title (build
            # --letterhead makes it again from the issuer).
            reading.letterhead.extend(reading.title_lines)
            reading.title_lines = []
        elif not started and text.endswith(("：", ":")) and not _STOP.search(text):
            reading.fields["recipient"] = text.rstrip("：:")
        elif not started and not _STOP.search(text) and len(text) <= MAX_HEADING:
            reading.title_lines.append(line)
        else:
            reading.intro.append(text)
    if _letterhead_first(reading.title_lines):
        reading.letterhead.append(reading.title_lines.pop(0))
    for line in reading.title_lines[:-MAX_TITLE_LINES]:
        reading.leave(line, "在标题之前")
    reading.title_lines = reading.title_lines[-MAX_TITLE_LINES:]


def _letterhead_first(lines: list[Line]) -> bool:
    """Whether the first of the title lines is a letterhead's name: the title after it begins
    with the same words (杭州市公安局 / 杭州市公安局关于…), as a 信函格式 letter without
    发文字号 reads."""
    if len(lines) < 2:
        return False
    first, rest = lines[0].text, "".join(line.text for line in lines[1:])
    return len(first) >= 2 and rest.startswith(first) and rest != first


def _blocks(lines: Sequence[Line], schema: Schema) -> tuple[list[_Block], int]:
    """The numbered parts (一、 二、 … in sequence, or a line naming a part) and where they start."""
    starts: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        title = _heading_title(line.text, len(starts) + 1, schema)
        if title is not None:
            starts.append((i, title))
    if not starts:
        return [], len(lines)
    ends = [i for i, _t in starts[1:]] + [len(lines)]
    blocks = [
        _Block(lines[i], title, tuple(lines[i + 1 : end]))
        for (i, title), end in zip(starts, ends, strict=True)
    ]
    return blocks, starts[0][0]


def _heading_title(text: str, expected: int, schema: Schema) -> str | None:
    """The title if ``text`` is part heading number ``expected`` (or names a part), else None."""
    match = _PART.match(text)
    if match and match.group(1) == chinese_number(expected):
        title, _rest = _stop_split(match.group(2))
        return title.rstrip("：:") if len(title) <= MAX_HEADING and not _rest else None
    # Word's automatic numbering keeps 一、 out of the text: a short line naming a part will do.
    short = len(text) <= MAX_HEADING and not _STOP.search(text) and not _SECTION.match(text)
    if short and any(similarity(text, spec.title) >= 0.85 for spec in _fixed(schema.parts)):
        return text
    return None


def similarity(a: str, b: str) -> float:
    """How alike two titles are, 0‥1, ignoring years, digits and punctuation.

    A short title whose words nearly all appear, in order, in a longer heading counts as alike
    (第一责任人职责 ~ 党政主要负责人履行推进法治建设第一责任人职责，加强…的有关情况).
    """
    x, y = _title_key(a), _title_key(b)
    if not x or not y:
        return 0.0
    if x == y:
        return 1.0
    matcher = SequenceMatcher(None, x, y, autojunk=False)
    shorter = min(len(x), len(y))
    matched = sum(block.size for block in matcher.get_matching_blocks())
    covered = 0.9 * matched / shorter if shorter >= 4 else 0.0
    return max(matcher.ratio(), covered)


def _title_key(text: str) -> str:
    return re.sub(r"[\d\s年度、，。：；（）()]|上一|下一|本", "", text)


def _assign(blocks: list[_Block], specs: Sequence[PartSpec]) -> dict[str, _Block]:
    """Each part's block: the most alike pairs first, each used once, above the threshold.

    Words that several of the parts' titles share (推进法治政府建设的主要 in …主要举措和成效 and
    …主要安排) tell none of them apart, so they are set aside before comparing: otherwise a
    heading such as 统筹推进法治政府建设 would be taken for …主要安排 on those words alone.
    """
    shared = _shared_words([s.title for s in specs])
    pairs = sorted(
        (
            (_distinct_similarity(b.title, s.title, shared), n, s.key)
            for n, b in enumerate(blocks)
            for s in specs
        ),
        reverse=True,
    )
    assigned: dict[str, _Block] = {}
    used: set[int] = set()
    for score, n, key in pairs:
        if score >= MATCH_THRESHOLD and n not in used and key not in assigned:
            assigned[key] = blocks[n]
            used.add(n)
    return assigned


SHARED_RUN = 4  # characters in a row that two part titles must share to be set aside


def _shared_words(titles: Sequence[str]) -> tuple[str, ...]:
    """The runs of characters (at least ``SHARED_RUN``) that two of ``titles`` have in common,
    longest first."""
    keys = [_title_key(_PLACEHOLDER.sub("", title)) for title in titles]
    found = set()
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
            found |= {a[m.a : m.a + m.size] for m in blocks if m.size >= SHARED_RUN}
    return tuple(sorted(found, key=len, reverse=True))


def _distinct_similarity(heading: str, title: str, shared: tuple[str, ...]) -> float:
    """``similarity`` of a heading and a part title once the words the parts share are set
    aside from both; plain ``similarity`` when nothing, or nothing else, is left."""
    a, b = _title_key(heading), _title_key(_PLACEHOLDER.sub("", title))
    for words in shared:
        a, b = _without(a, words), _without(b, words)
    return similarity(a, b) if a and b else similarity(heading, title)


def _without(text: str, words: str) -> str:
    """``text`` with every run of at least ``SHARED_RUN`` characters it shares with ``words``
    taken out (统筹推进法治政府建设 without 推进法治政府建设的主要 is 统筹)."""
    blocks = SequenceMatcher(None, text, words, autojunk=False).get_matching_blocks()
    keep, start = [], 0
    for m in blocks:
        if m.size >= SHARED_RUN:
            keep.append(text[start : m.a])
            start = m.a + m.size
    return "".join(keep) + text[start:]


def _read_heading(spec: PartSpec, block: _Block, reading: _Reading) -> Part:
    """One free heading as written: （一） sections (the text before them is the heading's
    lead), or a lead and 一是 points."""
    first = next((i for i, line in enumerate(block.lines) if _first_section(line.text)), None)
    if first is None:
        lead, points = split_points("".join(line.text for line in block.lines))
        return Part(key=spec.key, title=block.title, lead=lead, points=points)
    inner = _Block(block.heading, block.title, block.lines[first:])
    found = (_section("sections", sub, reading) for sub in _subsections(inner, reading))
    sections = tuple(section for section in found if section is not None)
    lead = "".join(line.text for line in block.lines[:first])
    return Part(key=spec.key, title=block.title, lead=lead, sections=sections)


def _first_section(text: str) -> bool:
    """Whether ``text`` starts subsection （一）."""
    match = _SECTION.match(text)
    return match is not None and match.group(1) == chinese_number(1)


def _leave_block(block: _Block, reading: _Reading) -> None:
    reason = f"标题“{block.heading.text}”不对应模板的任何部分"
    if not block.lines:
        reason = f"标题“{block.heading.text}”下没有文字"
    for line in (block.heading, *block.lines):
        reading.leave(line, reason)


# ---------------------------------------------------------------- parts


def _read_part(spec: PartSpec, block: _Block | None, reading: _Reading) -> Part:
    """One part of the schema from its block, read by the part's kind."""
    if block is None:
        return Part(key=spec.key, title=spec.title)
    if spec.kind == "points":
        lead, points = split_points("".join(line.text for line in block.lines))
        return Part(key=spec.key, title=spec.title, lead=lead, points=points)
    found = (_section(spec.kind, sub, reading) for sub in _subsections(block, reading))
    sections = tuple(section for section in found if section is not None)
    return Part(key=spec.key, title=spec.title, sections=sections)


@dataclass
class _Subsection:
    """One （一） subsection as found: its first line, title, text and every line it spans."""

    line: Line
    title: str
    text: list[str]
    raw: list[str]


def _subsections(block: _Block, reading: _Reading) -> list[_Subsection]:
    """（一）…（二）… in sequence, each with the lines that follow it."""
    found: list[_Subsection] = []
    for line in block.lines:
        match = _SECTION.match(line.text)
        if match and match.group(1) == chinese_number(len(found) + 1):
            title, rest = _stop_split(match.group(2))
            found.append(_Subsection(line, title, [rest], [line.text]))
        elif found:
            found[-1].text.append(line.text)
            found[-1].raw.append(line.text)
        else:
            reading.leave(line, f"“{block.title}”中（一）之前的文字：这一部分没有放导语的地方")
    return found


def _section(kind: str, found: _Subsection, reading: _Reading) -> Section | None:
    """A subsection of a ``data`` part (text and figures) or a ``sections`` part (the text
    before its 一是 as its lead, then the points; text and no points is all lead)."""
    text = "".join(found.text)
    if kind == "data":
        words, indicators = split_figures(text)
        return Section(title=found.title, text=words, indicators=indicators)
    lead, points = split_points(text)
    if not lead and not points:
        reading.leave(found.line, "这一小节只有标题，没有文字", "".join(found.raw))
        return None
    return Section(title=found.title, text=lead, points=points)


def split_figures(text: str) -> tuple[str, tuple[Indicator, ...]]:
    """``说明。受理行政案件1234件（上年1100件）；结案率98.5%。`` → the words and the figures.

    The figure sentence is the form reportgen writes for indicator rows, so a built letter
    imports back to the same rows; text that is not wholly in that form stays text.
    """
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch in "。！？："]
    for start in starts:
        tail = text[start:]
        if not tail.endswith("。"):
            continue
        matches = [_FIGURE.match(item) for item in tail[:-1].split("；")]
        if all(matches):
            return text[:start], tuple(_indicator(m) for m in matches if m)
    return text, ()


def _indicator(match: re.Match[str]) -> Indicator:
    previous = match.group("previous")
    return Indicator(
        name=match.group("name"),
        current=_number(match.group("current")),
        previous=_number(previous) if previous is not None else None,
        unit=match.group("unit"),
    )


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


# ---------------------------------------------------------------- the report


def _report(
    reading: _Reading, schema: Schema, parts: tuple[Part, ...]
) -> tuple[Report, frozenset[str]]:
    """The report and the header fields the document did not state (left empty)."""
    fields = reading.fields
    title = "".join(line.text for line in reading.title_lines)
    issuer = fields.get("issuer") or _issuer_from_title(title)
    intro = "".join(reading.intro)
    year = _year(title, intro, reading.date)
    found = {
        "issuer": issuer,
        "recipient": fields.get("recipient"),
        "intro": intro,
        "signature_date": reading.date,
        "year": year,
    }
    report = Report(
        template=schema.name,
        issuer=issuer,
        recipient=fields.get("recipient", ""),
        year=year or 0,
        title=title,
        # A placeholder the workbook never shows: the date is in ``missing`` and left empty.
        signature_date=reading.date or dt.date(year or 2000, 1, 1),
        intro=intro,
        closing=fields.get("closing", schema.field("closing").default),
        doc_number=fields.get("doc_number", ""),
        parts=parts,
    )
    if not title:
        report = dataclasses.replace(report, title=default_title(schema, report))
    return report, frozenset(key for key, value in found.items() if not value)


def _issuer_from_title(title: str) -> str:
    match = _ISSUER_IN_TITLE.match(title)
    return match.group(1) if match else ""


def _year(title: str, intro: str, date: dt.date | None) -> int | None:
    """The report's year: stated in the title, else in the intro, else the date's year."""
    for text in (title, intro):
        match = _YEAR.search(text)
        if match:
            return int(match.group(1))
    return date.year if date else None
