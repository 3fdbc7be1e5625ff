"""Comparing two versions of a report (比对): what changed, in the report's own terms.

Header fields changed; sections and points added, removed or moved; changed text with the
changed characters marked; changed figures with old and new values. Sections and points are
matched by how alike their titles and texts are, not by position, so a point moved or renamed
is still recognised. Both workbooks must validate (warnings allowed): a workbook with errors
is not yet a report.

Places are given in the document's own numbering: the new version's for what is there now,
the old version's for what was removed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import TypeVar

from reportgen.core.errors import Severity, WorkbookError
from reportgen.core.i18n import _
from reportgen.core.model import Indicator, Part, Point, Report, Section
from reportgen.gbt9704.numbering import chinese_number
from reportgen.gbt9704.signature import format_date
from reportgen.rendering.context import sentence
from reportgen.schema.spec import Schema
from reportgen.validation.run import schema_for, validate_data
from reportgen.workbook.read import read_workbook

ADDED, REMOVED, MOVED, CHANGED = "added", "removed", "moved", "changed"
KINDS = (ADDED, REMOVED, MOVED, CHANGED)
MATCH_THRESHOLD = 0.45  # below this two sections or points are different ones
# Above this product of two texts' lengths, their common start and end are set apart before
# they are compared character by character (``char_diff``).
DIFF_CELLS = 4_000_000
FIGURE_COLUMNS = (("current", "本年"), ("previous", "上年"), ("unit", "单位"))
T = TypeVar("T")
Loose = tuple[str, int, Point]  # an unmatched point: its section's place, its index, itself
LEAD_PLACE = " · 导语"  # after a section's place: its lead (the 导语 row of a sections sheet)


@dataclass(frozen=True)
class Piece:
    """A run of characters in a text comparison: ``equal``, ``delete`` or ``insert``."""

    op: str
    text: str


@dataclass(frozen=True)
class Change:
    """One difference: what kind, in which part, where, and the old and new text."""

    kind: str  # added, removed, moved, changed
    part: str  # the sheet it concerns: 基本信息 or a part title
    # where in the document: 成文日期, （二）健全保障强决策 · 三是加强公职律师管理, … · 导语
    place: str
    old: str = ""
    new: str = ""
    old_place: str = ""  # for a move: where it was

    @property
    def pieces(self) -> tuple[Piece, ...]:
        """The characters kept, deleted and inserted from old to new."""
        return char_diff(self.old, self.new)


@dataclass(frozen=True)
class ReportDiff:
    """Every change from one version to the next, in document order."""

    old: Path
    new: Path
    changes: tuple[Change, ...]

    @property
    def equal(self) -> bool:
        """True when the two workbooks give the same report."""
        return not self.changes

    def count(self, kind: str) -> int:
        """How many changes are of ``kind``."""
        return sum(1 for c in self.changes if c.kind == kind)


# ---------------------------------------------------------------- entry point


def diff_workbooks(old: Path, new: Path, template: str | None = None) -> ReportDiff:
    """Compare two workbooks' reports; a workbook that cannot be read or has errors is refused."""
    old_report, schema = _report(old, template)
    new_report, _schema = _report(new, template)
    return ReportDiff(old, new, tuple(compare(old_report, new_report, schema)))


def _report(path: Path, template: str | None) -> tuple[Report, Schema]:
    """The report a workbook gives, and its schema; a WorkbookError if it has errors."""
    data = read_workbook(path)
    schema = schema_for(data, template)
    result = validate_data(data, schema)
    if result.report is None:
        errors = sum(1 for f in result.findings if f.severity is Severity.ERROR)
        raise WorkbookError(
            _(
                "{file} has {count} error(s), so it is not yet a report. Run: reportgen validate {file}"
            ),
            file=str(path),
            count=errors,
        )
    return result.report, schema


def compare(old: Report, new: Report, schema: Schema) -> list[Change]:
    """The changes from ``old`` to ``new``: header fields first, then each part in order."""
    changes = _field_changes(old, new, schema)
    kinds = {spec.key: spec.kind for spec in schema.parts}
    for before, part in _paired_parts(old.parts, new.parts, kinds):
        if before is None and part is not None:
            changes.append(Change(ADDED, part.title, part.title, new=_part_text(part)))
        elif part is None and before is not None:
            changes.append(Change(REMOVED, before.title, before.title, old=_part_text(before)))
        elif part is not None and before is not None:
            changes.extend(_part_changes(before, part, kinds.get(part.key, "")))
    return changes


