"""What every command shares (命令共用): the language, messages, error handling, exit codes, options."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from reportgen.cli.show import findings_json, findings_text, summary_line
from reportgen.core.errors import ExitStatus, Finding, ReportgenError, Severity, ValidationFailed
from reportgen.core.i18n import _, translate

EXISTING_FILE = click.Path(exists=False, dir_okay=False, path_type=Path)


def current_lang() -> str:
    """The language messages are shown in (--lang, else the locale)."""
    return click.get_current_context().find_root().obj["lang"]


def say(message: str, **params: Any) -> None:
    """Print a message in the chosen language, its fields filled."""
    click.echo(translate(message, current_lang()).format(**params))


def handles_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the project's own errors into a clean message on stderr and their exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ValidationFailed as exc:
            lang = current_lang()
            click.echo(findings_text(exc.findings, lang), err=True)
            click.echo(summary_line(exc.findings, lang), err=True)
            click.echo(exc.text(lang), err=True)
            sys.exit(exc.exit_code)
        except ReportgenError as exc:
            click.echo(f"reportgen: {exc.text(current_lang())}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format: text for people, json for programs.",
)

template_option = click.option(
    "--template",
    "-t",
    default=None,
    metavar="NAME|DIR",
    help="Template: a shipped name (letter) or a template folder. "
    "Default: the one the workbook was made with.",
)


def show_findings(findings: list[Finding], fmt: str, file: Path | str) -> None:
    """Findings as JSON, or as lines and a summary (or that there were none)."""
    if fmt == "json":
        click.echo(findings_json(findings, current_lang()))
        return
    if findings:
        click.echo(findings_text(findings, current_lang()))
        click.echo(summary_line(findings, current_lang()))
    else:
        click.echo(translate(_("{file}: no problems found."), current_lang()).format(file=file))


def exit_for(findings: list[Finding]) -> None:
    """Exit 1 if any finding is an error, else 0."""
    errors = any(f.severity is Severity.ERROR for f in findings)
    sys.exit(ExitStatus.FINDINGS if errors else ExitStatus.OK)
