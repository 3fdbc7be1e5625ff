"""Checking a schema.toml (模式检查): every problem found, each at its line in the file.

First the keys and the types of their values (read from the dataclasses in ``schema``), then
what the values mean: names, field types, part kinds, sheet names Excel accepts, title
patterns. Each problem is located in the TOML text by ``key_line``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import typing
from collections.abc import Iterator
from typing import Any

from reportgen.core.i18n import _
from reportgen.schema.spec import (
    CORE_FIELDS,
    DERIVED_VALUES,
    FIELD_TYPES,
    INDICATOR_LAYOUTS,
    PART_KINDS,
    REPORT_FIELD_TYPES,
    FieldSpec,
    PartSpec,
    Schema,
    SchemaProblem,
    is_template_name,
)
from reportgen.schema.titles import title_fields
from reportgen.workbook.layout import INSTRUCTIONS_SHEET

# A field key is written {{ fields.<key> }} in the template, so it must be an identifier; the
# reserved ones are the report's own attributes that are not fields.
_FIELD_KEY = re.compile(r"[a-z_][a-z0-9_]*")
_RESERVED_KEYS = ("template", "parts", "extra")
SHEET_NAME_LIMIT = 31  # Excel refuses longer sheet names
_SHEET_FORBIDDEN = frozenset(":\\/?*[]")


def structure_problems(data: dict[str, Any], text: str) -> list[SchemaProblem]:
    """Missing, unknown and mistyped keys, each at its line of ``text``."""
    return [SchemaProblem(m, p, key_line(text, w)) for w, m, p in _structure_problems(data)]


def meaning_problems(schema: Schema, data: dict[str, Any], text: str) -> list[SchemaProblem]:
    """What the values mean (kinds, names, sheets, patterns), each at its line of ``text``."""
    return [SchemaProblem(m, p, key_line(text, w)) for w, m, p in _meaning_problems(schema, data)]


_Problem = tuple[tuple[Any, ...], str, dict[str, Any]]  # (where in the TOML, message, params)

_TYPE_MESSAGES = {
    "text": _("'{key}' must be text in quotes."),
    "bool": _("'{key}' must be true or false."),
    "int": _("'{key}' must be a whole number."),
    "texts": _('\'{key}\' must be a list of texts in quotes, such as ["a", "b"].'),
}


def _value_kind(hint: Any) -> str:
    """What a dataclass annotation asks of a TOML value: text, bool, int or texts."""
    if hint is str or typing.get_origin(hint) is typing.Literal:  # a kind: checked by meaning
        return "text"
    if hint is bool:
        return "bool"
    if hint is int or set(typing.get_args(hint)) == {int, type(None)}:
        return "int"
    return "texts"


@functools.cache
def _keys_of(cls: type, skip: tuple[str, ...] = ()) -> dict[str, tuple[str, bool]]:
    """Each TOML key ``cls`` takes: what its value must be, and whether it is required
    (worked out once per class: ``get_type_hints`` evaluates every annotation)."""
    hints = typing.get_type_hints(cls)
    return {
        f.name: (
            _value_kind(hints[f.name]),
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
        if f.name not in skip
    }


def _fits(kind: str, value: Any) -> bool:
    """Whether a TOML value is of ``kind``."""
    if kind == "text":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _table_problems(
    table: dict[str, Any], where: tuple[Any, ...], keys: dict[str, tuple[str, bool]]
) -> Iterator[_Problem]:
    """Missing, unknown and mistyped keys of one TOML table."""
    for key, (_kind, required) in keys.items():
        if required and key not in table:
            yield where, _("Key '{key}' is missing."), {"key": key}
    for key, value in table.items():
        if key not in keys:
            known = ", ".join(keys)
            yield (
                where + (key,),
                _("Unknown key '{key}' (known: {known})."),
                {"key": key, "known": known},
            )
        elif not _fits(keys[key][0], value):
            yield where + (key,), _TYPE_MESSAGES[keys[key][0]], {"key": key}


def _structure_problems(data: dict[str, Any]) -> Iterator[_Problem]:
    """Keys and value types, before any meaning is read into them."""
    top = dict(_keys_of(Schema, skip=("folder",)))  # a copy: the cached one stays as it is
    top["fields"] = top["parts"] = ("tables", True)
    yield from _table_problems(
        {k: v for k, v in data.items() if k not in ("fields", "parts")},
        (),
        {k: v for k, v in top.items() if v[0] != "tables"},
    )
    for table, cls in (("fields", FieldSpec), ("parts", PartSpec)):
        items = data.get(table)
        if items is None:
            yield (), _("Key '{key}' is missing."), {"key": table}
        elif not (isinstance(items, list) and items and all(isinstance(i, dict) for i in items)):
            yield (table,), _("'{key}' must be one or more [[{key}]] tables."), {"key": table}
        else:
            for index, item in enumerate(items):
                yield from _table_problems(item, (table, index), _keys_of(cls))


def _meaning_problems(schema: Schema, data: dict[str, Any]) -> Iterator[_Problem]:
    """What the values mean: names, types, kinds, sheet names and title patterns."""
    if not is_template_name(schema.name):
        yield (
            ("name",),
            _(
                "name '{value}' must be letters, digits, - or _ (it tags the workbooks made from it)."
            ),
            {"value": schema.name},
        )
    yield from _field_problems(schema)
    yield from _part_problems(schema, data["parts"])
    yield from _sheet_name_problems(schema.info_sheet, ("info_sheet",))
    yield from _pattern_problems(schema, schema.default_title, ("default_title",))


def _field_problems(schema: Schema) -> Iterator[_Problem]:
    """Unknown field types, repeated keys or labels, unusable choices, missing core fields."""
    keys = [f.key for f in schema.fields]
    for index, spec in enumerate(schema.fields):
        where = ("fields", index)
        if not _FIELD_KEY.fullmatch(spec.key) or spec.key in _RESERVED_KEYS:
            yield (
                where + ("key",),
                _(
                    "Field key '{value}' must be lower-case letters, digits and _, and not one of {reserved}."
                ),
                {"value": spec.key, "reserved": ", ".join(_RESERVED_KEYS)},
            )
        if spec.type not in FIELD_TYPES:
            yield (
                where + ("type",),
                _("Field '{key}' has unknown type '{type}' (known: {known})."),
                {"key": spec.key, "type": spec.type, "known": ", ".join(FIELD_TYPES)},
            )
        yield from _type_problems(spec, where)
        yield from _order_problems(schema, spec, where)
        yield from _repeated(schema.fields[:index], spec, ("key", "label"), where)
        # An Excel list validation is one comma-separated formula of at most 255 characters.
        if spec.choices and (
            any("," in c or '"' in c for c in spec.choices) or len(",".join(spec.choices)) > 255
        ):
            yield (
                where + ("choices",),
                _(
                    "The choices of '{key}' must not contain commas or quotes and must fit in 255 characters (an Excel dropdown limit)."
                ),
                {"key": spec.key},
            )
    for needed in CORE_FIELDS:
        if needed not in keys:
            yield (
                ("fields",),
                _("Field '{key}' must be declared: reportgen needs it."),
                {"key": needed},
            )


def _order_problems(schema: Schema, spec: FieldSpec, where: tuple[Any, ...]) -> Iterator[_Problem]:
    """``not_before`` on a field that is no date, or naming no other date field."""
    dates = [f.key for f in schema.fields if f.type == "date" and f.key != spec.key]
    if spec.not_before and (spec.type != "date" or spec.not_before not in dates):
        yield (
            where + ("not_before",),
            _(
                "not_before of '{key}' must be on a date field and name another one (dates: {known})."
            ),
            {"key": spec.key, "known": ", ".join(dates) or "-"},
        )


def _type_problems(spec: FieldSpec, where: tuple[Any, ...]) -> Iterator[_Problem]:
    """A field the report computes with (年度, 成文日期 …) of another type, and a default on an
    integer or date field (used as typed, not read as a number or a date)."""
    allowed = REPORT_FIELD_TYPES.get(spec.key)
    if allowed and spec.type in FIELD_TYPES and spec.type not in allowed:
        yield (
            where + ("type",),
            _(
                "Field '{key}' must be of type {allowed}, not '{type}': reportgen computes the "
                "title, the signature and the year checks from it."
            ),
            {"key": spec.key, "allowed": " / ".join(allowed), "type": spec.type},
        )
    if spec.default and spec.type in ("integer", "date"):
        yield (
            where + ("default",),
            _(
                "Field '{key}' is of type {type} and cannot have a default; remove default, or "
                "make the field text."
            ),
            {"key": spec.key, "type": spec.type},
        )


def _repeated(
    earlier: tuple[Any, ...], spec: Any, attrs: tuple[str, ...], where: tuple[Any, ...]
) -> Iterator[_Problem]:
    """A problem for each of ``attrs`` whose value an earlier table already used."""
    for attr in attrs:
        value = getattr(spec, attr)
        if any(getattr(other, attr) == value for other in earlier):
            yield (
                where + (attr,),
                _("{key} '{value}' is already used by an earlier table; each must be different."),
                {"key": attr, "value": value},
            )


def _part_problems(schema: Schema, raw: list[dict[str, Any]]) -> Iterator[_Problem]:
    """Unknown kinds, repeated keys or sheets, unusable sheet names, broken title patterns."""
    for index, part in enumerate(schema.parts):
        where = ("parts", index)
        if part.kind not in PART_KINDS:
            yield (
                where + ("kind",),
                _("Part '{key}' has unknown kind '{type}' (known: {known})."),
                {"key": part.key, "type": part.kind, "known": ", ".join(PART_KINDS)},
            )
        yield from _layout_problems(part, where)
        yield from _repeated(schema.parts[:index], part, ("key", "sheet"), where)
        sheet_key = "sheet" if "sheet" in raw[index] else "title"
        if sheet_key == "title" and "{" in part.title:
            yield (
                where + ("title",),
                _(
                    "The title of part '{key}' has placeholders; give the part a fixed sheet name (sheet = \"…\")."
                ),
                {"key": part.key},
            )
        else:
            yield from _sheet_name_problems(part.sheet, where + (sheet_key,))
            if part.sheet in (schema.info_sheet, INSTRUCTIONS_SHEET):
                yield (
                    where + (sheet_key,),
                    _("Sheet name '{value}' is taken by the workbook itself."),
                    {"value": part.sheet},
                )
        yield from _pattern_problems(schema, part.title, where + ("title",))


def _layout_problems(part: PartSpec, where: tuple[Any, ...]) -> Iterator[_Problem]:
    """An ``indicators`` layout that is neither sentence nor table, or a table asked of a
    part without indicator rows (only a ``data`` part has them)."""
    if part.indicators == "table" and part.kind != "data":
        yield (
            where + ("indicators",),
            _(
                "Part '{key}' is of kind '{type}', which has no indicator rows: indicators = "
                '"table" applies only to a part of kind data.'
            ),
            {"key": part.key, "type": part.kind},
        )
    elif part.indicators not in INDICATOR_LAYOUTS:
        yield (
            where + ("indicators",),
            _(
                "Part '{key}' has unknown indicators layout '{value}' (known: {known}): "
                'write indicators = "table" for a table, or leave it out for a sentence.'
            ),
            {"key": part.key, "value": part.indicators, "known": ", ".join(INDICATOR_LAYOUTS)},
        )


def _sheet_name_problems(name: str, where: tuple[Any, ...]) -> Iterator[_Problem]:
    """Sheet names Excel refuses: too long, or with : \\ / ? * [ ]."""
    if len(name) > SHEET_NAME_LIMIT:
        yield (
            where,
            _(
                "Sheet name '{value}' is longer than {limit} characters, which Excel refuses; set a shorter sheet = \"…\"."
            ),
            {"value": name, "limit": SHEET_NAME_LIMIT},
        )
    if not name or set(name) & _SHEET_FORBIDDEN:
        yield (
            where,
            _("Sheet name '{value}' is empty or has a character Excel refuses (: \\ / ? * [ ])."),
            {"value": name},
        )


def _pattern_problems(schema: Schema, pattern: str, where: tuple[Any, ...]) -> Iterator[_Problem]:
    """Title patterns whose braces are broken, that use more than plain {name} placeholders
    (a format spec such as {issuer:>100000000} makes str.format pad for half an hour), or that
    name no field."""
    known = [f.key for f in schema.fields] + list(DERIVED_VALUES)
    try:
        fields = title_fields(pattern)
    except ValueError as exc:
        yield (
            where,
            _("'{value}' is not a valid title pattern: {error}."),
            {"value": pattern, "error": str(exc)},
        )
        return
    for name, written in fields:
        if written:
            yield (
                where,
                _(
                    "The title uses {written}: a title may use only plain placeholders such as "
                    "{{issuer}}, without a format spec, conversion, attribute or index."
                ),
                {"written": written},
            )
        elif name not in known:
            yield (
                where,
                _("The title uses {{{name}}}, which is not a field (known: {known})."),
                {"name": name, "known": ", ".join(known)},
            )


def key_line(text: str, where: tuple[Any, ...]) -> int:
    """The line of a key in TOML text, ``where`` as ("parts", 4, "kind"); else its table's line.

    Tables are counted the way TOML counts them: the fifth ``[[parts]]`` is ("parts", 4).
    """
    table: tuple[Any, ...] = ()
    counts: dict[str, int] = {}
    fallback = 1
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("[["):
            name = line[2:].split("]]")[0].strip()
            counts[name] = counts.get(name, -1) + 1
            table = (name, counts[name])
            if fallback == 1 and (where == (name,) or where[:2] == table):
                fallback = number
        elif line.startswith("["):
            table = (line[1:].split("]")[0].strip(),)
        elif "=" in line and not line.startswith("#"):
            key = line.split("=", 1)[0].strip().strip("\"'")
            if (*table, key) == where:
                return number
    return fallback
