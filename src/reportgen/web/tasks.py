"""What the page's child processes do (作业内容): each calls the library, as the CLI does.

Every function here runs inside a limited child (``jobs``), takes paths inside the request's
own temporary folder and returns a small frozen dataclass; the project's errors travel back
as themselves. Nothing here knows about HTTP.
"""

from __future__ import annotations

import dataclasses
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen import api
from reportgen.core.errors import ConversionError, Finding, ReportgenError
from reportgen.core.filekind import XLSX, sniff
from reportgen.core.i18n import fill


@dataclass(frozen=True)
class Note:
    """A message id and its fields, told when shown (a reason for a missing preview)."""

    message: str
    params: dict[str, Any]

    def text(self, lang: str) -> str:
        """The note in ``lang``."""
        return fill(self.message, self.params, lang)


@dataclass(frozen=True)
class Checked:
    """A workbook checked, and when it has no error: its title and page previews."""

    findings: tuple[Finding, ...]
    ok: bool
    title: str = ""
    pages: tuple[Path, ...] = ()
    no_preview: Note | None = None
    document: Path | None = None  # the plain letter, when its previews are made elsewhere


@dataclass(frozen=True)
class Carried:
    """Next year's workbook, and the warnings that list what to review in it."""

    path: Path
    year: int
    pending: int
    figures: int
    review: tuple[Finding, ...]


@dataclass(frozen=True)
class Archived:
    """The zipped bag, validation's warnings, and why it holds no PDF (if it does not)."""

    path: Path
    warnings: tuple[Finding, ...]
    no_pdf: Note | None


def _note(exc: ReportgenError) -> Note:
    """An error kept as a note."""
    return Note(exc.message, dict(exc.params))


def check_workbook(
    workbook: Path, work: Path, template: str | None, preview: bool = True
) -> Checked:
    """Validate; with no error, build the plain letter and (``preview``) a PNG of every
    page. Without ``preview`` the letter is left for the server's warm LibreOffice."""
    result = api.validate(workbook, template)
    if result.report is None:
        return Checked(tuple(result.findings), ok=False)
    if not preview:
        built = api.build_report(workbook, work / "build", template)
        return Checked(tuple(built.warnings), True, result.report.title, document=built.outputs[0])
    try:
        built = api.build_report(workbook, work / "build", template, api.BuildOptions(pdf=True))
    except ConversionError as exc:  # no LibreOffice: the words still count
        return Checked(tuple(result.findings), True, result.report.title, no_preview=_note(exc))
    from reportgen.conversion import preview_pages

    pages = preview_pages(built.outputs[-1], work / "pages", dpi=80)
    return Checked(tuple(built.warnings), True, result.report.title, tuple(pages))


def previews(checked: Checked, work: Path, office: Any) -> Checked:
    """``checked`` with the PNG pages of its letter, converted by the warm ``office`` pool
    (in the server's own process: the pool outlives the request's child)."""
    from reportgen.conversion import convert_to_pdf, preview_pages

    if checked.document is None:
        return checked
    try:
        [pdf] = convert_to_pdf([checked.document], work / "pdf", pool=office)
        pages = tuple(preview_pages(pdf, work / "pages", dpi=80))
    except ConversionError as exc:
        return dataclasses.replace(checked, no_preview=_note(exc))
    return dataclasses.replace(checked, pages=pages)


def build_one(workbook: Path, work: Path, template: str | None, options: api.BuildOptions) -> Path:
    """Build one output: the .docx, or its PDF when ``options`` ask for one."""
    built = api.build_report(workbook, work / "build", template, options)
    return built.outputs[-1]


def empty_workbook(work: Path, template: str, year: int | None) -> Path:
    """A new empty workbook for ``template``."""
    schema_name = Path(template).name
    return api.init_workbook(work / f"{schema_name}-{year or ''}.xlsx", template, year)


def next_year_workbook(source: Path, work: Path, template: str | None) -> Carried:
    """Next year's workbook from last year's .xlsx, or from its .docx/.txt (imported first)."""
    from reportgen.yearly.carry import carry_forward

    last = source
    if sniff(source) != XLSX:
        from reportgen.yearly.importer import import_document

        last = work / "imported.xlsx"
        import_document(source, last, template=template)
    result = carry_forward(last, work / "next.xlsx", template=template)
    review = api.validate(result.path, template).findings
    return Carried(result.path, result.year, result.pending, result.figures, tuple(review))


def redline(old: Path, new: Path, template: str | None, lang: str) -> tuple[str, str]:
    """The redline page of the changes from ``old`` to ``new``, and its one-line summary."""
    from reportgen.yearly.diff import diff_workbooks
    from reportgen.yearly.diffview import diff_html, summary

    result = diff_workbooks(old, new, template)
    return diff_html(result, lang), summary(result, lang)


def archive_zip(
    workbook: Path, work: Path, template: str | None, options: api.BuildOptions | None = None
) -> Archived:
    """The BagIt bag of the workbook's letter as sent (``options``), packed as one .zip."""
    from reportgen.archive.bag import archive_report

    result = archive_report(workbook, work / "archive", template, options)
    packed = shutil.make_archive(
        str(work / result.bag.name), "zip", root_dir=result.bag.parent, base_dir=result.bag.name
    )
    no_pdf = None if result.pdf.path else Note(result.pdf.reason, dict(result.pdf.params))
    return Archived(Path(packed), result.warnings, no_pdf)


def check_document(
    document: Path, template: str | None, pages: bool = False
) -> tuple[Finding, ...]:
    """Every GB/T 9704 finding for a .docx; with ``pages``, its rendered pages' too."""
    return tuple(api.check_docx(document, template, pages=pages))
