"""One LibreOffice worker (转换进程): the UNO bridge (``bridge.py``) and its soffice, kept running.

A worker is started once and converts document after document, so LibreOffice's start (one to
two seconds) is paid once, not per call. It runs in a process group of its own (a new session
on POSIX, a new process group on Windows), so that ending it ends soffice with it, whatever
state either is in. A job that gets no answer in time, or a bridge that exits, makes the worker
``WorkerFailed``: the caller kills it and starts another (``office.pool``).
"""

from __future__ import annotations

import collections
import contextlib
import functools
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

BRIDGE = Path(__file__).with_name("bridge.py")
START_TIMEOUT = 90.0  # a cold LibreOffice on a busy machine; the bridge itself waits 60 s


class WorkerFailed(Exception):
    """The worker hung or died; ``detail`` says which, for the report."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class DocumentFailed(Exception):
    """LibreOffice answered that it could not convert the document (the worker lives on)."""


@dataclass(frozen=True)
class Job:
    """One document to convert: the .docx and the PDF to write."""

    source: Path
    target: Path
    pdfa: bool = False
    autospace_off: bool = False  # turn off LibreOffice's gap between 汉字 and digits


@dataclass
class Worker:
    """A running bridge: the command that started it and its answers, line by line."""

    command: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    answers: queue.Queue[dict[str, Any] | None] = field(default_factory=queue.Queue)
    jobs: int = 0
    reader: threading.Thread = field(default_factory=threading.Thread)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ended: bool = False  # killed: never (re)started
    said: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=5))

    def start(self, timeout: float = START_TIMEOUT) -> Worker:
        """Start the bridge and wait until its LibreOffice answers (a worker killed before
        it started never starts)."""
        with self.lock:  # process and readers together: kill() sees both or neither
            if self.ended:
                raise WorkerFailed("stopped before it was converted")
            process = self.process = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=self.env,
                **_own_group(),
            )
            self.reader = threading.Thread(
                target=_read_answers, args=(process.stdout, self.answers), daemon=True
            )
            self.reader.start()
            threading.Thread(
                target=_read_said, args=(process.stderr, self.said), daemon=True
            ).start()
        ready = self._answer(timeout, "LibreOffice did not start within {seconds} s")
        if not ready.get("ready"):
            raise WorkerFailed(f"the bridge said {ready!r} instead of ready")
        return self

    def convert(self, job: Job, *, timeout: float) -> None:
        """Convert ``job.source`` to the PDF ``job.target``; DocumentFailed if LibreOffice
        refuses it, WorkerFailed if it hangs past ``timeout`` or dies."""
        process = self.process
        if process is None or process.stdin is None:
            raise WorkerFailed("LibreOffice had ended")
        self.jobs += 1
        request = {
            "id": self.jobs,
            "source": str(job.source),
            "target": str(job.target),
            "pdfa": job.pdfa,
            "autospace_off": job.autospace_off,
        }
        try:
            process.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
            process.stdin.flush()
        except (OSError, ValueError) as exc:  # a closed pipe: the worker is being ended
            raise WorkerFailed(f"LibreOffice had ended ({exc})") from exc
        answer = self._answer(timeout, "LibreOffice gave no answer within {seconds} s")
        if not answer.get("ok"):
            raise DocumentFailed(str(answer.get("error", "no reason given")))

    def _answer(self, timeout: float, hung: str) -> dict[str, Any]:
        try:
            answer = self.answers.get(timeout=timeout)
        except queue.Empty:
            raise WorkerFailed(hung.format(seconds=round(timeout))) from None
        if answer is None:
            raise WorkerFailed(self._last_words())
        return answer

    def _last_words(self) -> str:
        """Why the bridge ended: its last line on stderr, else its exit code."""
        process = self.process
        code = None
        if process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = process.wait(timeout=5)
        time.sleep(0.05)  # let the stderr thread take the last line
        if self.said:
            return self.said[-1]
        return f"LibreOffice ended unexpectedly (exit {code})"

    def kill(self) -> None:
        """Kill the bridge and its LibreOffice, the whole group, now (from any thread)."""
        with self.lock:
            process, self.process, self.ended = self.process, None, True
        if process is None:
            return
        _kill_group(process)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        with contextlib.suppress(OSError):
            if process.stdin:
                process.stdin.close()
        self.reader.join(timeout=10)  # it closes stdout at the end of the answers


def bridge_command(python: str, soffice: str, profile: Path) -> list[str]:
    """The command that starts a worker: ``python`` runs the bridge script."""
    return [python, str(BRIDGE), soffice, profile.as_uri()]


def _read_answers(stream: IO[bytes] | None, answers: queue.Queue[dict[str, Any] | None]) -> None:
    """Every JSON line the bridge writes, then None at its end (a thread per worker: a pipe
    cannot be waited on with a timeout on Windows)."""
    assert stream is not None
    with stream:
        for line in stream:
            with contextlib.suppress(ValueError):
                answers.put(json.loads(line))
    answers.put(None)


def _read_said(stream: IO[bytes] | None, said: collections.deque[str]) -> None:
    """The bridge's last lines on stderr (why it stopped), kept for the report."""
    assert stream is not None
    with stream:
        for line in stream:
            text = line.decode("utf-8", "replace").strip()
            if text:
                said.append(text)


def _own_group() -> dict[str, Any]:
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the worker's process group (taskkill /T on Windows)."""
    if sys.platform == "win32":
        subprocess.run(
            ["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False
        )
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def uno_python(soffice: str) -> str | None:
    """A Python that can ``import uno``: $REPORTGEN_UNO_PYTHON, the one LibreOffice ships
    beside soffice (Windows), or the system's python3 (Debian's python3-uno); None if none."""
    given = os.environ.get("REPORTGEN_UNO_PYTHON", "").strip()
    if given:
        return given if _imports_uno(given) else None
    program = Path(soffice).resolve().parent
    candidates = [program / "python.exe", program / "python", Path("/usr/bin/python3")]
    found = shutil.which("python3")
    candidates += [Path(found)] if found else []
    for candidate in candidates:
        if candidate.is_file() and _imports_uno(str(candidate)):
            return str(candidate)
    return None


@functools.lru_cache(maxsize=8)
def _imports_uno(python: str) -> bool:
    """Whether ``python -c "import uno"`` works (asked once per process)."""
    try:
        done = subprocess.run(
            [python, "-c", "import uno"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0
