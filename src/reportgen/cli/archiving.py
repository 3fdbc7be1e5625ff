"""The archive command (归档): make a BagIt bag of a report, or verify one."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reportgen.cli.base import (
    current_lang,
    handles_errors,
    output_folder_option,
    say,
    template_option,
)
from reportgen.cli.show import findings_text
from reportgen.core.errors import ExitStatus
from reportgen.core.i18n import _, translate


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@output_folder_option(Path("archive"), "Folder the bag goes in, as OUTPUT/<year>/<title>/.")
@template_option
@click.option(
    "--letterhead", is_flag=True, help="信函格式: red letterhead and 发文字号 on the first page."
)
@click.option("--seal", is_flag=True, help="Lay out issuer and date for a seal (加盖印章).")
@click.option("--verify", is_flag=True, help="Check the bag at PATH instead of making one.")
@handles_errors
def archive(
    path: Path, output_dir: Path, template: str | None, letterhead: bool, seal: bool, verify: bool
) -> None:
    """Package a letter as sent, its PDF and its workbook as a BagIt bag, or check a bag.

    archive WORKBOOK -o DIR makes DIR/<year>/<title>/ (never overwriting one), with the
    letter in the form --letterhead / --seal ask for, as build makes it;
    archive --verify BAG checks every file (SHA-256 and SM3) and exits 1 naming any that
    changed.
    """
    from reportgen.api import BuildOptions
    from reportgen.archive.bag import archive_report

    if verify:
        _verify(path)
        return
    options = BuildOptions(letterhead=letterhead, seal=seal)
    result = archive_report(path, output_dir=output_dir, template=template, options=options)
    lang = current_lang()
    if result.warnings:
        click.echo(findings_text(result.warnings, lang), err=True)
    if result.pdf.path is None:
        message = translate(_("No PDF in the bag: {reason}"), lang)
        click.echo(f"reportgen: {message.format(reason=result.pdf.reason_text(lang))}", err=True)
    click.echo(str(result.bag))


def _verify(bag: Path) -> None:
    """Say whether the bag is intact; name every file that is not, and exit 1."""
    from reportgen.archive.verify import verify_bag

    result = verify_bag(bag)
    lang = current_lang()
    if result.ok:
        say(
            _("{bag}: intact, every checksum matches ({count} files)."),
            bag=bag,
            count=result.checked,
        )
        return
    for problem in result.problems:
        click.echo(f"reportgen: {bag}: {problem.text(lang)}", err=True)
    failed = translate(_("{bag}: verification failed ({count} problem(s))."), lang)
    click.echo(f"reportgen: {failed.format(bag=bag, count=len(result.problems))}", err=True)
    sys.exit(ExitStatus.FINDINGS)
