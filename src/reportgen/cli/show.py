"""Showing findings to people and machines (结果呈现): text grouped by sheet, or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable

from reportgen.core.errors import Finding, Severity
from reportgen.core.i18n import _, translate

_LABELS = {Severity.ERROR: _("error"), Severity.WARNING: _("warning")}


def findings_text(findings: Iterable[Finding], lang: str) -> str:
    """Findings grouped by sheet, one line each: ``sheet!cell: message — hint``."""
    lines: list[str] = []
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.sheet or finding.file, []).append(finding)
    for group, items in groups.items():
        lines.append(f"[{group}]")
        lines.extend(f"  {_line(f, lang)}" for f in items)
    return "\n".join(lines)


def _line(finding: Finding, lang: str) -> str:
    label = translate(_LABELS[finding.severity], lang)
    hint = finding.hint_text(lang)
    return f"{label} {finding.place}: {finding.text(lang)}" + (f" — {hint}" if hint else "")


def summary_line(findings: Iterable[Finding], lang: str) -> str:
    """ "2 errors, 1 warning" (or its Chinese) for the end of a report."""
    items = list(findings)
    errors = sum(1 for f in items if f.severity is Severity.ERROR)
    warnings = len(items) - errors
    return translate(_("{errors} error(s), {warnings} warning(s)"), lang).format(
        errors=errors, warnings=warnings
    )


def findings_json(findings: Iterable[Finding], lang: str) -> str:
    """Findings as a JSON array of objects (severity, file, sheet, cell, line, code, message,
    hint)."""
    return json.dumps([f.to_dict(lang) for f in findings], ensure_ascii=False, indent=2)
