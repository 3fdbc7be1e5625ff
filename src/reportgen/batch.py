"""Batch builds (批量生成): many workbooks at once, in parallel processes, past bad ones.

Each workbook is built by ``api.build_report`` in a worker process, into a private staging
folder inside the output folder. When all are done, the outputs are renamed into place in
the order the workbooks were given (command-line order; a folder's workbooks by name). Two
workbooks whose letters would land on the same file (same year and title) are therefore
resolved the same way every run: the first keeps the name, later ones get a number —
``标题（2）.docx``, ``标题（3）.docx`` — with a note naming the workbook that had the name
first. Nothing is overwritten silently, and nothing built is thrown away.

Worker processes keep their own caches (the compiled template, the schema), so a process
pays for reading the template once, not once per workbook. Results cross back to the parent
as plain data: errors travel as message ids and parameters, translated only when shown.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen import api
from reportgen.api import BuildOptions
from reportgen.core.errors import Finding, OutputError, ReportgenError, ValidationFailed
from reportgen.core.files import record_written, remove_folder, staging_folder, write_error
from reportgen.core.i18n import _, fill, translate
from reportgen.core.text import display_width

if TYPE_CHECKING:  # the fonts module and the workers are needed only when a PDF is made
    from reportgen.fonts.faces import Substitution
    from reportgen.office.pool import Pool

WORKBOOK_SUFFIX = ".xlsx"


@dataclass(frozen=True)
class BatchItem:
    """The outcome for one workbook: what it built, what validation found, or why it failed."""

    workbook: Path
    outputs: tuple[Path, ...] = ()
    findings: tuple[Finding, ...] = ()
    error: str = ""  # an English message id; empty when the workbook was built
    params: dict[str, Any] = field(default_factory=dict)
    traceback: str = ""  # set when reportgen itself failed: a bug to report
    renamed_after: Path | None = None  # the workbook whose output had this one's name first
    substitutions: tuple[Substitution, ...] = ()  # faces its PDF's run drew with a stand-in

    @property
    def ok(self) -> bool:
        """Whether the workbook was built."""
        return not self.error

    def note_line(self, lang: str) -> str:
        """Why the output carries a number, in ``lang``; empty when it does not."""
        if self.renamed_after is None:
            return ""
        note = _("same year and title as {other}: written as {output}")
        text = translate(note, lang).format(other=self.renamed_after, output=self.outputs[0])
        return f"{self.workbook}: {text}"

    def error_line(self, lang: str) -> str:
        """Why it failed, in ``lang``, starting with the workbook's path."""
        text = fill(self.error, self.params, lang)
        return text if text.startswith(str(self.workbook)) else f"{self.workbook}: {text}"


@dataclass(frozen=True)
class _Task:
    """One workbook to build in a worker: where to stage its outputs and how to build."""

    workbook: Path
    staging: Path
    template: str | None
    options: BuildOptions


def build_batch(
    workbooks: Sequence[Path],
    output_dir: Path,
    *,
    template: str | None = None,
    jobs: int | None = None,
    options: BuildOptions = BuildOptions(),
    on_done: Callable[[BatchItem], None] | None = None,
) -> list[BatchItem]:
    """``build`` of many workbooks: every .docx in parallel, then their PDFs by up to
    ``jobs`` LibreOffice workers, started while the .docx are built; stops first if the
    PDFs asked for cannot be made."""
    if not options.wants_pdf:
        return build_many(
            workbooks, output_dir, template=template, jobs=jobs, on_done=on_done, options=options
        )
    require_pdf_tools(options.fonts)
    from reportgen.conversion import workers

    size = max(1, min(jobs or os.cpu_count() or 1, len(workbooks)))
    pool = workers(size, fonts=options.fonts)
    with contextlib.ExitStack() as stack:
        if pool is not None:
            stack.enter_context(pool)
            starting = threading.Thread(target=pool.warm, daemon=True)
            starting.start()  # LibreOffice starts while the workbooks are built
        items = build_many(
            workbooks,
            output_dir,
            template=template,
            jobs=jobs,
            on_done=on_done,
            options=options.docx_only(),
        )
        return add_pdfs(items, pdfa=options.pdfa, fonts=options.fonts, jobs=size, pool=pool)


def workbooks_in(paths: Iterable[Path]) -> list[Path]:
    """``collect_workbooks``, or an OutputError when there is none to build."""
    found = collect_workbooks(paths)
    if not found:
        raise OutputError(
            _("No .xlsx workbooks in {paths}."), paths=", ".join(str(p) for p in paths)
        )
    return found


