"""The one way a screen follows a language switch: mix :class:`Retranslating` in before the Qt widget class.

    class DevicesPage(Retranslating, QWidget):
        def retranslate(self) -> None: ...  # sets every visible text; called by __init__ and on each switch

Switching language sends ``QEvent.LanguageChange`` to every top-level widget and Qt forwards it to all children
(``ui/i18n/__init__.py``); the mixin's ``changeEvent`` calls ``retranslate`` for it, then lets the widget class handle
the event as usual.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent


class Retranslating:
    """Mixin for a QWidget subclass that defines ``retranslate()``: called again on every language change."""

    def retranslate(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:  # the QWidget virtual, reached through the MRO
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)  # type: ignore[misc]  # the Qt widget class after this mixin in the MRO
