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
from reportgen.cli.show import findings_json, findings_text, summary_line
from reportgen.cli.usage import LocalizedGroup
from reportgen.core.errors import OutputError, ReportgenError, Severity, ValidationFailed
from reportgen.core.i18n import LANGUAGES, _, default_language, translate
from reportgen.schema import folders as template_folders
from reportgen.schema.load import load_schema
from reportgen.schema.spec import DEFAULT_TEMPLATE
from reportgen.validation.fix import FixResult, fix_workbook
from reportgen.workbook.layout import UNRECOGNISED_SHEET

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


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format: text for people, json for programs.",
)

template_option = click.option(
    "--template",
    "-t",
    default=None,
    metavar="NAME|DIR",
    help="Template: a shipped name (letter) or a template folder. "
    "Default: the one the workbook was made with.",
)


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


@main.command()
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
        raise click.UsageError(translate(_("Give the workbook to write, or --from."), _lang()))
    api.init_workbook(path, template=template or "letter", year=year, force=force)
    _say(_("Wrote {path}. Fill it in Excel or WPS, then run: reportgen validate {path}"), path=path)


def _carry(
    last: Path, path: Path | None, year: int | None, force: bool, template: str | None
) -> None:
    """``init --from``: next year's workbook, and what is left to do."""
    from reportgen.yearly.carry import carry_forward

    result = carry_forward(last, path, year=year, force=force, template=template)
    _say(
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
    _say(
        _(
            "Fill in 成文日期 and 本年, rewrite the rows marked 待修改, then run: reportgen validate {path}"
        ),
        path=result.path,
    )


@main.command()
@click.argument("path", type=EXISTING_FILE)
@template_option
@format_option
@click.option(
    "--fix",
    "fix_to",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="OUT.xlsx",
    help="Also write a corrected copy (punctuation width, spaces) to OUT.xlsx; "
    "the workbook itself is never changed.",
)
@click.option("--force", is_flag=True, help="With --fix: overwrite OUT.xlsx if it exists.")
@handles_errors
def validate(path: Path, template: str | None, fmt: str, fix_to: Path | None, force: bool) -> None:
    """List every problem in a workbook, at its sheet and cell. Exit 1 if any is an error."""
    if fix_to is None:
        result = api.validate(path, template)
    else:
        fixed = fix_workbook(path, fix_to, template, force)
        result = fixed.validation
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
    if fix_to is not None:
        _report_fix(fixed, err=fmt == "json")
    sys.exit(0 if result.ok else 1)


def _report_fix(fixed: FixResult, err: bool) -> None:
    """Say what --fix wrote (on stderr when stdout carries JSON)."""
    if fixed.output is None:
        message = translate(_("Nothing to correct mechanically; no copy written."), _lang())
    else:
        message = translate(
            _("Wrote {file}: {count} cell(s) corrected (punctuation width, spaces)."), _lang()
        ).format(file=fixed.output, count=fixed.cells)
    click.echo(message, err=err)


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
@click.option("--pdf", "pdf", is_flag=True, help="Also write a PDF (needs LibreOffice).")
@click.option("--pdfa", is_flag=True, help="Also write a PDF/A-2b for archiving (implies --pdf).")
@click.option(
    "--letterhead", is_flag=True, help="信函格式: red letterhead and 发文字号 on the first page."
)
@click.option("--seal", is_flag=True, help="Lay out issuer and date for a seal (加盖印章).")
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
    jobs: int | None,
) -> None:
    """Validate workbooks and render each into OUTPUT/<year>/<title>.docx (and .pdf).

    PATHS are workbooks or folders of them. Given several, bad workbooks are reported and
    skipped, a table sums up, and the exit code is 1 if any failed.
    """
    options = {"pdf": pdf, "pdfa": pdfa, "letterhead": letterhead, "seal": seal}
    if len(paths) == 1 and not paths[0].is_dir():
        _build_one(paths[0], output_dir, template, options)
    else:
        _build_many(paths, output_dir, template, jobs, options)


def _build_one(
    path: Path, output_dir: Path, template: str | None, options: dict[str, bool]
) -> None:
    """One workbook: errors stop with their findings, the output's path is printed."""
    result = api.build_report(path, output_dir=output_dir, template=template, **options)
    if result.warnings:
        click.echo(findings_text(result.warnings, _lang()), err=True)
    for output in result.outputs:
        click.echo(str(output))


@main.group(invoke_without_command=True)
@click.pass_context
@handles_errors
def templates(ctx: click.Context) -> None:
    """List the shipped templates (also: templates list); show, copy and check one.

    Make your own kind of document: templates new NAME --from letter, edit NAME/template.docx
    in Word and NAME/schema.toml, then templates lint NAME until it finds no problem.
    """
    if ctx.invoked_subcommand is None:
        click.echo(template_folders.list_text(template_folders.shipped_templates()))


@templates.command("list")
@handles_errors
def templates_list() -> None:
    """List the shipped templates, each with its one-line description."""
    click.echo(template_folders.list_text(template_folders.shipped_templates()))


