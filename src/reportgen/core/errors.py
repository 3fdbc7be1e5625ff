"""The one error family of reportgen, and the finding that validation reports.

Every failure a user can cause ends as a ``ReportgenError``; the CLI turns it into a clean message
and an exit code. Anything else escaping is a bug in reportgen and shows a traceback on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import Any

from reportgen.core.i18n import _, fill


class Severity(str, Enum):
    """How bad a finding is: an error blocks the build, a warning does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem at one place (问题): file, sheet, cell, what is wrong and how to fix it.

    ``message`` and ``hint`` are English message ids; ``params`` fill their ``{name}`` fields.
    They are translated only when shown, so one finding can be printed in Chinese or English.
    """

    severity: Severity
    code: str
    message: str
    hint: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    line: int = 0  # a line of a text file (schema.toml) or a paragraph of a .docx; 0 if none

    @property
    def place(self) -> str:
        """``sheet!cell``, ``file:line``, ``sheet``, a paragraph of a checked document
        (``¶12 “…”``) or the file name: where the user should look."""
        if self.line:
            return f"{self.sheet or self.file}:{self.line}"
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or self.cell or self.file

    def text(self, lang: str) -> str:
        """The message in ``lang``, its fields filled."""
        return fill(self.message, self.params, lang)

    def hint_text(self, lang: str) -> str:
        """The fix in ``lang``, its fields filled; empty when there is none."""
        return fill(self.hint, self.params, lang) if self.hint else ""

    def to_dict(self, lang: str) -> dict[str, str | int | None]:
        """A plain dict for ``--format json``; ``line`` is null when the finding has none."""
        return {
            "severity": self.severity.value,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "line": self.line or None,
            "code": self.code,
            "message": self.text(lang),
            "hint": self.hint_text(lang),
        }


class ExitStatus(IntEnum):
    """What a command's exit code says (as pip's status codes do)."""

    OK = 0
    FINDINGS = 1  # it ran, and found errors, differences or failed workbooks
    UNUSABLE = 2  # an input or output could not be used; click's usage errors are 2 too


class ReportgenError(Exception):
    """A problem the user can fix; its message is shown without a traceback.

    The message is an English message id with ``{name}`` fields, translated when shown.
    """

    exit_code = ExitStatus.UNUSABLE

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def text(self, lang: str) -> str:
        """The message in ``lang``."""
        return fill(self.message, self.params, lang)

    def __str__(self) -> str:
        return self.text("en")


class WorkbookError(ReportgenError):
    """The workbook cannot be opened or read at all (not an .xlsx, locked, damaged)."""


class TemplateError(ReportgenError):
    """A template folder is missing, incomplete or broken."""


class ArchiveError(ReportgenError):
    """A bag cannot be made, or a path given to --verify is not a bag."""


class SourceError(ReportgenError):
    """A document to import cannot be read (not a .txt or .docx, damaged, unknown encoding)."""


class OutputError(ReportgenError):
    """An output file cannot be written, or exists and must not be overwritten."""


class DocumentError(ReportgenError):
    """A .docx to check cannot be opened or read (missing, not a Word document, damaged)."""


class ConversionError(ReportgenError):
    """LibreOffice or pdftoppm is missing, failed, timed out or wrote nothing."""


class ValidationFailed(ReportgenError):
    """The workbook has errors; ``findings`` lists every one of them."""

    exit_code = ExitStatus.FINDINGS

    def __init__(self, findings: list[Finding]) -> None:
        errors = sum(1 for f in findings if f.severity is Severity.ERROR)
        super().__init__(_("The workbook has {count} error(s); nothing was written."), count=errors)
        self.findings = findings
