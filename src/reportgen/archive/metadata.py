"""An archive bag's metadata (元数据): metadata.json and its XML rendition metadata.xml.

The record holds the minimum metadata GB/T 18894-2016 asks of a 文书类 electronic file, under
the standard's element names: 题名, 文件编号, 责任者, 日期, 机构或问题, 保管期限, 密级,
格式信息, 计算机文件名, 计算机文件大小, 文档创建程序 (the last four describing the 正文 as
sent, the .docx), with 年度, 页数 and 文件形式 (普通 / 信函格式 / 加盖印章) beside them; the
business activity (业务活动: 拟稿, 审核, 签发 — who and when) from the optional workbook
fields; what made the letter; and each payload file with its format, size, SHA-256 and SM3.

An element the workbook cannot know is ``null`` with ``<element>说明`` saying why. The XML
(element names after DA/T 46-2009, written with the standard library) has one element per
item, in the same order; a null is an empty element whose ``说明`` attribute gives the reason.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import zlib
from importlib.metadata import version
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from reportgen.archive.digests import SM3, file_digest
from reportgen.archive.verify import METADATA
from reportgen.core.filekind import DOCX, PDF, sniff
from reportgen.core.i18n import _, translate
from reportgen.core.model import Report

METADATA_XML = "metadata.xml"
NOTE = "说明"  # the key suffix (JSON) and the attribute (XML) that say why a value is null
SCHEME = "GB/T 18894-2016 文书类电子文件归档元数据；XML 元素名依 DA/T 46-2009"
# 业务活动: the action, and the workbook fields holding who did it and when (DA/T 46 业务实体).
ACTIVITIES = (
    ("拟稿", "drafter", "draft_date"),
    ("审核", "reviewer", "review_date"),
    ("签发", "approver", "approval_date"),
)
_FORMATS = {
    DOCX: "DOCX（Office Open XML，ISO/IEC 29500）",
    PDF: "PDF/A-2b（ISO 19005-2）",
}
_WORKBOOK_FORMAT = "XLSX（Office Open XML，ISO/IEC 29500）"
_XML_NAME = re.compile(r"[^\W\d][\w.\-]*")  # an XML element name (no colon, no digit first)
# The root of a PDF's page tree: /Type /Pages … /Count N (or /Count first). The root holds
# the largest count; LibreOffice writes the tree uncompressed.
_PAGE_TREE = re.compile(
    rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b"
)
_PRODUCER = re.compile(rb"/Producer\s*(?:\(([^)]{1,200})\)|<([0-9A-Fa-f]{2,400})>)")


def document_form(letterhead: bool, seal: bool) -> str:
    """文件形式: the form the letter was sent in (普通, 信函格式, 加盖印章, or both)."""
    forms = [name for name, asked in (("信函格式", letterhead), ("加盖印章", seal)) if asked]
    return "、".join(forms) or "普通"


def metadata_record(
    report: Report, files: list[Path], pdf: Path | None, form: str, context: dict[str, Any]
) -> dict[str, Any]:
    """The whole record: the GB/T 18894 elements, 业务活动, ``context`` (模板, 生成软件,
    PDF) and every payload file."""
    return {
        "元数据方案": SCHEME,
        **archival_fields(report, files[0], pdf, form),
        **business_activity(report),
        **context,
        "文件": [file_entry(path, pdf) for path in files],
    }


def archival_fields(report: Report, docx: Path, pdf: Path | None, form: str) -> dict[str, Any]:
    """题名 … 文档创建程序: the GB/T 18894 文书类 elements, null (with 说明) when unknown."""
    fields: dict[str, Any] = {
        "聚合层次": "文件",
        "题名": report.title,
        **_given("文件编号", report.doc_number, _("not given: the workbook leaves 发文字号 empty")),
        "责任者": report.issuer,
        "日期": report.signature_date.isoformat(),
        "年度": report.year,
        "机构或问题": None,
        f"机构或问题{NOTE}": _zh(
            _("not known to the workbook: the archives office assigns it when filing")
        ),
        **_given("保管期限", report.retention, _("not given: the workbook leaves 保管期限 empty")),
        **_given("密级", report.classification, _("not given: the workbook leaves 密级 empty")),
        **_pages(pdf),
        "文件形式": form,
    }
    described = file_entry(docx, pdf)
    for name in ("格式信息", "计算机文件名", "计算机文件大小", "文档创建程序"):
        fields[name] = described[name]
    return fields


def _given(name: str, value: str, reason: str) -> dict[str, Any]:
    """``{name: value}``, or a null with the reason when the workbook leaves it empty."""
    return {name: value} if value else {name: None, f"{name}{NOTE}": _zh(reason)}


def _zh(message: str) -> str:
    """A message in Chinese, the language of the record."""
    return translate(message, "zh")


def _pages(pdf: Path | None) -> dict[str, Any]:
    """页数, counted in the PDF, and 页数说明 saying how (or why it is unknown)."""
    pages = pdf_page_count(pdf) if pdf else None
    if pdf is None:
        note = _("unknown: there is no PDF to count pages in")
    elif pages is None:
        note = _("unknown: the PDF's page tree could not be read")
    else:
        note = _("counted in the PDF")
    return {"页数": pages, f"页数{NOTE}": _zh(note)}


def pdf_page_count(pdf: Path) -> int | None:
    """The page count from the root of the PDF's page tree; None if it cannot be read."""
    counts = [int(a or b) for a, b in _PAGE_TREE.findall(pdf.read_bytes())]
    return max(counts) if counts else None


