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
    """A title pattern (``{issuer}关于{year}年度…``) filled with the report's fields.

    Only the names are used: a format spec or conversion (``{issuer:>100000000}``, which
    str.format would pad for half an hour) is refused by the schema check and ignored here.
    KeyError for a name the fields lack, ValueError if the braces are broken.
    """
    values = title_values(info)
    return "".join(
        text + ("" if name is None else str(values[name]))
        for text, name, _spec, _conv in string.Formatter().parse(pattern)
    )


def placeholders(pattern: str) -> list[str]:
    """The names a title pattern uses, in order; ValueError if its braces are broken."""
    return [name for name, _written in title_fields(pattern) if name]


def title_fields(pattern: str) -> list[tuple[str, str]]:
    """Each placeholder of a title pattern: its name and whether it is written plainly
    (``{issuer}``) — the written form if not (``{issuer:>9}``, ``{year!r}``, ``{issuer.x}``,
    ``{}``), else "". ValueError if the braces are broken."""
    fields = []
    for _text, name, spec, conversion in string.Formatter().parse(pattern):
        if name is None:
            continue
        plain = name.isidentifier() and not spec and not conversion
        converted = f"!{conversion}" if conversion else ""
        written = "{" + name + converted + (f":{spec}" if spec else "") + "}"
        fields.append((name, "" if plain else written))
    return fields


def default_title(schema: Schema, report: Report) -> str:
    """The title the schema gives ``report`` when none is typed; empty if it cannot be formed."""
    values = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)}
    try:
        return fill_title(schema.default_title, {**values, **report.extra})
    except (KeyError, IndexError, ValueError):
        return ""
