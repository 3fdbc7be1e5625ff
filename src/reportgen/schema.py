"""Template folders and their schema (模板与模式): which fields and parts a document needs.

A template is a folder holding ``template.docx`` (docxtpl) and ``schema.toml``. The workbook
layout, the validator and the renderer all read the schema, so a new document kind is a new
folder, not new Python. Every problem in a schema is reported at its line in schema.toml.
"""

from __future__ import annotations

import dataclasses
import re
import string
import sys
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from reportgen.errors import TemplateError
from reportgen.i18n import _, translate
from reportgen.layout import INSTRUCTIONS_SHEET

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

FIELD_TYPES = ("text", "date", "integer", "percent", "docnumber")
PART_KINDS = ("data", "sections", "points")
DEFAULT_TEMPLATE = "letter"
# The fields every template declares: the title, the recipient line and the signature need them.
CORE_FIELDS = ("issuer", "recipient", "year", "signature_date", "intro", "closing")
# Besides the fields, title patterns may use next_year (年度 + 1), for a part such as
# "{next_year}年度推进法治政府建设的主要安排".
DERIVED_VALUES = ("next_year",)
# A template name tags the workbooks made from it (类别 reportgen:<name>) and names its folder.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
# A field key is written {{ fields.<key> }} in the template, so it must be an identifier; the
# reserved ones are the report's own attributes that are not fields.
_FIELD_KEY = re.compile(r"[a-z_][a-z0-9_]*")
_RESERVED_KEYS = ("template", "parts", "extra")
_TOML_LINE = re.compile(r"\(at line (\d+)")
SHEET_NAME_LIMIT = 31  # Excel refuses longer sheet names
_SHEET_FORBIDDEN = frozenset(":\\/?*[]")


@dataclass(frozen=True)
class FieldSpec:
    """One key/value field of the 基本信息 sheet, such as 发文机关 (issuer)."""

    key: str
    label: str
    type: str = "text"
    required: bool = True
    default: str = ""
    max_length: int = 500
    minimum: int | None = None
    maximum: int | None = None
    help: str = ""
    example: str = ""
    choices: tuple[str, ...] = ()  # offered as a dropdown in the workbook; others still allowed


@dataclass(frozen=True)
class PartSpec:
    """One numbered part of the body (一、基本数据 …), filled on its own sheet.

    ``title`` is the heading the document shows (it may use {year}, {next_year} …); ``sheet``
    is the workbook sheet, the title itself unless the schema gives a shorter name.
    ``required = false`` makes the part optional: left out of the document when its sheet is
    empty, the other parts numbered without a gap.
    """

    key: str
    title: str
    kind: str
    required: bool = True
    help: str = ""
    sheet: str = ""

    def __post_init__(self) -> None:
        if not self.sheet:
            object.__setattr__(self, "sheet", self.title)


@dataclass(frozen=True)
class Schema:
    """A template's declaration: its fields, its parts and their fixed words."""

    name: str
    version: str
    description: str
    document_kind: str
    default_title: str
    fields: tuple[FieldSpec, ...]
    parts: tuple[PartSpec, ...]
    folder: Path
    info_sheet: str = "基本信息"
    max_rows: int = 2000

    @property
    def docx_path(self) -> Path:
        """The docxtpl Word template of this kind."""
        return self.folder / "template.docx"

    @property
    def schema_path(self) -> Path:
        """The schema.toml this schema was read from."""
        return self.folder / "schema.toml"

    def field(self, key: str) -> FieldSpec:
        """The field called ``key``; a KeyError is a bug in the caller."""
        return next(f for f in self.fields if f.key == key)

    def readable(self, pattern: str) -> str:
        """A title pattern with field labels for keys: {年度}年度… (for the 说明 sheet)."""
        labels = {f.key: f.label for f in self.fields}
        year = labels.get("year", "year")
        labels["next_year"] = f"{year}+1"
        return re.sub(
            r"\{(\w+)\}", lambda m: "{" + labels.get(m.group(1), m.group(1)) + "}", pattern
        )


