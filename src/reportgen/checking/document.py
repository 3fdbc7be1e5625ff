"""The document under check: opening it, its schema, its findings and its paragraphs' settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportgen.core.errors import DocumentError, Finding, Severity
from reportgen.gbt9704.grid import CHAR_TWIPS
from reportgen.schema.load import builtin_template_names, load_schema
from reportgen.schema.spec import DEFAULT_TEMPLATE, TEMPLATE_TAG, Schema
from reportgen.wordml.open import open_docx
from reportgen.wordml.styles import Styles, lookup

PLACE_TOLERANCE = 0.3  # characters, for the signature and the page numbers


class Checker:
    """The state of one check: the document, its styles, its schema and the findings."""

    def __init__(self, path: Path, document: Any, schema: Schema) -> None:
        self.path = path
        self.document = document
        self.schema = schema
        self.styles = Styles(document)
        self.findings: list[Finding] = []

    def add(
        self,
        code: str,
        message: str,
        hint: str = "",
        place: str = "",
        severity: Severity = Severity.ERROR,
        **params: Any,
    ) -> None:
        """Record one finding at ``place`` (a paragraph, 页面设置, 页脚 …)."""
        self.findings.append(
            Finding(severity, code, message, hint, str(self.path), "", place, params)
        )


def open_document(path: Path) -> Any:
    """The python-docx Document at ``path``, or a DocumentError saying why not."""
    return open_docx(path, DocumentError)


def recorded_schema(document: Any) -> Schema:
    """The schema of the template named in the document's category, else the letter's."""
    category = document.core_properties.category or ""
    name = category[len(TEMPLATE_TAG) :] if category.startswith(TEMPLATE_TAG) else ""
    return load_schema(name if name in builtin_template_names() else DEFAULT_TEMPLATE)


def twips(length: Any) -> float:
    """A python-docx length (EMU, or None for unset) in twips."""
    return (length or 0) / 635


def w(tag: str) -> str:
    """The qualified name of WordprocessingML element or attribute ``tag``."""
    from docx.oxml.ns import qn

    return str(qn(f"w:{tag}"))


def alignment_of(checker: Checker, paragraph: Any) -> str:
    """The paragraph's effective alignment (left, center, right, both …)."""
    value = lookup(checker.styles.ppr_levels(paragraph._p), "jc", "val") or "left"
    return {"start": "left", "end": "right"}.get(value, value)


def indent_chars(levels: list[Any], name: str) -> float:
    """An indent in characters: w:<name>Chars if set, else twips over a grid character."""
    chars = lookup(levels, "ind", f"{name}Chars")
    if chars is not None and int(chars) != 0:
        return int(chars) / 100
    value = lookup(levels, "ind", name)
    if value is None and name == "left":
        value = lookup(levels, "ind", "start")
    return float(value or 0) / CHAR_TWIPS
