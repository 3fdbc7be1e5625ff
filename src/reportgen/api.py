"""The library entry points the CLI wraps (接口): init, validate, build.

Each takes paths and names, runs the stages in order (workbook → model → context → render →
output) and returns typed results; user mistakes raise ``ReportgenError`` subclasses.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.core.errors import Finding, Severity, ValidationFailed
from reportgen.core.files import refuse_existing, safe_filename
from reportgen.core.i18n import _
from reportgen.rendering.context import build_context
from reportgen.schema.load import load_schema
from reportgen.schema.spec import DEFAULT_TEMPLATE, Schema
from reportgen.validation.fields import DOC_NUMBER_LETTERHEAD
from reportgen.validation.run import ValidationResult, schema_for, validate_data, validate_file
from reportgen.validation.structure import not_shown
from reportgen.workbook.read import read_workbook

if TYPE_CHECKING:  # the fonts module is needed only when a PDF is made
    from reportgen.fonts.faces import Substitution


@dataclass(frozen=True)
class BuildOptions:
    """How to build: also a PDF (or a PDF/A-2b for archiving), the 信函格式 first page
    (``letterhead``, GB/T 9704 §10.1), the layout for a seal (``seal``, §7.3.5.1), and the
    office's fonts folder for the PDF (``fonts``; default: $REPORTGEN_FONTS)."""

    pdf: bool = False
    pdfa: bool = False
    letterhead: bool = False
    seal: bool = False
    fonts: Path | None = None
    html: bool = False  # also the page to publish on the website (rendering.html)

    @property
    def wants_pdf(self) -> bool:
        """Whether a PDF of either kind is asked for."""
        return self.pdf or self.pdfa

    def docx_only(self) -> BuildOptions:
        """The same options without the PDF (a batch converts its PDFs together afterwards)."""
        return dataclasses.replace(self, pdf=False, pdfa=False)


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, the warnings validation left standing, and the faces of the PDF
    drawn with a stand-in font."""

    outputs: tuple[Path, ...]
    warnings: tuple[Finding, ...]
    substitutions: tuple[Substitution, ...] = ()


def init_workbook(
    path: Path, template: str = DEFAULT_TEMPLATE, year: int | None = None, force: bool = False
) -> Path:
    """Write an empty workbook for ``template`` at ``path``; refuse to overwrite without force."""
    from reportgen.workbook.write import write_workbook  # deferred: a build never writes one

    refuse_existing(path, force)
    write_workbook(path, load_schema(template), year=year)
    return path


def validate(workbook: Path, template: str | None = None) -> ValidationResult:
    """Every finding for ``workbook``; the report too when there is no error."""
    return validate_file(workbook, template)


def output_path(output_dir: Path, year: int, title: str, suffix: str = ".docx") -> Path:
    """Where a report goes: ``DIR/<year>/<title>.docx``."""
    return output_dir / str(year) / (safe_filename(title) + suffix)


def build_report(
    workbook: Path,
    output_dir: Path = Path("build"),
    template: str | None = None,
    options: BuildOptions = BuildOptions(),
) -> BuildResult:
    """Validate ``workbook`` and render its .docx (and its PDF if ``options`` ask for one).
    Raise ValidationFailed on any error."""
    from reportgen.rendering.render import render_docx  # deferred: docxtpl is slow to import

    if options.wants_pdf:
        from reportgen.conversion import fonts_folder, soffice

        soffice()  # no LibreOffice or no fonts folder: stop before the .docx is written
        fonts_folder(options.fonts)
    data = read_workbook(workbook)
    schema = schema_for(data, template)
    result = validate_data(data, schema)
    if result.report is None:
        raise ValidationFailed(result.findings)
    report = result.report
    target = output_path(output_dir, report.year, report.title)
    context = build_context(report, sealed=options.seal, tables=schema.indicator_tables)
    shown = render_docx(schema, report, context, target, letterhead=options.letterhead)
    outputs = [target]
    if options.html:
        from reportgen.rendering.html import render_html

        outputs.append(render_html(report, context, target.with_suffix(".html")))
    substituted: tuple[Substitution, ...] = ()
    if options.wants_pdf:
        from reportgen.conversion import convert

        converted = convert([target], target.parent, pdfa=options.pdfa, fonts=options.fonts)
        outputs += converted.outputs
        substituted = converted.substitutions
    printed = [t for t in result.texts if t.role not in _metadata_roles(schema)]
    # validate's 发文字号 warning is for a build not yet made: not_shown says what this one printed
    standing = [f for f in result.findings if f.code != DOC_NUMBER_LETTERHEAD]
    warnings = [*standing, *not_shown(printed, shown, str(workbook))]
    if options.letterhead and not report.doc_number:
        warnings.append(_letterhead_without_number(schema))
    return BuildResult(tuple(outputs), tuple(warnings), substituted)


def _metadata_roles(schema: Schema) -> set[str]:
    """Fields filed rather than printed (密级, 保管期限: ``in_document = false``), whose
    absence from the document is expected."""
    return {f"field:{f.key}" for f in schema.fields if not f.in_document}


def _letterhead_without_number(schema: Schema) -> Finding:
    """The warning for a 信函格式 letter whose workbook gives no 发文字号."""
    return Finding(
        Severity.WARNING,
        "letterhead-no-number",
        _("The letterhead has no 发文字号: the workbook leaves it empty."),
        _("Fill 发文字号 on the {sheet} sheet (like 杭公函〔2018〕12号), or write it in by hand."),
        sheet=schema.info_sheet,
        params={"sheet": schema.info_sheet},
    )


def check_docx(path: Path, template: str | None = None, pages: bool = False) -> list[Finding]:
    """Every GB/T 9704 finding for a .docx, against ``template`` or the one it records;
    with ``pages``, also those of its pages as LibreOffice renders them (背题, a page with
    only the 落款, 22 × 28, the date's right space, page-number placement)."""
    from reportgen.checking.run import check_document  # deferred: python-docx is slow to import

    schema = load_schema(template) if template else None
    if not pages:
        return check_document(path, schema)
    from reportgen.checking.pages import check_pages, require_programs

    require_programs()  # no LibreOffice or poppler: fail before anything is checked
    return check_document(path, schema) + check_pages(path, schema)
