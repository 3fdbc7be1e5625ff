"""The report as typed data (报告模型): what the workbook says, with no numbering or layout.

The workbook reader produces these objects; the context stage turns them into what the Word
template shows. Numbering (一、 （一） 一是) is not stored: it follows from order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Indicator:
    """One figure of 基本数据: 指标, 本年, 上年, 单位."""

    name: str
    current: float | int
    previous: float | int | None
    unit: str


@dataclass(frozen=True)
class Point:
    """One 一是/二是 point (要点): a run-in title and its body."""

    title: str
    body: str


@dataclass(frozen=True)
class Section:
    """One （一） subsection: its title and its text, indicators or points.

    In a 基本数据-style part the text is the subsection's words (before any figures); in a
    主要工作-style part it is the lead typed on the section's 导语 row, before its points.
    """

    title: str
    text: str = ""
    indicators: tuple[Indicator, ...] = ()
    points: tuple[Point, ...] = ()


@dataclass(frozen=True)
class Part:
    """One numbered part of the body (一、基本数据): a lead, subsections or bare points."""

    key: str
    title: str
    lead: str = ""
    sections: tuple[Section, ...] = ()
    points: tuple[Point, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Whether the part has nothing to show (an optional part left blank)."""
        return not (self.lead or self.sections or self.points)


@dataclass(frozen=True)
class Report:
    """A whole letter: header fields, body parts and the signature block."""

    template: str
    issuer: str  # 发文机关
    recipient: str  # 主送机关
    year: int  # 年度
    title: str  # 标题
    signature_date: dt.date  # 成文日期
    intro: str  # 开头
    closing: str  # 结束语
    doc_number: str = ""  # 发文字号
    classification: str = ""  # 密级, for the archive's metadata
    retention: str = ""  # 保管期限, for the archive's metadata
    parts: tuple[Part, ...] = field(default=())
    # Fields a template declares beyond the ones above (e.g. 联系人), by key, as parsed.
    extra: dict[str, str | int | dt.date] = field(default_factory=dict)
