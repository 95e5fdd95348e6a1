"""Let the window's own shortcuts win over a text field's editing keys.

On X11 (and so under GNOME and KDE) Qt gives line edits Emacs-style bindings: Ctrl+E moves to the end of the line,
Ctrl+A to its start, Ctrl+K cuts to the end. A focused field claims such a key through the ``ShortcutOverride`` event, so
a menu action with the same shortcut (Ctrl+E, "Export bundle") does nothing while the field has focus — and the search
box has focus most of the time. ``ActionShortcutsWin`` refuses the claim for exactly the shortcuts of the window's
enabled actions, so those reach their actions, and leaves every other key to the field.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QWidget


class ActionShortcutsWin(QObject):
    """Event filter for a text field: shortcuts of the enabled actions of its window are not claimed by the field."""

    def __init__(self, field: QWidget) -> None:
        super().__init__(field)
        self._field = field
        field.installEventFilter(self)

    def _action_shortcuts(self) -> set[QKeySequence]:
        window = self._field.window()
        return {seq for action in window.findChildren(QAction) if action.isEnabled()
                for seq in action.shortcuts() if not seq.isEmpty()}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            if pressed in self._action_shortcuts():
                event.ignore()
                return True  # not claimed: Qt's shortcut map now triggers the action
        return super().eventFilter(watched, event)
