"""The ``reportgen`` command (命令行): the main group, and every command added to it.

Each command parses its options, calls one library function and shows the outcome; only
``ReportgenError`` is turned into a message and an exit code (``base.handles_errors``), so
anything else escaping is a bug and shows its traceback.
"""

from __future__ import annotations

import click

from reportgen.cli import archiving, documents, templates, workbooks, yearly
from reportgen.cli.usage import LocalizedGroup
from reportgen.core.i18n import LANGUAGES, default_language


@click.group(cls=LocalizedGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


for command in (
    workbooks.init,
    workbooks.validate,
    workbooks.build,
    templates.templates,
    yearly.import_,
    yearly.diff,
    documents.check,
    documents.pdf,
    documents.preview,
    archiving.archive,
):
    main.add_command(command)
