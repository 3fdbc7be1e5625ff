"""Every message the code can show exists in Chinese and in English."""

from __future__ import annotations

import pytest
from babel.messages.extract import extract_from_dir

from reportgen.core.i18n import default_language, translate

from .conftest import ROOT


def _message_ids() -> set[str]:
    return {
        message
        for _f, _l, message, _c, _x in extract_from_dir(
            str(ROOT / "src" / "reportgen"), keywords={"_": None}
        )
    }


def test_every_message_has_chinese() -> None:
    ids = _message_ids()
    assert len(ids) > 40
    missing = sorted(m for m in ids if translate(m, "zh") == m)
    assert missing == []


def test_chinese_keeps_the_same_fields() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {name for _t, name, _s, _c in string.Formatter().parse(text) if name}

    for message in _message_ids():
        assert fields(translate(message, "zh")) == fields(message), message


def test_default_language_follows_the_locale(monkeypatch) -> None:  # noqa: ANN001
    for name in ("REPORTGEN_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    assert default_language() == "en"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert default_language() == "zh"
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert default_language() == "en"


def test_a_message_given_as_a_field_is_translated_with_its_message() -> None:
    import pickle

    from reportgen.core.i18n import Message, fill

    what = Message("the file is empty (0 bytes).")
    params = pickle.loads(pickle.dumps({"file": "a.docx", "what": what, "advice": "x"}))
    assert isinstance(params["what"], Message)  # survives a batch worker's process boundary
    assert fill("{file}: {what} {advice}", params, "zh") == "a.docx：文件是空的（0 字节）。x"
    assert fill("{file}: {what} {advice}", params, "en") == "a.docx: the file is empty (0 bytes). x"


@pytest.mark.parametrize(
    ("langid", "expected"), [(0x0804, "zh"), (0x0404, "zh"), (0x0409, "en"), (0x0411, "en")]
)
def test_windows_with_no_locale_variable_follows_its_display_language(
    monkeypatch: pytest.MonkeyPatch, langid: int, expected: str
) -> None:
    from reportgen.core import i18n

    for name in ("REPORTGEN_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(i18n.sys, "platform", "win32")
    monkeypatch.setattr(i18n, "_windows_ui_language", lambda: langid)
    assert default_language() == expected


def test_a_locale_variable_still_wins_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen.core import i18n

    monkeypatch.setenv("REPORTGEN_LANG", "en")
    monkeypatch.setattr(i18n.sys, "platform", "win32")
    monkeypatch.setattr(i18n, "_windows_ui_language", lambda: 0x0804)
    assert default_language() == "en"
