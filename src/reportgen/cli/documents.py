"""The commands that take a finished document (文档): check, pdf, preview."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reportgen.cli.base import (
    EXISTING_FILE,
    current_lang,
    exit_for,
    format_option,
    handles_errors,
    output_folder_option,
    show_findings,
)
from reportgen.core.i18n import _, translate

if TYPE_CHECKING:
    from reportgen.fonts.faces import Substitution


@click.command()
@click.argument("path", type=EXISTING_FILE)
@click.option(
    "--template",
    "-t",
    default=None,
    metavar="NAME|DIR",
    help="Template to check against. Default: the one the document records, else letter.",
)
@click.option(
    "--pages",
    is_flag=True,
    help="Also render it with LibreOffice and check the pages: 背题, a page with only the "
    "落款, 22 lines × 28 characters, the date's right space, the page numbers.",
)
@format_option
@handles_errors
def check(path: Path, template: str | None, pages: bool, fmt: str) -> None:
    """Check a .docx (made by reportgen or edited by hand) against GB/T 9704 and its
    template. Exit 1 if anything is wrong."""
    from reportgen import api  # deferred: `reportgen --help` must not load the pipeline

    findings = api.check_docx(path, template, pages=pages)
    show_findings(findings, fmt, path)
    exit_for(findings)


output_dir_option = output_folder_option(None, "Output folder (default: the file's own folder).")

# The folder is checked by reportgen.conversion, whose message names it and says what to do.
fonts_option = click.option(
    "--fonts",
    "fonts",
    type=click.Path(path_type=Path),
    default=None,
    envvar="REPORTGEN_FONTS",
    show_envvar=True,
    metavar="DIR",
    help="Folder of the office's own fonts (.ttf/.otf/.ttc: 仿宋_GB2312, 方正小标宋简体 …), "
    "drawn in the PDF instead of the free substitutes.",
)


def show_substitutions(substitutions: Iterable[Substitution]) -> None:
    """One warning on stderr for each face the PDFs drew with a stand-in, each face once."""
    lang = current_lang()
    label = translate(_("warning"), lang)
    for substitution in dict.fromkeys(substitutions):
        click.echo(f"reportgen: {label}: PDF: {substitution.text(lang)}", err=True)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=EXISTING_FILE)
@output_dir_option
@click.option("--pdfa", is_flag=True, help="PDF/A-2b, for archiving.")
@fonts_option
@handles_errors
def pdf(paths: tuple[Path, ...], output_dir: Path | None, pdfa: bool, fonts: Path | None) -> None:
    """Convert .docx files to PDF with LibreOffice (one run for all of them)."""
    from reportgen.conversion import convert

    target = output_dir or paths[0].parent
    converted = convert(list(paths), target, pdfa=pdfa, fonts=fonts)
    for output in converted.outputs:
        click.echo(str(output))
    show_substitutions(converted.substitutions)


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
@fonts_option
@handles_errors
def preview(path: Path, output_dir: Path | None, dpi: int, fonts: Path | None) -> None:
    """Write PNG images of the pages of a .docx or .pdf, for a quick look."""
    from reportgen.conversion import render_pages

    rendered = render_pages(path, output_dir or path.parent, dpi, fonts=fonts)
    for page in rendered.outputs:
        click.echo(str(page))
    show_substitutions(rendered.substitutions)