def _paired_parts(
    old: Sequence[Part], new: Sequence[Part], kinds: Mapping[str, str]
) -> list[tuple[Part | None, Part | None]]:
    """Old and new parts paired, in the new order, then the old ones left: a part of fixed
    title by its key, a free heading (kind headings: several parts share the key) by how
    alike its title and text are."""
    pairs: list[tuple[Part | None, Part | None]] = []
    left = list(old)
    for key in dict.fromkeys(p.key for p in new):
        before = [p for p in left if p.key == key]
        after = [p for p in new if p.key == key]
        if kinds.get(key) != "headings":  # one part of the key each side: paired, however changed
            before, after = before[:1], after[:1]
            matched = {0: 0} if before and after else {}
        else:
            matched = {j: i for i, j in match(before, after, _heading_texts)}
        pairs.extend((before[matched[j]] if j in matched else None, p) for j, p in enumerate(after))
        taken = {id(before[i]) for i in matched.values()}
        left = [p for p in left if id(p) not in taken]
    return pairs + [(p, None) for p in left]


def _heading_texts(part: Part) -> Weighted:
    """A part is compared by its heading and by all it says."""
    return ((0.5, part.title), (0.5, _part_text(part)))


# ---------------------------------------------------------------- text


def char_diff(old: str, new: str) -> tuple[Piece, ...]:
    """Character runs kept, deleted and inserted (Chinese has no spaces to split words on).

    Two long texts (past ``DIFF_CELLS``) are first trimmed of what they begin and end with
    alike, and a middle still too long is shown as deleted and inserted whole: the character
    comparison takes time in the product of the lengths (two cells of 30,000 characters, the
    same one repeated, would take minutes).
    """
    if len(old) * len(new) <= DIFF_CELLS:
        return tuple(_char_pieces(old, new))
    start = len(os.path.commonprefix([old, new]))
    end = len(os.path.commonprefix([old[start:][::-1], new[start:][::-1]]))
    middle_old, middle_new = old[start : len(old) - end], new[start : len(new) - end]
    pieces = [Piece("equal", old[:start])] if start else []
    if len(middle_old) * len(middle_new) <= DIFF_CELLS:
        pieces.extend(_char_pieces(middle_old, middle_new))
    else:
        pieces.extend(
            Piece(op, text) for op, text in (("delete", middle_old), ("insert", middle_new)) if text
        )
    if end:
        pieces.append(Piece("equal", old[len(old) - end :]))
    return tuple(pieces)


def _char_pieces(old: str, new: str) -> list[Piece]:
    """``char_diff`` by difflib, for texts short enough."""
    pieces = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("equal", old[i1:i2]))
            continue
        if i2 > i1:
            pieces.append(Piece("delete", old[i1:i2]))
        if j2 > j1:
            pieces.append(Piece("insert", new[j1:j2]))
    return pieces


def likeness(a: str, b: str) -> float:
    """How alike two texts are, 0‥1: shared character pairs (fast on long paragraphs)."""
    return _likeness(a, _pairs(a), b, _pairs(b))


def _likeness(a: str, x: Set[str], b: str, y: Set[str]) -> float:
    """``likeness`` of ``a`` and ``b`` from their character pairs ``x`` and ``y``."""
    if a == b:
        return 1.0
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


# ---------------------------------------------------------------- header fields


def _field_changes(old: Report, new: Report, schema: Schema) -> list[Change]:
    """Each header field (基本信息) whose shown value differs."""
    changes = []
    for spec in schema.fields:
        before, after = _shown(_field(old, spec.key)), _shown(_field(new, spec.key))
        changes.extend(_text_change(schema.info_sheet, spec.label, before, after))
    return changes


def _field(report: Report, key: str) -> object:
    """A field's value: a Report attribute, or one the template adds (Report.extra)."""
    return report.extra[key] if key in report.extra else getattr(report, key, None)


