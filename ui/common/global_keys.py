"""Keys that work in every window of an unlocked session: Ctrl+L (lock) and Ctrl+Shift+Delete (emergency erase).

A QAction's shortcut, even with ``Qt.ApplicationShortcut``, does not fire while a modal dialog blocks its window, so
Ctrl+L would not lock from an open Settings or Export dialog. An application event filter sees the key press in any
window first. In the main window itself the action's own shortcut takes the key before it is delivered, so the two
never both fire.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence


class GlobalKeys(QObject):
    """``add(sequence, callback)``; ``install()`` while unlocked, ``remove()`` on lock."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keys: list[tuple[QKeySequence, Callable[[], None]]] = []
        self._installed = False

    def add(self, sequence: QKeySequence, callback: Callable[[], None]) -> None:
        self._keys.append((sequence, callback))

    def install(self) -> None:
        app = QCoreApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True

    def remove(self) -> None:
        app = QCoreApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
        self._installed = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent) or event.isAutoRepeat():
            return False
        pressed = QKeySequence(event.keyCombination())
        for sequence, callback in self._keys:
            if pressed.matches(sequence) == QKeySequence.SequenceMatch.ExactMatch:
                callback()
                return True
        return False
