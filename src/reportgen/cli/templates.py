"""The template commands (模板): list, show, new, lint."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reportgen.cli.base import (
    current_lang,
    exit_for,
    format_option,
    handles_errors,
    say,
    show_findings,
)
from reportgen.core.errors import ExitStatus
from reportgen.core.i18n import _
from reportgen.schema.spec import DEFAULT_TEMPLATE


@click.group(invoke_without_command=True)
@click.pass_context
@handles_errors
def templates(ctx: click.Context) -> None:
    """List the shipped templates (also: templates list); show, copy and check one.

    Make your own kind of document: templates new NAME --from letter, edit NAME/template.docx
    in Word and NAME/schema.toml, then templates lint NAME until it finds no problem.
    """
    if ctx.invoked_subcommand is None:
        from reportgen.schema import folders as template_folders

        click.echo(template_folders.list_text(template_folders.shipped_templates()))


@templates.command("list")
@handles_errors
def templates_list() -> None:
    """List the shipped templates, each with its one-line description."""
    from reportgen.schema import folders as template_folders

    click.echo(template_folders.list_text(template_folders.shipped_templates()))


@templates.command("show")
@click.argument("name", metavar="NAME|DIR")
@handles_errors
def templates_show(name: str) -> None:
    """Print a template's title, fields (type, required) and parts in order."""
    from reportgen.schema import folders as template_folders
    from reportgen.schema.load import load_schema

    click.echo(template_folders.describe(load_schema(name), current_lang()))


@templates.command("new")
@click.argument("name")
@click.option(
    "--from",
    "source",
    default=DEFAULT_TEMPLATE,
    show_default=True,
    metavar="NAME|DIR",
    help="Template to start from.",
)
@click.option(
    "-o",
    "--output",
    "into",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    help="Folder to create NAME in (default: the current folder).",
)
@handles_errors
def templates_new(name: str, source: str, into: Path) -> None:
    """Copy a template into a new folder NAME, as a starting point; never overwrites."""
    from reportgen.schema import folders as template_folders

    folder = template_folders.new_template(name, source, into)
    say(
        _(
            "Wrote {folder}. Edit {folder}/template.docx in Word and {folder}/schema.toml, "
            "then run: reportgen templates lint {folder}"
        ),
        folder=folder,
    )


@templates.command("lint")
@click.argument("folder", metavar="NAME|DIR")
@format_option
@handles_errors
def templates_lint(folder: str, fmt: str) -> None:
    """Check a template folder: schema, tags, variables, fields shown, styles. Exit 1 on errors,
    2 when its template.docx cannot be opened at all."""
    # deferred: python-docx and Jinja load slowly
    from reportgen.checking.template import UNREADABLE_DOCX, lint_template

    findings = lint_template(folder)
    show_findings(findings, fmt, folder)
    if any(f.code == UNREADABLE_DOCX for f in findings):
        sys.exit(ExitStatus.UNUSABLE)  # as check and build say of a .docx that will not open
    exit_for(findings)
