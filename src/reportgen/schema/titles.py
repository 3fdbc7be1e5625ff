"""Title patterns (标题模式): ``{issuer}关于{year}年度…`` filled from a report's fields."""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping
from typing import Any

from reportgen.core.model import Report
from reportgen.schema.spec import Schema


def title_values(info: Mapping[str, Any]) -> dict[str, Any]:
    """The values a title pattern may use: the fields by key, and next_year (年度 + 1)."""
    values = dict(info)
    year = info.get("year")
    if isinstance(year, int):
        values["next_year"] = year + 1
    return values


def fill_title(pattern: str, info: Mapping[str, Any]) -> str:
    """A title pattern (``{issuer}关于{year}年度…``) filled with the report's fields."""
    return pattern.format(**title_values(info))


def placeholders(pattern: str) -> list[str]:
    """The names a title pattern uses, in order; ValueError if its braces are broken."""
    return [name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name]


def default_title(schema: Schema, report: Report) -> str:
    """The title the schema gives ``report`` when none is typed; empty if it cannot be formed."""
    values = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)}
    try:
        return fill_title(schema.default_title, {**values, **report.extra})
    except (KeyError, IndexError, ValueError):
        return ""