def _text_change(part: str, place: str, old: str, new: str) -> list[Change]:
    """A text that appeared, disappeared or changed; nothing if it is the same."""
    if old == new:
        return []
    kind = ADDED if not old else REMOVED if not new else CHANGED
    return [Change(kind, part, place, old, new)]


def _shown(value: object) -> str:
    """A field as the document shows it: dates as 2018年11月30日."""
    if isinstance(value, dt.date):
        return format_date(value)
    return "" if value is None else str(value)


# ---------------------------------------------------------------- parts


def _part_changes(old: Part, new: Part, kind: str) -> list[Change]:
    """Title (of a free heading), lead, sections and bare points of one part of ``kind``."""
    changes = _text_change(new.title, "标题", old.title, new.title) if kind == "headings" else []
    changes += _text_change(new.title, "导语", old.lead, new.lead)
    # A section's text is its 导语 row in a sections part (and under a free heading), so it
    # is named as such there; in 基本数据 it is the subsection's whole text.
    lead = LEAD_PLACE if kind in ("sections", "headings") else ""
    changes.extend(_section_changes(new.title, old.sections, new.sections, lead))
    found, left_old, left_new = _points_in(new.title, "", "", old.points, new.points)
    return changes + found + _cross_moves(new.title, left_old, left_new)


def _section_changes(
    part: str, old: Sequence[Section], new: Sequence[Section], lead: str = ""
) -> list[Change]:
    """Sections matched by title and content; then the points of each matched pair; a
    change of a section's text is placed at the section followed by ``lead``."""
    pairs = match(old, new, _section_texts)
    partner = {j: i for i, j in pairs}
    moved = {j for _i, j in _moved(pairs)}
    changes: list[Change] = []
    loose_old: list[Loose] = []
    loose_new: list[Loose] = []
    for j, section in enumerate(new):
        place = _section_place(j, section)
        if j not in partner:
            changes.append(Change(ADDED, part, place, new=_section_text(section)))
            continue
        i = partner[j]
        if j in moved:
            changes.append(Change(MOVED, part, place, old_place=_section_place(i, old[i])))
        found = _one_section(part, (i, old[i]), (j, section), lead, loose_old, loose_new)
        changes.extend(found)
    for i, section in enumerate(old):
        if i not in partner.values():
            place = _section_place(i, section)
            changes.append(Change(REMOVED, part, place, old=_section_text(section)))
    return changes + _cross_moves(part, loose_old, loose_new)


def _one_section(
    part: str,
    before: tuple[int, Section],
    after: tuple[int, Section],
    lead: str,
    loose_old: list[Loose],
    loose_new: list[Loose],
) -> list[Change]:
    """Title, text (the lead), figures and points of a matched pair of sections."""
    (i, old), (j, new) = before, after
    place = _section_place(j, new)
    changes = _text_change(part, place, sentence(old.title), sentence(new.title))
    changes.extend(_text_change(part, place + lead, old.text, new.text))
    changes.extend(_figure_changes(part, place, old.indicators, new.indicators))
    found, left_old, left_new = _points_in(
        part, _section_place(i, old), place, old.points, new.points
    )
    loose_old.extend(left_old)
    loose_new.extend(left_new)
    return changes + found


def _points_in(
    part: str, old_place: str, new_place: str, old: Sequence[Point], new: Sequence[Point]
) -> tuple[list[Change], list[Loose], list[Loose]]:
    """Points of one section (or part) matched: moves and text changes, and those left over."""
    pairs = match(old, new, _point_texts)
    moved = set(_moved(pairs))
    changes: list[Change] = []
    for a, b in sorted(pairs, key=lambda pair: pair[1]):
        if (a, b) in moved:
            where, was = _point_place(new_place, b, new[b]), _point_place(old_place, a, old[a])
            changes.append(Change(MOVED, part, where, old_place=was))
        changes.extend(_point_text_change(part, new_place, b, old[a], new[b]))
    done_old, done_new = {a for a, _b in pairs}, {b for _a, b in pairs}
    left_old = [(old_place, a, p) for a, p in enumerate(old) if a not in done_old]
    left_new = [(new_place, b, p) for b, p in enumerate(new) if b not in done_new]
    return changes, left_old, left_new


