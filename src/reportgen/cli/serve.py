"""The serve command (网页): the office's page in the browser, on this computer."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.cli.base import Interrupted, current_lang, handles_errors
from reportgen.core.i18n import _, translate


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but 127.0.0.1 asks visitors for the printed token.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--open", "open_browser", is_flag=True, help="Also open the page in the default browser."
)
@click.option(
    "--templates",
    "folders",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="DIR",
    help="The office's own template folder, offered beside the shipped ones (repeatable).",
)
@handles_errors
def serve(host: str, port: int, open_browser: bool, folders: tuple[Path, ...]) -> None:
    """Start the page: make, check, build, compare and archive workbooks in the browser."""
    from reportgen.web.server import serve as run  # deferred: the web stack is heavy

    try:
        run(
            host,
            port,
            open_browser=open_browser,
            templates=folders,
            lang=current_lang(),
            say=click.echo,
        )
    except Interrupted:  # Ctrl-C is how the page is meant to be stopped: not an interruption
        click.echo(translate(_("The page has stopped."), current_lang()))