def collect_workbooks(paths: Iterable[Path]) -> list[Path]:
    """The workbooks to build: files as given, folders as the .xlsx files directly in
    them sorted by name (Excel's ~$ lock files and hidden files left out), each file once."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if _is_workbook(p)))
        else:
            found.append(path)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def _is_workbook(path: Path) -> bool:
    name = path.name
    return (
        path.suffix.lower() == WORKBOOK_SUFFIX
        and not name.startswith(("~$", "."))
        and path.is_file()
    )


def build_many(
    workbooks: Sequence[Path],
    output_dir: Path,
    *,
    template: str | None = None,
    jobs: int | None = None,
    on_done: Callable[[BatchItem], None] | None = None,
    options: BuildOptions = BuildOptions(),
) -> list[BatchItem]:
    """Build every workbook, ``jobs`` at a time (default: the machine's cores); one outcome
    per workbook, in the order given, each built with ``options``."""
    staging = staging_folder(output_dir, "batch")
    try:
        tasks = [
            _Task(path, staging / str(n), template, options) for n, path in enumerate(workbooks)
        ]
        items = list(_run(tasks, jobs or os.cpu_count() or 1, on_done or (lambda _item: None)))
        return _move_into_place(items, tasks, output_dir)
    finally:
        remove_folder(staging)


def _run(tasks: list[_Task], jobs: int, on_done: Callable[[BatchItem], None]) -> list[BatchItem]:
    """The tasks' outcomes in task order, built in-process for one job, else in a pool."""
    workers = min(jobs, len(tasks))
    if workers <= 1:
        items = []
        for task in tasks:
            items.append(build_one(task))
            on_done(items[-1])
        return items
    results: dict[int, BatchItem] = {}
    with ProcessPoolExecutor(max_workers=workers, initializer=_leave_signals_to_parent) as pool:
        try:
            futures: dict[Future[BatchItem], int] = {
                pool.submit(build_one, task): n for n, task in enumerate(tasks)
            }
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                on_done(results[futures[future]])
        except BaseException:
            # interrupted: start nothing more, let the builds under way end in their staging
            # folder (removed by the caller), rather than build every workbook first
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [results[n] for n in range(len(tasks))]


def _leave_signals_to_parent() -> None:
    """In a worker: ignore Ctrl-C and SIGTERM, which reach the whole process group; the
    parent alone decides, stops the pool and removes the staging folder (no traceback from
    each worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def build_one(task: _Task) -> BatchItem:
    """Build one workbook into its staging folder; every failure becomes a failed item."""
    try:
        result = api.build_report(task.workbook, task.staging, task.template, task.options)
    except ValidationFailed as exc:
        return BatchItem(task.workbook, (), tuple(exc.findings), exc.message, exc.params)
    except ReportgenError as exc:
        return BatchItem(task.workbook, error=exc.message, params=_unstaged(exc.params, task))
    except Exception as exc:  # a bug in reportgen: keep building the others, show the trace
        return BatchItem(
            task.workbook,
            error=_("reportgen failed on this workbook (a bug, please report it): {error}"),
            params={"error": f"{type(exc).__name__}: {exc}"},
            traceback=traceback.format_exc(),
        )
    return BatchItem(task.workbook, outputs=result.outputs, findings=result.warnings)


def _unstaged(params: Mapping[str, Any], task: _Task) -> dict[str, Any]:
    """Message fields with a staged path told as the output it stands for: the user never
    made ``OUT/.reportgen-batch-…/3/2018/标题.docx``, only ``OUT/2018/标题.docx``."""
    output_dir = str(task.staging.parent.parent)
    staging = str(task.staging)
    return {
        key: output_dir + value[len(staging) :]
        if isinstance(value, str) and value.startswith(staging)
        else value
        for key, value in params.items()
    }


def _move_into_place(
    items: list[BatchItem], tasks: list[_Task], output_dir: Path
) -> list[BatchItem]:
    """Rename staged outputs into place, first workbook first; number a later same name."""
    owners: dict[Path, Path] = {}
    next_number: dict[Path, int] = {}  # per wanted name: the number to try next
    placed = []
    for item, task in zip(items, tasks, strict=True):
        wanted = [output_dir / staged.relative_to(task.staging) for staged in item.outputs]
        finals = wanted
        first_owner = next((owners[f] for f in wanted if f in owners), None)
        while any(f in owners for f in finals):
            number = next_number.get(wanted[0], 2)
            next_number[wanted[0]] = number + 1
            finals = [_numbered(f, number) for f in wanted]
        placed.append(replace(_place(item, finals, owners), renamed_after=first_owner))
    return placed


def _numbered(path: Path, number: int) -> Path:
    """``标题.docx`` → ``标题（2）.docx``: full-width brackets, as in the title itself."""
    return path.with_name(f"{path.stem}（{number}）{path.suffix}")


def _place(item: BatchItem, finals: list[Path], owners: dict[Path, Path]) -> BatchItem:
    """Rename ``item``'s staged outputs onto ``finals`` and record who owns them."""
    for staged, final in zip(item.outputs, finals, strict=True):
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, final)
        except OSError as exc:
            raise write_error(final, exc) from exc
        record_written(final)
        owners[final] = item.workbook
    return replace(item, outputs=tuple(finals))


