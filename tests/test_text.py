"""Cleaning cell text and measuring it in characters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportgen.core.text import clean_text, display_width


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("杭州市\x0b公安局", "杭州市公安局"),  # vertical tab (Alt+Enter in some tools)
        ("\x07响铃\x0c换页", "响铃换页"),
        ("零\u200b宽\ufeff", "零宽"),
        ("\u3000 两端空格 \u3000", "两端空格"),
        ("第一行\n第二行\r\n", "第一行第二行"),
        # a tab pasted from a table became a <w:tab/> gap in the letter, unreported
        ("甲乙\t丙丁", "甲乙丙丁"),
        ("甲乙 \t\t 丙丁", "甲乙丙丁"),
    ],
)
def test_invisible_and_edge_characters_are_removed(raw: str, text: str) -> None:
    assert clean_text(raw) == (text, True)


def test_clean_text_is_unchanged() -> None:
    assert clean_text("特此函告。") == ("特此函告。", False)
    assert clean_text(None) == ("", False)
    assert clean_text(2018.0) == ("2018", False)


def test_half_width_counts_half() -> None:
    assert display_width("2018年11月30日") == 7
    assert display_width("杭州市公安局") == 6


@given(
    st.text(
        alphabet=st.one_of(
            st.characters(),
            st.sampled_from(" \t\r\n\u3000\u00a0\u200b\u202e\ufeff\u2028\u0085中文，。1a"),
        )
    )
)
def test_the_quick_path_cleans_as_the_full_one(text: str) -> None:
    from reportgen.core import text as module

    assert module.clean_text(text)[0] == module._cleaned(text)
