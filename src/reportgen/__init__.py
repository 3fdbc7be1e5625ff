"""reportgen: an Excel workbook → a GB/T 9704-2012 Chinese official letter (函告) as .docx."""

from reportgen.api import BuildOptions, BuildResult, build_report, init_workbook, validate
from reportgen.core.errors import Finding, ReportgenError, Severity, ValidationFailed

__version__ = "0.1.0"

__all__ = [
    "BuildOptions",
    "BuildResult",
    "Finding",
    "ReportgenError",
    "Severity",
    "ValidationFailed",
    "__version__",
    "build_report",
    "init_workbook",
    "validate",
]
