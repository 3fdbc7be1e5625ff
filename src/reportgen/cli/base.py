"""What every command shares (命令共用): the language, messages, error handling, exit codes, options."""

from __future__ import annotations

import contextlib
import functools
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import click

from reportgen.cli.show import findings_json, findings_text, summary_line
from reportgen.core.errors import ExitStatus, Finding, ReportgenError, Severity, ValidationFailed
from reportgen.core.files import reset_written, written
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
            _say_written(current_lang())
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


def output_folder_option(default: Path | None, help: str) -> Callable[..., Any]:
    """The one ``-o/--output`` folder option, with the command's default and help."""
    return click.option(
        "-o",
        "--output",
        "output_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=default,
        show_default=default is not None,
        help=help,
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


# ---------------------------------------------------------------- the console and signals


class Interrupted(BaseException):
    """Ctrl-C (SIGINT) or SIGTERM, raised where the program is.

    A BaseException, not an Exception, so that no ``except Exception`` keeps going; and not a
    KeyboardInterrupt, which click would turn into "Aborted!" and exit 1. Every ``finally``
    on the way out runs: LibreOffice is ended, temporary and staging folders are removed.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def safe_console() -> None:
    """Never fail on the console's encoding: a character it lacks (an emoji in a title on a
    GBK console) is written as an escape such as \\U0001f389 instead of ending in a traceback."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]


@contextlib.contextmanager
def interrupts_end_cleanly(lang: str) -> Iterator[None]:
    """Run a command so that SIGINT and SIGTERM end it with one line and exit 128 + the
    signal's number (130, 143), after every cleanup has run; no traceback."""
    reset_written()
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set in the main thread
        return
    watched = (signal.SIGINT, signal.SIGTERM, *_REDELIVERY)
    previous = {sig: signal.getsignal(sig) for sig in watched}
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _raise_interrupted)
    for sig in _REDELIVERY:
        signal.signal(sig, _raise_again)
    try:
        yield
    except Interrupted as exc:
        _stop_redelivery()
        _ignore_signals()  # a second Ctrl-C must not cut the message short
        click.echo(f"reportgen: {translate(_INTERRUPTED, lang)}", err=True)
        _say_written(lang)
        sys.exit(128 + exc.signum)
    finally:
        _stop_redelivery()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


_INTERRUPTED = _("interrupted; nothing more was written.")
# Code that catches every exception can swallow the Interrupted raised where the signal
# found the program: lxml's module set-up does, when the signal comes during its import. So
# the signal is raised again every REDELIVER_SECONDS (by a timer, SIGALRM) until it reaches
# interrupts_end_cleanly — except while an Interrupted is on its way out, so that the
# cleanups it passes through are not cut short. Windows has no such timer: there the first
# raise is the only one.
REDELIVER_SECONDS = 0.05
_REDELIVERY = (signal.SIGALRM,) if hasattr(signal, "setitimer") else ()
_received: list[int] = []  # the signal being handled, until the command has stopped for it


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    """The signal handler: the first signal interrupts, later ones wait for the cleanup."""
    _ignore_signals()
    _received[:] = [signum]
    _redeliver_soon()
    raise Interrupted(signum)


def _raise_again(_alarm: int, _frame: FrameType | None) -> None:
    """The timer: raise the signal again unless its Interrupted is already on its way out."""
    if not _received:
        return
    _redeliver_soon()
    if not isinstance(sys.exc_info()[1], Interrupted):
        raise Interrupted(_received[0])


def _redeliver_soon() -> None:
    if _REDELIVERY:
        signal.setitimer(signal.ITIMER_REAL, REDELIVER_SECONDS)


def _stop_redelivery() -> None:
    _received.clear()
    if _REDELIVERY:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _ignore_signals() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)


def _say_written(lang: str) -> None:
    """Name the outputs this command has already put in place, whole, if any."""
    files = ", ".join(str(path) for path in written())
    if files:
        text = translate(_("already written, complete: {files}"), lang).format(files=files)
        click.echo(f"reportgen: {text}", err=True)
