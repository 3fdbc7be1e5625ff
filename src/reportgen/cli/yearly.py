"""From year to year (年度衔接): import last year's document, diff two workbooks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reportgen.cli.base import (
    EXISTING_FILE,
    current_lang,
    format_option,
    handles_errors,
    say,
    template_option,
)
from reportgen.core.errors import ExitStatus
from reportgen.core.i18n import _


@click.command("import")
@click.argument("source", type=EXISTING_FILE)
@click.option(
    "-o",
    "--output",
    type=EXISTING_FILE,
    default=None,
    help="Workbook to write. Default: the document's name with .xlsx, beside it.",
)
@click.option(
    "--template",
    "-t",
    default=None,
    metavar="NAME|DIR",
    help="Template to read the document with. Default: the shipped one it fits best.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing workbook.")
@handles_errors
def import_(source: Path, output: Path | None, template: str | None, force: bool) -> None:
    """Read an existing report (.docx or .txt) into a new workbook."""
    from reportgen.yearly.importer import import_document

    target = output or source.with_suffix(".xlsx")
    result, schema = import_document(source, target, template=template, force=force)
    sections, points = result.counts
    say(
        _(
            "Imported {source} into {path} (template {template}): {parts} of {total} parts "
            "recognised, {sections} section(s), {points} point(s)."
        ),
        source=source,
        path=target,
        template=schema.name,
        parts=result.matched_parts,
        total=len(result.report.parts),  # a free-headings part counts once per heading
        sections=sections,
        points=points,
    )
    for line, title in result.renamed:
        say(
            _(
                "{place}: the heading '{heading}' was taken for the part '{title}', and the "
                "workbook has the template's title. If they are not the same part, import "
                "with --template annual-free to keep the document's headings as written."
            ),
            place=line.place,
            heading=line.text,
            title=title,
        )
    if result.set_aside:
        say(
            _("Set aside {count} web-page navigation line(s), not imported: {places}"),
            count=len(result.set_aside),
            places="、".join(line.place for line in result.set_aside),
        )
    if result.missing:
        labels = [f.label for f in schema.fields if f.key in result.missing]
        say(_("Not found in the document, left empty: {fields}"), fields="、".join(labels))
    if result.leftovers:
        say(
            _(
                "{count} line(s) fit no part and went to the sheet {sheet}: move them, then delete it."
            ),
            count=len(result.leftovers),
            sheet=unrecognised_sheet(),
        )
    say(_("Next: reportgen validate {path}"), path=target)


@click.command()
@click.argument("old", type=EXISTING_FILE)
@click.argument("new", type=EXISTING_FILE)
@template_option
@format_option
@click.option(
    "--html",
    "html_path",
    type=EXISTING_FILE,
    default=None,
    help="Write a redline page for reviewers to this .html file; the terminal then "
    "shows only the summary.",
)
@handles_errors
def diff(old: Path, new: Path, template: str | None, fmt: str, html_path: Path | None) -> None:
    """Show what changed between two workbooks. Exit 0 if equal, 1 if different."""
    from reportgen.yearly.diff import diff_workbooks
    from reportgen.yearly.diffview import diff_json, diff_text, summary, write_html

    result = diff_workbooks(old, new, template)
    lang = current_lang()
    if html_path is not None:  # first, so that a refused page name leaves stdout empty
        write_html(result, html_path, lang)
    if fmt == "json":
        click.echo(diff_json(result, lang))
    elif html_path is None:
        click.echo(diff_text(result, lang))
    if html_path is not None:
        if fmt == "text":
            click.echo(summary(result, lang))
        say(_("Wrote {path}."), path=html_path)
    sys.exit(ExitStatus.OK if result.equal else ExitStatus.FINDINGS)


def unrecognised_sheet() -> str:
    """The name of the sheet import puts what fits no part in (未识别内容)."""
    from reportgen.workbook.layout import UNRECOGNISED_SHEET

    return UNRECOGNISED_SHEET
