"""The commands that take a finished document (文档): check, pdf, preview."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.cli.base import (
    EXISTING_FILE,
    exit_for,
    format_option,
    handles_errors,
    output_folder_option,
    show_findings,
)


@click.command()
@click.argument("path", type=EXISTING_FILE)
@click.option(
    "--template",
    "-t",
    default=None,
    metavar="NAME|DIR",
    help="Template to check against. Default: the one the document records, else letter.",
)
@format_option
@handles_errors
def check(path: Path, template: str | None, fmt: str) -> None:
    """Check a .docx (made by reportgen or edited by hand) against GB/T 9704 and its
    template. Exit 1 if anything is wrong."""
    from reportgen import api  # deferred: `reportgen --help` must not load the pipeline

    findings = api.check_docx(path, template)
    show_findings(findings, fmt, path)
    exit_for(findings)


output_dir_option = output_folder_option(None, "Output folder (default: the file's own folder).")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=EXISTING_FILE)
@output_dir_option
@click.option("--pdfa", is_flag=True, help="PDF/A-2b, for archiving.")
@handles_errors
def pdf(paths: tuple[Path, ...], output_dir: Path | None, pdfa: bool) -> None:
    """Convert .docx files to PDF with LibreOffice (one run for all of them)."""
    from reportgen.conversion import convert_to_pdf

    target = output_dir or paths[0].parent
    for output in convert_to_pdf(list(paths), target, pdfa=pdfa):
        click.echo(str(output))


@click.command()
@click.argument("path", type=EXISTING_FILE)
@output_dir_option
@click.option(
    "--dpi",
    type=click.IntRange(20, 600),
    default=80,
    show_default=True,
    help="Resolution of the images, in dots per inch.",
)
@handles_errors
def preview(path: Path, output_dir: Path | None, dpi: int) -> None:
    """Write PNG images of the pages of a .docx or .pdf, for a quick look."""
    from reportgen.conversion import preview as preview_file

    for page in preview_file(path, output_dir or path.parent, dpi):
        click.echo(str(page))
