"""Content checks a careful reviewer would make (内容检查): warnings, never errors.

Half-width punctuation in Chinese text, a percentage that contradicts the counts beside it,
a year that is not the report's, a title ending in the wrong mark. The text functions are
pure; ``check_texts`` runs them over the cells a validation read and proposes the mechanical
corrections (punctuation width, spaces, a number typed before a title) that ``validate --fix``
writes.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from reportgen.core.i18n import _
from reportgen.core.text import clean_text
from reportgen.gbt9704.typed import typed_number, without_typed_number
from reportgen.validation.findings import Findings, TextCell

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese context: Han characters, CJK and full-width punctuation, Chinese quotation marks.
_CJK = _HAN + "\u3000-\u303f\uff01-\uff60\u201c\u201d\u2018\u2019"
_FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}
# , : ; after Chinese and before Chinese or a digit ("截至目前,全市", "比例:98%"); not 9:30.
# Compiled when first needed (``_pattern``): a class of the CJK ranges takes milliseconds to
# compile, and most Chinese text holds none of , : ; ( ) to look at.
_SEPARATOR = rf"(?<=[{_CJK}])[ \t]*([,:;])[ \t]*(?=[{_CJK}0-9])"
_PAIR = re.compile(r"\(([^()]*)\)")
_LONE_PAREN = rf"(?<=[{_CJK}])[()]|[()](?=[{_CJK}])"
_CJK_RANGES = tuple(
    (ord(_CJK[i]), ord(_CJK[i + 2]) if i + 2 < len(_CJK) and _CJK[i + 1] == "-" else ord(_CJK[i]))
    for i in range(len(_CJK))
    if _CJK[i] != "-" and (i == 0 or _CJK[i - 1] != "-")
)
_HAN_RANGES = _CJK_RANGES[:3]

_SENTENCE = re.compile(r"[^。！？；!?;]+")
# 98%, 4.63%, 约90%, 90%以上 — with what qualifies it. A number starts after a non-digit: a
# match tried at every digit of a long run would make the search quadratic in its length.
_PERCENT = re.compile(r"(约|近|超过|不到)?(?<!\d)(\d+(?:\.\d+)?)[%％](以上|以下|左右)?")
_COUNT = re.compile(r"(?<![\d.])(\d+)余?(项|件|个|人|名|次|起|条|家|户|宗|份|所|批|期|场|辆|台)")
_SAME_UNIT = {"名": "人"}
# A sentence with more different counts of one unit than this is a table typed as prose: its
# shares are not checked for that unit (every pair of counts would be a candidate share).
_COUNTS_COMPARED = 50

# A year is four digits before 年 (2017年, 2017年度), in 〔2017〕, or in a range 2018-2019.
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年|〕)")
_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-－—–~～至到]\s*((?:19|20)\d{2})(?!\d)")
_OPENERS = ("在", "于")
_STOPS = "。！？；"
_CLOSERS = "。”’）》」』】〕"


@dataclass(frozen=True)
class Contradiction:
    """A percentage that no pair of counts in its sentence gives."""

    excerpt: str
    percent: str
    part: int
    whole: int
    actual: str


# ---------------------------------------------------------------- punctuation width


def half_width_marks(text: str) -> list[str]:
    """The half-width , : ; ( ) that stand in Chinese text, in order of appearance."""
    if not any(mark in text for mark in _FULL):
        return []
    parens = _paren_positions(text)
    # the separators are looked for after the brackets are made full-width: "(略),二是"
    widened = _widen(text, parens)
    marks = [(m.start(1), m.group(1)) for m in _pattern(_SEPARATOR).finditer(widened)]
    marks += [(i, text[i]) for i in parens]
    return [mark for _pos, mark in sorted(marks)]


def fix_punctuation(text: str) -> str:
    """``text`` with the half-width marks of :func:`half_width_marks` made full-width."""
    if not any(mark in text for mark in _FULL):
        return text
    fixed = _widen(text, _paren_positions(text))
    return _pattern(_SEPARATOR).sub(lambda m: _FULL[m.group(1)], fixed)


@functools.cache
def _pattern(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _widen(text: str, positions: set[int]) -> str:
    """``text`` with the characters at ``positions`` in their full-width forms."""
    if not positions:
        return text
    return "".join(_FULL[c] if i in positions else c for i, c in enumerate(text))


def _paren_positions(text: str) -> set[int]:
    """Positions of ( and ) in Chinese text: a pair next to or around Chinese, or a lone one."""
    positions: set[int] = set()
    for match in _PAIR.finditer(text):
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if _is_cjk(before) or _is_cjk(after) or any(_is_han(c) for c in match.group(1)):
            positions.update((match.start(), match.end() - 1))
    paired = {i for m in _PAIR.finditer(text) for i in (m.start(), m.end() - 1)}
    if "(" in text or ")" in text:
        lone = _pattern(_LONE_PAREN).finditer(text)
        positions.update(m.start() for m in lone if m.start() not in paired)
    return positions


def _is_cjk(char: str) -> bool:
    """Whether ``char`` is Chinese context (``_CJK``)."""
    return bool(char) and any(low <= ord(char) <= high for low, high in _CJK_RANGES)


def _is_han(char: str) -> bool:
    return any(low <= ord(char) <= high for low, high in _HAN_RANGES)


# ---------------------------------------------------------------- percentages


def percent_contradictions(text: str) -> list[Contradiction]:
    """Shares (占…98%) that no two counts of one unit in the same sentence give."""
    found = []
    for sentence in _SENTENCE.finditer(text):
        shares = _shares(_counts_by_unit(sentence.group(0)))
        if not shares:
            continue  # fewer than two counts of one unit: nothing to compare
        for match in _stated_shares(sentence.group(0)):
            problem = _check_share(match, shares)
            if problem is not None:
                found.append(problem)
    return found


def _stated_shares(sentence: str) -> Iterator[re.Match[str]]:
    """The percentages that state a share: 占 stands before them in their clause (the text
    since the last comma). 组卷率达100%, 增长12% are not shares of the counts beside them."""
    share, scanned = False, 0
    for match in _PERCENT.finditer(sentence):
        segment = sentence[scanned : match.start()]
        comma = max(segment.rfind("，"), segment.rfind(","))
        share = "占" in segment[comma + 1 :] if comma >= 0 else share or "占" in segment
        scanned = match.start()
        if share:
            yield match


def _counts_by_unit(sentence: str) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = {}
    for match in _COUNT.finditer(sentence):
        unit = _SAME_UNIT.get(match.group(2), match.group(2))
        counts.setdefault(unit, []).append(int(match.group(1)))
    return counts


Share = tuple[float, int, int]  # the percentage part/whole gives, part, whole


def _shares(counts: dict[str, list[int]]) -> list[Share]:
    """Every share two counts of one unit give (part ≤ whole), sorted by percentage."""
    shares: list[Share] = []
    for values in counts.values():
        times = Counter(v for v in values if v > 0)
        if len(times) > _COUNTS_COMPARED:
            continue
        shares += [
            (part / whole * 100, part, whole)
            for whole in times
            for part in times
            if part < whole or (part == whole and times[part] > 1)
        ]
    return sorted(shares)


def _check_share(match: re.Match[str], shares: list[Share]) -> Contradiction | None:
    """None if some part/whole pair of one unit gives the percentage, as rounded or qualified."""
    before, number, after = match.group(1) or "", match.group(2), match.group(3) or ""
    percent = float(number)
    decimals = len(number.partition(".")[2])
    tolerance = 0.5 * 10**-decimals + 1e-9
    if before in ("约", "近") or after == "左右":
        tolerance = max(tolerance, 1.0)
    nearest = _nearest(shares, percent)
    if after == "以上" or before == "超过":
        if shares[-1][0] >= percent - tolerance:
            return None
    elif after == "以下" or before == "不到":
        if shares[0][0] <= percent + tolerance:
            return None
    elif abs(nearest[0] - percent) <= tolerance:
        return None
    _share, part, whole = nearest
    actual = f"{part / whole * 100:.{max(decimals, 1)}f}"
    return Contradiction(match.group(0), number, part, whole, actual)


def _nearest(shares: list[Share], percent: float) -> Share:
    """The share closest to ``percent`` (the lower one of two as close)."""
    index = bisect.bisect_left(shares, (percent, -1, -1))
    around = shares[max(index - 1, 0) : index + 1]
    return min(around, key=lambda share: abs(share[0] - percent))


# ---------------------------------------------------------------- years


def stray_years(text: str, year: int, strict: bool = False, latest: int | None = None) -> list[int]:
    """Years in ``text`` that look wrong for a report on ``year``.

    ``strict`` (the title): every year but the report's. Otherwise a year after ``latest``
    (default ``year``; the year the report is signed in, or the year it plans for, are not
    yet "later"), or an earlier year that opens a sentence ("2017年，我局……", the shape of
    last year's text copied forward). An earlier year inside a sentence is a reference
    (自2010年开始, 2017年度评估) and a range that holds the report year (2018-2019) is fine.
    """
    candidates = [(m.start(1), int(m.group(1))) for m in _YEAR.finditer(text)]
    for match in _RANGE.finditer(text):
        low, high = int(match.group(1)), int(match.group(2))
        if not low <= year <= high:
            candidates += [(match.start(1), low), (match.start(2), high)]
    covered = _ranges_with(text, year)
    found = []
    for start, value in candidates:
        if value == year or any(a <= start < b for a, b in covered):
            continue
        if strict or value > (latest or year) or (value < year and _opens_sentence(text, start)):
            found.append(value)
    return sorted(set(found))


def _ranges_with(text: str, year: int) -> list[tuple[int, int]]:
    """Spans of the year ranges (2018-2019, 2017至2019) that include ``year``."""
    return [
        (m.start(), m.end())
        for m in _RANGE.finditer(text)
        if int(m.group(1)) <= year <= int(m.group(2))
    ]


def _opens_sentence(text: str, start: int) -> bool:
    """Whether only 在/于 stands between the last sentence stop and ``start``."""
    head = text[:start]
    cut = max(head.rfind(stop) for stop in _STOPS)
    lead = head[cut + 1 :].strip()
    return lead in ("", *_OPENERS)


# ---------------------------------------------------------------- titles


def title_ending(title: str) -> str:
    """The punctuation a title ends in, if it is one the document should not show before 。.

    The renderer adds 。 to a title (强化组织领导 → 一是强化组织领导。) unless it already ends
    in 。！？；：, so a title typed with or without its 。 is right; one ending in ， 、 ： ；
    ！ ？ or a half-width mark is not.
    """
    if not title or title[-1] in _CLOSERS:
        return ""
    return title[-1] if unicodedata.category(title[-1]).startswith("P") else ""


# ---------------------------------------------------------------- the checks


def check_texts(
    findings: Findings, year: int | None, max_length: int, latest: int | None = None
) -> dict[tuple[str, str], str]:
    """Run the content checks over every text cell read; the mechanical fixes by cell.
    ``latest`` is the last year the text may name (see ``stray_years``)."""
    fixes: dict[tuple[str, str], str] = {}
    for text_cell in findings.texts:
        _check_length(text_cell, findings, max_length)
        if len(text_cell.text) > max_length:
            continue  # an error already: the reviewer's checks run once it is shortened
        _check_width(text_cell, findings)
        if text_cell.role not in ("title", "field:doc_number"):
            _check_percentages(text_cell, findings)
        if year is not None and text_cell.role != "field:doc_number":
            _check_years(text_cell, findings, year, latest)
        if text_cell.role == "title":
            _check_title(text_cell, findings)
        _check_field_ending(text_cell, findings)
        fixed = fix_punctuation(_printed(text_cell.role, clean_text(text_cell.raw)[0]))
        if isinstance(text_cell.raw, str) and fixed != text_cell.raw:
            fixes[(text_cell.sheet, text_cell.cell)] = fixed
    return fixes


def _check_length(cell: TextCell, findings: Findings, limit: int) -> None:
    """Part cells longer than the schema's max_text_length are errors (fields have their own)."""
    if not cell.role.startswith("field") and len(cell.text) > limit:
        findings.error(
            "text-too-long",
            _("{label} is {length} characters long; at most {limit} are allowed."),
            _("Shorten the text."),
            sheet=cell.sheet,
            cell=cell.cell,
            label=cell.label,
            length=len(cell.text),
            limit=limit,
        )


def _printed(role: str, text: str) -> str:
    """The text as the document prints it: a title without the number typed at its start."""
    return without_typed_number(text) if role == "title" else text


def _check_width(cell: TextCell, findings: Findings) -> None:
    marks = half_width_marks(_printed(cell.role, cell.text))
    if marks:
        findings.warning(
            "half-width-punctuation",
            _("Half-width '{marks}' in Chinese text."),
            _(
                "Use the full-width forms ， ： ； （ ）. `reportgen validate WORKBOOK.xlsx --fix "
                "OUT.xlsx` writes a corrected copy."
            ),
            sheet=cell.sheet,
            cell=cell.cell,
            marks=" ".join(dict.fromkeys(marks)),
        )


def _check_percentages(cell: TextCell, findings: Findings) -> None:
    for problem in percent_contradictions(cell.text):
        findings.warning(
            "percent-mismatch",
            _(
                "'{excerpt}' does not match the counts in its sentence: {part} of {whole} is {actual}%."
            ),
            _("Check the figures in this sentence."),
            sheet=cell.sheet,
            cell=cell.cell,
            excerpt=problem.excerpt,
            part=problem.part,
            whole=problem.whole,
            actual=problem.actual,
        )


def _check_years(cell: TextCell, findings: Findings, year: int, latest: int | None) -> None:
    years = stray_years(cell.text, year, strict=cell.role == "field:title", latest=latest)
    if years:
        findings.warning(
            "year-differs",
            _("The text mentions {years}, but the report is for {year}."),
            _(
                "If the text was copied from an earlier report, update it; a year that is "
                "meant can stay."
            ),
            sheet=cell.sheet,
            cell=cell.cell,
            years="、".join(str(y) for y in years),
            year=year,
        )


def _check_title(cell: TextCell, findings: Findings) -> None:
    _check_typed_number(cell, findings)
    mark = title_ending(cell.text)
    if mark:
        findings.warning(
            "title-ending",
            _("The title ends in '{mark}'; titles end in 。 in the document."),
            _("Remove the '{mark}' at the end; 。 is added for you."),
            sheet=cell.sheet,
            cell=cell.cell,
            mark=mark,
        )
    if "。" in cell.text.rstrip("。"):
        findings.warning(
            "title-has-sentence",
            _("The title holds more than one sentence."),
            _("Keep only the title here; the text after its 。 belongs in the content column."),
            sheet=cell.sheet,
            cell=cell.cell,
        )


def _check_typed_number(cell: TextCell, findings: Findings) -> None:
    """A warning for numbering typed at the start of a title (一是, （一）, 1. …): reportgen
    numbers titles itself, so the document leaves the typed number out."""
    number = typed_number(cell.text).strip()
    if number:
        findings.warning(
            "typed-numbering",
            _(
                "The title starts with the number '{number}' typed by hand; reportgen numbers "
                "titles itself, so the document leaves '{number}' out."
            ),
            _(
                "Delete '{number}' from the start of the cell, or let `reportgen validate "
                "WORKBOOK.xlsx --fix OUT.xlsx` do it."
            ),
            sheet=cell.sheet,
            cell=cell.cell,
            number=number,
        )


# The fields whose ending the body depends on: 开头 leads into the body with its colon
# (……现将有关情况报告如下：), 结束语 is a sentence of its own (特此函告。).
_ENDINGS = {"field:intro": "：:", "field:closing": "。！"}


def _check_field_ending(cell: TextCell, findings: Findings) -> None:
    """A warning for a 开头 that does not end in its colon or a 结束语 without its 。."""
    endings = _ENDINGS.get(cell.role)
    if endings is None or cell.text.endswith(tuple(endings)):
        return
    if cell.role == "field:intro":
        findings.warning(
            "intro-no-colon",
            _("{label} does not end in '：', so it does not lead into the body."),
            _("End it as the body's lead-in does, such as 现将有关情况报告如下："),
            sheet=cell.sheet,
            cell=cell.cell,
            label=cell.label,
        )
    else:
        findings.warning(
            "closing-no-stop",
            _("{label} '{value}' does not end in 。."),
            _("Add 。 at the end, as in 特此函告。"),
            sheet=cell.sheet,
            cell=cell.cell,
            label=cell.label,
            value=cell.text,
        )
