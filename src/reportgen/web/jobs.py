"""Work in limited child processes (后台作业): one bad upload ends its own request only.

Each job runs a module-level function in a child process of its own, forked from a clean
forkserver where there is one (spawned on Windows), with a cap on its address space and a
timeout. A job that outlives its timeout gets SIGTERM first, which ends a LibreOffice it
started (conversion ends LibreOffice's process group on every way out), then SIGKILL. A
crash, a hang or a memory blow-up becomes a ``JobFailed`` for that request, and a semaphore
bounds how many children run at once, so the server keeps answering the others.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import FrameType
from typing import Any

from reportgen.core.errors import ReportgenError
from reportgen.core.i18n import _

log = logging.getLogger("reportgen.web")

# Imported once in the forkserver, so that every child starts with them loaded.
PRELOAD = ["reportgen.web.tasks", "reportgen.rendering.render", "reportgen.checking.run"]


@dataclass(frozen=True)
class Limits:
    """What one job may take: seconds of wall time and bytes of address space."""

    seconds: float = 120.0
    memory: int = 3 * 1024**3  # LibreOffice maps about 1.5 GB of address space


class JobFailed(ReportgenError):
    """A job ended without an answer: it crashed, hung, ran out of memory or had to wait
    too long for a free worker."""


_CRASHED = _(
    "The work on your file stopped unexpectedly (the file may be damaged). Nothing was kept; try another file."
)
_TIMEOUT = _(
    "The work on your file took longer than {seconds} seconds and was stopped. Nothing was kept; try again, or try a smaller file."
)
_MEMORY = _(
    "The work on your file needed more memory than allowed and was stopped. Nothing was kept; try a smaller file."
)
_BUSY = _("The server is busy with other files. Wait a minute and try again.")
_BUG = _(
    "Something went wrong inside reportgen; the details were written to the server's log. Nothing was kept."
)


class Workers:
    """At most ``size`` jobs at once, each in a child process with ``limits``."""

    def __init__(self, size: int, limits: Limits = Limits(), wait: float = 600.0) -> None:
        self.limits = limits
        self._slots = threading.BoundedSemaphore(size)
        self._wait = wait
        self._context = _context()

    def run(self, function: Callable[..., Any], *args: Any, limits: Limits | None = None) -> Any:
        """``function(*args)`` in a child: its result, or its ReportgenError raised here."""
        if not self._slots.acquire(timeout=self._wait):
            raise JobFailed(_BUSY)
        try:
            return _run_child(self._context, function, args, limits or self.limits)
        finally:
            self._slots.release()

    def warm(self) -> None:
        """Start the forkserver now, so that the first upload does not wait for it."""
        self.run(_nothing)


def _context() -> Any:
    """A forkserver context where there is one (POSIX), else spawn (Windows)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def _nothing() -> None:
    """A job that does nothing (to start the forkserver)."""


def _run_child(
    context: Any, function: Callable[..., Any], args: tuple[Any, ...], limits: Limits
) -> Any:
    """Start the child, wait for its answer within the timeout, end it whatever happens."""
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, function, args, limits.memory))
    process.daemon = True
    process.start()
    sender.close()
    try:
        answer = _answer(receiver, limits, function)
    except JobFailed:
        process.terminate()  # SIGTERM now: the child ends its LibreOffice on the way out
        raise
    finally:
        receiver.close()
        _end(process)
    return _outcome(*answer)


def _answer(receiver: Connection, limits: Limits, function: Callable[..., Any]) -> tuple[str, Any]:
    """The child's (kind, payload), or JobFailed when it hangs or dies without one."""
    if not receiver.poll(limits.seconds):
        log.warning("job %s timed out after %s s", function.__name__, limits.seconds)
        raise JobFailed(_TIMEOUT, seconds=int(limits.seconds))
    try:
        return receiver.recv()
    except (EOFError, OSError):
        log.warning("job %s died without an answer", function.__name__)
        raise JobFailed(_CRASHED) from None


def _end(process: Any) -> None:
    """Make sure the child is gone: a moment to exit, then SIGTERM, then SIGKILL."""
    process.join(2)
    if process.is_alive():
        process.terminate()  # SIGTERM: the child ends its LibreOffice on the way out
        process.join(5)
    if process.is_alive():
        process.kill()
        process.join()
    with contextlib.suppress(ValueError):
        process.close()


def _outcome(kind: str, payload: Any) -> Any:
    """The result for ``ok``; otherwise the matching exception."""
    if kind == "ok":
        return payload
    if kind == "error":
        raise _rebuilt(*payload)
    if kind == "memory":
        raise JobFailed(_MEMORY)
    log.error("job failed:\n%s", payload)
    raise JobFailed(_BUG)


# ---------------------------------------------------------------- in the child


def _child(
    sender: Connection, function: Callable[..., Any], args: tuple[Any, ...], memory: int
) -> None:
    """Run ``function`` under the limits and send back (kind, payload)."""
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    _limit_memory(memory)
    try:
        answer: tuple[str, Any] = ("ok", function(*args))
    except ReportgenError as exc:
        answer = ("error", _portable(exc))
    except MemoryError:
        answer = ("memory", None)
    except Exception:
        answer = ("bug", traceback.format_exc())
    try:
        _send_answer(sender, answer)
    except (BrokenPipeError, EOFError, ConnectionError):
        pass  # the server is gone (stopped with Ctrl-C): nobody waits for the answer
    finally:
        sender.close()


def _send_answer(sender: Connection, answer: tuple[str, Any]) -> None:
    """Send the answer; one that cannot be sent becomes a memory or bug answer."""
    try:
        sender.send(answer)
    except (BrokenPipeError, EOFError, ConnectionError):
        raise
    except MemoryError:
        sender.send(("memory", None))
    except Exception:
        sender.send(("bug", traceback.format_exc()))


def _stop(signum: int, _frame: FrameType | None) -> None:
    """SIGTERM in a child: unwind, so that every ``finally`` (LibreOffice's end) runs."""
    raise SystemExit(128 + signum)


def _limit_memory(memory: int) -> None:
    """Cap the child's address space (RLIMIT_AS), where the platform has it."""
    try:
        import resource
    except ImportError:  # Windows: the timeout still applies
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _portable(exc: ReportgenError) -> tuple[type[ReportgenError], dict[str, Any]]:
    """What rebuilds ``exc`` on the other side: its class and its attributes (a
    ReportgenError's arguments are not its constructor's, so plain pickling loses them)."""
    return type(exc), dict(vars(exc))


def _rebuilt(cls: type[ReportgenError], state: dict[str, Any]) -> ReportgenError:
    """The error ``_portable`` described, with its message, fields and findings."""
    exc = cls.__new__(cls)
    Exception.__init__(exc, state.get("message", ""))
    vars(exc).update(state)
    return exc
