"""Validation (校验): workbook cells → the report model, with every finding collected.

Nothing stops at the first problem: each check adds a finding naming its sheet and cell, what is
wrong and how to fix it, and the caller decides whether errors block the build. This module
runs the stages in order; the 基本信息 fields are read in ``fields``, the part sheets in
``parts``, checks on the file and sheets live in ``structure``, on the wording in ``content``,
and on what is left to review in ``review``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.core.errors import Finding, TemplateError
from reportgen.core.i18n import _
from reportgen.core.model import Part, Report
from reportgen.schema.load import builtin_template_names, load_schema
from reportgen.schema.spec import DEFAULT_TEMPLATE, PartSpec, Schema, is_template_name
from reportgen.schema.titles import fill_title, placeholders
from reportgen.validation.content import check_texts
from reportgen.validation.dates import check_date_order
from reportgen.validation.fields import read_info
from reportgen.validation.findings import Findings, TextCell
from reportgen.validation.headings import read_headings
from reportgen.validation.parts import read_part
from reportgen.validation.review import check_review_marks
from reportgen.validation.structure import (
    check_extra_sheets,
    check_file,
    check_unused,
    prepare_sheet,
)
from reportgen.workbook.layout import ORDER, UNRECOGNISED_SHEET, columns_for
from reportgen.workbook.package import column_index, column_letter, split_ref
from reportgen.workbook.read import WorkbookData, read_workbook


@dataclass(frozen=True)
class ValidationResult:
    """What validation found, the report when there were no errors, and the mechanical fixes.

    ``fixes`` maps (sheet, cell) to corrected text (punctuation width, spaces) for
    ``validate --fix``.
    """

    findings: list[Finding]
    report: Report | None
    fixes: dict[tuple[str, str], str] = field(default_factory=dict)
    texts: tuple[TextCell, ...] = ()  # every text cell read, for the after-build check

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self.report is not None


def schema_for(data: WorkbookData, template: str | None) -> Schema:
    """The schema to read a workbook with: the one asked for, the one the workbook names,
    or the shipped template whose sheets the workbook has, in that order.

    A named template is a shipped one or, for templates made with `templates new`, a folder
    of that name in the current directory.
    """
    if template:
        return load_schema(template)
    if data.template:
        return _named_schema(data)
    for name in builtin_template_names():
        schema = load_schema(name)
        if all(p.sheet in data.sheets for p in schema.parts):
            return schema
    return load_schema(DEFAULT_TEMPLATE)


def _named_schema(data: WorkbookData) -> Schema:
    """The schema of the template the workbook names, or an error saying how to point to it."""
    name = data.template
    if name in builtin_template_names():
        return load_schema(name)
    if is_template_name(name) and (Path(name) / "schema.toml").is_file():
        return load_schema(Path(name))
    raise TemplateError(
        _(
            "{file} was made for template '{name}', which is neither shipped nor a folder here. "
            "Run from the folder that holds it, or pass --template DIR."
        ),
        file=str(data.path),
        name=name,
    )


def validate_file(path: Path, template: str | None = None) -> ValidationResult:
    """Read ``path`` and check it against ``template``, or the schema the workbook fits."""
    data = read_workbook(path)
    return validate_data(data, schema_for(data, template))


def validate_workbook(path: Path, schema: Schema) -> ValidationResult:
    """Read ``path`` and check it against ``schema``; never raises for content problems."""
    return validate_data(read_workbook(path), schema)


def validate_data(data: WorkbookData, schema: Schema) -> ValidationResult:
    """Check an already-read workbook against ``schema``."""
    findings = Findings(file=str(data.path))
    check_file(data, findings)
    data = _prepared(data, schema, findings)
    info = read_info(data, schema, findings)
    check_date_order(data, info, schema, findings)
    parts = tuple(p for spec in schema.parts for p in _read_parts(data, spec, schema, findings))
    sheets = {schema.info_sheet} | {p.sheet for p in schema.parts}
    check_extra_sheets(data, sheets | {UNRECOGNISED_SHEET}, findings)
    check_review_marks(data, schema, findings)
    # 基本信息's third column holds the instructions reportgen wrote, not input.
    check_unused(
        data, {name: {"C"} if name == schema.info_sheet else set() for name in sheets}, findings
    )
    fixes = check_texts(
        findings, info.get("year"), schema.max_text_length, _latest_year(info, schema)
    )
    report = None if findings.has_errors else _report(info, parts, schema)
    return ValidationResult(_in_order(findings.items, data), report, fixes, tuple(findings.texts))


def _read_parts(
    data: WorkbookData, spec: PartSpec, schema: Schema, findings: Findings
) -> tuple[Part | None, ...]:
    """The part a sheet gives, or the parts of a free-headings sheet (one per heading)."""
    if spec.kind == "headings":
        return read_headings(data, spec, schema, findings) or ()
    return (read_part(data, spec, schema, findings),)


def _latest_year(info: dict[str, Any], schema: Schema) -> int | None:
    """The last year the text may name without a warning: the report year, the year it is
    signed in (a report on 2023 is written in 2024), and the year after when the template
    plans for it (a part titled {next_year}年度…主要安排)."""
    year = info.get("year")
    if not isinstance(year, int):
        return None
    years = [year]
    if isinstance(info.get("signature_date"), dt.date):
        years.append(info["signature_date"].year)
    # A free heading may be the next year's plans (2024年工作打算), as {next_year} titles are.
    if any("next_year" in placeholders(p.title) or p.kind == "headings" for p in schema.parts):
        years.append(year + 1)
    return max(years)


def _prepared(data: WorkbookData, schema: Schema, findings: Findings) -> WorkbookData:
    """The workbook with its input sheets checked for hidden, merged and formula cells."""
    sheets = dict(data.sheets)
    kinds = {schema.info_sheet: ()} | {p.sheet: columns_for(p.kind) for p in schema.parts}
    for name, columns in kinds.items():
        if name in sheets:
            order = {column_letter(i) for i, c in enumerate(columns, start=1) if c.type == ORDER}
            sheets[name] = prepare_sheet(sheets[name], order, findings)
    return WorkbookData(data.path, sheets, data.template, data.lock_file)


def _report(info: dict[str, Any], parts: tuple[Part | None, ...], schema: Schema) -> Report:
    """The Report from fields and parts that were all read without error."""
    title = info.get("title") or fill_title(schema.default_title, info)
    free = {spec.key for spec in schema.parts if spec.kind == "headings"}
    return Report(
        template=schema.name,
        issuer=info["issuer"],
        recipient=info["recipient"],
        year=info["year"],
        title=title,
        signature_date=info["signature_date"],
        intro=info["intro"],
        closing=info["closing"],
        doc_number=info.get("doc_number", ""),
        classification=info.get("classification", ""),
        retention=info.get("retention", ""),
        # An optional part left blank is not in the report, so the others number without a gap.
        # A free heading is the office's own words, not a title pattern: it is not filled.
        parts=tuple(
            p if p.key in free else dataclasses.replace(p, title=fill_title(p.title, info))
            for p in parts
            if p is not None and not p.is_empty
        ),
        extra=_extra(info, schema),
    )


def _extra(info: dict[str, Any], schema: Schema) -> dict[str, Any]:
    """The fields beyond the Report's own; a filed-only one (拟稿人 …) left empty is left
    out, as when its row is missing, so a workbook reads the same with or without the row."""
    filed = {f.key for f in schema.fields if not f.in_document}
    return {
        k: v for k, v in info.items() if k not in _REPORT_FIELDS and not (k in filed and v == "")
    }


# The fields the Report names as attributes; any other field goes to Report.extra.
_REPORT_FIELDS = frozenset(f.name for f in dataclasses.fields(Report))


def _in_order(items: list[Finding], data: WorkbookData) -> list[Finding]:
    """Findings by place: the file first, then sheet by sheet, row by row, column by column."""
    sheet_order = {name: i for i, name in enumerate(data.sheets)}

    def key(finding: Finding) -> tuple[int, int, int]:
        if not finding.cell:
            return (sheet_order.get(finding.sheet, -1), 0, 0)
        letters, row = split_ref(finding.cell)
        return (sheet_order.get(finding.sheet, -1), row, column_index(letters))

    return sorted(items, key=key)
