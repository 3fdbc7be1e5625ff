"""Collecting findings (问题清单) during one validation run, with what was read where.

Besides the findings, the collector remembers which cells the reader used (so that a typed
cell the document leaves out can be listed) and the text of every text cell (for the content
checks and for ``validate --fix``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportgen.core.errors import Finding, Severity


@dataclass(frozen=True)
class TextCell:
    """One text cell as read: where it is, what was typed, what the document shows."""

    sheet: str
    cell: str
    raw: Any
    text: str
    role: str  # "field:<key>", "title" (a section or point title) or "body"
    label: str  # the field or column name, for messages


@dataclass
class Findings:
    """The findings of one validation run, each stamped with the file it concerns."""

    file: str
    items: list[Finding] = field(default_factory=list)
    used: set[tuple[str, str]] = field(default_factory=set)  # (sheet, cell) the reader took
    texts: list[TextCell] = field(default_factory=list)
    # Cells already reported as unusable (a formula without result, #REF!): later checks
    # of the same cell would only repeat the problem, so they are not recorded.
    blocked: set[tuple[str, str]] = field(default_factory=set)
    # Sheets that could not be read as a table (missing, headers changed, too many rows).
    unread: set[str] = field(default_factory=set)

    def add(
        self,
        severity: Severity,
        code: str,
        message: str,
        hint: str = "",
        sheet: str = "",
        cell: str = "",
        **params: Any,
    ) -> None:
        """Record one finding, unless its cell was already reported as unusable."""
        if cell and (sheet, cell) in self.blocked:
            return
        self.items.append(Finding(severity, code, message, hint, self.file, sheet, cell, params))

    def error(
        self,
        code: str,
        message: str,
        hint: str = "",
        sheet: str = "",
        cell: str = "",
        **params: Any,
    ) -> None:
        """Record an error: the build will refuse the workbook."""
        self.add(Severity.ERROR, code, message, hint, sheet, cell, **params)

    def warning(
        self,
        code: str,
        message: str,
        hint: str = "",
        sheet: str = "",
        cell: str = "",
        **params: Any,
    ) -> None:
        """Record a warning: shown, but the build goes on."""
        self.add(Severity.WARNING, code, message, hint, sheet, cell, **params)

    def use(self, sheet: str, cell: str) -> None:
        """Note that the reader took ``cell``: it is in the document (or was reported)."""
        self.used.add((sheet, cell))

    @property
    def has_errors(self) -> bool:
        """Whether any finding is an error."""
        return any(f.severity is Severity.ERROR for f in self.items)
