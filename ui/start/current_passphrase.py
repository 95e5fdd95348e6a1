"""The current passphrase, asked again before a vault's protection changes, and the dialog rules that go with it.

Someone at an unlocked laptop must not be able to lock its owner out, turn the failed-unlock limit off or plant a
duress passphrase: the passphrase change and unlock protection dialogs both ask for the current passphrase, check it
on the database worker against the key slots on disk, word a wrong one the same way, and never leave a secret field
filled when they close.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from crypto.errors import CryptoError
from intake_app.errors import RefusedError
from intake_app.vault import vault as vault_module
from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.common.refusal_reasons import translate_reason
from ui.i18n import tr
from ui.start.passphrase_fields import BusyLine, secret_line_edit


class WrongCurrentPassphrase(RefusedError):
    """The passphrase typed as the current one does not open the vault's key slot."""


def opens_vault(vault: Vault, candidate: str) -> bool:
    """Whether ``candidate`` opens the passphrase slot of the key-slot file on disk (one Argon2id derivation)."""
    try:
        return bool(vault_module.read_key_slots(vault.path).unlock_with_passphrase(candidate))
    except CryptoError:
        return False


def check_current_passphrase(vault: Vault, current: str) -> None:
    """For a database-worker job, before it changes anything: refuse unless ``current`` opens the vault."""
    if not opens_vault(vault, current):
        raise WrongCurrentPassphrase("the current passphrase is not correct; nothing was changed")


class CurrentPassphraseDialog(QDialog):
    """Base of a dialog that changes the vault's protection once the current passphrase is typed again.

    It owns the current-passphrase field (``current``, with ``current_form()`` to place it), the busy line, the
    message line and the OK/Cancel buttons (OK calls ``submit``). A subclass lists its secret fields in ``_wipe``:
    they are emptied whenever the dialog closes, by OK, Cancel or :meth:`discard` (the session locks).
    """

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self._busy = False
        self.current = secret_line_edit("")
        self.current_label = QLabel()
        self.current_label.setBuddy(self.current)
        self.busy = BusyLine()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def current_form(self) -> QFormLayout:
        form = QFormLayout()
        form.addRow(self.current_label, self.current)
        return form

    def submit(self) -> None:
        raise NotImplementedError

    def show_failure(self, exc: BaseException) -> None:
        """The job was refused: say why (a wrong current passphrase in the app's words), and type it again."""
        self.message.setText(tr("The current passphrase is not correct; nothing was changed.")
                             if isinstance(exc, WrongCurrentPassphrase) else translate_reason(str(exc)))
        self.message.setStyleSheet("color: #b00020;")
        self.current.setFocus()

    def retranslate_current(self) -> None:
        self.current_label.setText(tr("&Current passphrase:"))
        self.current.setAccessibleName(tr("Current passphrase"))
        self.cancel_button.setText(tr("Cancel"))

    # ---- closing: never leave a secret behind
    def _wipe(self) -> None:
        raise NotImplementedError

    def reject(self) -> None:
        self._wipe()
        super().reject()

    def accept(self) -> None:
        self._wipe()
        super().accept()

    def discard(self) -> None:
        """The session locks: drop every secret and close, whatever the state."""
        self._wipe()
        QDialog.reject(self)
