"""Template folders and their schema (模板与模式): which fields and parts a document needs.

A template is a folder holding ``template.docx`` (docxtpl) and ``schema.toml``. The workbook
layout, the validator and the renderer all read the schema, so a new document kind is a new
folder, not new Python. Every problem in a schema is reported at its line in schema.toml.
"""

from __future__ import annotations

import re
import string
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from reportgen.core.errors import TemplateError
from reportgen.core.i18n import _, translate

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

FIELD_TYPES = ("text", "date", "integer", "percent", "docnumber")
PART_KINDS = ("data", "sections", "points")
DEFAULT_TEMPLATE = "letter"
# Workbooks (类别 property) and documents (category) name their template as "reportgen:<name>".
TEMPLATE_TAG = "reportgen:"
# The fields every template declares: the title, the recipient line and the signature need them.
CORE_FIELDS = ("issuer", "recipient", "year", "signature_date", "intro", "closing")
# Besides the fields, title patterns may use next_year (年度 + 1), for a part such as
# "{next_year}年度推进法治政府建设的主要安排".
DERIVED_VALUES = ("next_year",)
# A template name tags the workbooks made from it (类别 reportgen:<name>) and names its folder.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")  # 64 at most: a folder name everywhere
_TOML_LINE = re.compile(r"\(at line (\d+)")


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
    # False for metadata that is filed, not printed (密级, 保管期限 go to the archive's
    # metadata.json): `templates lint` then does not expect the template to show it.
    in_document: bool = True


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
    max_text_length: int = 5000  # characters in one text cell of a part sheet

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
        text = path.read_text(encoding="utf-8-sig")  # Notepad writes a BOM
    except UnicodeDecodeError:
        return None, [
            SchemaProblem(
                _(
                    "The file is not UTF-8 text (perhaps GBK, Notepad's 'ANSI'); save it as UTF-8 "
                    "(Notepad: File › Save As, Encoding: UTF-8)."
                )
            )
        ]
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
    # Deferred: schema_check reads the dataclasses of this module to know the keys.
    from reportgen.schema.problems import meaning_problems, structure_problems

    problems = structure_problems(data, text)
    if problems:
        return None, problems
    schema = _schema_from_data(data, folder)
    problems = meaning_problems(schema, data, text)
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
        max_text_length=int(data.get("max_text_length", 5000)),
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
