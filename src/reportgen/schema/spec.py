"""A template's schema (模式) as data: the fields and parts a document kind needs.

A template is a folder holding ``template.docx`` (docxtpl) and ``schema.toml``. The workbook
layout, the validator and the renderer all read the schema, so a new document kind is a new
folder, not new Python. ``load`` reads a folder into these types; ``problems`` checks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from reportgen.core.errors import TemplateError
from reportgen.core.i18n import Message, _, fill

# How a 基本信息 field is read, and how a part's sheet is laid out (data: 数据 rows with
# figures; sections: （一） sections with points; points: 一是 points only; headings: the
# first-level headings themselves typed in the sheet, one part of the body for each).
FieldType = Literal["text", "date", "integer", "percent", "docnumber"]
PartKind = Literal["data", "sections", "points", "headings"]
FIELD_TYPES: tuple[FieldType, ...] = get_args(FieldType)
PART_KINDS: tuple[PartKind, ...] = get_args(PartKind)
# How a part's indicator rows (指标/本年/上年/单位) are shown: run together in one sentence after
# the subsection's text (受理行政案件1234件（上年1100件）；…), or as a table after its paragraph.
IndicatorLayout = Literal["sentence", "table"]
INDICATOR_LAYOUTS: tuple[IndicatorLayout, ...] = get_args(IndicatorLayout)
DEFAULT_TEMPLATE = "letter"
# Workbooks (类别 property) and documents (category) name their template as "reportgen:<name>".
TEMPLATE_TAG = "reportgen:"
# The fields every template declares: the title, the recipient line and the signature need them.
CORE_FIELDS = ("issuer", "recipient", "year", "signature_date", "intro", "closing")
# The types of the fields the report itself holds (Report's attributes): the title, the
# signature and the year checks compute with them, so a year must stay a number and a date a
# date; the others are read as text (a docnumber or percent field is text too).
_TEXTUAL = ("text", "docnumber", "percent")
REPORT_FIELD_TYPES = {
    "issuer": _TEXTUAL,
    "recipient": _TEXTUAL,
    "year": ("integer",),
    "title": _TEXTUAL,
    "signature_date": ("date",),
    "intro": _TEXTUAL,
    "closing": _TEXTUAL,
    "doc_number": _TEXTUAL,
    "classification": _TEXTUAL,
    "retention": _TEXTUAL,
}
# Besides the fields, title patterns may use next_year (年度 + 1), for a part such as
# "{next_year}年度推进法治政府建设的主要安排".
DERIVED_VALUES = ("next_year",)
# A template name tags the workbooks made from it (类别 reportgen:<name>) and names its folder.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")  # 64 at most: a folder name everywhere


@dataclass(frozen=True)
class FieldSpec:
    """One key/value field of the 基本信息 sheet, such as 发文机关 (issuer)."""

    key: str
    label: str
    type: FieldType = "text"
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
    # For a date field: the key of another date field it should not precede (签发日期 not
    # before 拟稿日期); validation warns when it does.
    not_before: str = ""


@dataclass(frozen=True)
class PartSpec:
    """One numbered part of the body (一、基本数据 …), filled on its own sheet.

    ``title`` is the heading the document shows (it may use {year}, {next_year} …); ``sheet``
    is the workbook sheet, the title itself unless the schema gives a shorter name.
    ``required = false`` makes the part optional: left out of the document when its sheet is
    empty, the other parts numbered without a gap. A part of kind ``headings`` stands for as
    many numbered parts as its sheet has headings (标题); its ``title`` names it in the
    workbook's instructions only. ``indicators = "table"`` shows the indicator rows of a
    ``data`` part as a table after each subsection's paragraph instead of a sentence.
    """

    key: str
    title: str
    kind: PartKind
    required: bool = True
    help: str = ""
    sheet: str = ""
    indicators: IndicatorLayout = "sentence"

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

    @property
    def indicator_tables(self) -> frozenset[str]:
        """The keys of the parts whose indicators are shown as a table (indicators = "table")."""
        return frozenset(p.key for p in self.parts if p.indicators == "table")

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
        return fill(self.message, self.params, lang)


class SchemaError(TemplateError):
    """A schema.toml that cannot be used, shown as ``file:line: problem``."""

    def __init__(self, path: Path, problem: SchemaProblem) -> None:
        said = Message(problem.message, problem.params)
        super().__init__(
            _("{file}:{line}: {problem}"), file=str(path), line=problem.line, problem=said
        )
        self.problem = problem


def is_template_name(name: str) -> bool:
    """Whether ``name`` is a plain template name (letters, digits, - and _), not a path."""
    return _NAME.fullmatch(name) is not None
