"""One LibreOffice run per share of the files (单次转换): where no Python here can ``import uno``.

Without the UNO bridge, each worker is one ``soffice --convert-to`` run for its share of the
documents, with a profile of its own; up to ``jobs`` such runs go at once. A run that times out
or leaves some PDFs unwritten is run once more for those documents, in a new profile; what is
still missing then is reported with LibreOffice's last words.

Spacing between 汉字 and digits: a reportgen document turns off Word's extra gap there
(``w:autoSpaceDE``/``w:autoSpaceDN`` = 0), but LibreOffice's DOCX import reads neither setting
(writerfilter's DomainMapper drops both) and keeps its own "apply spacing between Asian and
non-Asian text" (``ParaIsCharacterDistance``, ODF ``style:text-autospace``) on, about 1.1 mm at
every boundary. Here such a document goes to ODT first, the setting is switched off there, and
the ODT goes to PDF: two runs instead of one. (The bridge switches it off in the open document.)
Every run is in a process group of its own, ended on every way out (a timeout, Ctrl-C, SIGTERM).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from reportgen.core.filekind import PDF, sniff
from reportgen.office.pool import Failure
from reportgen.office.worker import Job

PDF_FILTER = "pdf:writer_pdf_Export"
# SelectPdfVersion 2 is PDF/A-2b in LibreOffice's PDF export filter.
PDFA_FILTER = PDF_FILTER + ':{"SelectPdfVersion":{"type":"long","value":"2"}}'
ODT_FILTER = "odt:writer8"


class RunFailed(Exception):
    """A LibreOffice run that timed out; ``detail`` says so, for the report."""


def convert_shares(
    program: str,
    todo: Sequence[Job],
    jobs: int,
    profile: Callable[[], Path],
    env: dict[str, str],
    timeout: float,
) -> list[Failure]:
    """Convert ``todo`` in up to ``jobs`` runs at once, each with a fresh ``profile()``; the
    documents still without a PDF after one more try, with why."""
    shares = [list(todo[n :: max(1, jobs)]) for n in range(min(max(1, jobs), len(todo)))]

    def share(documents: list[Job]) -> list[Failure]:
        return _with_retry(program, documents, profile, env, timeout)

    if len(shares) == 1:
        return share(shares[0])
    with ThreadPoolExecutor(len(shares)) as runs:
        return [failure for found in runs.map(share, shares) for failure in found]


def _with_retry(
    program: str,
    documents: list[Job],
    profile: Callable[[], Path],
    env: dict[str, str],
    timeout: float,
) -> list[Failure]:
    """One run for ``documents``, then one more for those it left without a PDF."""
    reasons: dict[Job, list[str]] = {}
    left = documents
    for _attempt in range(2):
        detail = _run_share(program, left, profile(), env, timeout)
        left = [job for job in left if not _written(job.target)]
        for job in left:
            reasons.setdefault(job, []).append(detail)
        if not left:
            break
    return [Failure(job, tuple(reasons[job])) for job in left]


def _run_share(
    program: str, documents: list[Job], profile: Path, env: dict[str, str], timeout: float
) -> str:
    """Convert ``documents`` (ODT first where the gap must go); LibreOffice's last words."""
    deadline = time.monotonic() + timeout
    out = documents[0].target.parent
    try:
        inputs = _spaced_as_in_word(program, documents, profile, env, (deadline, timeout))
        by_filter: dict[str, list[Path]] = {}
        for job, source in zip(documents, inputs, strict=True):
            by_filter.setdefault(PDFA_FILTER if job.pdfa else PDF_FILTER, []).append(source)
        details = [
            _run(_command(program, profile, kind, files, out), (deadline, timeout), env)
            for kind, files in by_filter.items()
        ]
    except RunFailed as exc:
        return str(exc)
    return details[-1]


def _spaced_as_in_word(
    program: str,
    documents: list[Job],
    profile: Path,
    env: dict[str, str],
    limit: tuple[float, float],
) -> list[Path]:
    """What to convert to PDF: each source, or for one that turns off the gap between 汉字
    and digits an ODT of it with LibreOffice's own gap turned off too."""
    wanted = [job.source for job in documents if job.autospace_off]
    if not wanted:
        return [job.source for job in documents]
    odt_dir = profile.parent / (profile.name + "-odt")
    _run(_command(program, profile, ODT_FILTER, wanted, odt_dir), limit, env)
    made = {p: odt_dir / (p.stem + ".odt") for p in wanted}
    odts = {p: odt for p, odt in made.items() if zipfile.is_zipfile(odt)}
    for odt in odts.values():
        autospace_off(odt)
    return [odts.get(job.source, job.source) for job in documents]


def _command(program: str, profile: Path, kind: str, files: list[Path], out: Path) -> list[str]:
    """The LibreOffice command converting ``files`` to ``kind`` (a filter) into ``out``."""
    return [
        program,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        kind,
        "--outdir",
        str(out),
        *(str(p.resolve()) for p in files),
    ]


def _run(command: list[str], limit: tuple[float, float], env: dict[str, str]) -> str:
    """Run LibreOffice until ``limit`` (a deadline and the timeout it came from); its last
    output line. RunFailed when it does not finish in time."""
    deadline, timeout = limit
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # so that a timeout ends LibreOffice and its children
    )
    try:
        output, _unused = process.communicate(timeout=max(deadline - time.monotonic(), 0.1))
    except subprocess.TimeoutExpired:
        _kill(process)
        raise RunFailed(f"LibreOffice did not finish within {int(timeout)} s") from None
    except BaseException:
        _kill(process)  # Ctrl-C or SIGTERM: LibreOffice must not outlive us
        raise
    lines = output.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"exit code {process.returncode}"


def _kill(process: subprocess.Popen[bytes]) -> None:
    """End ``process`` and everything it started."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (AttributeError, ProcessLookupError, PermissionError):
        process.kill()
    process.communicate()  # reap it and close its pipes


def _written(target: Path) -> bool:
    """Whether LibreOffice wrote a PDF at ``target`` (by its bytes: it may write an error
    page, or nothing, and exit 0)."""
    return sniff(target) == PDF


def autospace_off(odt: Path) -> None:
    """Turn off "apply spacing between Asian and non-Asian text" in every style of ``odt``."""
    rewritten = odt.with_name(odt.name + ".tmp")
    with zipfile.ZipFile(odt) as source, zipfile.ZipFile(rewritten, "w") as target:
        for item in source.infolist():  # the same order: mimetype first, stored
            data = source.read(item)
            if item.filename in ("styles.xml", "content.xml"):
                data = data.replace(
                    b'style:text-autospace="ideograph-alpha"', b'style:text-autospace="none"'
                )
            target.writestr(item, data)
    os.replace(rewritten, odt)
