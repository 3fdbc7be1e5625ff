"""Archive packages (归档): a BagIt bag (RFC 8493) holding one letter as sent, and its check.

``archive_report`` writes ``DIR/<year>/<title>/`` with ``data/`` holding the .docx, the PDF
(PDF/A-2b, where the PDF step is available), the source workbook byte for byte as received,
and ``metadata.json`` with the archival fields (题名, 责任者, 发文字号, 成文日期, 年度, 页数,
密级, 保管期限), the template and the versions that made the .docx, and every file's SHA-256.
The letter is built from the archived copy of the workbook, so the two provably belong
together, and with the same versions the .docx can be rebuilt byte for byte.

The bag is made in a temporary folder inside ``DIR`` and renamed into place whole; an
existing bag is never overwritten. ``verify_bag`` (in ``verify``, importable from here too)
checks a bag, naming every file that changed, went missing or was added.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen import conversion
from reportgen.archive.verify import (
    CHECKSUM,
    METADATA,
    sha256,
)
from reportgen.core.errors import ArchiveError, Finding, ReportgenError, ValidationFailed
from reportgen.core.filekind import DOCX, PDF, sniff
from reportgen.core.files import safe_filename, staging_folder, write_error
from reportgen.core.i18n import _, fill, translate
from reportgen.core.model import Report

BAGIT_VERSION = "1.0"  # RFC 8493; bagit.py still writes 0.97, whose layout is the same
# The root of a PDF's page tree: /Type /Pages … /Count N (or /Count first). The root holds
# the largest count; LibreOffice writes the tree uncompressed.
_PAGE_TREE = re.compile(
    rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b"
)


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
    """The bag written, its payload files, the PDF outcome and validation's warnings."""

    bag: Path
    files: tuple[Path, ...]
    pdf: PdfOutcome
    warnings: tuple[Finding, ...]


# ---------------------------------------------------------------- making a bag


def archive_report(
    workbook: Path, output_dir: Path = Path("archive"), template: str | None = None
) -> ArchiveResult:
    """Build ``workbook``'s letter and package it with its sources as a BagIt bag."""
    from reportgen import api

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
        files, pdf = _payload(source, staging, template)
        _write_metadata(staging, result.report, files, pdf, template)
        _make_bag(staging, result.report, workbook.name)
        _move_into_place(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    payload = tuple(target / "data" / f.name for f in files)
    return ArchiveResult(target, payload, pdf, _as_given(result.findings, source, workbook))


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


def _payload(source: Path, staging: Path, template: str | None) -> tuple[list[Path], PdfOutcome]:
    """The .docx and the PDF beside the workbook copy in ``staging``; the files in order."""
    from reportgen import api

    built = api.build_report(source, output_dir=staging / "build", template=template)
    docx = staging / built.outputs[0].name
    os.replace(built.outputs[0], docx)
    shutil.rmtree(staging / "build")
    pdf = make_pdf(docx, staging)
    files = [docx, *([pdf.path] if pdf.path else []), source]
    return files, pdf


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


def pdf_page_count(pdf: Path) -> int | None:
    """The page count from the root of the PDF's page tree; None if it cannot be read."""
    counts = [int(a or b) for a, b in _PAGE_TREE.findall(pdf.read_bytes())]
    return max(counts) if counts else None


# ---------------------------------------------------------------- metadata.json


def _write_metadata(
    staging: Path, report: Report, files: list[Path], pdf: PdfOutcome, template: str | None
) -> None:
    """metadata.json: the archival fields, what made the letter, every file's SHA-256."""
    metadata = {
        **archival_fields(report, pdf),
        "模板": _template_info(report, template),
        "生成软件": _versions(),
        "PDF": {
            "已生成": pdf.path is not None,
            "格式": "PDF/A-2b" if pdf.path else None,
            "说明": pdf.reason_text("zh") or None,
        },
        "文件": [_file_entry(path, pdf) for path in files],
    }
    text = json.dumps(metadata, ensure_ascii=False, indent=2) + "\n"
    (staging / METADATA).write_text(text, encoding="utf-8")


def archival_fields(report: Report, pdf: PdfOutcome) -> dict[str, Any]:
    """题名 … 保管期限: the fields an office files a document under (null when not given)."""
    pages = pdf_page_count(pdf.path) if pdf.path else None
    if pdf.path is None:
        pages_note = translate(_("unknown: there is no PDF to count pages in"), "zh")
    elif pages is None:
        pages_note = translate(_("unknown: the PDF's page tree could not be read"), "zh")
    else:
        pages_note = translate(_("counted in the PDF"), "zh")
    return {
        "题名": report.title,
        "责任者": report.issuer,
        "发文字号": report.doc_number or None,
        "成文日期": report.signature_date.isoformat(),
        "年度": report.year,
        "页数": pages,
        "页数说明": pages_note,
        "密级": report.classification or None,
        "保管期限": report.retention or None,
    }


def _template_info(report: Report, template: str | None) -> dict[str, str]:
    from reportgen.schema.load import load_schema

    schema = load_schema(template or report.template)
    return {"名称": schema.name, "版本": schema.version}


def _versions() -> dict[str, str]:
    """What the .docx bytes depend on: rebuild with these for the same bytes."""
    import sys
    import zlib
    from importlib.metadata import version

    return {
        "reportgen": version("reportgen"),
        "python": sys.version.split()[0],
        "docxtpl": version("docxtpl"),
        "python-docx": version("python-docx"),
        "lxml": version("lxml"),
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
    }


def _file_entry(path: Path, pdf: PdfOutcome) -> dict[str, Any]:
    """One file's entry in metadata.json; its role told from its bytes, not its name."""
    kind = sniff(path)
    role = "正文" if kind == DOCX else "PDF" if kind == PDF and path == pdf.path else "源工作簿"
    return {
        "路径": f"data/{path.name}",
        "用途": role,
        "字节数": path.stat().st_size,
        "SHA-256": sha256(path),
    }


# ---------------------------------------------------------------- the bag


def _make_bag(staging: Path, report: Report, source_name: str) -> None:
    """Turn ``staging`` into a BagIt 1.0 bag: payload under data/, manifests, bag-info."""
    import bagit

    _quiet(bagit)
    info = {
        "Source-Organization": report.issuer,
        "External-Description": report.title,
        "Internal-Sender-Identifier": source_name,
        "Bag-Group-Identifier": str(report.year),
        "Bag-Software-Agent": f"reportgen {_versions()['reportgen']} (bagit.py {bagit.VERSION})",
        "Bagging-Date": dt.date.today().isoformat(),
    }
    if report.doc_number:
        info["External-Identifier"] = report.doc_number
    try:
        bagit.make_bag(str(staging), info, checksums=[CHECKSUM])
        text = f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n"
        (staging / "bagit.txt").write_text(text, encoding="utf-8")
        bagit.Bag(str(staging)).save()  # the tag manifest, again over the new bagit.txt
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
