"""The library entry points the CLI wraps (接口): init, validate, build.

Each takes paths and names, runs the stages in order (workbook → model → context → render →
output) and returns typed results; user mistakes raise ``ReportgenError`` subclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.context import build_context
from reportgen.errors import Finding, ValidationFailed
from reportgen.output import refuse_existing, safe_filename
from reportgen.schema import DEFAULT_TEMPLATE, Schema, builtin_template_names, load_schema
from reportgen.structure import not_shown
from reportgen.validate import ValidationResult, validate_data
from reportgen.workbook import WorkbookData, read_workbook, write_workbook


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, and the warnings validation left standing."""

    outputs: tuple[Path, ...]
    warnings: tuple[Finding, ...]


def init_workbook(
    path: Path, template: str = DEFAULT_TEMPLATE, year: int | None = None, force: bool = False
) -> Path:
    """Write an empty workbook for ``template`` at ``path``; refuse to overwrite without force."""
    refuse_existing(path, force)
    write_workbook(path, load_schema(template), year=year)
    return path


def schema_for(data: WorkbookData, template: str | None) -> Schema:
    """The schema to read a workbook with: the one asked for, the one the workbook names,
    or the shipped template whose sheets the workbook has, in that order."""
    if template:
        return load_schema(template)
    if data.template and data.template in builtin_template_names():
        return load_schema(data.template)
    for name in builtin_template_names():
        schema = load_schema(name)
        if all(p.sheet in data.sheets for p in schema.parts):
            return schema
    return load_schema(DEFAULT_TEMPLATE)


def validate(workbook: Path, template: str | None = None) -> ValidationResult:
    """Every finding for ``workbook``; the report too when there is no error."""
    data = read_workbook(workbook)
    return validate_data(data, schema_for(data, template))


def output_path(output_dir: Path, year: int, title: str, suffix: str = ".docx") -> Path:
    """Where a report goes: ``DIR/<year>/<title>.docx``."""
    return output_dir / str(year) / (safe_filename(title) + suffix)


def build_report(
    workbook: Path, output_dir: Path = Path("build"), template: str | None = None
) -> BuildResult:
    """Validate ``workbook`` and render its .docx; raise ValidationFailed on any error."""
    from reportgen.render import render_docx  # deferred: docxtpl is slow to import

    data = read_workbook(workbook)
    schema = schema_for(data, template)
    result = validate_data(data, schema)
    if result.report is None:
        raise ValidationFailed(result.findings)
    target = output_path(output_dir, result.report.year, result.report.title)
    shown = render_docx(schema, result.report, build_context(result.report), target)
    warnings = [*result.findings, *not_shown(result.texts, shown, str(workbook))]
    return BuildResult(outputs=(target,), warnings=tuple(warnings))
