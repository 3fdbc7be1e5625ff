"""Reading an existing report's text back into the model (导入): the 函 shape, line by line.

A published letter is one paragraph a line: recipient (ends in a colon), intro, 一、 parts,
（一） subsections with run-in titles and 一是/二是 points, closing phrase, issuer, date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reportgen.model import Part, Point, Report, Section
from reportgen.schema import Schema
from reportgen.validate import parse_date

_HALF_TO_FULL = str.maketrans(
    {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}
)
_PART = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
_SECTION = re.compile(r"^（([一二三四五六七八九十]+)）([^。]+)。(.*)$")
_POINT = re.compile(r"([一二三四五六七八九十]+)是")
_CLOSINGS = ("特此函告。", "特此函复。", "请予函复。", "此复。", "特此报告。")


def full_width(text: str) -> str:
    """Half-width Chinese punctuation (, : ; ( ) ? !) as the full-width forms a document uses."""
    return text.strip().translate(_HALF_TO_FULL)


def split_points(text: str) -> tuple[str, tuple[Point, ...]]:
    """``lead一是标题。正文二是……`` → the lead and its points, numbered in sequence.

    Only 一是, 二是 … in order start a point, so words such as 统一是 inside a body do not.
    """
    lead, points, expected, cursor = "", [], 1, 0
    starts = []
    for match in _POINT.finditer(text):
        if match.group(1) == _cn(expected):
            starts.append(match)
            expected += 1
    if not starts:
        return text, ()
    lead = text[: starts[0].start()]
    for index, match in enumerate(starts):
        cursor = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        chunk = text[match.end() : cursor]
        title, _stop, body = chunk.partition("。")
        points.append(Point(title=title, body=body))
    return lead, tuple(points)


def _cn(n: int) -> str:
    from reportgen.context import chinese_number

    return chinese_number(n)


@dataclass
class _Draft:
    """What has been read so far: header fields and parts."""

    fields: dict[str, str] = field(default_factory=dict)
    parts: list[tuple[str, list[str]]] = field(default_factory=list)


def parse_letter_text(text: str, schema: Schema) -> Report:
    """A Report from a letter's plain text, one paragraph per line (letter shape only)."""
    lines = [full_width(line) for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(">>")]  # website navigation
    draft = _Draft()
    body_start = next(i for i, line in enumerate(lines) if line.endswith("："))
    draft.fields["recipient"] = lines[body_start].rstrip("：")
    draft.fields["intro"] = lines[body_start + 1]
    closing_at = next(i for i, line in enumerate(lines) if line in _CLOSINGS)
    for line in lines[body_start + 2 : closing_at]:
        match = _PART.match(line)
        if match:
            draft.parts.append((match.group(2), []))
        elif draft.parts:
            draft.parts[-1][1].append(line)
    draft.fields["closing"] = lines[closing_at]
    draft.fields["issuer"], date_text = lines[closing_at + 1], lines[closing_at + 2]
    return _report(draft, schema, date_text)


def _report(draft: _Draft, schema: Schema, date_text: str) -> Report:
    date = parse_date(date_text)
    if date is None:
        raise ValueError(f"not a date: {date_text}")
    issuer = draft.fields["issuer"]
    parts = tuple(
        _part(spec.key, spec.kind, title, lines)
        for spec, (title, lines) in zip(schema.parts, draft.parts, strict=False)
    )
    return Report(
        template=schema.name,
        issuer=issuer,
        recipient=draft.fields["recipient"],
        year=date.year,
        title=schema.default_title.format(issuer=issuer, year=date.year),
        signature_date=date,
        intro=draft.fields["intro"],
        closing=draft.fields["closing"],
        parts=parts,
    )


def _part(key: str, kind: str, title: str, lines: list[str]) -> Part:
    if kind == "points":
        lead, points = split_points("".join(lines))
        return Part(key=key, title=title, lead=lead, points=points)
    sections = []
    for line in lines:
        match = _SECTION.match(line)
        if match is None:
            continue
        rest = match.group(3)
        if kind == "sections":
            _lead, points = split_points(rest)
            sections.append(Section(title=match.group(2), points=points))
        else:
            sections.append(Section(title=match.group(2), text=rest))
    return Part(key=key, title=title, sections=tuple(sections))
