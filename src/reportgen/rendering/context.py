"""The render context (渲染上下文): the report model turned into the words the document shows.

Numbering (一、 （一） 一是), run-in titles, the indicator sentences, the date in Arabic numerals
and the signature's right spacing are all decided here, so the Word template only places them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from reportgen.core.model import Indicator, Part, Point, Report, Section
from reportgen.core.text import display_width
from reportgen.gbt9704.grid import TITLE_CHARS, may_break
from reportgen.gbt9704.numbering import chinese_number
from reportgen.gbt9704.signature import Signature, format_date, signature
from reportgen.gbt9704.typed import without_typed_number
from reportgen.schema.spec import Schema
from reportgen.schema.titles import placeholders

_STOPS = ("。", "！", "？", "；", "：")
# Where a title may break: after these words, so that no word is cut (关于 first: the issuer
# on the first line, the matter below is how published titles break).
_TITLE_BREAKS_AFTER = ("关于", "的", "和", "与", "及", "、", "，", "年度")


# The indicator table's header (指标表表头); 上年 is left out when no row has a last-year figure.
TABLE_HEADER = ("指标", "本年", "上年", "单位")
# A 上年 cell of a row without a last-year figure, in a table whose other rows have one.
NO_FIGURE = "—"


@dataclass(frozen=True)
class IndicatorTable:
    """A subsection's indicators as a table (indicators = "table"): the header and one row of
    cells per indicator, in the header's columns, the figures worded as the sentence words them."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Paragraph:
    """One body paragraph: a run-in lead (楷体, e.g. （一）加强领导抓规划。) and its body (仿宋),
    and, for a part whose indicators are a table, that table right after it."""

    lead: str
    body: str
    table: IndicatorTable | None = None


@dataclass(frozen=True)
class PartContext:
    """One numbered part: its 黑体 heading (一、基本数据) and its paragraphs."""

    heading: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class RenderContext:
    """Everything the Word template shows, already worded and numbered."""

    title_lines: tuple[str, ...]
    doc_number: str
    recipient: str
    intro: str
    parts: tuple[PartContext, ...]
    closing: str
    signature: Signature
    # Every field of the schema by key, as the document shows it (dates in 2018年11月30日
    # form): how a template shows a field it adds, such as {{ fields.contact }}.
    fields: dict[str, str] = dataclasses.field(default_factory=dict)

    def as_template_data(self) -> dict[str, Any]:
        """Plain data for docxtpl: the only place the context becomes a dict."""
        return dataclasses.asdict(self)


def build_context(
    report: Report, *, sealed: bool = False, tables: frozenset[str] = frozenset()
) -> RenderContext:
    """The render context of ``report``; ``sealed`` lays the signature out for a seal;
    ``tables`` are the keys of the parts whose indicators are tables (Schema.indicator_tables)."""
    shown = enumerate(_shown(report.parts), start=1)
    return RenderContext(
        title_lines=title_lines(report.title),
        doc_number=report.doc_number,
        recipient=with_colon(report.recipient),
        intro=report.intro,
        parts=tuple(_part(n, p, table=p.key in tables) for n, p in shown),
        closing=report.closing,
        signature=signature(report.issuer, format_date(report.signature_date), sealed=sealed),
        fields=field_texts(report),
    )


def _shown(parts: tuple[Part, ...]) -> tuple[Part, ...]:
    """The parts with something to show: an empty optional part leaves no heading and no gap."""
    return tuple(p for p in parts if not p.is_empty)


def field_texts(report: Report) -> dict[str, str]:
    """Every field of ``report`` by key as display text: named ones first, then the extra."""
    values: dict[str, Any] = {key: getattr(report, key) for key in FIELD_CARRIERS}
    values.update(report.extra)
    return {key: _display(value) for key, value in values.items()}


def _display(value: Any) -> str:
    if isinstance(value, dt.date):
        return format_date(value)
    return "" if value is None else str(value)


# How the fields the Report names reach the document besides fields.<key>: the context
# variables that carry them. `templates lint` counts a field as shown when the template uses
# one of its carriers (or fields.<key>, or a title pattern that names it, see field_carriers).
# Fields the renderer places itself rather than the template: 发文字号 goes on the letterhead
# (build --letterhead, letterhead.py), so a template need not show it.
RENDERER_PLACED = frozenset({"doc_number"})

FIELD_CARRIERS: dict[str, tuple[str, ...]] = {
    "issuer": ("signature.issuer",),
    "recipient": ("recipient",),
    "year": (),
    "title": ("title_lines",),
    "signature_date": ("signature.date",),
    "intro": ("intro",),
    "closing": ("closing",),
    "doc_number": ("doc_number",),
}


