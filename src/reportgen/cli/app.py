"""The ``reportgen`` command (命令行): the main group, and every command added to it.

Each command parses its options, calls one library function and shows the outcome; only
``ReportgenError`` is turned into a message and an exit code (``base.handles_errors``), so
anything else escaping is a bug and shows its traceback. Whatever the command, output never
fails on the console's encoding, and Ctrl-C or SIGTERM ends it with one line, not a traceback
(``ReportgenGroup.main``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

from reportgen.cli import archiving, documents, serve, templates, workbooks, yearly
from reportgen.cli.base import interrupts_end_cleanly, safe_console
from reportgen.cli.usage import LocalizedGroup, lang_in
from reportgen.core.i18n import LANGUAGES, default_language


class ReportgenGroup(LocalizedGroup):
    """The main group, run with a console that cannot fail and signals that end it cleanly."""

    def main(self, args: Sequence[str] | None = None, *pos: Any, **extra: Any) -> Any:
        """Run the command line (``args``, else ``sys.argv``)."""
        safe_console()
        lang = lang_in(list(sys.argv[1:] if args is None else args))
        with interrupts_end_cleanly(lang if lang in LANGUAGES else default_language()):
            return super().main(args, *pos, **extra)


@click.group(cls=ReportgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of messages: zh or en (default: from the locale).",
)
@click.version_option(package_name="reportgen")
@click.pass_context
def main(ctx: click.Context, lang: str | None) -> None:
    """Turn a year's data in an Excel workbook into a GB/T 9704 official document
    (a 函告 letter or an annual 报告) as .docx and PDF.

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
    serve.serve,
):
    main.add_command(command)
