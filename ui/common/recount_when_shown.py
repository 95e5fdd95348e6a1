"""Pages whose count is costly recount when shown, not on every change: :class:`RecountWhenShown`.

    class StatsPage(RecountWhenShown, Retranslating, QWidget):
        def refresh(self) -> None: ...  # starts the count

``mark_stale()`` (after an import or a resolved conflict) recounts at once if the page is on screen, else when it is
next shown, so a large first count never holds up the pages the coordinator is using. A page starts stale: its first
showing counts.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget


class RecountWhenShown:
    """Mixin for a QWidget subclass that defines ``refresh()``."""

    _stale = True

    def refresh(self) -> None:
        raise NotImplementedError

    def mark_stale(self) -> None:
        """The archive changed: recount now if shown, else when next shown."""
        self._stale = True
        if cast(QWidget, self).isVisible():
            self._stale = False
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # the QWidget virtual, reached through the MRO
        super().showEvent(event)  # type: ignore[misc]  # the Qt widget class after this mixin in the MRO
        if self._stale:
            self._stale = False
            self.refresh()
