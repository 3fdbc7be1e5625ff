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
from reportgen.errors import ReportgenError, Severity, ValidationFailed
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
@handles_errors
def validate(path: Path, template: str | None, fmt: str) -> None:
    """List every problem in a workbook, at its sheet and cell. Exit 1 if any is an error."""
    result = api.validate(path, template)
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
    sys.exit(0 if result.ok else 1)


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
@click.option("--pdf", "pdf", is_flag=True, help="Also write a PDF (needs LibreOffice).")
@click.option("--pdfa", is_flag=True, help="Also write a PDF/A-2b for archiving (implies --pdf).")
@click.option(
    "--letterhead", is_flag=True, help="信函格式: red letterhead and 发文字号 on the first page."
)
@click.option("--seal", is_flag=True, help="Lay out issuer and date for a seal (加盖印章).")
@handles_errors
def build(
    path: Path,
    output_dir: Path,
    template: str | None,
    pdf: bool,
    pdfa: bool,
    letterhead: bool,
    seal: bool,
) -> None:
    """Validate a workbook and render its .docx into OUTPUT/<year>/<title>.docx."""
    result = api.build_report(
        path,
        output_dir=output_dir,
        template=template,
        pdf=pdf,
        pdfa=pdfa,
        letterhead=letterhead,
        seal=seal,
    )
    if result.warnings:
        click.echo(findings_text(result.warnings, _lang()), err=True)
    for output in result.outputs:
        click.echo(str(output))


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
@handles_errors
def check(path: Path, template: str | None, fmt: str) -> None:
    """Check a .docx (made by reportgen or edited by hand) against GB/T 9704 and its
    template. Exit 1 if anything is wrong."""
    findings = api.check_docx(path, template)
    lang = _lang()
    if fmt == "json":
        click.echo(findings_json(findings, lang))
    else:
        if findings:
            click.echo(findings_text(findings, lang))
        click.echo(
            summary_line(findings, lang)
            if findings
            else translate(_("{file}: no problems found."), lang).format(file=path)
        )
    sys.exit(1 if any(f.severity is Severity.ERROR for f in findings) else 0)


output_dir_option = click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: the file's own folder).",
)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=EXISTING_FILE)
@output_dir_option
@click.option("--pdfa", is_flag=True, help="PDF/A-2b, for archiving.")
@handles_errors
def pdf(paths: tuple[Path, ...], output_dir: Path | None, pdfa: bool) -> None:
    """Convert .docx files to PDF with LibreOffice (one run for all of them)."""
    from reportgen.pdf import convert_to_pdf

    target = output_dir or paths[0].parent
    for output in convert_to_pdf(list(paths), target, pdfa=pdfa):
        click.echo(str(output))


@main.command()
@click.argument("path", type=EXISTING_FILE)
@output_dir_option
@click.option("--dpi", type=click.IntRange(20, 600), default=80, show_default=True)
@handles_errors
def preview(path: Path, output_dir: Path | None, dpi: int) -> None:
    """Write PNG images of the pages of a .docx or .pdf, for a quick look."""
    from reportgen.pdf import preview as preview_file

    for page in preview_file(path, output_dir or path.parent, dpi):
        click.echo(str(page))
