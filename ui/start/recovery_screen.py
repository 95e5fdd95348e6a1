"""The recovery flow: the recovery key as written on paper (checked as typed), a new passphrase, then unlock.

The key is checked with ``crypto.recovery.decode`` on every edit, so a typo is reported before any key derivation
runs; the worker thread then unlocks with the recovery slot and rewraps the data key under the new passphrase.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from crypto import recovery
from crypto.errors import MalformedError
from intake_app.vault.vault import Vault
from ui.common.fonts import monospace_font
from ui.common.page_heading import heading_label
from ui.common.screen_capture import CaptureShield, capture_notice, capture_notice_text
from ui.common.tasks import Task, start_task
from ui.i18n import tr
from ui.i18n.retranslating import Retranslating
from ui.start.passphrase_fields import BusyLine, NewPassphraseFields, no_alt_typing
from ui.start.unlock_screen import describe_unlock_error

KEY_CHARS = 56


def check_recovery_text(text: str) -> tuple[bool, str]:
    """(valid, translated status) for a recovery key as typed so far."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\r\n")
    if not cleaned:
        return False, ""
    bad = next((i for i, ch in enumerate(cleaned) if ch not in "0123456789ABCDEFGHJKMNPQRSTVWXYZOIL"), None)
    if bad is not None:
        return False, tr("Character {position} cannot be in a recovery key (group {group}).",
                         position=bad + 1, group=bad // recovery.GROUP + 1)
    if len(cleaned) < KEY_CHARS:
        return False, tr("{count} of {total} characters typed.", count=len(cleaned), total=KEY_CHARS)
    if len(cleaned) > KEY_CHARS:
        return False, tr("Too many characters: a recovery key has {total}.", total=KEY_CHARS)
    try:
        recovery.decode(cleaned)
    except MalformedError:
        return False, tr("There is a typo: the key's checksum does not match. Compare it with your paper group by group.")
    return True, tr("The recovery key is well formed.")


class RecoveryScreen(Retranslating, QWidget):
    """``unlocked(vault)`` once the recovery key worked and the new passphrase is set; ``cancelled`` goes back."""

    unlocked = Signal(object)
    cancelled = Signal()

    def __init__(self, vault_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shield = CaptureShield(self)  # the recovery key and the new passphrase are typed here
        self.capture_notice = capture_notice()
        self.vault_path = vault_path
        self._task: Task | None = None
        self.heading = heading_label()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.key_edit = no_alt_typing(QLineEdit())
        self.key_edit.setFont(monospace_font(13))
        self.key_edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.key_label = QLabel()
        self.key_label.setBuddy(self.key_edit)
        self.key_status = QLabel()
        self.key_status.setWordWrap(True)
        self.fields = NewPassphraseFields()
        self.busy = BusyLine()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.back_button = QPushButton()
        self.recover_button = QPushButton()
        self.recover_button.setDefault(True)
        self._lay_out()
        self.key_edit.textChanged.connect(self._update)
        self.key_edit.returnPressed.connect(self.fields.first.setFocus)
        self.fields.changed.connect(self._update)
        self.fields.submitted.connect(self.start_recovery)
        self.recover_button.clicked.connect(self.start_recovery)
        self.back_button.clicked.connect(self._cancel)
        self.retranslate()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow(self.key_label, self.key_edit)
        form.addRow("", self.key_status)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.recover_button)
        layout = QVBoxLayout(self)
        for w in (self.heading, self.intro):
            layout.addWidget(w)
        layout.addLayout(form)
        layout.addWidget(self.fields)
        layout.addLayout(buttons)
        layout.addWidget(self.busy)
        layout.addWidget(self.error_label)
        layout.addWidget(self.capture_notice)
        layout.addStretch(1)
        self.setTabOrder(self.key_edit, self.fields.first)
        self.setTabOrder(self.fields.first, self.fields.second)
        self.setTabOrder(self.fields.second, self.recover_button)
        self.setTabOrder(self.recover_button, self.back_button)

    def reset(self) -> None:
        self.key_edit.clear()
        self.fields.clear()
        self.error_label.clear()
        self.key_edit.setFocus()

    def is_busy(self) -> bool:
        return self._task is not None

    def key_is_valid(self) -> bool:
        return check_recovery_text(self.key_edit.text())[0]

    def _update(self) -> None:
        valid, status = check_recovery_text(self.key_edit.text())
        self.key_status.setText(status)
        self.recover_button.setEnabled(self._task is None and valid and self.fields.is_acceptable())

    def _cancel(self) -> None:
        if self._task is None:
            self.reset()
            self.cancelled.emit()

    def start_recovery(self) -> None:
        if self._task is not None or not self.key_is_valid() or not self.fields.is_acceptable():
            return
        key_text = self.key_edit.text()
        passphrase = self.fields.passphrase()
        path = self.vault_path
        self.error_label.clear()
        self._set_busy(True)
        self._task = start_task(lambda: _recover(path, key_text, passphrase), self._done, self._failed, self)

    def _done(self, vault: object) -> None:
        self._task = None
        self._set_busy(False)
        self.reset()
        self.unlocked.emit(vault)

    def _failed(self, exc: object) -> None:
        self._task = None
        self._set_busy(False)
        self.error_label.setText(describe_unlock_error(exc))
        self.key_edit.setFocus()

    def _set_busy(self, busy: bool) -> None:
        for w in (self.key_edit, self.fields, self.back_button):
            w.setEnabled(not busy)
        if busy:
            self.busy.start(tr("Checking the recovery key and setting the new passphrase…"))
        else:
            self.busy.stop()
        self._update()

    def retranslate(self) -> None:
        self.heading.setText(tr("Recover with the recovery key"))
        self.intro.setText(tr(
            "Type the recovery key you wrote down when the vault was created, then choose a new passphrase. "
            "Upper or lower case and dashes do not matter."
        ))
        self.key_label.setText(tr("Recovery &key:"))
        self.capture_notice.setText(capture_notice_text())
        self.key_edit.setAccessibleName(tr("Recovery key"))
        self.back_button.setText(tr("< &Back"))
        self.recover_button.setText(tr("Set passphrase and &unlock"))
        self._update()



def _recover(path: Path, key_text: str, new_passphrase: str) -> Vault:
    vault = Vault.open_with_recovery_key(path, key_text)
    try:
        vault.change_passphrase(new_passphrase)
    except BaseException:
        vault.lock()
        raise
    return vault
