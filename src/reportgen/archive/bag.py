"""Archive packages (归档): a BagIt bag (RFC 8493) holding one letter as sent, and its check.

``archive_report`` writes ``DIR/<year>/<title>/`` with ``data/`` holding the .docx as sent
(plain, 信函格式 and/or laid out for a seal, as the build options ask), its PDF (PDF/A-2b,
where the PDF step is available), the source workbook byte for byte as received, and the
metadata (``metadata``: the GB/T 18894 elements, 业务活动, every file's SHA-256 and SM3) as
metadata.json and metadata.xml. Beside the SHA-256 manifests, ``sm3-manifest.txt`` holds every
payload file's SM3 (``digests``). The letter is built from the archived copy of the workbook,
so the two provably belong together, and with the same versions the .docx can be rebuilt
byte for byte.

The bag is made in a temporary folder inside ``DIR`` and renamed into place whole; an
existing bag is never overwritten. ``verify_bag`` (in ``verify``, importable from here too)
checks a bag, naming every file that changed, went missing or was added.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen import conversion
from reportgen.archive.digests import write_sm3_manifest
from reportgen.archive.metadata import (
    document_form,
    metadata_record,
    pdf_page_count,
    versions,
    write_metadata,
)
from reportgen.archive.verify import CHECKSUM
from reportgen.core.errors import ArchiveError, Finding, ReportgenError, ValidationFailed
from reportgen.core.filekind import PDF, sniff
from reportgen.core.files import remove_folder, safe_filename, staging_folder, write_error
from reportgen.core.i18n import _, fill
from reportgen.core.model import Report

if TYPE_CHECKING:
    from reportgen.api import BuildOptions

__all__ = ["ArchiveResult", "PdfOutcome", "archive_report", "make_pdf", "pdf_page_count"]
BAGIT_VERSION = "1.0"  # RFC 8493; bagit.py still writes 0.97, whose layout is the same


@dataclass(frozen=True)
class PdfOutcome:
    """The PDF of a letter, or why there is none (a message id and its fields)."""

    path: Path | None
    reason: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def reason_text(self, lang: str) -> str:
        """Why there is no PDF, in ``lang``; empty when there is one."""
        return fill(self.reason, self.params, lang) if self.reason else ""


@dataclass(frozen=True)
class ArchiveResult:
    """The bag written, its payload files, the PDF outcome, the build's warnings and the
    form the letter was sent in (文件形式: 普通, 信函格式, 加盖印章)."""

    bag: Path
    files: tuple[Path, ...]
    pdf: PdfOutcome
    warnings: tuple[Finding, ...]
    form: str = "普通"


# ---------------------------------------------------------------- making a bag


def archive_report(
    workbook: Path,
    output_dir: Path = Path("archive"),
    template: str | None = None,
    options: BuildOptions | None = None,
) -> ArchiveResult:
    """Build ``workbook``'s letter as sent (``options``: 信函格式, seal; a PDF/A is always
    made) and package it with its sources and metadata as a BagIt bag."""
    from reportgen import api

    options = (options or api.BuildOptions()).docx_only()
    form = document_form(options.letterhead, options.seal)
    content = _read_source(workbook)
    staging = staging_folder(output_dir, "archive")
    try:
        source = staging / archived_name(workbook)
        source.write_bytes(content)
        result = api.validate(source, template)
        if result.report is None:
            raise ValidationFailed(list(_as_given(result.findings, source, workbook)))
        target = bag_path(output_dir, result.report)
        _refuse_existing(target)
        files, pdf, warnings = _payload(source, staging, template, options)
        record = metadata_record(
            result.report, files, pdf.path, form, _context(result.report, pdf, template)
        )
        made = write_metadata(staging, record)
        _make_bag(staging, result.report, workbook.name, form)
        _move_into_place(staging, target)
    finally:
        remove_folder(staging)
    payload = tuple(target / "data" / f.name for f in (*files, *made))
    return ArchiveResult(target, payload, pdf, _as_given(warnings, source, workbook), form)


def archived_name(workbook: Path) -> str:
    """The workbook's name in the bag, always ending in .xlsx: a workbook named
    ``metadata.json`` or ``<title>.docx`` must not overwrite, or be overwritten by, the
    bag's other files (its original name is kept in bag-info.txt)."""
    if workbook.suffix.lower() == ".xlsx":
        return workbook.name
    return workbook.stem + ".xlsx"


def bag_path(output_dir: Path, report: Report) -> Path:
    """Where a report's bag goes: ``DIR/<year>/<title>``."""
    return output_dir / str(report.year) / safe_filename(report.title)


def _read_source(workbook: Path) -> bytes:
    """The workbook's bytes as received, after the reader's own errors (missing, .xls,
    not a workbook) had their chance to name the user's file rather than the copy."""
    from reportgen.workbook.read import read_workbook

    read_workbook(workbook)
    return workbook.read_bytes()


