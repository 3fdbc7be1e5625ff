"""The command line (命令行): parse options, call one library function, show the outcome.

Only ``ReportgenError`` is turned into a message and an exit code; anything else escaping is a
bug and shows its traceback.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from reportgen import api
from reportgen.errors import OutputError, ReportgenError, ValidationFailed
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
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
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
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Workbooks built at once, each in its own process. Default: the number of cores.",
)
@handles_errors
def build(
    paths: tuple[Path, ...], output_dir: Path, template: str | None, jobs: int | None
) -> None:
    """Validate workbooks and render each into OUTPUT/<year>/<title>.docx.

    PATHS are workbooks or folders of them. Given several, bad workbooks are reported and
    skipped, a table sums up, and the exit code is 1 if any failed.
    """
    if len(paths) == 1 and not paths[0].is_dir():
        _build_one(paths[0], output_dir, template)
    else:
        _build_many(paths, output_dir, template, jobs)


def _build_one(path: Path, output_dir: Path, template: str | None) -> None:
    """One workbook: errors stop with their findings, the output's path is printed."""
    result = api.build_report(path, output_dir=output_dir, template=template)
    if result.warnings:
        click.echo(findings_text(result.warnings, _lang()), err=True)
    for output in result.outputs:
        click.echo(str(output))


def _build_many(
    paths: tuple[Path, ...], output_dir: Path, template: str | None, jobs: int | None
) -> None:
    """Many workbooks in parallel: a progress bar on a terminal, failures, then a table."""
    from reportgen import batch

    workbooks = batch.collect_workbooks(paths)
    if not workbooks:
        raise OutputError(
            _("No .xlsx workbooks in {paths}."), paths=", ".join(str(p) for p in paths)
        )
    with _progress(len(workbooks)) as advance:
        items = batch.build_many(
            workbooks, output_dir, template=template, jobs=jobs, on_done=lambda _i: advance()
        )
    lang = _lang()
    for item in batch.renamed(items):
        click.echo(f"reportgen: {item.note_line(lang)}", err=True)
    for item in batch.failures(items):
        click.echo(f"reportgen: {item.error_line(lang)}", err=True)
        if item.findings:
            click.echo(findings_text(item.findings, lang), err=True)
        if item.traceback:
            click.echo(item.traceback, err=True)
    click.echo(batch.summary_table(items, lang))
    sys.exit(0 if all(item.ok for item in items) else 1)


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr when it is a terminal; nothing when output is piped or logged."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    label = translate(_("Building"), _lang())
    with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True) as bar:
        yield lambda: bar.update(1)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("archive"),
    show_default=True,
    help="Folder the bag goes in, as OUTPUT/<year>/<title>/.",
)
@template_option
@click.option("--verify", is_flag=True, help="Check the bag at PATH instead of making one.")
@handles_errors
def archive(path: Path, output_dir: Path, template: str | None, verify: bool) -> None:
    """Package a letter, its PDF and its workbook as a BagIt bag, or check a bag.

    archive WORKBOOK -o DIR makes DIR/<year>/<title>/ (never overwriting one);
    archive --verify BAG checks every file and exits 1 naming any that changed.
    """
    from reportgen.archive import archive_report

    if verify:
        _verify(path)
        return
    result = archive_report(path, output_dir=output_dir, template=template)
    lang = _lang()
    if result.warnings:
        click.echo(findings_text(result.warnings, lang), err=True)
    if result.pdf.path is None:
        message = translate(_("No PDF in the bag: {reason}"), lang)
        click.echo(f"reportgen: {message.format(reason=result.pdf.reason_text(lang))}", err=True)
    click.echo(str(result.bag))


def _verify(bag: Path) -> None:
    """Say whether the bag is intact; name every file that is not, and exit 1."""
    from reportgen.archive import verify_bag

    result = verify_bag(bag)
    lang = _lang()
    if result.ok:
        _say(
            _("{bag}: intact, every checksum matches ({count} files)."),
            bag=bag,
            count=result.checked,
        )
        return
    for problem in result.problems:
        click.echo(f"reportgen: {bag}: {problem.text(lang)}", err=True)
    failed = translate(_("{bag}: verification failed ({count} problem(s))."), lang)
    click.echo(f"reportgen: {failed.format(bag=bag, count=len(result.problems))}", err=True)
    sys.exit(1)
