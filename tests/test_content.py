"""Content checks: punctuation width, shares against counts, stray years, title endings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reportgen.api import validate
from reportgen.validation.content import (
    fix_punctuation,
    half_width_marks,
    percent_contradictions,
    stray_years,
    title_ending,
)

from .conftest import LETTER

SHARE_2018 = (
    "目前，全市公安机关所有办事事项为222项，可实现“最多跑一次”的事项达217项，占所有办事事项的98%。"
)


@pytest.mark.parametrize(
    ("text", "marks", "fixed"),
    [
        ("截至目前,全市公安机关", [","], "截至目前，全市公安机关"),
        ("截至目前, 全市", [","], "截至目前，全市"),
        ("主要做法:一是", [":"], "主要做法：一是"),
        ("比例:98%", [":"], "比例：98%"),
        ("一是强化领导;二是", [";"], "一是强化领导；二是"),
        ("方案(2018-2019)", ["(", ")"], "方案（2018-2019）"),
        ("（略）,二是", [","], "（略）；二是".replace("；", "，")),
        ("方案(2018-2019),明确", ["(", ")", ","], "方案（2018-2019），明确"),
        ("APP(应用)", ["(", ")"], "APP（应用）"),
        ("上午9:30开会", [], "上午9:30开会"),
        ("Excel(xlsx) 3,5", [], "Excel(xlsx) 3,5"),
        ("全角，：；（）", [], "全角，：；（）"),
    ],
)
def test_half_width_punctuation_in_chinese(text: str, marks: list[str], fixed: str) -> None:
    assert half_width_marks(text) == marks
    assert fix_punctuation(text) == fixed


def test_the_2018_share_is_consistent() -> None:
    assert percent_contradictions(SHARE_2018) == []


def test_a_mistyped_share_is_caught() -> None:
    [problem] = percent_contradictions(SHARE_2018.replace("98%", "89%"))
    assert (problem.percent, problem.part, problem.whole, problem.actual) == (
        "89",
        217,
        222,
        "97.7",
    )


@pytest.mark.parametrize(
    "text",
    [
        "建成37个窗口，110个网点（网点68个），目前已实现63%的事项就近可办。",  # no 占: not a share
        "提出建议提案51件，其中主办件21件，会办件30件，办结率均达到100%。",
        "高级资格通过人数为610人，占比4.63%。",  # one count: nothing to compare
        "共有事项200项，其中150项网上可办，占比约76%。",  # 约 widens to ±1
        "共有事项200项，其中190项网上可办，占90%以上。",
        "受理案件3件，占全部的5%；另有事项200项，其中100项可办。",  # counts of another clause
    ],
)
def test_shares_that_are_not_contradictions(text: str) -> None:
    assert percent_contradictions(text) == []


def test_every_share_in_the_2018_letter_is_consistent() -> None:
    text = fix_punctuation(LETTER.read_text(encoding="utf-8"))
    assert percent_contradictions(text) == []


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("比如对我局2017年度法治政府专业评估存在的问题专门进行了梳理分析。", []),
        ("研究制定《分工方案（2018-2019）》。", []),
        ("我局自2010年开始设立公职律师。", []),
        ("已审议通过，于2018年7月1日起施行。", []),
        ("出台文件（杭公通〔2017〕27号）。", []),
        ("2017年，我局在市委、市政府的正确领导下……", [2017]),  # last year's opening
        ("工作扎实。在2017年，我局……", [2017]),
        ("2017年以来，市局……", [2017]),
        ("计划于2019年完成。", [2019]),  # not yet happened
        ("研究制定《分工方案（2019-2020）》。", [2019, 2020]),
        ("共2050人参加。", []),  # a count, not a year
    ],
)
def test_stray_years(text: str, years: list[int]) -> None:
    assert stray_years(text, 2018) == years


def test_the_title_must_name_the_report_year_only() -> None:
    assert stray_years("杭州市公安局关于2017年度法治政府建设工作情况的函", 2018, strict=True) == [
        2017
    ]
    assert stray_years("杭州市公安局关于2018年度法治政府建设工作情况的函", 2018, strict=True) == []


@pytest.mark.parametrize(
    ("title", "mark"),
    [
        ("强化组织领导", ""),
        ("强化组织领导。", ""),
        ("深化“最多跑一次”", ""),
        ("强化组织领导，", "，"),
        ("强化组织领导、", "、"),
        ("强化组织领导：", "："),
        ("强化组织领导!", "!"),
    ],
)
def test_title_endings(title: str, mark: str) -> None:
    assert title_ending(title) == mark


def test_content_warnings_name_their_cells(edited: Callable[..., Path]) -> None:
    path = edited(
        {
            ("主要工作", "D2"): "强化组织领导，",
            ("主要工作", "D3"): "提早谋划部署。年初开始部署",
            ("主要工作", "E12"): SHARE_2018.replace("98%", "89%"),
            ("基本信息", "B8"): "2017年,我局紧扣工作要点。现函告如下：",
        }
    )
    result = validate(path)
    assert result.ok  # all warnings
    assert [(f.code, f.place) for f in result.findings] == [
        ("half-width-punctuation", "基本信息!B8"),
        ("year-differs", "基本信息!B8"),
        ("title-ending", "主要工作!D2"),
        ("title-has-sentence", "主要工作!D3"),
        ("percent-mismatch", "主要工作!E12"),
    ]
    messages = [f.text("zh") for f in result.findings]
    assert messages[1] == "文字中出现 2017 年，而报告年度是 2018 年。"
    assert messages[4] == "“89%”与本句中的数字不符：217 占 222 的 97.7%。"


def test_the_example_letter_has_no_content_warnings() -> None:
    from .conftest import EXAMPLE

    assert validate(EXAMPLE).findings == []