def field_carriers(schema: Schema) -> dict[str, set[str]]:
    """For each field of ``schema``, the context paths that show it in the document.

    A field named in the default title reaches ``title_lines``; one named in a part title
    reaches ``parts``; every field is ``fields.<key>``.
    """
    carriers = {f.key: {f"fields.{f.key}", *FIELD_CARRIERS.get(f.key, ())} for f in schema.fields}
    in_title = set(placeholders(schema.default_title))
    in_parts = {name for p in schema.parts for name in placeholders(p.title)}
    if "next_year" in in_parts:
        in_parts.add("year")
    for key, paths in carriers.items():
        paths |= {"title_lines"} if key in in_title else set()
        paths |= {"parts"} if key in in_parts else set()
    return carriers


def title_lines(title: str, width: float = TITLE_CHARS) -> tuple[str, ...]:
    """The title cut into lines that fit, at word boundaries, the first cut after 关于 if it can.

    杭州市公安局关于2018年度法治政府建设工作情况的函 → 杭州市公安局关于 / 2018年度…的函:
    the issuer above, the matter below (a trapezoid), never a word cut in two.
    """
    if display_width(title) <= width:
        return (title,)
    cut = _title_cut(title, width)
    return (title[:cut], *title_lines(title[cut:], width))


def _title_cut(title: str, width: float) -> int:
    """Where to end the first line: the best-scoring place whose first line fits."""
    places = [c for c in range(1, len(title)) if may_break(title[c - 1], title[c])]
    fitting = [c for c in places if display_width(title[:c]) <= width]
    if not fitting:  # a run of Latin letters longer than a line: cut it anyway
        return max(c for c in range(1, len(title)) if display_width(title[:c]) <= width)
    return min(fitting, key=lambda c: _cut_cost(title, c, width))


def _cut_cost(title: str, cut: int, width: float) -> tuple[int, float]:
    """Lower is better: after 关于, then after a word boundary; then balanced lines."""
    head, tail = title[:cut], title[cut:]
    if head.endswith("关于") and head != "关于" and display_width(tail) <= width:
        rank = 0
    elif head.endswith(_TITLE_BREAKS_AFTER):
        rank = 1
    else:
        rank = 2
    if display_width(tail) > width:  # more lines follow: fill this one
        return rank, width - display_width(head)
    return rank, abs(display_width(head) - display_width(tail))


def with_colon(recipient: str) -> str:
    """The recipient line ending in one full-width colon."""
    return recipient.rstrip(":：") + "："


def sentence(text: str) -> str:
    """``text`` ending in a full stop (or the stop it already has)."""
    return text if text.endswith(_STOPS) else text + "。"


def _part(number: int, part: Part, *, table: bool = False) -> PartContext:
    heading = f"{chinese_number(number)}、{without_typed_number(part.title)}"
    if part.sections:
        numbered = enumerate(part.sections, start=1)
        paragraphs = tuple(_section(i, s, table=table) for i, s in numbered)
        # A free heading's lead (自定标题 sheets) is its own paragraph before （一）.
        paragraphs = ((Paragraph("", part.lead),) if part.lead else ()) + paragraphs
    else:
        paragraphs = (Paragraph("", part.lead + _points(part.points)),)
    return PartContext(heading, paragraphs)


def _section(number: int, section: Section, *, table: bool = False) -> Paragraph:
    lead = f"（{chinese_number(number)}）{sentence(without_typed_number(section.title))}"
    if table and section.indicators:
        body = section.text + _points(section.points)
        return Paragraph(lead, body, indicator_table(section.indicators))
    body = section.text + _indicators(section.indicators) + _points(section.points)
    return Paragraph(lead, body)


def indicator_table(indicators: tuple[Indicator, ...]) -> IndicatorTable:
    """The indicators as a table: 指标 | 本年 | 上年 | 单位, 上年 only when a row has one."""
    with_previous = any(ind.previous is not None for ind in indicators)
    rows = tuple(_table_row(ind, with_previous) for ind in indicators)
    header = TABLE_HEADER if with_previous else tuple(h for h in TABLE_HEADER if h != "上年")
    return IndicatorTable(header, rows)


def _table_row(ind: Indicator, with_previous: bool) -> tuple[str, ...]:
    """One indicator's cells in the table's columns."""
    if not with_previous:
        return (ind.name, _figure(ind.current), ind.unit)
    previous = NO_FIGURE if ind.previous is None else _figure(ind.previous)
    return (ind.name, _figure(ind.current), previous, ind.unit)


def _points(points: tuple[Point, ...]) -> str:
    """一是强化组织领导。贯彻落实……二是……: the points run together in one paragraph. A
    number typed before a title (一是, 1. …) is left out: validation warned about it."""
    return "".join(
        f"{chinese_number(i)}是{sentence(without_typed_number(p.title))}{p.body}"
        for i, p in enumerate(points, start=1)
    )


def _indicators(indicators: tuple[Indicator, ...]) -> str:
    """受理行政案件1234件（上年1100件）；……。 — the figures as one sentence."""
    if not indicators:
        return ""
    parts = []
    for ind in indicators:
        text = f"{ind.name}{_figure(ind.current)}{ind.unit}"
        if ind.previous is not None:
            text += f"（上年{_figure(ind.previous)}{ind.unit}）"
        parts.append(text)
    return "；".join(parts) + "。"


def _figure(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