def _as_given(findings: list[Finding], copy: Path, given: Path) -> tuple[Finding, ...]:
    """Findings about the archived copy, told about the workbook the user named."""
    from dataclasses import replace

    return tuple(replace(f, file=str(given)) if f.file == str(copy) else f for f in findings)


def _refuse_existing(target: Path) -> None:
    """An archive is never overwritten, whatever is asked."""
    if target.exists():
        raise ArchiveError(
            _("{file} already exists: an archive is never overwritten. Move it away first."),
            file=str(target),
        )


def _payload(
    source: Path, staging: Path, template: str | None, options: BuildOptions
) -> tuple[list[Path], PdfOutcome, list[Finding]]:
    """The .docx as sent and its PDF beside the workbook copy in ``staging``: the files in
    order, the PDF outcome and the build's warnings (validation's, and e.g. a 信函格式
    letter without 发文字号)."""
    from reportgen import api

    built = api.build_report(source, staging / "build", template, options)
    docx = staging / built.outputs[0].name
    os.replace(built.outputs[0], docx)
    shutil.rmtree(staging / "build")
    pdf = make_pdf(docx, staging)
    files = [docx, *([pdf.path] if pdf.path else []), source]
    return files, pdf, list(built.warnings)


def make_pdf(docx: Path, out_dir: Path) -> PdfOutcome:
    """A PDF/A-2b of ``docx`` through reportgen.conversion (LibreOffice), or why there is none."""
    try:
        [made] = conversion.convert_to_pdf([docx], out_dir, pdfa=True)
    except ReportgenError as exc:
        return PdfOutcome(None, exc.message, dict(exc.params))
    if sniff(Path(made)) != PDF:  # told from its bytes: never archive something else as PDF/A
        Path(made).unlink(missing_ok=True)
        return PdfOutcome(None, _("LibreOffice wrote a file that is not a PDF."))
    return PdfOutcome(Path(made))


# ---------------------------------------------------------------- metadata.json


def _context(report: Report, pdf: PdfOutcome, template: str | None) -> dict[str, Any]:
    """What made the letter (模板, 生成软件) and the PDF outcome, for the metadata."""
    return {
        "模板": _template_info(report, template),
        "生成软件": versions(),
        "PDF": {
            "已生成": pdf.path is not None,
            "格式": "PDF/A-2b" if pdf.path else None,
            "说明": pdf.reason_text("zh") or None,
        },
    }


def _template_info(report: Report, template: str | None) -> dict[str, str]:
    from reportgen.schema.load import load_schema

    schema = load_schema(template or report.template)
    return {"名称": schema.name, "版本": schema.version}


# ---------------------------------------------------------------- the bag


def _make_bag(staging: Path, report: Report, source_name: str, form: str) -> None:
    """Turn ``staging`` into a BagIt 1.0 bag: payload under data/, manifests (SHA-256, and
    SM3 in sm3-manifest.txt), bag-info."""
    import bagit

    _quiet(bagit)
    info = {
        "Source-Organization": report.issuer,
        "External-Description": report.title,
        "Internal-Sender-Identifier": source_name,
        "Bag-Group-Identifier": str(report.year),
        "Bag-Software-Agent": f"reportgen {versions()['reportgen']} (bagit.py {bagit.VERSION})",
        "Bagging-Date": dt.date.today().isoformat(),
        "Document-Form": form,  # 文件形式: 普通, 信函格式, 加盖印章
    }
    if report.doc_number:
        info["External-Identifier"] = report.doc_number
    try:
        bagit.make_bag(str(staging), info, checksums=[CHECKSUM])
        write_sm3_manifest(staging)
        text = f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n"
        (staging / "bagit.txt").write_text(text, encoding="utf-8")
        bagit.Bag(str(staging)).save()  # the tag manifest, over bagit.txt and sm3-manifest.txt
    except (bagit.BagError, OSError, RuntimeError) as exc:
        raise ArchiveError(
            _("{file}: the bag could not be made: {error}"), file=str(staging), error=str(exc)
        ) from exc


def _quiet(bagit: Any) -> None:
    """bagit logs every file it hashes and every mismatch; reportgen reports those itself."""
    import logging

    logger = logging.getLogger(bagit.__name__)
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


def _move_into_place(staging: Path, target: Path) -> None:
    """Rename the finished bag onto ``target``, still refusing one that appeared meanwhile."""
    _refuse_existing(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _open_folders(staging)
        os.rename(staging, target)
    except OSError as exc:
        raise write_error(target, exc) from exc


def _open_folders(bag: Path) -> None:
    """Give the bag and its data/ folder a new folder's permissions (0777 less the umask):
    both were made by mkdtemp (ours and bagit's), which makes them private (0700)."""
    mask = os.umask(0)
    os.umask(mask)
    for folder in (bag, *(p for p in bag.rglob("*") if p.is_dir())):
        folder.chmod(0o777 & ~mask)
