"""Speed figures for reportgen, each as a ratio against a baseline measured in the same run.

The baseline is ``benchmarks/naive.py``: what a script without reportgen does — load each
workbook with openpyxl and render the same Word template with a fresh DocxTemplate. Every
figure runs whole processes, as a user would, so start-up and imports count. The figures
(issue 15's targets in brackets):

1. one build, whole process, against the naive script (<= 1.0x);
2. ``reportgen --help`` against a bare ``import click`` (<= 2.0x);
3. 200 workbooks (one broken) with ``-j 2`` against the naive script's sequential
   throughput (>= 5x);
4. 16 letters with ``--pdf``: ``-j 2`` against ``-j 1`` — the conversion's throughput
   (>= 1.7x) and the whole command — and against a loop of one ``soffice --convert-to pdf``
   per file after the .docx are built (>= 4x);
5. upload to preview on a warm ``reportgen serve`` (a real server in a child process, 2
   warm-up uploads first), p50 and p90 of 20 sequential POSTs of the example to the 检查与生成
   page (p50 <= 1.5 s), against the CLI's ``build --pdf`` + ``preview`` of the same workbook;
6. peak memory over 1,000 workbooks, the largest single process, against the naive script
   over the same workbooks. Memory is ``ru_maxrss`` of the waited-for children, read in a
   fresh wrapper process so that only that command's processes count.

Figures print; nothing fails on time. Medians damp the noise of a shared machine.
Run:  make bench        (several minutes on 2 cores)
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx2

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "example-2018.xlsx"
NAIVE = [sys.executable, str(ROOT / "benchmarks" / "naive.py")]
REPORTGEN = [str(Path(sys.executable).with_name("reportgen"))]
# Runs a command and prints its wall time, the largest RSS among its processes and its code.
WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "seconds = time.perf_counter() - start\n"
    "print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)\n"
)


def measured(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS of its largest process in MB, exit code: in a fresh wrapper."""
    out = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True, check=True
    ).stdout.split()
    kilobytes = int(out[1]) / (1024 if sys.platform == "darwin" else 1)  # macOS gives bytes
    return float(out[0]), kilobytes / 1024, int(out[2])


def seconds(command: list[str]) -> float:
    """Wall seconds of one run of ``command``."""
    return measured(command)[0]


def copies(folder: Path, count: int, broken: int | None = None) -> list[Path]:
    """``count`` copies of the example in ``folder``; the ``broken``-th one cut short."""
    folder.mkdir(parents=True)
    paths = [folder / f"unit{n:04}.xlsx" for n in range(1, count + 1)]
    for path in paths:
        shutil.copyfile(EXAMPLE, path)
    if broken is not None:
        paths[broken - 1].write_bytes(EXAMPLE.read_bytes()[:3000])
    return paths