@dataclass(frozen=True)
class SchemaProblem:
    """One thing wrong in a schema.toml, at its line (1 when no better line is known)."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)
    line: int = 1

    def text(self, lang: str) -> str:
        """The problem in ``lang``, its fields filled."""
        return translate(self.message, lang).format(**self.params)


class SchemaError(TemplateError):
    """A schema.toml that cannot be used, shown as ``file:line: problem``."""

    def __init__(self, path: Path, problem: SchemaProblem) -> None:
        super().__init__(_("{file}:{line}: {problem}"), file=str(path), line=problem.line)
        self.problem = problem

    def text(self, lang: str) -> str:
        """``file:line: problem`` in ``lang``."""
        params = {**self.params, "problem": self.problem.text(lang)}
        return translate(self.message, lang).format(**params)


def builtin_templates_dir() -> Path:
    """The folder of the templates that ship with reportgen."""
    return Path(str(resources.files("reportgen.templates")))


def builtin_template_names() -> list[str]:
    """Names of the shipped templates, sorted."""
    root = builtin_templates_dir()
    return sorted(p.name for p in root.iterdir() if (p / "schema.toml").is_file())


def is_template_name(name: str) -> bool:
    """Whether ``name`` is a plain template name (letters, digits, - and _), not a path."""
    return _NAME.fullmatch(name) is not None


def resolve_template(name_or_dir: str | Path) -> Path:
    """The folder of a template given by shipped name (``letter``) or by path."""
    candidate = Path(name_or_dir)
    if (candidate / "schema.toml").is_file():
        return candidate
    shipped = builtin_templates_dir() / str(name_or_dir)
    if (shipped / "schema.toml").is_file():
        return shipped
    raise TemplateError(
        _("Template '{name}' not found. Use one of: {names}, or a folder holding schema.toml."),
        name=str(name_or_dir),
        names=", ".join(builtin_template_names()),
    )


def load_schema(name_or_dir: str | Path = DEFAULT_TEMPLATE) -> Schema:
    """Read and check the schema of a template; errors name the file, the line and the fix."""
    folder = resolve_template(name_or_dir)
    schema, problems = read_schema(folder)
    if schema is None:
        raise SchemaError(folder / "schema.toml", problems[0])
    if not schema.docx_path.is_file():
        raise TemplateError(_("{file}: the Word template is missing."), file=str(schema.docx_path))
    return schema


def read_schema(folder: Path) -> tuple[Schema | None, list[SchemaProblem]]:
    """The schema in ``folder`` and every problem found in it; the schema is None if any."""
    path = folder / "schema.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [SchemaProblem(_("The file is not UTF-8 text; save it as UTF-8."))]
    except OSError as exc:
        raise TemplateError(
            _("Cannot read {file}: {error}"), file=str(path), error=exc.strerror or str(exc)
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        line = int(found.group(1)) if found else 1
        return None, [SchemaProblem(_("Not valid TOML: {error}"), {"error": str(exc)}, line)]
    problems = [SchemaProblem(m, p, key_line(text, w)) for w, m, p in _structure_problems(data)]
    if problems:
        return None, problems
    schema = _schema_from_data(data, folder)
    problems = [
        SchemaProblem(m, p, key_line(text, w)) for w, m, p in _meaning_problems(schema, data)
    ]
    return (None if problems else schema), problems


def _schema_from_data(data: dict[str, Any], folder: Path) -> Schema:
    """A Schema from TOML data whose keys and value types have been checked."""
    fields = tuple(
        FieldSpec(**{**f, "choices": tuple(f.get("choices", ()))}) for f in data["fields"]
    )
    return Schema(
        name=data["name"],
        version=str(data["version"]),
        description=data["description"],
        document_kind=data["document_kind"],
        default_title=data["default_title"],
        fields=fields,
        parts=tuple(PartSpec(**p) for p in data["parts"]),
        folder=folder,
        info_sheet=data.get("info_sheet", "基本信息"),
        max_rows=int(data.get("max_rows", 2000)),
    )


# ---------------------------------------------------------------- title patterns


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


# ---------------------------------------------------------------- finding problems

_Problem = tuple[tuple[Any, ...], str, dict[str, Any]]  # (where in the TOML, message, params)

_TYPE_MESSAGES = {
    "text": _("'{key}' must be text in quotes."),
    "bool": _("'{key}' must be true or false."),
    "int": _("'{key}' must be a whole number."),
    "texts": _('\'{key}\' must be a list of texts in quotes, such as ["a", "b"].'),
}


def _value_kind(hint: Any) -> str:
    """What a dataclass annotation asks of a TOML value: text, bool, int or texts."""
    if hint is str:
        return "text"
    if hint is bool:
        return "bool"
    if hint is int or set(typing.get_args(hint)) == {int, type(None)}:
        return "int"
    return "texts"


def _keys_of(cls: type, skip: tuple[str, ...] = ()) -> dict[str, tuple[str, bool]]:
    """Each TOML key ``cls`` takes: what its value must be, and whether it is required."""
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
    top = _keys_of(Schema, skip=("folder",))
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
    """Title patterns whose braces are broken or that name no field."""
    known = [f.key for f in schema.fields] + list(DERIVED_VALUES)
    try:
        names = placeholders(pattern)
    except ValueError as exc:
        yield (
            where,
            _("'{value}' is not a valid title pattern: {error}."),
            {"value": pattern, "error": str(exc)},
        )
        return
    for name in names:
        if name not in known:
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
