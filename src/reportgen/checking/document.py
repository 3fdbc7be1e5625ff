"""The document under check: opening it, its schema, its findings and its paragraphs' settings.

Every value is read from the raw XML (``element.get``), never through python-docx's typed
properties, which raise on values they do not expect (``w:left="1587.5"``, ``w:w="A4"``,
``w:val="maybe"``) or on a footer relationship that points nowhere. A number check cannot read
(not a decimal or a universal measure such as ``37mm``, or not finite) is one ``value``
finding, at the first paragraph or setting where it is met, and is then taken as unset (the
next level of Word's chain, or Word's default, applies no further: the property counts as
absent). Decimal fractions (``1587.5``), which real tools write, are read as numbers.

A document longer than ``MAX_PARAGRAPHS`` paragraphs or ``MAX_RUNS`` runs is refused before
any rule runs, so that check's time stays bounded.
"""

from __future__ import annotations

import math
import re
from itertools import islice
from pathlib import Path
from typing import Any

from reportgen.core.errors import DocumentError, Finding, Severity
from reportgen.core.i18n import _
from reportgen.gbt9704.grid import CHAR_TWIPS
from reportgen.schema.load import builtin_template_names, load_schema
from reportgen.schema.spec import DEFAULT_TEMPLATE, TEMPLATE_TAG, Schema
from reportgen.wordml.open import open_docx
from reportgen.wordml.styles import Styles, lookup, related_element

PLACE_TOLERANCE = 0.3  # characters, for the signature and the page numbers
# A letter under GB/T 9704 has tens to a few hundred paragraphs; 50,000 is some 2,000 pages.
# Check is linear (about 0.1 ms a paragraph), but python-docx holds the whole tree in memory,
# so anything longer is refused rather than read: it is no letter, and the limit bounds time
# and memory on any input. Runs: ten a paragraph on average.
MAX_PARAGRAPHS = 50_000
MAX_RUNS = 100_000
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# ST_UniversalMeasure units, in twips
_UNITS = {"mm": 56.6929, "cm": 566.929, "in": 1440.0, "pt": 20.0, "pc": 240.0, "pi": 240.0}
_SHOWN_VALUE = 24  # characters of an unreadable value shown in its finding


class Checker:
    """The state of one check: the document, its styles, its schema and the findings."""

    def __init__(self, path: Path, document: Any, schema: Schema) -> None:
        self.path = path
        self.document = document
        self.schema = schema
        self.styles = Styles(document)
        self.body = document.element.find(w("body"))
        self.section = first_section(self.body)
        self.findings: list[Finding] = []
        self._unreadable: set[tuple[str, str]] = set()

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

    def number(self, value: str | None, setting: str, place: str, unit: float = 0) -> float | None:
        """``value`` of ``setting`` (``w:ind w:left``) as a number, None when unset; one
        finding (once per setting and value) when it is no number. ``unit`` is the
        setting's unit in twips, when it may also be written as ``37mm`` or ``16pt``."""
        if value is None:
            return None
        number = parse_number(value, unit)
        if number is None and (setting, value) not in self._unreadable:
            self._unreadable.add((setting, value))
            self.add(
                "value",
                _("{setting}=“{value}” is not a number Word understands; check took it as unset."),
                _("Set this again in Word or WPS (paragraph, font or page setup) and save it."),
                place,
                setting=setting,
                value=value if len(value) <= _SHOWN_VALUE else value[:_SHOWN_VALUE] + "…",
            )
        return number


def parse_number(value: str, unit: float = 0) -> float | None:
    """A decimal (``1587``, ``1587.5``), or with ``unit`` a universal measure (``37mm``)
    in that unit; None for anything else, infinities included."""
    text = value.strip()
    scale = 1.0
    if unit and text[-2:] in _UNITS:
        text, scale = text[:-2], _UNITS[text[-2:]] / unit
    if not _NUMBER.fullmatch(text):
        return None
    number = float(text) * scale
    return number if math.isfinite(number) else None


def open_document(path: Path) -> Any:
    """The python-docx Document at ``path``, or a DocumentError saying why not; refused when
    it has more paragraphs or runs than check reads."""
    document = open_docx(path, DocumentError)
    body = document.element.find(w("body"))
    for tag, limit in (("p", MAX_PARAGRAPHS), ("r", MAX_RUNS)):
        if body is not None and _more_than(body.iter(w(tag)), limit):
            raise DocumentError(_TOO_LONG[tag], file=str(path), limit=f"{limit:,}")
    return document


