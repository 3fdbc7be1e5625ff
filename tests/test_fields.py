"""The 基本信息 fields: dates as people type them."""

from __future__ import annotations

import datetime as dt

import pytest

from reportgen.validation.fields import parse_date


@pytest.mark.parametrize(
    "text", ["2018-11-30", "2018/11/30", "2018.11.30", "2018年11月30日", " 2018 年 11 月 30 日 "]
)
def test_dates_typed_as_text_are_accepted(text: str) -> None:
    assert parse_date(text) == dt.date(2018, 11, 30)


@pytest.mark.parametrize("text", ["明天", "30/11/2018", "2018-13-01", "2018-02-30", "20181130"])
def test_other_date_text_is_rejected(text: str) -> None:
    assert parse_date(text) is None
