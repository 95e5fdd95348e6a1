"""Autosave: the editor's state goes to a draft every few seconds while it changes, and whenever focus moves.

A crash or power cut then loses at most one interval of typing. Drafts are written by the DB worker into the vault
(encrypted like everything else), never to a plain file. The snapshot is taken on the GUI thread (the form is read
there), the write happens on the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from ui.common.db_worker import DbWorker, JobContext

AUTOSAVE_MS = 3000


class Autosaver(QObject):
    """Writes ``snapshot()`` as the draft of ``record_id`` when dirty: on a timer tick and on every focus change."""

    saved = Signal()
    failed = Signal(str)

    def __init__(self, worker: DbWorker, snapshot: Callable[[], dict[str, Any]], parent: QObject | None = None,
                 interval_ms: int = AUTOSAVE_MS) -> None:
        super().__init__(parent)
        self._worker = worker
        self._snapshot = snapshot
        self.record_id: str | None = None
        self.base_rev: str | None = None
        self._dirty = False
        self.saves = 0
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.flush)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def start(self, record_id: str, base_rev: str | None) -> None:
        self.record_id, self.base_rev = record_id, base_rev
        self._dirty = False
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._dirty = False
        self.record_id = None

    def mark_dirty(self) -> None:
        if self.record_id is not None:
            self._dirty = True

    def mark_clean(self) -> None:
        self._dirty = False

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if self._dirty:
            self.flush()

    def flush(self) -> None:
        """Write the draft now if anything changed since the last one."""
        if not self._dirty or self.record_id is None or self._worker.is_closed():
            return
        self._dirty = False
        record_id, base_rev, content = self.record_id, self.base_rev, self._snapshot()

        def job(ctx: JobContext) -> None:
            ctx.records.save_draft(record_id, content, base_rev)

        self._worker.submit(job, on_done=lambda _: self._done(), on_error=self._failed, finish_on_shutdown=True)

    def _failed(self, exc: BaseException) -> None:
        self._dirty = True  # try again on the next tick
        self.failed.emit(str(exc))

    def _done(self) -> None:
        self.saves += 1
        self.saved.emit()
