"""Message translation through Babel message catalogs (中文 / English).

Message ids are the English texts; ``locale/zh/LC_MESSAGES/reportgen.po`` holds the Chinese.
Catalogs are read from the .po file directly with Babel, so there is no compile step.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

LANGUAGES = ("zh", "en")


def _(message: str) -> str:
    """Mark ``message`` for extraction; it is translated later, when shown."""
    return message


def default_language() -> str:
    """Chinese under a Chinese locale (REPORTGEN_LANG, LC_ALL, LC_MESSAGES, LANG), else
    under a Chinese Windows, which sets none of them; English otherwise."""
    for name in ("REPORTGEN_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    if sys.platform == "win32":
        return "zh" if _windows_ui_language() & _PRIMARY_LANGUAGE == _LANG_CHINESE else "en"
    return "en"


_PRIMARY_LANGUAGE = 0x3FF  # the low 10 bits of a Windows LANGID
_LANG_CHINESE = 0x04  # LANG_CHINESE: zh-CN 0x0804, zh-TW 0x0404, zh-HK 0x0C04 …


def _windows_ui_language() -> int:
    """The LANGID of the Windows display language (GetUserDefaultUILanguage)."""
    import ctypes

    windll = getattr(ctypes, "windll", None)
    return int(windll.kernel32.GetUserDefaultUILanguage()) if windll is not None else 0


@cache
def _catalog(lang: str) -> dict[str, str]:
    """The msgid → translation table of ``lang``; empty for English (ids are English)."""
    if lang not in LANGUAGES or lang == "en":  # English ids; no other catalog exists
        return {}
    from importlib import resources  # deferred, as Babel: keeps `reportgen --help` fast

    from babel.messages.pofile import read_po

    po = resources.files("reportgen.locale") / lang / "LC_MESSAGES" / "reportgen.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string}


def translate(message: str, lang: str) -> str:
    """``message`` in ``lang``, or the English id itself when no translation exists."""
    return _catalog(lang).get(message, message)


@dataclass(frozen=True)
class Message:
    """What reportgen says (消息): a message id — the English text, with ``{name}`` fields —
    and the values of those fields, translated only when shown. Every error, finding and
    problem is worded through it (``fill``); a Message given as a field of another (a
    sentence several messages share, such as what a wrong file is) is translated with it."""

    id: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """The message in ``lang``, its fields filled; fields that are Messages translated."""
        values = {
            key: value.text(lang) if isinstance(value, Message) else value
            for key, value in self.params.items()
        }
        return translate(self.id, lang).format(**values)

    def __hash__(self) -> int:
        return hash((self.id, tuple(sorted(repr(item) for item in self.params.items()))))


def fill(message: str, params: Mapping[str, Any], lang: str) -> str:
    """``message`` in ``lang`` with its fields filled (a Message's text)."""
    return Message(message, params).text(lang)
