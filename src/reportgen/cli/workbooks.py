"""The workbook's commands (工作簿): init, validate, build."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reportgen.cli.base import (
    EXISTING_FILE,
    current_lang,
    format_option,
    handles_errors,
    output_folder_option,
    say,
    show_findings,
    template_option,
)
from reportgen.cli.documents import fonts_option, show_substitutions
from reportgen.cli.show import findings_text
from reportgen.core.errors import ExitStatus
from reportgen.core.i18n import _, translate

if TYPE_CHECKING:
    from reportgen.api import BuildOptions
    from reportgen.validation.fix import FixResult

# The library is imported inside each command, so that `reportgen --help` does not load it.


@click.command()
@click.argument("path", type=EXISTING_FILE, required=False)
@click.option(
    "--template",
    "-t",
    default=None,
    metavar="NAME|DIR",
    help="Template the workbook is for (default: letter, or the --from workbook's).",
)
@click.option(
    "--year", type=click.IntRange(2000, 2100), default=None, help="Fill in the report year."
)
@click.option(
    "--from",
    "last",
    type=EXISTING_FILE,
    default=None,
    help="Last year's workbook: carry its structure and texts over into next year's "
    "(the year defaults to its year + 1).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@handles_errors
def init(
    path: Path | None, template: str | None, year: int | None, last: Path | None, force: bool
) -> None:
    """Write an empty workbook for staff to fill in, or next year's from last year's (--from)."""
    if last is not None:
        _carry(last, path, year, force, template)
        return
    if path is None:
        raise click.UsageError(
            translate(_("Give the workbook to write, or --from."), current_lang())
        )
    from reportgen import api

    api.init_workbook(path, template=template or "letter", year=year, force=force)
    say(_("Wrote {path}. Fill it in Excel or WPS, then run: reportgen validate {path}"), path=path)


def _carry(
    last: Path, path: Path | None, year: int | None, force: bool, template: str | None
) -> None:
    """``init --from``: next year's workbook, and what is left to do."""
    from reportgen.yearly.carry import carry_forward

    result = carry_forward(last, path, year=year, force=force, template=template)
    say(
        _(
            "Wrote {path} for {year} from {last}: {pending} row(s) marked 待修改, "
            "{figures} figure(s) moved to 上年."
        ),
        path=result.path,
        year=result.year,
        last=last,
        pending=result.pending,
        figures=result.figures,
    )
    say(
        _(
            "Fill in 成文日期 and 本年, rewrite the rows marked 待修改, then run: reportgen validate {path}"
        ),
        path=result.path,
    )


@click.command()
@click.argument("path", type=EXISTING_FILE)
@template_option
@format_option
@click.option(
    "--fix",
    "fix_to",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="OUT.xlsx",
    help="Also write a corrected copy (punctuation width, spaces, numbers typed before "
    "titles) to OUT.xlsx; "
    "the workbook itself is never changed.",
)
@click.option("--force", is_flag=True, help="With --fix: overwrite OUT.xlsx if it exists.")
@handles_errors
def validate(path: Path, template: str | None, fmt: str, fix_to: Path | None, force: bool) -> None:
    """List every problem in a workbook, at its sheet and cell. Exit 1 if any is an error."""
    if fix_to is None:
        from reportgen import api

        result = api.validate(path, template)
    else:
        from reportgen.validation.fix import fix_workbook

        fixed = fix_workbook(path, fix_to, template, force)
        result = fixed.validation
    show_findings(result.findings, fmt, path)
    if fix_to is not None:
        _report_fix(fixed, err=fmt == "json")
    sys.exit(ExitStatus.OK if result.ok else ExitStatus.FINDINGS)


def _report_fix(fixed: FixResult, err: bool) -> None:
    """Say what --fix wrote (on stderr when stdout carries JSON)."""
    if fixed.output is None:
        message = translate(_("Nothing to correct mechanically; no copy written."), current_lang())
    else:
        message = translate(
            _(
                "Wrote {file}: {count} cell(s) corrected (punctuation width, spaces, numbers "
                "typed before titles)."
            ),
            current_lang(),
        ).format(file=fixed.output, count=fixed.cells)
    click.echo(message, err=err)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_folder_option(Path("build"), "Output folder.")
@template_option
@click.option("--pdf", "pdf", is_flag=True, help="Also write a PDF (needs LibreOffice).")
@click.option("--pdfa", is_flag=True, help="Also write a PDF/A-2b for archiving (implies --pdf).")
@click.option(
    "--letterhead", is_flag=True, help="信函格式: red letterhead and 发文字号 on the first page."
)
@click.option("--seal", is_flag=True, help="Lay out issuer and date for a seal (加盖印章).")
@click.option(
    "--html",
    is_flag=True,
    help="Also write the page to publish on the website (.html: no script, nothing fetched).",
)
@fonts_option
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Workbooks built at once, each in its own process. Default: the number of cores.",
)
@handles_errors
def build(
    paths: tuple[Path, ...],
    output_dir: Path,
    template: str | None,
    pdf: bool,
    pdfa: bool,
    letterhead: bool,
    seal: bool,
    html: bool,
    fonts: Path | None,
    jobs: int | None,
) -> None:
    """Validate workbooks and render each into OUTPUT/<year>/<title>.docx (and .pdf).

    PATHS are workbooks or folders of them. Given several, bad workbooks are reported and
    skipped, a table sums up, and the exit code is 1 if any failed.
    """
    from reportgen.api import BuildOptions

    options = BuildOptions(
        pdf=pdf, pdfa=pdfa, letterhead=letterhead, seal=seal, html=html, fonts=fonts
    )
    if len(paths) == 1 and not paths[0].is_dir():
        _build_one(paths[0], output_dir, template, options)
    else:
        _build_many(paths, output_dir, template, jobs, options)


def _build_one(path: Path, output_dir: Path, template: str | None, options: BuildOptions) -> None:
    """One workbook: errors stop with their findings, the output's path is printed."""
    from reportgen import api

    result = api.build_report(path, output_dir, template, options)
    if result.warnings:
        click.echo(findings_text(result.warnings, current_lang()), err=True)
    for output in result.outputs:
        click.echo(str(output))
    show_substitutions(result.substitutions)


def _build_many(
    paths: tuple[Path, ...],
    output_dir: Path,
    template: str | None,
    jobs: int | None,
    options: BuildOptions,
) -> None:
    """Many workbooks in parallel: a progress bar on a terminal, failures, then a table."""
    from reportgen import batch

    workbooks = batch.workbooks_in(paths)
    with _progress(len(workbooks)) as advance:
        items = batch.build_batch(
            workbooks,
            output_dir,
            template=template,
            jobs=jobs,
            options=options,
            on_done=lambda _i: advance(),
        )
    lang = current_lang()
    for item in batch.renamed(items):
        click.echo(f"reportgen: {item.note_line(lang)}", err=True)
    for item in batch.failures(items):
        click.echo(f"reportgen: {item.error_line(lang)}", err=True)
        if item.findings:
            click.echo(findings_text(item.findings, lang), err=True)
        if item.traceback:
            click.echo(item.traceback, err=True)
    click.echo(batch.summary_table(items, lang))
    show_substitutions(s for item in items for s in item.substitutions)
    sys.exit(ExitStatus.OK if all(item.ok for item in items) else ExitStatus.FINDINGS)


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr when it is a terminal; nothing when output is piped or logged."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    label = translate(_("Building"), current_lang())
    with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True) as bar:
        yield lambda: bar.update(1)