def _more_than(items: Any, limit: int) -> bool:
    """Whether the iterator ``items`` yields more than ``limit`` items (reading no further)."""
    return sum(1 for _item in islice(items, limit + 1)) > limit


_TOO_LONG = {
    "p": _(
        "{file}: the document has more than {limit} paragraphs, more than check reads "
        "(a letter has a few hundred). Check the letter on its own, not a collection."
    ),
    "r": _(
        "{file}: the document has more than {limit} runs of text, more than check reads "
        "(a letter has a few thousand). Check the letter on its own, not a collection."
    ),
}


def first_section(body: Any) -> Any:
    """The first section's page setup (w:sectPr, in a paragraph or at the body's end), or None."""
    if body is None:
        return None
    for child in body:
        if child.tag == w("sectPr"):
            return child
        ppr = child.find(w("pPr")) if child.tag == w("p") else None
        section = ppr.find(w("sectPr")) if ppr is not None else None
        if section is not None:
            return section
    return None


def recorded_schema(document: Any) -> Schema:
    """The schema of the template named in the document's category, else the letter's."""
    category = _category(document)
    name = category[len(TEMPLATE_TAG) :] if category.startswith(TEMPLATE_TAG) else ""
    return load_schema(name if name in builtin_template_names() else DEFAULT_TEMPLATE)


def _category(document: Any) -> str:
    """The document's category (docProps/core.xml cp:category), or empty."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    core = related_element(document.part.package, RELATIONSHIP_TYPE.CORE_PROPERTIES)
    if core is None:
        return ""
    ns = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    category = core.find(f"{{{ns}}}category")
    return str(category.text or "") if category is not None else ""


def w(tag: str) -> str:
    """The qualified name of WordprocessingML element or attribute ``tag``."""
    return f"{{{_W_NS}}}{tag}"


def measure(
    checker: Checker, levels: list[Any], tag: str, attr: str, place: str, unit: float = 1
) -> float | None:
    """``w:tag/@w:attr`` along ``levels`` as a number (see ``Checker.number``), or None."""
    return checker.number(lookup(levels, tag, attr), f"w:{tag} w:{attr}", place, unit)


def alignment_of(checker: Checker, p: Any) -> str:
    """Paragraph ``p``'s effective alignment (left, center, right, both …)."""
    value = lookup(checker.styles.ppr_levels(p), "jc", "val") or "left"
    return {"start": "left", "end": "right"}.get(value, value)


def indent_chars(checker: Checker, levels: list[Any], name: str, place: str) -> float:
    """An indent in characters: w:<name>Chars if set, else twips over a grid character."""
    chars = measure(checker, levels, "ind", f"{name}Chars", place, unit=0)
    if chars:
        return chars / 100
    attr = "start" if name == "left" and lookup(levels, "ind", name) is None else name
    return (measure(checker, levels, "ind", attr, place) or 0) / CHAR_TWIPS


def first_line_chars(checker: Checker, levels: list[Any], place: str) -> float:
    """The first-line indent in characters, negative when hanging.

    ``firstLine`` and ``hanging`` are one property of opposite signs, as are ``firstLineChars``
    and ``hangingChars``: the nearest level that sets either of a pair decides it, so a
    ``w:hanging="0"`` (which LibreOffice writes) cancels an inherited ``w:firstLine``. A
    non-zero character count wins over twips, as in Word.
    """
    chars = _signed_indent(checker, levels, ("firstLineChars", "hangingChars"), place)
    if chars:
        return chars / 100
    return _signed_indent(checker, levels, ("firstLine", "hanging"), place) / CHAR_TWIPS


def _signed_indent(
    checker: Checker, levels: list[Any], names: tuple[str, str], place: str
) -> float:
    """``names[0]`` minus ``names[1]`` of ``w:ind`` at the nearest level that sets either
    (hanging wins within a level, as the standard says); 0 when none does or the value is
    unreadable (then no further level applies, as for every setting)."""
    unit = 0 if names[0].endswith("Chars") else 1
    for level in levels:
        ind = level.find(w("ind"))
        if ind is None:
            continue
        for sign, attr in ((-1, names[1]), (1, names[0])):
            value = ind.get(w(attr))
            if value is not None:
                number = checker.number(value, f"w:ind w:{attr}", place, unit)
                return sign * (number or 0.0)
    return 0.0
