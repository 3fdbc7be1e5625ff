"""Finding and reading a template folder (模板): a shipped name or a path → a checked Schema.

Every problem in a schema is reported at its line in schema.toml (``problems``).
"""

from __future__ import annotations

import functools
import re
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from reportgen.core.errors import TemplateError
from reportgen.core.i18n import _
from reportgen.schema.problems import meaning_problems, structure_problems
from reportgen.schema.spec import (
    DEFAULT_TEMPLATE,
    FieldSpec,
    PartSpec,
    Schema,
    SchemaError,
    SchemaProblem,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_TOML_LINE = re.compile(r"\(at line (\d+)")


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
    """Read and check the schema of a template; errors name the file, the line and the fix.
    Read once per process and file version (a batch validates hundreds of workbooks)."""
    folder = resolve_template(name_or_dir)
    try:
        stat = (folder / "schema.toml").stat()
        version: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        version = None  # read_schema says what is wrong
    schema, problems = _read_once(folder, version) if version else read_schema(folder)
    if schema is None:
        raise SchemaError(folder / "schema.toml", problems[0])
    if not schema.docx_path.is_file():
        raise TemplateError(_("{file}: the Word template is missing."), file=str(schema.docx_path))
    return schema


@functools.lru_cache(maxsize=16)
def _read_once(
    folder: Path, _version: tuple[int, int]
) -> tuple[Schema | None, list[SchemaProblem]]:
    return read_schema(folder)


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
