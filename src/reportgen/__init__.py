"""reportgen: an Excel workbook → a GB/T 9704-2012 Chinese official document (函告 or 报告).

The public names load the pipeline on first use (PEP 562), so that ``reportgen --help``, which
imports this package first, does not pay for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names as the type checker sees them
    from reportgen.api import BuildOptions, BuildResult, build_report, init_workbook, validate
    from reportgen.core.errors import Finding, ReportgenError, Severity, ValidationFailed

__version__ = "0.1.0"

_HOMES = {
    "BuildOptions": "reportgen.api",
    "BuildResult": "reportgen.api",
    "build_report": "reportgen.api",
    "init_workbook": "reportgen.api",
    "validate": "reportgen.api",
    "Finding": "reportgen.core.errors",
    "ReportgenError": "reportgen.core.errors",
    "Severity": "reportgen.core.errors",
    "ValidationFailed": "reportgen.core.errors",
}

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


def __getattr__(name: str) -> Any:
    """A public name, imported from its module the first time it is asked for."""
    if name not in _HOMES:
        raise AttributeError(f"module 'reportgen' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
