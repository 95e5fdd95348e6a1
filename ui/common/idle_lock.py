"""Auto-lock after a period without keyboard or mouse input (default five minutes).

An application-wide event filter watches input events for every window and restarts a single-shot timer; when it
fires, ``idle`` is emitted and the session locks. This mitigates an unlocked, unattended laptop; it does not protect
against malware on an unlocked one (see the threat model).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress, QEvent.Type.ShortcutOverride,
})
DEFAULT_MINUTES = 5


class IdleLock(QObject):
    """Emits ``idle`` after ``timeout_ms`` without user input, while armed."""

    idle = Signal()

    def __init__(self, timeout_ms: int = DEFAULT_MINUTES * 60_000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self._fire)
        self._armed = False

    @property
    def armed(self) -> bool:
        return self._armed

    def timeout_ms(self) -> int:
        return self._timer.interval()

    def set_timeout_ms(self, timeout_ms: int) -> None:
        if timeout_ms <= 0:
            raise ValueError("the idle timeout must be positive")
        self._timer.setInterval(timeout_ms)
        if self._armed:
            self._timer.start()

    def arm(self) -> None:
        """Start watching input (called when a vault is unlocked)."""
        app = QCoreApplication.instance()
        if app is not None and not self._armed:
            app.installEventFilter(self)
        self._armed = True
        self._timer.start()

    def disarm(self) -> None:
        """Stop watching (called on lock)."""
        app = QCoreApplication.instance()
        if app is not None and self._armed:
            app.removeEventFilter(self)
        self._armed = False
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._armed and event.type() in _INPUT_EVENTS:
            self._timer.start()
        return False

    def _fire(self) -> None:
        if self._armed:
            self.disarm()
            self.idle.emit()
