"""Auto-lock after a period without keyboard or mouse input (default five minutes).

An application-wide event filter watches input events for every window and restarts a single-shot timer; when it
fires, ``idle`` is emitted and the session locks. ``WARN_MS`` (30 s) before that, ``warning(seconds_left)`` starts and
repeats every second, so the session can show a countdown with "Stay unlocked"; any input (or ``restart()``) ends it
with ``warning_cleared``. The countdown is computed from the lock timer's remaining time, never kept separately, so
the two cannot disagree. This mitigates an unlocked, unattended laptop; it does not protect
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
WARN_MS = 30_000
_TICK_MS = 1000


class IdleLock(QObject):
    """Emits ``idle`` after ``timeout_ms`` without user input, while armed."""

    idle = Signal()
    warning = Signal(int)
    warning_cleared = Signal()

    def __init__(self, timeout_ms: int = DEFAULT_MINUTES * 60_000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self._fire)
        self._warn_timer = QTimer(self)
        self._warn_timer.setSingleShot(True)
        self._warn_timer.timeout.connect(self._warn)
        self._tick = QTimer(self)
        self._tick.setInterval(_TICK_MS)
        self._tick.timeout.connect(self._emit_warning)
        self._armed = False
        self._warning = False
        self._warn_timer.setInterval(self._warn_at(timeout_ms))

    @property
    def armed(self) -> bool:
        return self._armed

    def timeout_ms(self) -> int:
        return self._timer.interval()

    def set_timeout_ms(self, timeout_ms: int) -> None:
        if timeout_ms <= 0:
            raise ValueError("the idle timeout must be positive")
        self._timer.setInterval(timeout_ms)
        self._warn_timer.setInterval(self._warn_at(timeout_ms))
        if self._armed:
            self.restart()

    @staticmethod
    def _warn_at(timeout_ms: int) -> int:
        """When the warning starts: WARN_MS before the lock, or halfway for timeouts shorter than a minute."""
        return timeout_ms - WARN_MS if timeout_ms >= 2 * WARN_MS else timeout_ms // 2

    def seconds_left(self) -> int:
        """Whole seconds until the lock (rounded up), 0 when not armed."""
        remaining = self._timer.remainingTime() if self._timer.isActive() else 0
        return max(0, -(-remaining // 1000))

    def restart(self) -> None:
        """Input happened (or the user chose "Stay unlocked"): the full timeout again, and no warning."""
        if not self._armed:
            return
        self._timer.start()
        self._warn_timer.start()
        self._end_warning()

    def _end_warning(self) -> None:
        self._tick.stop()
        if self._warning:
            self._warning = False
            self.warning_cleared.emit()

    def _warn(self) -> None:
        if self._armed:
            self._warning = True
            self._tick.start()
            self._emit_warning()

    def _emit_warning(self) -> None:
        if self._warning:
            self.warning.emit(self.seconds_left())

    def arm(self) -> None:
        """Start watching input (called when a vault is unlocked)."""
        app = QCoreApplication.instance()
        if app is not None and not self._armed:
            app.installEventFilter(self)
        self._armed = True
        self.restart()

    def disarm(self) -> None:
        """Stop watching (called on lock)."""
        app = QCoreApplication.instance()
        if app is not None and self._armed:
            app.removeEventFilter(self)
        self._armed = False
        self._timer.stop()
        self._warn_timer.stop()
        self._end_warning()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._armed and event.type() in _INPUT_EVENTS:
            self.restart()
        return False

    def _fire(self) -> None:
        if self._armed:
            self.disarm()
            self.idle.emit()
