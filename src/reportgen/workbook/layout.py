"""The workbook's sheet layouts (表格布局): the columns of each kind of part sheet.

The schema says which parts a document has and of which kind; this module says what a sheet of
that kind looks like. The workbook writer and the reader both take the columns from here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from reportgen.schema.spec import PartKind

INSTRUCTIONS_SHEET = "说明"
INFO_HEADERS = ("项目", "内容", "填写说明")
LEAD_MARKER = "导语"


ColumnType = Literal["order", "text", "number"]  # a whole number, text, a figure


@dataclass(frozen=True)
class Column:
    """One column of a part sheet: its header, the model key it fills, how it is typed."""

    header: str
    key: str
    type: ColumnType
    width: int
    comment: str


ORDER: ColumnType = "order"
TEXT: ColumnType = "text"
NUMBER: ColumnType = "number"

_SECTION_NO = Column(
    "节序",
    "section_no",
    ORDER,
    7,
    "第几节：填 1、2、3……，同一节的各行填同一个数。编号（一）（二）由程序生成，不要手写。",
)
_SECTION_TITLE = Column(
    "节标题",
    "section_title",
    TEXT,
    22,
    "本节标题，如“加强领导抓规划”，不写编号和句号。只需在本节第一行填写。",
)
_POINT_NO = Column(
    "要点序",
    "point_no",
    ORDER,
    7,
    "本节内第几个要点：填 1、2、3……。“一是、二是”由程序生成，不要手写。"
    f"填“{LEAD_MARKER}”的一行是导语：排在各要点之前的文字，写在要点内容里，要点标题不填。",
)
_POINT_TITLE = Column(
    "要点标题", "point_title", TEXT, 24, "要点的小标题，如“强化组织领导”，不写“一是”和句号。"
)
# 状态 (review status): empty or 已定稿 for text written this year; 待修改 where the row was
# carried over from last year's workbook and still needs rewriting. Last column of every kind.
STATUS = Column(
    "状态",
    "status",
    TEXT,
    10,
    "审核状态：留空或填“已定稿”。由上年工作簿生成的行标为“待修改”，改写后删去或改为“已定稿”。",
)
STATUS_VALUES = ("待修改", "已定稿")
PENDING = STATUS_VALUES[0]

# What an import could not place (reportgen import): kept in its own sheet so nothing is lost.
# Validation ignores the sheet's rows but warns while it exists, since they are not in the document.
UNRECOGNISED_SHEET = "未识别内容"
UNRECOGNISED_HEADERS = ("位置", "内容", "说明")

_POINT_BODY = Column("要点内容", "point_body", TEXT, 90, "要点的正文，一段话。可以从 Word 粘贴。")

KIND_COLUMNS: dict[PartKind, tuple[Column, ...]] = {
    "data": (
        Column(
            "小节序",
            "section_no",
            ORDER,
            7,
            "第几个小节：填 1、2、3……。同一小节的多个指标行填同一个数。",
        ),
        Column(
            "小节标题",
            "section_title",
            TEXT,
            24,
            "小节标题，如“办理行政案件情况”，不写编号和句号。只需在本小节第一行填写。",
        ),
        Column(
            "内容",
            "text",
            TEXT,
            60,
            "本小节的文字说明；不公开时填“（略）”。也可以不填文字，改填右边的指标。",
        ),
        Column("指标", "indicator", TEXT, 24, "指标名称，如“受理行政案件”。"),
        Column("本年", "current", NUMBER, 10, "本年数值，只填数字。"),
        Column("上年", "previous", NUMBER, 10, "上年数值，只填数字；没有可不填。"),
        Column("单位", "unit", TEXT, 8, "计量单位，如“件”“人”“%”。"),
        STATUS,
    ),
    "sections": (_SECTION_NO, _SECTION_TITLE, _POINT_NO, _POINT_TITLE, _POINT_BODY, STATUS),
    "points": (_POINT_NO, _POINT_TITLE, _POINT_BODY, STATUS),
    "headings": (
        Column(
            "标题序",
            "heading_no",
            ORDER,
            7,
            "第几个一级标题：填 1、2、3……，同一标题下的各行填同一个数。"
            "编号“一、二、”由程序生成，并与本公文其他部分连续编号。",
        ),
        Column(
            "标题",
            "heading_title",
            TEXT,
            30,
            "一级标题的文字，如“坚持党的领导，压实法治建设责任”，不写“一、”。"
            "只需在本标题第一行填写。",
        ),
        dataclasses.replace(
            _SECTION_NO,
            comment="本标题下第几节：填 1、2、3……，编号（一）（二）由程序生成。"
            "标题下不分节、直接写“一是、二是”时不填。",
        ),
        _SECTION_TITLE,
        dataclasses.replace(
            _POINT_NO,
            comment="第几个要点：填 1、2、3……，“一是、二是”由程序生成。"
            f"填“{LEAD_MARKER}”的一行是导语：节序不填时是整个标题下的导语，"
            "填了节序时是这一节的导语；文字写在要点内容里。",
        ),
        _POINT_TITLE,
        _POINT_BODY,
        STATUS,
    ),
}


def columns_for(kind: PartKind) -> tuple[Column, ...]:
    """The columns of a part sheet of ``kind``."""
    return KIND_COLUMNS[kind]


def headers_for(kind: PartKind) -> tuple[str, ...]:
    """The header row of a part sheet of ``kind``, in order."""
    return tuple(c.header for c in KIND_COLUMNS[kind])
