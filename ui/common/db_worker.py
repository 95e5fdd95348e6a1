"""The one thread that touches the vault database while the app is unlocked.

A sqlcipher3 connection must never be used by two threads at once, and the GUI thread must never wait on the disk or
on the database. So every screen hands its database work to one ``DbWorker``: jobs run one after another, in the order
they were submitted, on a single worker thread; their results come back to the GUI thread through a queued signal and
are delivered to the callbacks given at submission. Nothing else may use ``vault.conn``.

Usage (on the GUI thread)::

    job = worker.submit(lambda ctx: ctx.records.count(), on_done=show_count, on_error=show_error)
    job.cancel()   # a newer search supersedes it: not started → skipped; running → ctx.check_cancelled() raises

A job function receives a :class:`JobContext`: the vault, lazily made stores (records, attachments, keyring), a
``progress(done, total)`` reporter and ``check_cancelled()``. The progress reporter also raises ``JobCancelled`` once
the job is cancelled, so long core operations that take a progress callback (export, attach, import) stop promptly.

``shutdown()`` (on lock) cancels every queued and running job (except those submitted with ``finish_on_shutdown``,
i.e. the last draft), waits for the thread to end and drops the callbacks: no result reaches a screen after the lock.
Callbacks of cancelled jobs are never called.
"""

from __future__ import annotations

import itertools
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

from intake_app.bundles.keyring import Keyring
from intake_app.records.attachments import AttachmentStore
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault

T = TypeVar("T")


class JobCancelled(Exception):
    """Raised inside a job that was cancelled; the worker swallows it and calls no callback."""


class Job:
    """A handle on a submitted job: ``cancel()`` it, or ask whether it is ``done``."""

    def __init__(self, job_id: int, finish_on_shutdown: bool = False) -> None:
        self.id = job_id
        self.finish_on_shutdown = finish_on_shutdown
        self._cancelled = threading.Event()
        self.done = False

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


class JobContext:
    """What a job function gets: the vault, its stores, and progress/cancellation for this job."""

    def __init__(self, worker_state: _WorkerState, job: Job, report: Callable[[int, int], None]) -> None:
        self._state = worker_state
        self._job = job
        self._report = report
        self._last_report = 0.0

    @property
    def vault(self) -> Vault:
        return self._state.vault

    @property
    def records(self) -> RecordStore:
        if self._state.records is None:
            self._state.records = RecordStore(self._state.vault)
        return self._state.records

    @property
    def attachments(self) -> AttachmentStore:
        if self._state.attachments is None:
            self._state.attachments = AttachmentStore(self._state.vault)
        return self._state.attachments

    @property
    def keyring(self) -> Keyring:
        return Keyring(self._state.vault)

    def cancelled(self) -> bool:
        return self._job.cancelled

    def check_cancelled(self) -> None:
        """Raise ``JobCancelled`` if the job was cancelled (call between steps of long work)."""
        if self._job.cancelled:
            raise JobCancelled

    def progress(self, done: int, total: int = 0) -> None:
        """Report progress to the GUI (at most ~30 times a second); raises ``JobCancelled`` once cancelled."""
        self.check_cancelled()
        now = time.monotonic()
        # Rate-limited here so a chunked copy of a large file cannot flood the GUI thread's event queue.
        if now - self._last_report >= _REPORT_INTERVAL_S or (total and done >= total):
            self._last_report = now
            self._report(done, total)


@dataclass
class _WorkerState:
    vault: Vault
    records: RecordStore | None = None
    attachments: AttachmentStore | None = None


@dataclass
class _Callbacks:
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    on_progress: Callable[[int, int], None] | None
    job: Job = field(repr=False, default_factory=lambda: Job(-1))


_STOP = object()
_REPORT_INTERVAL_S = 0.033


