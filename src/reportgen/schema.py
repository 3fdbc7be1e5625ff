"""Template folders and their schema (模板与模式): which fields and parts a document needs.

A template is a folder holding ``template.docx`` (docxtpl) and ``schema.toml``. The workbook
layout, the validator and the renderer all read the schema, so a new document kind is a new
folder, not new Python.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from reportgen.errors import TemplateError
from reportgen.i18n import _

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

FIELD_TYPES = ("text", "date", "integer", "percent", "docnumber")
PART_KINDS = ("data", "sections", "points")
DEFAULT_TEMPLATE = "letter"


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


@dataclass(frozen=True)
class PartSpec:
    """One numbered part of the body (一、基本数据 …), filled on a sheet named by its title."""

    key: str
    title: str
    kind: str
    required: bool = True
    help: str = ""

    @property
    def sheet(self) -> str:
        """The workbook sheet that holds this part: its title."""
        return self.title


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

    def field(self, key: str) -> FieldSpec:
        """The field called ``key``; a KeyError is a bug in the caller."""
        return next(f for f in self.fields if f.key == key)


def builtin_templates_dir() -> Path:
    """The folder of the templates that ship with reportgen."""
    return Path(str(resources.files("reportgen.templates")))


def builtin_template_names() -> list[str]:
    """Names of the shipped templates, sorted."""
    root = builtin_templates_dir()
    return sorted(p.name for p in root.iterdir() if (p / "schema.toml").is_file())


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
    """Read and check the schema of a template; errors name the file and what is wrong."""
    folder = resolve_template(name_or_dir)
    path = folder / "schema.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(
            _("{file}: not valid TOML: {error}"), file=str(path), error=str(exc)
        ) from exc
    schema = _schema_from_data(data, folder, path)
    if not schema.docx_path.is_file():
        raise TemplateError(_("{file}: the Word template is missing."), file=str(schema.docx_path))
    return schema


def _schema_from_data(data: dict[str, Any], folder: Path, path: Path) -> Schema:
    """Build a Schema from parsed TOML, refusing unknown types, kinds and missing keys."""
    try:
        fields = tuple(FieldSpec(**f) for f in data["fields"])
        parts = tuple(PartSpec(**p) for p in data["parts"])
        schema = Schema(
            name=data["name"],
            version=str(data["version"]),
            description=data["description"],
            document_kind=data["document_kind"],
            default_title=data["default_title"],
            fields=fields,
            parts=parts,
            folder=folder,
            info_sheet=data.get("info_sheet", "基本信息"),
            max_rows=int(data.get("max_rows", 2000)),
            max_text_length=int(data.get("max_text_length", 5000)),
        )
    except (KeyError, TypeError) as exc:
        raise TemplateError(
            _("{file}: missing or unknown key: {error}"), file=str(path), error=exc
        ) from exc
    _check_schema(schema, path)
    return schema


def _check_schema(schema: Schema, path: Path) -> None:
    """Refuse field types and part kinds that reportgen does not know."""
    for spec in schema.fields:
        if spec.type not in FIELD_TYPES:
            raise TemplateError(
                _("{file}: field '{key}' has unknown type '{type}' (known: {known})."),
                file=str(path),
                key=spec.key,
                type=spec.type,
                known=", ".join(FIELD_TYPES),
            )
    for part in schema.parts:
        if part.kind not in PART_KINDS:
            raise TemplateError(
                _("{file}: part '{key}' has unknown kind '{type}' (known: {known})."),
                file=str(path),
                key=part.key,
                type=part.kind,
                known=", ".join(PART_KINDS),
            )
    for needed in ("issuer", "recipient", "year", "signature_date", "intro", "closing"):
        if needed not in {f.key for f in schema.fields}:
            raise TemplateError(
                _("{file}: required field '{key}' is not declared."), file=str(path), key=needed
            )
