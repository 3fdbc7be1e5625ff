"""Workers sharing the work (并行转换): up to N LibreOffice workers, each with its own profile.

``Pool.convert`` hands documents to the workers as each finishes its last one, so a long
document does not hold up the rest. A worker that hangs or dies is killed and replaced, and
the document it had is tried once more by the next free worker; a second failure, or a
document LibreOffice itself refuses, is reported with its reason, and the others still go
through. ``close`` (also on Ctrl-C, since the caller closes in ``finally``) ends every worker
with its whole process group: no soffice outlives the pool.

A pool may be used by several threads (the page's requests): ``convert`` calls queue their
documents for the same workers. Workers start on first use.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from reportgen.office.worker import DocumentFailed, Job, Worker, WorkerFailed

RETRIES = 1  # a document whose worker hung or died is tried once more
# The caller waits for its documents in slices of this long. A signal (Ctrl-C) may be
# delivered to any thread, and a wait with no timeout in the main thread is then never woken
# to run Python's handler: the command would go on, deaf to Ctrl-C, until the work is done.
WAKE_SECONDS = 0.1


@dataclass(frozen=True)
class Failure:
    """A document that could not be converted, and why (each attempt's reason)."""

    job: Job
    reasons: tuple[str, ...]


@dataclass
class _Batch:
    """One ``convert`` call's documents: what is left, what failed, when all are done."""

    failures: list[Failure] = field(default_factory=list)
    left: int = 0
    done: threading.Event = field(default_factory=threading.Event)


class Pool:
    """Up to ``size`` workers made by ``launch(index)`` (started on first use)."""

    def __init__(
        self,
        size: int,
        launch: Callable[[int], Worker],
        timeout: float,
        cleanup: Callable[[], None] | None = None,
    ) -> None:
        self.size = max(1, size)
        self.launch = launch
        self.timeout = timeout
        self.cleanup = cleanup  # called once every worker has ended
        self.workers: list[Worker | None] = [None] * self.size
        self._starting = [threading.Lock() for _ in range(self.size)]  # one start at a time
        self.replaced = 0  # workers killed and started again, for the report
        self._lock = threading.Condition()
        self._queue: list[tuple[_Batch, Job, tuple[str, ...]]] = []
        self._threads: list[threading.Thread] = []
        self._closed = False

    def convert(self, jobs: Sequence[Job]) -> list[Failure]:
        """Convert every job; the failures, in the jobs' order (empty when all went through)."""
        if not jobs:
            return []
        batch = _Batch(left=len(jobs))
        with self._lock:
            if self._closed:
                raise RuntimeError("the pool is closed")
            self._queue.extend((batch, job, ()) for job in jobs)
            self._start_threads(len(self._queue))
            self._lock.notify_all()
        while not batch.done.wait(WAKE_SECONDS):
            pass  # timed: see WAKE_SECONDS
        order = {job: n for n, job in enumerate(jobs)}
        return sorted(batch.failures, key=lambda f: order[f.job])

    def _start_threads(self, wanted: int) -> None:
        """One thread per worker slot, up to ``size``, started as work arrives."""
        while len(self._threads) < min(self.size, wanted):
            thread = threading.Thread(target=self._serve, args=(len(self._threads),), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, index: int) -> None:
        """Worker slot ``index``: take the next document, convert it, until closed."""
        while True:
            with self._lock:
                while not self._queue and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                batch, job, reasons = self._queue.pop(0)
            self._finish(batch, job, *self._attempt(index, job, reasons))

    def _attempt(
        self, index: int, job: Job, reasons: tuple[str, ...]
    ) -> tuple[tuple[str, ...], bool]:
        """Convert ``job``: no reasons when it worked; else every reason so far, and whether
        it may be tried again (not when LibreOffice itself refused the document)."""
        try:
            self._worker(index).convert(job, timeout=self.timeout)
            return (), False
        except DocumentFailed as exc:
            return (*reasons, str(exc)), False
        except WorkerFailed as exc:
            self._replace(index)
            return (*reasons, exc.detail), len(reasons) < RETRIES

    def _finish(self, batch: _Batch, job: Job, reasons: tuple[str, ...], again: bool) -> None:
        """Count ``job`` done (failed if there are reasons), or queue it again."""
        with self._lock:
            if again and not self._closed:
                self._queue.append((batch, job, reasons))
                self._lock.notify_all()
                return
            if reasons:
                batch.failures.append(Failure(job, reasons))
            batch.left -= 1
            if batch.left == 0:
                batch.done.set()

    def _worker(self, index: int) -> Worker:
        """Slot ``index``'s worker, started (again) if it has none or it has ended. It is in
        its slot before it starts, so that ``close`` ends it whenever it comes."""
        with self._starting[index]:
            with self._lock:
                if self._closed:
                    raise WorkerFailed("stopped before it was converted")
                worker = self.workers[index]
                process = worker.process if worker is not None else None
                if worker is not None and process is not None and process.poll() is None:
                    return worker
                fresh = self.workers[index] = self.launch(index)
            if worker is not None:
                worker.kill()
            return fresh.start()

    def warm(self) -> list[str]:
        """Start every worker now (in parallel), so that the first documents do not wait for
        LibreOffice; why any could not start."""
        problems: list[str] = []

        def start(index: int) -> None:
            try:
                self._worker(index)
            except WorkerFailed as exc:
                self._replace(index)
                problems.append(exc.detail)

        threads = [threading.Thread(target=start, args=(i,)) for i in range(self.size)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return problems

    def _replace(self, index: int) -> None:
        """Kill slot ``index``'s worker; the next job there starts another."""
        worker, self.workers[index] = self.workers[index], None
        if worker is not None:
            worker.kill()
        self.replaced += 1

    def close(self) -> None:
        """End every worker and its LibreOffice at once (killed: each has a throw-away
        profile, so a graceful quit would only cost time); fail what is still queued."""
        with self._lock:
            self._closed = True
            queued, self._queue = self._queue, []
            self._lock.notify_all()
        for batch, job, reasons in queued:
            self._finish(batch, job, (*reasons, "stopped before it was converted"), False)
        for worker in self.workers:
            if worker is not None:
                with contextlib.suppress(Exception):  # every worker is killed, whatever one does
                    worker.kill()  # throw-away profiles: nothing to save, no need to wait
        self.workers = [None] * self.size
        if self.cleanup is not None:
            self.cleanup()
            self.cleanup = None

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