class DbWorker(QObject):
    """Serialises all database work of one unlocked session onto one thread. Create and use it on the GUI thread."""

    # Emitted on the worker thread, delivered queued on the GUI thread (this object lives there).
    _finished = Signal(int, object)
    _failed = Signal(int, object)
    _progressed = Signal(int, object, object)  # object: byte counts exceed a C int
    _dropped = Signal(int)

    def __init__(self, vault: Vault, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = _WorkerState(vault)
        # Read before the worker thread starts: new record ids are bound to this key (intake_app.records.ids).
        self.device_key = vault.signing_key().public_key
        self._queue: queue.Queue[object] = queue.Queue()
        self._ids = itertools.count(1)
        self._callbacks: dict[int, _Callbacks] = {}
        self._running: Job | None = None
        self._closed = False
        queued = Qt.ConnectionType.QueuedConnection
        self._finished.connect(self._deliver_result, queued)
        self._failed.connect(self._deliver_error, queued)
        self._progressed.connect(self._deliver_progress, queued)
        self._dropped.connect(self._forget, queued)
        # A daemon thread would be killed mid-transaction at interpreter exit; shutdown() joins it instead.
        self._thread = threading.Thread(target=self._run, name="vault-db", daemon=False)
        self._thread.start()

    # ---- GUI-thread API
    def submit(self, fn: Callable[[JobContext], T], on_done: Callable[[T], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               on_progress: Callable[[int, int], None] | None = None, *, finish_on_shutdown: bool = False) -> Job:
        """Queue ``fn(ctx)`` after every job submitted before it; callbacks run later on the GUI thread.

        ``finish_on_shutdown``: the job still runs if the session locks before it starts (the last autosaved draft
        must reach the vault); its callbacks are dropped all the same.
        """
        job = Job(next(self._ids), finish_on_shutdown)
        if self._closed:
            job.cancel()
            return job
        self._callbacks[job.id] = _Callbacks(on_done, on_error, on_progress, job)
        self._queue.put((job, fn))
        return job

    def pending(self) -> int:
        """Jobs submitted whose callbacks have not run yet (for tests and busy indicators)."""
        return len(self._callbacks)

    def is_closed(self) -> bool:
        return self._closed

    def shutdown(self) -> None:
        """Cancel everything, wait for the thread to finish its current step, and forget every callback."""
        if self._closed:
            return
        self._closed = True
        for callbacks in self._callbacks.values():
            if not callbacks.job.finish_on_shutdown:
                callbacks.job.cancel()
        self._callbacks.clear()
        self._queue.put(_STOP)
        self._thread.join()
        self._state.records = None
        self._state.attachments = None

    # ---- worker thread
    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            assert isinstance(item, tuple)
            self._run_one(item[0], item[1])
            # Drop the reference to the job (its closure may hold content) before waiting for the next one.
            item = ()

    def _run_one(self, job: Job, fn: Callable[[JobContext], object]) -> None:
        if job.cancelled:
            self._dropped.emit(job.id)
            return

        def report(done: int, total: int) -> None:
            self._progressed.emit(job.id, done, total)

        try:
            result = fn(JobContext(self._state, job, report))
        except JobCancelled:
            self._dropped.emit(job.id)
        except Exception as exc:  # noqa: BLE001 - every failure goes to the GUI, which decides what to show
            self._failed.emit(job.id, exc)
        else:
            self._finished.emit(job.id, result)

    # ---- delivery on the GUI thread
    def _take(self, job_id: int) -> _Callbacks | None:
        callbacks = self._callbacks.pop(job_id, None)
        if callbacks is None or callbacks.job.cancelled:
            return None
        callbacks.job.done = True
        return callbacks

    def _forget(self, job_id: int) -> None:
        self._callbacks.pop(job_id, None)

    def _deliver_result(self, job_id: int, result: object) -> None:
        callbacks = self._take(job_id)
        if callbacks is not None and callbacks.on_done is not None:
            callbacks.on_done(result)

    def _deliver_error(self, job_id: int, exc: object) -> None:
        callbacks = self._take(job_id)
        if callbacks is not None and callbacks.on_error is not None and isinstance(exc, BaseException):
            callbacks.on_error(exc)

    def _deliver_progress(self, job_id: int, done: object, total: object) -> None:
        callbacks = self._callbacks.get(job_id)
        if (callbacks is not None and not callbacks.job.cancelled and callbacks.on_progress is not None
                and isinstance(done, int) and isinstance(total, int)):
            callbacks.on_progress(done, total)


GIL_SWITCH_INTERVAL_S = 0.001


def favour_the_gui_thread() -> None:
    """Ask the interpreter to hand the GIL over every millisecond instead of every 5 ms.

    The DB worker (and the hashing thread an export starts) run Python code for long stretches; with the default
    interval the GUI thread queues behind both and the window stalls (measured over 100 ms during a large export).
    Called once by the app at start-up."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
