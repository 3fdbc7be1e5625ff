"""Comparing reports: fields, sections and points added, removed, moved and changed, figures."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from reportgen.api import validate
from reportgen.core.errors import WorkbookError
from reportgen.core.model import Indicator, Part, Point, Report, Section
from reportgen.schema.load import load_schema
from reportgen.workbook.write import write_workbook
from reportgen.yearly.diff import (
    ADDED,
    CHANGED,
    MOVED,
    REMOVED,
    Change,
    Piece,
    char_diff,
    compare,
    diff_workbooks,
)

from .conftest import EXAMPLE, example_with_leads

SCHEMA = load_schema("letter")


def _example() -> Report:
    report = validate(EXAMPLE).report
    assert report is not None
    return report


def _with_work(report: Report, sections: tuple[Section, ...]) -> Report:
    work = dataclasses.replace(report.parts[1], sections=sections)
    return dataclasses.replace(report, parts=(report.parts[0], work, report.parts[2]))


def _kinds(changes: list[Change]) -> list[tuple[str, str]]:
    return [(c.kind, c.place) for c in changes]


def test_the_same_report_has_no_changes() -> None:
    assert compare(_example(), _example(), SCHEMA) == []


def test_characters_are_marked() -> None:
    assert char_diff("今年9月19日，金志主持", "今年9月20日，主持") == (
        Piece("equal", "今年9月"),
        Piece("delete", "19"),
        Piece("insert", "20"),
        Piece("equal", "日，"),
        Piece("delete", "金志"),
        Piece("equal", "主持"),
    )


def test_header_fields_in_the_documents_words() -> None:
    old = _example()
    new = dataclasses.replace(old, year=2019, doc_number="杭公函〔2019〕3号")
    assert [(c.kind, c.place, c.old, c.new) for c in compare(old, new, SCHEMA)] == [
        (CHANGED, "年度", "2018", "2019"),
        (ADDED, "发文字号", "", "杭公函〔2019〕3号"),
    ]


def test_a_changed_point_is_shown_as_its_sentence() -> None:
    old = _example()
    first = old.parts[1].sections[0]
    point = first.points[0]
    changed = dataclasses.replace(point, body=point.body.replace("金志", ""))
    section = dataclasses.replace(first, points=(changed, *first.points[1:]))
    [change] = compare(old, _with_work(old, (section, *old.parts[1].sections[1:])), SCHEMA)
    assert (change.kind, change.part) == (CHANGED, "主要工作")
    assert change.place == "（一）加强领导抓规划 · 一是强化组织领导"
    assert change.old.startswith("一是强化组织领导。贯彻落实")
    assert Piece("delete", "金志") in change.pieces


def test_points_swapped_in_a_section_are_one_move() -> None:
    old = _example()
    first = old.parts[1].sections[0]
    a, b, c, d = first.points
    section = dataclasses.replace(first, points=(a, b, d, c))
    changes = compare(old, _with_work(old, (section, *old.parts[1].sections[1:])), SCHEMA)
    assert [(ch.kind, ch.place, ch.old_place) for ch in changes] == [
        (
            MOVED,
            "（一）加强领导抓规划 · 三是积极建章立制",
            "（一）加强领导抓规划 · 四是积极建章立制",
        )
    ]


def test_a_point_moved_to_another_section_is_a_move_not_an_add_and_a_remove() -> None:
    old = _example()
    sections = list(old.parts[1].sections)
    moved = sections[1].points[3]
    sections[1] = dataclasses.replace(sections[1], points=sections[1].points[:3])
    sections[3] = dataclasses.replace(sections[3], points=(*sections[3].points, moved))
    changes = compare(old, _with_work(old, tuple(sections)), SCHEMA)
    assert [(ch.kind, ch.place, ch.old_place) for ch in changes] == [
        (
            MOVED,
            "（四）内控外联抓监督 · 四是认真开展合同审查工作",
            "（二）健全保障强决策 · 四是认真开展合同审查工作",
        )
    ]


def test_sections_are_matched_by_title_not_by_position() -> None:
    old = _example()
    sections = old.parts[1].sections
    renamed = dataclasses.replace(sections[0], title="加强领导抓规划工作")
    new_section = Section("推进数字法治", points=(Point("建设平台", "全年建成平台。"),))
    reordered = (sections[1], renamed, new_section, *sections[2:4])  # （五） removed
    changes = compare(old, _with_work(old, reordered), SCHEMA)
    assert _kinds(changes) == [
        (MOVED, "（一）健全保障强决策"),
        (CHANGED, "（二）加强领导抓规划工作"),
        (ADDED, "（三）推进数字法治"),
        (REMOVED, "（五）强化培训提素质"),
    ]
    assert changes[1].old == "加强领导抓规划。" and changes[1].new == "加强领导抓规划工作。"
    assert changes[2].new == "推进数字法治。一是建设平台。全年建成平台。"


def test_a_sections_lead_added_changed_or_removed_is_a_change_of_that_section() -> None:
    old = _example()
    sections = old.parts[1].sections
    lead = "局党组始终把法治建设摆在突出位置。"
    with_lead = _with_work(old, (dataclasses.replace(sections[0], text=lead), *sections[1:]))
    reworded = _with_work(
        old, (dataclasses.replace(sections[0], text=lead.replace("始终", "一贯")), *sections[1:])
    )
    place = "（一）加强领导抓规划 · 导语"
    assert [(c.kind, c.place, c.old, c.new) for c in compare(old, with_lead, SCHEMA)] == [
        (ADDED, place, "", lead)
    ]
    [change] = compare(with_lead, reworded, SCHEMA)
    assert (change.kind, change.part, change.place) == (CHANGED, "主要工作", place)
    assert Piece("delete", "始终") in change.pieces and Piece("insert", "一贯") in change.pieces
    assert _kinds(compare(with_lead, old, SCHEMA)) == [(REMOVED, place)]


def test_a_section_of_only_a_lead_is_added_whole_and_its_lead_compared() -> None:
    old = _example()
    only = Section("推进数字法治", text="全年建成执法数据平台。")
    new = _with_work(old, (*old.parts[1].sections, only))
    [added] = compare(old, new, SCHEMA)
    assert (added.kind, added.place, added.new) == (
        ADDED,
        "（六）推进数字法治",
        "推进数字法治。全年建成执法数据平台。",
    )
    later = _with_work(
        old, (*old.parts[1].sections, dataclasses.replace(only, text="全年建成平台。"))
    )
    assert _kinds(compare(new, later, SCHEMA)) == [(CHANGED, "（六）推进数字法治 · 导语")]


def test_a_subsections_text_in_basic_data_is_named_by_its_section_alone() -> None:
    old = _example()
    data = old.parts[0]
    section = dataclasses.replace(data.sections[0], text="全年受理案件。")
    new = dataclasses.replace(
        old,
        parts=(dataclasses.replace(data, sections=(section, *data.sections[1:])), *old.parts[1:]),
    )
    assert _kinds(compare(old, new, SCHEMA)) == [(CHANGED, "（一）办理行政案件情况")]


def test_workbooks_with_leads_are_compared(tmp_path: Path) -> None:
    leads = tmp_path / "leads.xlsx"
    write_workbook(leads, SCHEMA, example_with_leads())
    result = diff_workbooks(EXAMPLE, leads)
    assert _kinds(list(result.changes)) == [
        (ADDED, "（一）加强领导抓规划 · 导语"),
        (ADDED, "（六）推进数字法治"),
    ]
    assert diff_workbooks(leads, leads).equal


def test_figures_show_old_and_new_values() -> None:
    old = _example()
    figures = (Indicator("受理行政案件", 1100, 1000, "件"), Indicator("结案率", 97, None, "%"))
    changed = (Indicator("受理行政案件", 1234, 1000, "件"), Indicator("调解成功率", 100, None, "%"))

    def with_figures(indicators: tuple[Indicator, ...]) -> Report:
        data = old.parts[0]
        section = Section("办理行政案件情况", indicators=indicators)
        part = dataclasses.replace(data, sections=(section, *data.sections[1:]))
        return dataclasses.replace(old, parts=(part, *old.parts[1:]))

    changes = compare(with_figures(figures), with_figures(changed), SCHEMA)
    assert [(c.kind, c.place, c.old, c.new) for c in changes] == [
        (CHANGED, "（一）办理行政案件情况 · 受理行政案件 本年", "1100", "1234"),
        (ADDED, "（一）办理行政案件情况 · 调解成功率", "", "调解成功率 本年 100%"),
        (REMOVED, "（一）办理行政案件情况 · 结案率", "结案率 本年 97%", ""),
    ]


def test_a_removed_shortcoming_keeps_its_old_number() -> None:
    old = _example()
    part: Part = old.parts[2]
    new = dataclasses.replace(
        old, parts=(*old.parts[:2], dataclasses.replace(part, points=part.points[1:]))
    )
    [change] = compare(old, new, SCHEMA)
    assert (change.kind, change.part, change.place) == (
        REMOVED,
        "存在不足",
        "一是工作氛围需要进一步浓厚",
    )


def test_workbooks_are_compared_and_bad_ones_refused(edited: Callable[..., Path]) -> None:
    changed = edited({("基本信息", "B4"): 2019})
    result = diff_workbooks(EXAMPLE, changed)
    # the example leaves 标题 empty, so the default title follows the year: two changes
    assert not result.equal and result.count(CHANGED) == 2
    assert diff_workbooks(EXAMPLE, EXAMPLE).equal
    broken = edited({("基本信息", "B2"): None}, name="broken.xlsx")
    with pytest.raises(WorkbookError, match="1 error"):
        diff_workbooks(EXAMPLE, broken)


def test_a_fixed_part_rewritten_whole_is_changed_not_removed_and_added() -> None:
    """A part of fixed title is paired with its namesake by key, however much it changed:
    here its title carries the year and all its text is new."""
    old = _example()
    old = dataclasses.replace(
        old,
        parts=(
            old.parts[0],
            dataclasses.replace(old.parts[1], title="2018年主要工作"),
            old.parts[2],
        ),
    )
    rewritten = tuple(
        dataclasses.replace(
            s, title=f"全新的第{n}节", text="", points=(Point("新要点", "全新内容。"),)
        )
        for n, s in enumerate(old.parts[1].sections, start=1)
    )
    new = _with_work(old, rewritten)
    new = dataclasses.replace(
        new,
        parts=(
            new.parts[0],
            dataclasses.replace(new.parts[1], title="2019年主要工作"),
            new.parts[2],
        ),
    )
    kinds = _kinds(compare(old, new, SCHEMA))
    assert (REMOVED, "2018年主要工作") not in kinds
    assert (ADDED, "2019年主要工作") not in kinds
    assert kinds  # its sections show as changed inside the part