def machine() -> str:
    """What ran the figures, and how busy it was."""
    cpu = platform.processor() or platform.machine()
    try:
        models = [
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = models[0] if models else cpu
    except OSError:
        pass
    load = f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "?"
    return (
        f"machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
        f"{platform.python_implementation()} {platform.python_version()}; "
        f"load average {load} at start (a shared machine: expect noise)"
    )


def one_build(work: Path, runs: int) -> str:
    """Figure 1: one workbook, one whole process each, runs interleaved. The warm-up run
    also fills reportgen's template cache (``rendering.stored``), as any earlier build with
    that template on the machine has; the very first build compiles the template too."""
    naive = NAIVE + [str(work / "n"), str(EXAMPLE)]
    ours = REPORTGEN + ["build", str(EXAMPLE), "-o", str(work / "o")]
    seconds(naive), seconds(ours)  # warm the file cache (and reportgen's template cache)
    samples = [(seconds(naive), seconds(ours)) for _ in range(runs)]
    base = statistics.median(s[0] for s in samples)
    mine = statistics.median(s[1] for s in samples)
    return (
        f"1. one build, whole process: naive script {base * 1000:.0f} ms, reportgen build "
        f"{mine * 1000:.0f} ms -> {mine / base:.2f}x the naive script (target <= 1.0x; "
        f"median of {runs})"
    )


def batch(work: Path, runs: int) -> str:
    """Figure 3: 200 workbooks, one broken, on 2 processes, against naive sequential;
    runs interleaved so both see the same load."""
    paths = copies(work / "200", 200, broken=137)
    good = [str(p) for n, p in enumerate(paths, start=1) if n != 137]
    naive, ours = [], []
    for r in range(runs):
        naive.append(seconds(NAIVE + [str(work / f"n{r}"), *good]))
        out = work / f"o{r}"
        wall, _mb, code = measured(
            REPORTGEN + ["build", str(work / "200"), "-o", str(out), "-j", "2"]
        )
        ours.append((wall, code, len(list((out / "2018").iterdir()))))
    wall, code, built = sorted(ours)[len(ours) // 2]
    ours_rate, naive_rate = 200 / wall, len(good) / statistics.median(naive)
    return (
        f"3. 200 workbooks, -j 2: naive script {naive_rate:.1f}/s sequential, reportgen "
        f"{ours_rate:.0f}/s (200 in {wall:.2f} s: {built} outputs, {200 - built} failed, "
        f"exit {code}) -> {ours_rate / naive_rate:.1f}x (target >= 5x; median of {runs})"
    )


def help_start(runs: int) -> str:
    """Figure 2: `reportgen --help`, against a bare ``import click`` and a bare Python."""
    bare = [sys.executable, "-c", "pass"]
    click = [sys.executable, "-c", "import click"]
    ours = REPORTGEN + ["--help"]
    samples: dict[str, list[float]] = {"bare": [], "click": [], "help": []}
    for _ in range(runs):  # interleaved, so all three see the same load
        for name, command in (("bare", bare), ("click", click), ("help", ours)):
            samples[name].append(seconds(command))
    times = {name: statistics.median(values) for name, values in samples.items()}
    return (
        f"2. reportgen --help: {times['help'] * 1000:.0f} ms -> "
        f"{times['help'] / times['click']:.2f}x a bare `import click` "
        f"({times['click'] * 1000:.0f} ms; target <= 2.0x), "
        f"{times['help'] / times['bare']:.1f}x a bare python start ({times['bare'] * 1000:.0f} ms; "
        f"median of {runs})"
    )


def pdfs(work: Path, runs: int, count: int = 16) -> str:
    """Figure 4: ``count`` letters with --pdf, -j 2 against -j 1 and against one soffice
    call per file (the .docx built first, as a script converting them would).

    Two ratios for -j 2 against -j 1: the whole command, and the throughput of the
    conversion — PDFs a second after each worker's first, up to the last, read off the
    files' modification times (LibreOffice writes each PDF when it is done; moving it keeps
    the time). The whole command also holds what no number of workers shortens: reportgen's
    start, and each worker's LibreOffice start and first document."""
    folder = work / "pdf-in"
    copies(folder, count)
    walls: dict[str, list[float]] = {"j1": [], "j2": [], "loop": []}
    rates: dict[str, list[float]] = {"j1": [], "j2": []}
    for r in range(runs):
        for jobs in ("1", "2"):
            out = work / f"pdf-j{jobs}-{r}"
            wall, _mb, code = measured(
                REPORTGEN + ["build", str(folder), "--pdf", "-j", jobs, "-o", str(out)]
            )
            made = sorted(p.stat().st_mtime for p in out.glob("**/*.pdf"))
            if code or len(made) != count:
                raise RuntimeError(f"build --pdf -j {jobs}: exit {code}, {len(made)} PDFs")
            walls[f"j{jobs}"].append(wall)
            # each worker's first PDF comes at about the same time: the rate is that of the rest
            rates[f"j{jobs}"].append((count - int(jobs)) / max(made[-1] - made[0], 1e-3))
        walls["loop"].append(soffice_loop(work / f"pdf-j1-{r}", work / f"loop-{r}"))
    j1, j2, loop = (statistics.median(walls[k]) for k in ("j1", "j2", "loop"))
    rate1, rate2 = (statistics.median(rates[k]) for k in ("j1", "j2"))
    return (
        f"4. {count} letters with --pdf: conversion throughput -j 1 {rate1:.1f} PDFs/s, "
        f"-j 2 {rate2:.1f} PDFs/s -> {rate2 / rate1:.2f}x (target >= 1.7x); whole command "
        f"-j 1 {j1:.1f} s, -j 2 {j2:.1f} s -> {j1 / j2:.2f}x; one soffice --convert-to per "
        f"file {loop:.1f} s for the PDFs alone -> -j 2 is {loop / j2:.1f}x faster (target "
        f">= 4x; median of {runs})"
    )


def soffice_loop(built: Path, out: Path) -> float:
    """Wall seconds of one ``soffice --convert-to pdf`` per .docx under ``built``, with the
    fonts reportgen gives LibreOffice and one profile reused (as a script would)."""
    from reportgen.conversion import fonts_conf, soffice

    env = dict(os.environ, FONTCONFIG_FILE=str(fonts_conf()))
    profile = (out / "profile").as_uri()
    start = time.perf_counter()
    for docx in sorted(built.glob("**/*.docx")):
        subprocess.run(
            [soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
            + ["--outdir", str(out), str(docx)],
            env=env,
            capture_output=True,
            check=True,
        )
    return time.perf_counter() - start


def memory(work: Path) -> str:
    """Figure 6: peak RSS of the largest process over 1,000 workbooks."""
    paths = copies(work / "1000", 1000)
    wall, ours, code = measured(
        REPORTGEN + ["build", str(work / "1000"), "-o", str(work / "m"), "-j", "2"]
    )
    naive_wall, naive, _ = measured(NAIVE + [str(work / "mn"), *map(str, paths)])
    return (
        f"6. peak memory, 1,000 workbooks: reportgen -j 2 {ours:.0f} MB in its largest process "
        f"({wall:.1f} s, exit {code}), naive script {naive:.0f} MB ({naive_wall:.1f} s) -> "
        f"{ours / naive:.2f}x (target < 150 MB per process)"
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_IMAGE = b'<img src="data:image/png;base64,'  # one per page on the check result page


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(work: Path) -> Iterator[str]:
    """A real ``reportgen serve`` in a child process, answering at the address yielded;
    stopped on every way out (terminate, then kill if it lingers)."""
    import httpx2 as httpx  # the dev extra's HTTP client (make bench installs it)

    port = free_port()
    log = work / "serve.log"
    with log.open("wb") as out:
        child = subprocess.Popen(
            REPORTGEN + ["serve", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            if child.poll() is not None:
                raise RuntimeError(f"reportgen serve exited with {child.returncode} at start")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(base + "/", timeout=5, trust_env=False).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"reportgen serve did not answer at {base} within 60 s")
            time.sleep(0.1)
        yield base
    except Exception:
        tail = log.read_text(errors="replace")[-4000:]
        print(f"reportgen serve's log (end):\n{tail}", file=sys.stderr, flush=True)
        raise
    finally:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def page_previews(client: httpx2.Client, base: str, workbook: bytes) -> tuple[float, int]:
    """Wall seconds of one upload to the 检查与生成 page, and the page previews it showed."""
    start = time.perf_counter()
    answer = client.post(
        base + "/check",
        files={"workbook": (EXAMPLE.name, workbook, XLSX)},
        headers={"origin": base},  # the guard's same-origin check, as a browser sends it
        timeout=300,
    )
    wall = time.perf_counter() - start
    pages = answer.content.count(PREVIEW_IMAGE)
    if answer.status_code != 200 or not pages:
        raise RuntimeError(f"POST /check answered {answer.status_code} with {pages} page previews")
    return wall, pages


def cli_preview(work: Path, run: int) -> tuple[float, int]:
    """Wall seconds of ``reportgen build --pdf`` then ``reportgen preview``, and the PNGs."""
    out, images = work / f"cli{run}", work / f"cli{run}-pages"
    build, _mb, code = measured(REPORTGEN + ["build", str(EXAMPLE), "--pdf", "-o", str(out)])
    pdfs = sorted(out.glob("**/*.pdf"))
    if code or not pdfs:
        raise RuntimeError(f"reportgen build --pdf gave exit {code} and no PDF in {out}")
    preview, _mb, code = measured(REPORTGEN + ["preview", str(pdfs[0]), "-o", str(images)])
    pngs = len(list(images.glob("*.png")))
    if code or not pngs:
        raise RuntimeError(f"reportgen preview gave exit {code} and {pngs} images")
    return build + preview, pngs


def warm_preview(work: Path, requests: int = 20, warmup: int = 2, runs: int = 3) -> str:
    """Figure 5: upload to page previews on a warm server, against the CLI."""
    import httpx2 as httpx

    workbook = EXAMPLE.read_bytes()
    with server(work) as base, httpx.Client(trust_env=False) as client:
        for _ in range(warmup):
            page_previews(client, base, workbook)
        samples = [page_previews(client, base, workbook) for _ in range(requests)]
    walls = [wall for wall, _pages in samples]
    p50 = statistics.median(walls)
    p90 = statistics.quantiles(walls, n=10, method="inclusive")[8]
    cli = [cli_preview(work, run) for run in range(runs)]
    base_wall = statistics.median(wall for wall, _pngs in cli)
    return (
        f"5. warm page preview p50 {p50:.2f} s (target <= 1.5 s), p90 {p90:.2f} s = "
        f"{p50 / base_wall:.2f}x the "
        f"CLI's build --pdf + preview ({base_wall:.2f} s, median of {runs}; {requests} "
        f"sequential uploads after {warmup} warm-up, {samples[0][1]} pages each, the CLI "
        f"{cli[0][1]})"
    )


def compiled_once() -> None:
    """Write reportgen's .pyc files first, as a pip install does: the editable install has
    none, and with PYTHONDONTWRITEBYTECODE set (as on this machine) every run would compile
    the package's sources again while the naive script's libraries load from their .pyc."""
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "src"), quiet=1)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    compiled_once()
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as folder:
        work = Path(folder)
        print(one_build(work, runs), flush=True)
        print(help_start(runs * 2), flush=True)
        print(batch(work, max(3, runs // 3)), flush=True)
        print(pdfs(work, max(3, runs // 3)), flush=True)
        print(warm_preview(work), flush=True)
        print(memory(work), flush=True)


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"(bench took {time.perf_counter() - start:.0f} s)")