@templates.command("show")
@click.argument("name", metavar="NAME|DIR")
@handles_errors
def templates_show(name: str) -> None:
    """Print a template's title, fields (type, required) and parts in order."""
    click.echo(template_folders.describe(load_schema(name), _lang()))


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
    folder = template_folders.new_template(name, source, into)
    _say(
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
    lang = _lang()
    if fmt == "json":
        click.echo(findings_json(findings, lang))
    elif findings:
        click.echo(findings_text(findings, lang))
        click.echo(summary_line(findings, lang))
    else:
        click.echo(translate(_("{file}: no problems found."), lang).format(file=folder))
    if any(f.code == UNREADABLE_DOCX for f in findings):
        sys.exit(2)  # as check and build say of a .docx that will not open
    sys.exit(1 if any(f.severity is Severity.ERROR for f in findings) else 0)


@main.command("import")
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
    _say(
        _(
            "Imported {source} into {path} (template {template}): {parts} of {total} parts "
            "recognised, {sections} section(s), {points} point(s)."
        ),
        source=source,
        path=target,
        template=schema.name,
        parts=result.matched_parts,
        total=len(schema.parts),
        sections=sections,
        points=points,
    )
    if result.set_aside:
        _say(
            _("Set aside {count} web-page navigation line(s), not imported: {places}"),
            count=len(result.set_aside),
            places="、".join(line.place for line in result.set_aside),
        )
    if result.missing:
        labels = [f.label for f in schema.fields if f.key in result.missing]
        _say(_("Not found in the document, left empty: {fields}"), fields="、".join(labels))
    if result.leftovers:
        _say(
            _(
                "{count} line(s) fit no part and went to the sheet {sheet}: move them, then delete it."
            ),
            count=len(result.leftovers),
            sheet=UNRECOGNISED_SHEET,
        )
    _say(_("Next: reportgen validate {path}"), path=target)


@main.command()
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
    lang = _lang()
    if html_path is not None:  # first, so that a refused page name leaves stdout empty
        write_html(result, html_path, lang)
    if fmt == "json":
        click.echo(diff_json(result, lang))
    elif html_path is None:
        click.echo(diff_text(result, lang))
    if html_path is not None:
        if fmt == "text":
            click.echo(summary(result, lang))
        _say(_("Wrote {path}."), path=html_path)
    sys.exit(0 if result.equal else 1)


@main.command()
@click.argument("path", type=EXISTING_FILE)
@template_option
@format_option
@handles_errors
def check(path: Path, template: str | None, fmt: str) -> None:
    """Check a .docx (made by reportgen or edited by hand) against GB/T 9704 and its
    template. Exit 1 if anything is wrong."""
    findings = api.check_docx(path, template)
    lang = _lang()
    if fmt == "json":
        click.echo(findings_json(findings, lang))
    else:
        if findings:
            click.echo(findings_text(findings, lang))
        click.echo(
            summary_line(findings, lang)
            if findings
            else translate(_("{file}: no problems found."), lang).format(file=path)
        )
    sys.exit(1 if any(f.severity is Severity.ERROR for f in findings) else 0)


output_dir_option = click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: the file's own folder).",
)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=EXISTING_FILE)
@output_dir_option
@click.option("--pdfa", is_flag=True, help="PDF/A-2b, for archiving.")
@handles_errors
def pdf(paths: tuple[Path, ...], output_dir: Path | None, pdfa: bool) -> None:
    """Convert .docx files to PDF with LibreOffice (one run for all of them)."""
    from reportgen.conversion import convert_to_pdf

    target = output_dir or paths[0].parent
    for output in convert_to_pdf(list(paths), target, pdfa=pdfa):
        click.echo(str(output))


@main.command()
@click.argument("path", type=EXISTING_FILE)
@output_dir_option
@click.option("--dpi", type=click.IntRange(20, 600), default=80, show_default=True)
@handles_errors
def preview(path: Path, output_dir: Path | None, dpi: int) -> None:
    """Write PNG images of the pages of a .docx or .pdf, for a quick look."""
    from reportgen.conversion import preview as preview_file

    for page in preview_file(path, output_dir or path.parent, dpi):
        click.echo(str(page))


def _build_many(
    paths: tuple[Path, ...],
    output_dir: Path,
    template: str | None,
    jobs: int | None,
    options: dict[str, bool],
) -> None:
    """Many workbooks in parallel: a progress bar on a terminal, failures, then a table.
    PDFs are made after all the .docx, in one LibreOffice run per output folder."""
    from reportgen import batch

    docx_options = {**options, "pdf": False, "pdfa": False}
    if options["pdf"] or options["pdfa"]:
        batch.require_pdf_tools()
    workbooks = batch.collect_workbooks(paths)
    if not workbooks:
        raise OutputError(
            _("No .xlsx workbooks in {paths}."), paths=", ".join(str(p) for p in paths)
        )
    with _progress(len(workbooks)) as advance:
        items = batch.build_many(
            workbooks,
            output_dir,
            template=template,
            jobs=jobs,
            on_done=lambda _i: advance(),
            build_options=docx_options,
        )
    if options["pdf"] or options["pdfa"]:
        items = batch.add_pdfs(items, pdfa=options["pdfa"])
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
    from reportgen.archive.bag import archive_report

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
    from reportgen.archive.bag import verify_bag

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
