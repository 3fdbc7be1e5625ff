"""The command line (命令行): parse options, call one library function, show the outcome.

Only ``ReportgenError`` is turned into a message and an exit code; anything else escaping is a
bug and shows its traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from reportgen import api
from reportgen.errors import ReportgenError, ValidationFailed
from reportgen.fix import FixResult, fix_workbook
from reportgen.i18n import LANGUAGES, _, default_language, translate
from reportgen.present import findings_json, findings_text, summary_line

EXISTING_FILE = click.Path(exists=False, dir_okay=False, path_type=Path)


def _lang() -> str:
    return click.get_current_context().find_root().obj["lang"]


def _say(message: str, **params: Any) -> None:
    click.echo(translate(message, _lang()).format(**params))


def handles_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the project's own errors into a clean message on stderr and their exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ValidationFailed as exc:
            lang = _lang()
            click.echo(findings_text(exc.findings, lang), err=True)
            click.echo(summary_line(exc.findings, lang), err=True)
            click.echo(exc.text(lang), err=True)
            sys.exit(exc.exit_code)
        except ReportgenError as exc:
            click.echo(f"reportgen: {exc.text(_lang())}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


template_option = click.option(
    "--template",
    "-t",
    default=None,
    metavar="NAME|DIR",
    help="Template: a shipped name (letter) or a template folder. "
    "Default: the one the workbook was made with.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of messages: zh or en (default: from the locale).",
)
@click.version_option(package_name="reportgen")
@click.pass_context
def main(ctx: click.Context, lang: str | None) -> None:
    """Turn a year's data in an Excel workbook into a GB/T 9704 函告 (.docx).

    Workflow: init → fill the workbook in Excel or WPS → validate → build.
    """
    ctx.obj = {"lang": lang or default_language()}


@main.command()
@click.argument("path", type=EXISTING_FILE)
@click.option(
    "--template",
    "-t",
    default="letter",
    show_default=True,
    metavar="NAME|DIR",
    help="Template the workbook is for.",
)
@click.option(
    "--year", type=click.IntRange(2000, 2100), default=None, help="Fill in the report year."
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@handles_errors
def init(path: Path, template: str, year: int | None, force: bool) -> None:
    """Write an empty workbook for staff to fill in."""
    api.init_workbook(path, template=template, year=year, force=force)
    _say(_("Wrote {path}. Fill it in Excel or WPS, then run: reportgen validate {path}"), path=path)


@main.command()
@click.argument("path", type=EXISTING_FILE)
@template_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--fix",
    "fix_to",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="OUT.xlsx",
    help="Also write a corrected copy (punctuation width, spaces) to OUT.xlsx; "
    "the workbook itself is never changed.",
)
@click.option("--force", is_flag=True, help="With --fix: overwrite OUT.xlsx if it exists.")
@handles_errors
def validate(path: Path, template: str | None, fmt: str, fix_to: Path | None, force: bool) -> None:
    """List every problem in a workbook, at its sheet and cell. Exit 1 if any is an error."""
    if fix_to is None:
        result = api.validate(path, template)
    else:
        fixed = fix_workbook(path, fix_to, template, force)
        result = fixed.validation
    lang = _lang()
    if fmt == "json":
        click.echo(findings_json(result.findings, lang))
    else:
        if result.findings:
            click.echo(findings_text(result.findings, lang))
        click.echo(
            summary_line(result.findings, lang)
            if result.findings
            else translate(_("{file}: no problems found."), lang).format(file=path)
        )
    if fix_to is not None:
        _report_fix(fixed, err=fmt == "json")
    sys.exit(0 if result.ok else 1)


def _report_fix(fixed: FixResult, err: bool) -> None:
    """Say what --fix wrote (on stderr when stdout carries JSON)."""
    if fixed.output is None:
        message = translate(_("Nothing to correct mechanically; no copy written."), _lang())
    else:
        message = translate(
            _("Wrote {file}: {count} cell(s) corrected (punctuation width, spaces)."), _lang()
        ).format(file=fixed.output, count=fixed.cells)
    click.echo(message, err=err)


@main.command()
@click.argument("path", type=EXISTING_FILE)
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Output folder.",
)
@template_option
@handles_errors
def build(path: Path, output_dir: Path, template: str | None) -> None:
    """Validate a workbook and render its .docx into OUTPUT/<year>/<title>.docx."""
    result = api.build_report(path, output_dir=output_dir, template=template)
    if result.warnings:
        click.echo(findings_text(result.warnings, _lang()), err=True)
    for output in result.outputs:
        click.echo(str(output))