def business_activity(report: Report) -> dict[str, Any]:
    """业务活动: one entry (业务行为, 机构人员名称, 行为时间) per action the workbook records."""
    entries = []
    for action, person_key, date_key in ACTIVITIES:
        person, when = report.extra.get(person_key) or None, report.extra.get(date_key) or None
        if person is None and when is None:
            continue
        shown = when.isoformat() if isinstance(when, dt.date) else when
        entries.append({"业务行为": action, "机构人员名称": person, "行为时间": shown})
    if entries:
        return {"业务活动": entries}
    reason = _("not given: the workbook leaves 拟稿人, 审核人 and 签发人 and their dates empty")
    return {"业务活动": [], f"业务活动{NOTE}": _zh(reason)}


def file_entry(path: Path, pdf: Path | None) -> dict[str, Any]:
    """One payload file: its role told from its bytes, format, name, size, creator, digests."""
    kind = sniff(path)
    role = "正文" if kind == DOCX else "PDF" if kind == PDF and path == pdf else "源工作簿"
    entry: dict[str, Any] = {
        "路径": f"data/{path.name}",
        "用途": role,
        "格式信息": _FORMATS.get(kind, _WORKBOOK_FORMAT),
        "计算机文件名": path.name,
        "计算机文件大小": path.stat().st_size,
        **_creator(role, path),
        "SHA-256": file_digest(path, "sha256"),
        "SM3": file_digest(path, SM3),
    }
    return entry


def _creator(role: str, path: Path) -> dict[str, Any]:
    """文档创建程序 of one file: reportgen for the .docx, LibreOffice for the PDF; the
    workbook's is not known (the office typed it in a spreadsheet program)."""
    if role == "正文":
        made = versions()
        return {"文档创建程序": f"reportgen {made['reportgen']}（docxtpl {made['docxtpl']}）"}
    if role == "PDF":
        return {"文档创建程序": f"{_producer(path)}（reportgen {versions()['reportgen']} 转换）"}
    reason = _("not known: the office filled the workbook in a spreadsheet program")
    return {"文档创建程序": None, f"文档创建程序{NOTE}": _zh(reason)}


def _producer(pdf: Path) -> str:
    """The PDF's /Producer (LibreOffice and its version), or plain "LibreOffice"."""
    match = _PRODUCER.search(pdf.read_bytes())
    if match is None:
        return "LibreOffice"
    if match.group(1) is not None:
        return match.group(1).decode("latin-1").strip() or "LibreOffice"
    raw = bytes.fromhex(match.group(2).decode("ascii"))
    text = raw[2:].decode("utf-16-be", "replace") if raw[:2] == b"\xfe\xff" else ""
    return text.strip() or "LibreOffice"


def versions() -> dict[str, str]:
    """What the .docx bytes depend on: rebuild with these for the same bytes."""
    return {
        "reportgen": version("reportgen"),
        "python": sys.version.split()[0],
        "docxtpl": version("docxtpl"),
        "python-docx": version("python-docx"),
        "lxml": version("lxml"),
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
    }


# ---------------------------------------------------------------- writing


def write_metadata(data: Path, record: dict[str, Any]) -> tuple[Path, Path]:
    """metadata.json and metadata.xml in ``data``."""
    text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    (data / METADATA).write_text(text, encoding="utf-8")
    (data / METADATA_XML).write_bytes(metadata_xml(record))
    return data / METADATA, data / METADATA_XML


def metadata_xml(record: dict[str, Any]) -> bytes:
    """The record as XML: UTF-8, declared; one element per item; nulls empty with 说明."""
    root = ElementTree.Element("电子文件元数据", {"元数据方案": SCHEME})
    _fill(root, {k: v for k, v in record.items() if k != "元数据方案"})
    ElementTree.indent(root)
    text = ElementTree.tostring(root, encoding="unicode")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n').encode()


# A list's items as elements: 业务活动 holds 业务实体, 文件 holds 文档 (DA/T 46's names).
_ITEM_NAMES = {"业务活动": "业务实体", "文件": "文档"}


def _fill(parent: ElementTree.Element, items: dict[str, Any]) -> None:
    """One child element of ``parent`` per item; ``X说明`` becomes X's 说明 attribute."""
    for key, value in items.items():
        if key.endswith(NOTE) and key[: -len(NOTE)] in items:
            continue
        child = _element(parent, key)
        note = items.get(f"{key}{NOTE}")
        if isinstance(note, str):
            child.set(NOTE, note)
        elif value is None:  # a null with no reason of its own (PDF's 说明 when there is one)
            child.set(NOTE, _zh(_("not applicable")))
        _value(child, key, value)


def _element(parent: ElementTree.Element, key: str) -> ElementTree.Element:
    """A child named ``key``, or ``项`` with a 名称 attribute when ``key`` is no XML name."""
    if _XML_NAME.fullmatch(key) and not key.lower().startswith("xml"):
        return ElementTree.SubElement(parent, key)
    return ElementTree.SubElement(parent, "项", {"名称": key})


def _value(element: ElementTree.Element, key: str, value: Any) -> None:
    """Put ``value`` in ``element``: text, nested elements, or nothing for a null."""
    if isinstance(value, dict):
        _fill(element, value)
    elif isinstance(value, list):
        for item in value:
            _value(ElementTree.SubElement(element, _ITEM_NAMES.get(key, "项")), key, item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
