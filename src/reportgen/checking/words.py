"""Word rules: numbering brackets and doubled numbers, the recipient colon, 发文字号 brackets,
the closing phrase."""

from __future__ import annotations

import itertools
import re

from reportgen.checking.document import Checker
from reportgen.checking.parts import HALF_BRACKETS, CheckedParagraph
from reportgen.core.errors import Severity
from reportgen.core.i18n import _
from reportgen.gbt9704.grid import may_break
from reportgen.gbt9704.typed import doubled_number
from reportgen.schema.spec import Schema

USUAL_CLOSINGS = (
    "特此函告。",
    "特此函复。",
    "特此函达。",
    "请予函复。",
    "此复。",
    "特此报告。",
    "特此说明。",
    "以上报告，请审阅。",
)
_SHOWN = 6  # characters of each title line shown in a title-break finding
# Words of official titles that a line break must not split (公文标题常用词). A closed list:
# check has no Chinese dictionary, so a break between characters it does not know is accepted.
_TITLE_WORD_LIST = """关于 年度 法治 政府 建设 工作 情况 报告 通知 意见 决定 请示 批复 通报 公告 通告 纪要
    函告 复函 加强 推进 深入 全面 进一步 实施 落实 贯彻 开展 组织 管理 监督 检查 考核 评估
    规划 计划 方案 办法 规定 制度 机制 体系 改革 发展 服务 安全 生产 环境 保护 依法 行政
    执法 司法 公安 人民 委员会 办公室 领导 小组 部门 单位 机关 有关 事项 问题 申请 同意
    印发 转发 调整 设立 成立 召开 会议 举办 公布 表彰 先进 集体 经济 社会 城市 农村 教育
    卫生 文化 财政 预算 资金 项目 主要 负责人 履行 第一 责任 职责 党政 党委 市委 省委
    人民政府 公安局 司法局 政府办公室 记录 公示 审核 指导 决策 规范 文件 公开 信息 法规
    条例 标准 质量 市场 资源 全过程"""
TITLE_WORDS = tuple(_TITLE_WORD_LIST.split())
# Where a heading's or a point's number stands: the paragraph's start and after 。：；
# (（一）加强领导。一是…；二是…, 存在一些薄弱环节：一是…).
_NUMBER_PLACES = re.compile("(?:^|[。：；])[ \u3000]*")
_NUMBERED = ("一级标题", "二级标题", "正文")
_DOC_NUMBER_BRACKETS = re.compile(r"[\[［【(（]\d{4}[\]］】)）]\s*第?\d+号")


def check_words(checker: Checker, parts: list[CheckedParagraph]) -> None:
    """Title lines broken between words, recipient colon, full-width numbering brackets,
    发文字号 brackets, the closing and the 附注's brackets."""
    _check_title_breaks(checker, parts)
    for previous, part in zip([None, *parts], parts, strict=False):
        text = part.text.strip()
        if part.role == "主送机关":
            _check_recipient_colon(checker, part, text)
        elif part.role == "附注":
            _check_note(checker, part, text, previous)
        _check_brackets(checker, part, text)
        if part.role in _NUMBERED:
            _check_doubled_number(checker, part, text)
        _check_doc_numbers(checker, part, text)
        if part.role == "结束语":
            _check_closing(checker, part, text)


def _check_recipient_colon(checker: Checker, part: CheckedParagraph, text: str) -> None:
    """The recipient line ends with a full-width colon “：”."""
    if not text.endswith("："):
        checker.add(
            "recipient-colon",
            _("The recipient line does not end with a full-width colon “：”."),
            _("End the recipient line with “：”."),
            part.place,
        )


def _check_brackets(checker: Checker, part: CheckedParagraph, text: str) -> None:
    """Level-2 and level-4 numbers in full-width brackets: （一）, （1）."""
    match = HALF_BRACKETS.match(text)
    if match:
        checker.add(
            "bracket",
            _("The numbering {number} uses half-width brackets."),
            _("Write level-2 numbers with full-width brackets: （一）, level-4 （1）."),
            part.place,
            number=match.group(0),
        )