def _cross_moves(part: str, loose_old: list[Loose], loose_new: list[Loose]) -> list[Change]:
    """Points that left one section for another are moves; the rest were added or removed."""
    pairs = match([p for *_x, p in loose_old], [p for *_x, p in loose_new], _point_texts)
    changes = []
    for a, b in pairs:
        (from_section, n, before), (to_section, m, after) = loose_old[a], loose_new[b]
        changes.append(
            Change(
                MOVED,
                part,
                _point_place(to_section, m, after),
                old_place=_point_place(from_section, n, before),
            )
        )
        changes.extend(_point_text_change(part, to_section, m, before, after))
    done_old, done_new = {a for a, _b in pairs}, {b for _a, b in pairs}
    for b, (section, m, point) in enumerate(loose_new):
        if b not in done_new:
            place = _point_place(section, m, point)
            changes.append(Change(ADDED, part, place, new=_point_text(m, point)))
    for a, (section, n, point) in enumerate(loose_old):
        if a not in done_old:
            place = _point_place(section, n, point)
            changes.append(Change(REMOVED, part, place, old=_point_text(n, point)))
    return changes


def _point_text_change(part: str, section: str, m: int, old: Point, new: Point) -> list[Change]:
    """A changed point as its whole sentence (一是标题。正文), numbered as it is now, so that
    only its words are compared and title and body read together."""
    if old == new:
        return []
    place = _point_place(section, m, new)
    return [Change(CHANGED, part, place, _point_text(m, old), _point_text(m, new))]


# ---------------------------------------------------------------- figures


def _figure_changes(
    part: str, place: str, old: Sequence[Indicator], new: Sequence[Indicator]
) -> list[Change]:
    """Indicators matched by name: figures changed (old → new), indicators added or removed."""
    before = {i.name: i for i in old}
    changes = []
    for indicator in new:
        previous = before.pop(indicator.name, None)
        where = f"{place} · {indicator.name}"
        if previous is None:
            changes.append(Change(ADDED, part, where, new=_figure_text(indicator)))
            continue
        for attr, label in FIGURE_COLUMNS:
            a, b = _figure(getattr(previous, attr)), _figure(getattr(indicator, attr))
            changes.extend(_text_change(part, f"{where} {label}", a, b))
    for indicator in before.values():
        where = f"{place} · {indicator.name}"
        changes.append(Change(REMOVED, part, where, old=_figure_text(indicator)))
    return changes


