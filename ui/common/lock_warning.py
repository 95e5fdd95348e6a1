"""The countdown before an auto-lock: "Locking in 30 seconds" with "Stay unlocked", above whatever window is open.

It is a small non-modal window parented to the active modal dialog when there is one (so a Settings dialog does not
block its button), else to the main window. It shows no content, only the seconds left.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.i18n import tr
from ui.i18n.retranslating import Retranslating


class LockWarning(Retranslating, QDialog):
    """``stay_requested`` when the user presses "Stay unlocked"."""

    stay_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.setModal(False)
        self.seconds = 0
        self.label = QLabel()
        font = QFont(self.label.font())
        font.setPointSize(font.pointSize() + 2)
        font.setBold(True)
        self.label.setFont(font)
        self.label.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.stay_button = QPushButton()
        self.stay_button.setDefault(True)
        self.stay_button.clicked.connect(self.stay_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.stay_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        self.setMinimumWidth(420)
        self.retranslate()

    def show_seconds(self, seconds: int, fallback_parent: QWidget | None) -> None:
        """Show (or update) the countdown; on first show, sit above the active dialog or ``fallback_parent``."""
        self.seconds = seconds
        if not self.isVisible():
            modal = QApplication.activeModalWidget()
            parent = modal if modal is not None and modal is not self else fallback_parent
            if parent is not None and self.parentWidget() is not parent:
                self.setParent(parent, self.windowFlags())
            self.show()
            self.raise_()
        self.retranslate()

    def detach(self) -> None:
        """Hide and leave the parent: the window it sat on is about to be destroyed by the lock."""
        self.hide()
        if self.parentWidget() is not None:
            self.setParent(None, self.windowFlags())

    def retranslate(self) -> None:
        self.setWindowTitle(tr("About to lock"))
        if self.seconds == 1:
            self.label.setText(tr("Locking in 1 second."))
        else:
            self.label.setText(tr("Locking in {seconds} seconds.", seconds=self.seconds))
        self.detail.setText(tr("There was no activity for a while. Unsaved changes are kept as an encrypted draft."))
        self.stay_button.setText(tr("&Stay unlocked"))