def _check_doubled_number(checker: Checker, part: CheckedParagraph, text: str) -> None:
    """No number followed by another (一、一、, （一）1、, 一是一是, 一是1.): a number typed
    with a title that reportgen or the numbering had already numbered. One finding a
    paragraph, at its first doubled number."""
    for place in _NUMBER_PLACES.finditer(text):
        numbers = doubled_number(text, place.end())
        if numbers:
            checker.add(
                "doubled-number",
                _("The numbering is doubled: “{numbers}”."),
                _("Delete the second number, keeping “{first}”."),
                part.place,
                numbers="".join(numbers).strip(),
                first=numbers[0].strip(),
            )
            return


def _check_doc_numbers(checker: Checker, part: CheckedParagraph, text: str) -> None:
    """Every 发文字号 in the text written like 杭公函〔2018〕12号."""
    for match in _DOC_NUMBER_BRACKETS.finditer(text):
        if not re.search(r"〔\d{4}〕\d+号", match.group(0)) or "第" in match.group(0):
            checker.add(
                "doc-number",
                _("{number} is not in the standard form of a 发文字号."),
                _("Write it like 杭公函〔2018〕12号: 〔〕, full year, no 第, no leading zero."),
                part.place,
                number=match.group(0),
            )


def _closings(schema: Schema) -> tuple[str, ...]:
    """The closing phrases accepted: the template's default and the usual ones."""
    keys = {f.key for f in schema.fields}
    default = schema.field("closing").default if "closing" in keys else ""
    return tuple(c for c in dict.fromkeys([default, *USUAL_CLOSINGS]) if c)


def _check_closing(checker: Checker, part: CheckedParagraph, text: str) -> None:
    """The last body paragraph should be a closing phrase such as 特此函告。."""
    accepted = _closings(checker.schema)
    if text not in accepted:
        checker.add(
            "closing",
            _("The body does not end with a closing phrase such as {closing}."),
            _("End the body with one of: {closings}."),
            part.place,
            Severity.WARNING,
            closing=checker.schema.field("closing").default or "特此函告。",
            closings=" ".join(sorted(accepted)),
        )


def _check_note(
    checker: Checker, part: CheckedParagraph, text: str, previous: CheckedParagraph | None
) -> None:
    """A 附注 on the line under the date (§7.3.6), in full-width round brackets:
    （联系人：张三，电话：0571-12345678）."""
    if previous is not None and part.number != previous.number + 1:
        checker.add(
            "note",
            _("The note (附注) is not on the line right under the date."),
            _("Remove the empty lines between the date and the note."),
            part.place,
        )
    if not (text.startswith("（") and text.endswith("）")):
        checker.add(
            "note",
            _("The note (附注) under the date is not in full-width round brackets （…）."),
            _("Write it like （联系人：张三，电话：0571-12345678）, with full-width brackets."),
            part.place,
        )


def _check_title_breaks(checker: Checker, parts: list[CheckedParagraph]) -> None:
    """Every line break of the title falls between words (see ``title_break_fault``); the
    issuer's name (署名) counts as a word too."""
    issuer = next((p.text.strip() for p in parts if p.role == "署名"), "")
    words = (*TITLE_WORDS, issuer) if len(issuer) > 1 else TITLE_WORDS
    lines = [
        (part, line.strip())
        for part in parts
        if part.role == "标题"
        for line in part.text.split("\n")
        if line.strip()
    ]
    for (part, before), (_next, after) in itertools.pairwise(lines):
        cut = title_break_fault(before, after, words)
        if cut:
            checker.add(
                "title-break",
                _("The title breaks its line inside “{word}”: “{before}” / “{after}”."),
                _(
                    "Break the title between words (after 关于, 的, 和 or a name), never "
                    "inside a word or a number."
                ),
                part.place,
                word=cut,
                before=before[-_SHOWN:],
                after=after[:_SHOWN],
            )


def title_break_fault(before: str, after: str, words: tuple[str, ...]) -> str:
    """What a title line break between lines ``before`` and ``after`` cuts, or "" when it
    falls between words. A break is a fault when it splits a number or a Latin word (201 /
    8), when the next line starts with a mark that may not start a line (，。、） …) or the
    line ends with one that may not end it (（《“ …), or when it splits one of ``words``
    (关于 / 年度 / 建设 …, a closed list: a break elsewhere is taken as between words, since
    check has no dictionary of Chinese)."""
    if not before or not after:
        return ""
    if not may_break(before[-1], after[0]):
        return before[-1] + after[0]
    for word in words:
        for k in range(1, len(word)):
            if before.endswith(word[:k]) and after.startswith(word[k:]):
                return word
    return ""
