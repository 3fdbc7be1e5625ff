"""Showing a comparison: terminal text (colour only on a terminal), JSON, the HTML redline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest

from reportgen.core.errors import OutputError
from reportgen.yearly.diff import ADDED, CHANGED, MOVED, REMOVED, Change, ReportDiff
from reportgen.yearly.diffview import diff_html, diff_json, diff_text, summary, write_html

LONG_OLD = "甲" * 40 + "今年召开会议3次" + "乙" * 40
LONG_NEW = "甲" * 40 + "今年召开会议5次" + "乙" * 40
CHANGES = (
    Change(CHANGED, "基本信息", "年度", "2018", "2019"),
    Change(CHANGED, "主要工作", "（一）加强领导 · 一是强化组织", LONG_OLD, LONG_NEW),
    Change(ADDED, "主要工作", "（二）<新>&节", new="一是建设平台。<b>汇聚</b>数据&信息。"),
    Change(MOVED, "主要工作", "（三）甲 · 二是乙", old_place="（三）甲 · 三是乙"),
    Change(REMOVED, "存在不足", "一是不足", old="一是不足。正文。"),
)
DIFF = ReportDiff(Path("2018.xlsx"), Path("2019.xlsx"), CHANGES)


def test_text_marks_changes_and_cuts_long_paragraphs() -> None:
    text = click.unstyle(diff_text(DIFF, "zh"))
    assert text.splitlines() == [
        "[基本信息]",
        "  ~ 修改 年度: 2018 → 2019",
        "[主要工作]",
        "  ~ 修改 （一）加强领导 · 一是强化组织: …甲甲甲甲甲甲今年召开会议[-3-]{+5+}次乙乙乙乙乙乙乙乙乙乙乙…",
        "  + 新增 （二）<新>&节: 一是建设平台。<b>汇聚</b>数据&信息。",
        "  ↕ 移动 （三）甲 · 二是乙: 原在 （三）甲 · 三是乙",
        "[存在不足]",
        "  - 删除 一是不足: 一是不足。正文。",
        "共 5 处变化：新增 1，删除 1，移动 1，修改 2",
    ]


def test_colour_is_in_the_text_and_left_to_click_to_drop() -> None:
    assert "\x1b[" in diff_text(DIFF, "en")


def test_equal_reports_say_so() -> None:
    same = ReportDiff(Path("a.xlsx"), Path("b.xlsx"), ())
    assert summary(same, "en") == "No differences: a.xlsx and b.xlsx give the same report."


def test_json_has_counts_and_marks() -> None:
    data = json.loads(diff_json(DIFF, "en"))
    assert data["equal"] is False
    assert data["counts"] == {"added": 1, "removed": 1, "moved": 1, "changed": 2}
    year = data["changes"][0]
    assert year["marks"] == [
        {"op": "equal", "text": "201"},
        {"op": "delete", "text": "8"},
        {"op": "insert", "text": "9"},
    ]
    assert data["changes"][3]["old_place"] == "（三）甲 · 三是乙"


def test_html_is_escaped_self_contained_and_marks_characters() -> None:
    page = diff_html(DIFF, "zh")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert "&lt;b&gt;汇聚&lt;/b&gt;数据&amp;信息" in page
    assert "（二）&lt;新&gt;&amp;节" in page
    assert "<b>" not in page
    assert not re.search(r"<script|<link|src=|href=|url\(|@import", page)
    assert "今年召开会议<del>3</del><ins>5</ins>次" in page
    assert "<del>2018</del> → <ins>2019</ins>" in page
    assert page.count("<article") == len(CHANGES)


def test_html_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "out" / "diff.html"
    write_html(DIFF, target, "en")
    assert target.read_text(encoding="utf-8") == diff_html(DIFF, "en")
    assert [p.name for p in target.parent.iterdir()] == ["diff.html"]


def test_html_never_overwrites_a_compared_workbook(tmp_path: Path) -> None:
    old, new = tmp_path / "2018.xlsx", tmp_path / "2019.xlsx"
    for path in (old, new):
        path.write_bytes(b"PK workbook")
    diff = ReportDiff(old, new, CHANGES)
    for target in (old, tmp_path / "." / "2019.xlsx"):
        with pytest.raises(OutputError) as caught:
            write_html(diff, target, "en")
        assert caught.value.text("en") == (
            f"{target} is one of the workbooks being compared; give the page another name, "
            "such as changes.html."
        )
    assert old.read_bytes() == new.read_bytes() == b"PK workbook"


@pytest.mark.parametrize("name", ["page.txt", "report.docx", "page"])
def test_html_page_must_end_in_html(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    with pytest.raises(OutputError) as caught:
        write_html(DIFF, target, "en")
    assert caught.value.text("en") == (
        f"{target}: the page must end in .html (or .htm), so that a browser opens it."
    )
    assert not target.exists()
    write_html(DIFF, tmp_path / "page.HTM", "en")