# ---------------------------------------------------------------- the summary


def summary_table(items: Sequence[BatchItem], lang: str) -> str:
    """One line per workbook — file, status, output, findings — then the totals."""
    headers = tuple(
        translate(h, lang) for h in (_("file"), _("status"), _("output"), _("findings"))
    )
    rows = [headers, *(_row(item, lang) for item in items)]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(headers))]
    lines = [
        "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    built = sum(1 for item in items if item.ok)
    totals = translate(_("{built} built, {failed} failed"), lang)
    return "\n".join([*lines, totals.format(built=built, failed=len(items) - built)])


def _row(item: BatchItem, lang: str) -> tuple[str, str, str, str]:
    status = _("failed") if not item.ok else _("renamed") if item.renamed_after else _("built")
    status = translate(status, lang)
    output = ", ".join(str(p) for p in item.outputs) or "-"
    return (str(item.workbook), status, output, str(len(item.findings)))


def _pad(text: str, width: float) -> str:
    """``text`` padded with spaces to ``width`` columns, a Chinese character taking two."""
    return text + " " * round(2 * (width - display_width(text)))


def failures(items: Iterable[BatchItem]) -> Iterator[BatchItem]:
    """The items that were not built, in order."""
    return (item for item in items if not item.ok)


def renamed(items: Iterable[BatchItem]) -> Iterator[BatchItem]:
    """The items built under a numbered name, in order."""
    return (item for item in items if item.renamed_after is not None)


def require_pdf_tools(fonts: Path | None = None) -> None:
    """Stop before building anything when the PDFs asked for cannot be made (no LibreOffice,
    a fonts folder that is not there), rather than after every .docx is written."""
    from reportgen.conversion import fonts_folder, soffice

    soffice()
    fonts_folder(fonts)


def add_pdfs(
    items: list[BatchItem],
    *,
    pdfa: bool = False,
    fonts: Path | None = None,
    jobs: int = 1,
    pool: Pool | None = None,
) -> list[BatchItem]:
    """A PDF beside every .docx built, by up to ``jobs`` LibreOffice workers (``pool``, or
    workers kept for all the output folders: starting LibreOffice costs more than converting
    a letter); each item carries the faces its folder's conversion drew with a stand-in."""
    from reportgen.conversion import convert, workers

    by_folder: dict[Path, list[Path]] = {}
    for item in items:
        for output in item.outputs:
            if output.suffix == ".docx":
                by_folder.setdefault(output.parent, []).append(output)
    pdfs: dict[Path, Path] = {}
    substituted: dict[Path, tuple[Substitution, ...]] = {}
    size = max(1, min(jobs, sum(len(d) for d in by_folder.values())))
    with contextlib.ExitStack() as stack:
        if pool is None and by_folder:
            pool = workers(size, fonts=fonts)
            if pool is not None:
                stack.enter_context(pool)
        for folder, docxs in by_folder.items():
            converted = convert(docxs, folder, pdfa=pdfa, fonts=fonts, jobs=jobs, pool=pool)
            pdfs.update(zip(docxs, converted.outputs, strict=True))
            substituted.update(dict.fromkeys(docxs, converted.substitutions))
    return [
        replace(
            item,
            outputs=(*item.outputs, *(pdfs[o] for o in item.outputs if o in pdfs)),
            substitutions=next((substituted[o] for o in item.outputs if o in substituted), ()),
        )
        for item in items
    ]
