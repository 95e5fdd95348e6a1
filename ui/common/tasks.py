"""Running slow work (Argon2id key derivation, vault creation) off the GUI thread.

After electrum's TaskThread and dangerzone: a QThread runs one callable and reports through signals; the receivers are
slots of widgets living on the GUI thread and are connected queued, so widgets are only ever touched on the GUI thread.
The worker never opens a dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal


class Task(QThread):
    """One call of ``fn`` on a worker thread; ``succeeded(result)`` or ``failed(exception)`` on completion."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fn = fn
        if parent is not None:
            # A parent destroyed while the work still runs (a dialog closed, a page torn down) would delete this running
            # thread with it, which Qt answers by aborting the process: wait for the work first (seen under load).
            parent.destroyed.connect(self._finish_before_deletion, Qt.ConnectionType.DirectConnection)

    def _finish_before_deletion(self) -> None:
        self.wait()

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # noqa: BLE001 - every failure must reach the GUI, which decides what to show
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        finally:
            # Drop the callable (and the passphrase in its closure) as soon as the work is done.
            self._fn = _done


def _done() -> None:
    return None


def start_task(fn: Callable[[], object], on_success: Callable[[object], None],
               on_failure: Callable[[object], None], parent: QObject) -> Task:
    """Start ``fn`` on a worker thread; the callbacks run on the GUI thread. Keep the returned task referenced."""
    task = Task(fn, parent)
    task.succeeded.connect(on_success, Qt.ConnectionType.QueuedConnection)
    task.failed.connect(on_failure, Qt.ConnectionType.QueuedConnection)
    task.start()
    return task
