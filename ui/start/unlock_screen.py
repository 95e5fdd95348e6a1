"""The unlock screen: passphrase (echo off) → Vault.open on a worker thread, with a busy line; "Forgot passphrase?"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from intake_app.errors import RefusedError, UsageError
from intake_app.vault import unlock_guard
from intake_app.vault.vault import Vault
from ui.common.page_heading import heading_label
from ui.common.tasks import Task, start_task
from ui.i18n import tr
from ui.i18n.retranslating import Retranslating
from ui.start.passphrase_fields import BusyLine, secret_line_edit

PANEL_WIDTH = 520


def describe_unlock_error(exc: object) -> str:
    """A translated sentence for a failed unlock; the core's English reason follows for the technical detail."""
    if isinstance(exc, RefusedError) and str(exc) == unlock_guard.WRONG_PASSPHRASE:
        # A wrong passphrase and a duress passphrase read the same, word for word (issue 29).
        return tr("The vault did not unlock: the passphrase is wrong.")
    if isinstance(exc, RefusedError):
        return tr("The vault did not unlock: the passphrase is wrong, or the vault's key file is damaged. ({detail})",
                  detail=str(exc))
    if isinstance(exc, UsageError):
        return tr("The vault could not be opened: {detail}", detail=str(exc))
    return tr("The vault could not be opened because of an unexpected error ({detail}).", detail=type(exc).__name__)


class UnlockScreen(Retranslating, QWidget):
    """``unlocked(vault)`` after a successful unlock; ``forgot_requested`` opens the recovery flow."""

    unlocked = Signal(object)
    forgot_requested = Signal()

    def __init__(self, vault_path: Path, parent: QWidget | None = None) -> None:  # noqa: PLR0915 - widget assembly
        super().__init__(parent)
        self.vault_path = vault_path
        self._task: Task | None = None
        self.heading = heading_label()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        # Why the vault is locked (after an auto-lock: how long without activity, and which dialogs were closed).
        self.reason_label = QLabel()
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextFormat(Qt.TextFormat.PlainText)
        self.reason_label.setStyleSheet("QLabel { background: #fff4d6; color: #3d2c00; padding: 6px; }")
        self.reason_label.hide()
        self.passphrase = secret_line_edit("")
        self.passphrase_label = QLabel()
        self.passphrase_label.setBuddy(self.passphrase)
        self.unlock_button = QPushButton()
        self.unlock_button.setDefault(True)
        self.forgot_button = QPushButton()
        self.forgot_button.setFlat(True)
        self.busy = BusyLine()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        form = QFormLayout()
        form.addRow(self.passphrase_label, self.passphrase)
        buttons = QHBoxLayout()
        buttons.addWidget(self.forgot_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        # A narrow column in the middle of the window: the eye goes straight to the one field that matters.
        panel = QWidget()
        panel.setMaximumWidth(PANEL_WIDTH)
        column = QVBoxLayout(panel)
        column.addWidget(self.heading)
        column.addWidget(self.reason_label)
        column.addWidget(self.intro)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.busy)
        column.addWidget(self.error_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel, 4)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.setTabOrder(self.passphrase, self.unlock_button)
        self.setTabOrder(self.unlock_button, self.forgot_button)
        self.passphrase.returnPressed.connect(self.start_unlock)
        self.unlock_button.clicked.connect(self.start_unlock)
        self.forgot_button.clicked.connect(self.forgot_requested)
        self.retranslate()

    def reset(self) -> None:
        """Empty every field and message; focus the passphrase."""
        self.passphrase.clear()
        self.error_label.clear()
        self.passphrase.setFocus()

    def set_reason(self, text: str) -> None:
        """Say why the vault locked (empty: hide the line)."""
        self.reason_label.setText(text)
        self.reason_label.setAccessibleName(text)
        self.reason_label.setVisible(bool(text))

    def is_busy(self) -> bool:
        return self._task is not None

    def start_unlock(self) -> None:
        if self._task is not None or not self.passphrase.text():
            return
        passphrase = self.passphrase.text()
        path = self.vault_path
        self.error_label.clear()
        self._set_busy(True)
        self._task = start_task(lambda: Vault.open(path, passphrase), self._opened, self._failed, self)

    def _opened(self, vault: object) -> None:
        self._task = None
        self._set_busy(False)
        self.passphrase.clear()
        self.unlocked.emit(vault)

    def _failed(self, exc: object) -> None:
        self._task = None
        self._set_busy(False)
        self.error_label.setText(describe_unlock_error(exc))
        self.passphrase.clear()
        self.passphrase.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.passphrase.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)
        self.forgot_button.setEnabled(not busy)
        if busy:
            self.busy.start(tr("Unlocking… deriving the key takes a moment."))
        else:
            self.busy.stop()

    def retranslate(self) -> None:
        self.heading.setText(tr("Unlock the vault"))
        self.intro.setText(tr("Type your passphrase to open the vault on this computer."))
        self.passphrase_label.setText(tr("&Passphrase:"))
        self.passphrase.setAccessibleName(tr("Passphrase"))
        self.unlock_button.setText(tr("&Unlock"))
        self.forgot_button.setText(tr("&Forgot passphrase?"))
        self.error_label.setAccessibleName(tr("Error"))