def _figure(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _figure_text(indicator: Indicator) -> str:
    text = f"{indicator.name} 本年 {_figure(indicator.current)}{indicator.unit}"
    if indicator.previous is not None:
        text += f"，上年 {_figure(indicator.previous)}{indicator.unit}"
    return text


# ---------------------------------------------------------------- matching


def match(
    old: Sequence[T], new: Sequence[T], texts: Callable[[T], Weighted]
) -> list[tuple[int, int]]:
    """Pairs (old index, new index): the most alike first, each used once, above the threshold.

    ``texts`` gives what an item is compared by: texts and their weights. Each item's character
    pairs are found once. Up to ``EXHAUSTIVE_PAIRS`` every pair is scored; beyond (two parts of
    1,980 points each), only likely pairs are (``_likely_pairs``), so that the work grows with
    the number of items, not with its square.
    """
    a = [_shingled(texts(item)) for item in old]
    b = [_shingled(texts(item)) for item in new]
    if len(a) * len(b) <= EXHAUSTIVE_PAIRS:
        candidates: Iterable[tuple[int, int]] = (
            (i, j) for i in range(len(a)) for j in range(len(b))
        )
    else:
        candidates = _likely_pairs(a, b)
    scores = sorted(
        ((_score(a[i], b[j]), i, j) for i, j in candidates),
        key=lambda s: (-s[0], abs(s[1] - s[2]), s[1]),
    )
    pairs, used_old, used_new = [], set(), set()
    for score, i, j in scores:
        if score >= MATCH_THRESHOLD and i not in used_old and j not in used_new:
            pairs.append((i, j))
            used_old.add(i)
            used_new.add(j)
    return sorted(pairs)


Weighted = tuple[tuple[float, str], ...]  # texts an item is compared by, with their weights
Shingled = tuple[tuple[float, str, frozenset[str]], ...]  # the same with their character pairs
# Past this many pairs (a section holds at most 99 points: 99 × 99 is well below), not every
# pair of items is scored, only the likely ones.
EXHAUSTIVE_PAIRS = 40_000
# For an item of a large set: how many of its rarest character pairs are looked up, how many
# items a pair may be in and still count as rare, and how many candidates are scored.
LOOKUPS, RARE, CANDIDATES = 32, 50, 24


def _shingled(texts: Weighted) -> Shingled:
    return tuple((weight, text, frozenset(_pairs(text))) for weight, text in texts)


def _score(a: Shingled, b: Shingled) -> float:
    """How alike two items are: the weighted likeness of their texts; 0 as soon as the
    texts left cannot bring it to the threshold (the long body of two points whose titles
    differ is then not compared: the pair could never be matched)."""
    total, left = 0.0, sum(weight for weight, _t, _p in a)
    for (weight, x, x_pairs), (_weight, y, y_pairs) in zip(a, b, strict=True):
        left -= weight
        total += weight * _likeness(x, x_pairs, y, y_pairs)
        if total + left < MATCH_THRESHOLD - 1e-9:
            return 0.0
    return total


def _likely_pairs(old: list[Shingled], new: list[Shingled]) -> Iterator[tuple[int, int]]:
    """The pairs worth scoring in large sets: items with the same texts, and for each new item
    the old ones sharing most of its rarest character pairs (an edited point keeps most of
    them; unrelated points share only common ones such as 加强 or 工作)."""
    same: dict[tuple[str, ...], list[int]] = {}
    index: dict[str, list[int]] = {}
    for i, item in enumerate(old):
        same.setdefault(tuple(text for _w, text, _p in item), []).append(i)
        for pair in set().union(*(pairs for _w, _t, pairs in item)):
            index.setdefault(pair, []).append(i)
    for j, item in enumerate(new):
        twins = same.get(tuple(text for _w, text, _p in item), [])
        yield from ((i, j) for i in sorted(twins, key=lambda i: abs(i - j))[:CANDIDATES])
        pairs = set().union(*(pairs for _w, _t, pairs in item))
        rare = sorted(
            (p for p in pairs if 0 < len(index.get(p, ())) <= RARE), key=lambda p: len(index[p])
        )
        shared: dict[int, int] = {}
        for pair in rare[:LOOKUPS]:
            for i in index[pair]:
                shared[i] = shared.get(i, 0) + 1
        best = sorted(shared, key=lambda i: (-shared[i], abs(i - j)))[:CANDIDATES]
        yield from ((i, j) for i in best if i not in twins)


def _moved(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Matched pairs out of order: those outside the longest run kept in the same order."""
    keep = set(_longest_increasing([j for _i, j in pairs]))
    return [(i, j) for i, j in pairs if j not in keep]


def _longest_increasing(values: list[int]) -> list[int]:
    """The longest strictly increasing subsequence of ``values`` (n² is fine for sections)."""
    best: list[list[int]] = []
    for k, value in enumerate(values):
        runs = [best[m] for m in range(k) if values[m] < value]
        best.append(max(runs, key=len, default=[]) + [value])
    return max(best, key=len, default=[])


def _section_texts(section: Section) -> Weighted:
    """A section is compared by its title, and by all it says."""
    return ((0.6, section.title), (0.4, _section_text(section)))


def _point_texts(point: Point) -> Weighted:
    """A point is compared by its title and its body."""
    return ((0.6, point.title), (0.4, point.body))


# ---------------------------------------------------------------- places and texts


def _section_place(index: int, section: Section) -> str:
    return f"（{chinese_number(index + 1)}）{section.title}"


def _point_place(section: str, index: int, point: Point) -> str:
    here = f"{chinese_number(index + 1)}是{point.title}"
    return f"{section} · {here}" if section else here


def _point_text(index: int, point: Point) -> str:
    return f"{chinese_number(index + 1)}是{sentence(point.title)}{point.body}"


def _section_text(section: Section) -> str:
    figures = "；".join(_figure_text(i) for i in section.indicators)
    points = "".join(_point_text(n, p) for n, p in enumerate(section.points))
    return sentence(section.title) + section.text + figures + points


def _part_text(part: Part) -> str:
    return (
        part.lead
        + "".join(_section_text(s) for s in part.sections)
        + "".join(_point_text(n, p) for n, p in enumerate(part.points))
    )
