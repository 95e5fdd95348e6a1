"""Change the passphrase of the unlocked vault (``intake vault passwd`` in the GUI), optionally replacing the data key.

The current passphrase is asked again (someone at an unlocked laptop must not be able to lock its owner out). The work
runs on the session's database worker, never on the GUI thread: checking the current passphrase costs one Argon2id
derivation, a new slot another, and a data-key rotation re-keys the whole database. With rotation, a new recovery key
replaces the old one and is shown once, as the first-run wizard shows it (numbered groups that cannot be selected or
copied), until "I have written it down" is ticked; then the labels are cleared. Every secret field is emptied as soon
as the job has it, and when the dialog closes.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from intake_app.errors import RefusedError
from intake_app.vault import vault as vault_module
from ui.common.db_worker import DbWorker, JobContext
from ui.common.refusal_reasons import translate_reason
from ui.i18n import tr
from ui.i18n.retranslating import Retranslating
from ui.start.passphrase_fields import BusyLine, NewPassphraseFields, secret_line_edit
from ui.start.recovery_key_pages import ShowRecoveryKeyPage


class WrongCurrentPassphrase(RefusedError):
    """The passphrase typed as the current one does not open the vault's key slot."""


def change_job(current: str, new: str, rotate: bool) -> object:
    """The database-worker job: check ``current`` against the key slots on disk, then rewrap (or rotate). Returns the
    new recovery key text after a rotation, else None."""

    def run(ctx: JobContext) -> str | None:
        vault = ctx.vault
        try:
            vault_module.read_key_slots(vault.path).unlock_with_passphrase(current)
        except Exception:  # noqa: BLE001 - any failure to open the slot means: not the current passphrase
            raise WrongCurrentPassphrase("the current passphrase is not correct; nothing was changed") from None
        if rotate:
            return vault.rotate_data_key(new)
        vault.change_passphrase(new)
        return None

    return run


class PassphraseChangeDialog(Retranslating, QDialog):
    """``changed`` (with whether the data key was replaced) once the new passphrase is in force."""

    changed = Signal(bool)
    # True while the job runs or the new recovery key waits to be written down: an idle lock then would lose the only
    # copy of that key (the old one no longer works), so the session holds its idle timer; False when that is over.
    hold_lock = Signal(bool)

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.rotated = False
        self._busy = False
        self.stack = QStackedWidget()
        form_page = QWidget()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.current = secret_line_edit("")
        self.current_label = QLabel()
        self.current_label.setBuddy(self.current)
        self.fields = NewPassphraseFields()
        self.rotate = QCheckBox()
        self.rotate_help = QLabel()
        self.rotate_help.setWordWrap(True)
        self.busy = BusyLine()
        self.message = QLabel()
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.current_label, self.current)
        page_layout = QVBoxLayout(form_page)
        page_layout.addWidget(self.intro)
        page_layout.addLayout(form)
        page_layout.addWidget(self.fields)
        page_layout.addWidget(self.rotate)
        page_layout.addWidget(self.rotate_help)
        page_layout.addWidget(self.busy)
        page_layout.addWidget(self.message)
        page_layout.addStretch(1)
        self.recovery_page = ShowRecoveryKeyPage()
        self.stack.addWidget(form_page)
        self.stack.addWidget(self.recovery_page)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.buttons)
        self.current.textChanged.connect(self._update)
        self.fields.changed.connect(self._update)
        self.fields.submitted.connect(self.submit)
        self.recovery_page.changed.connect(self._update)
        self.resize(620, 520)
        self.retranslate()

    # ---- state
    def showing_recovery_key(self) -> bool:
        return self.stack.currentWidget() is self.recovery_page

    def _update(self) -> None:
        if self.showing_recovery_key():
            self.ok_button.setEnabled(self.recovery_page.is_complete())
        else:
            self.ok_button.setEnabled(bool(self.current.text()) and self.fields.is_acceptable() and not self._busy)

    def submit(self) -> None:
        if self.showing_recovery_key():
            if self.recovery_page.is_complete():
                self.recovery_page.clear()
                self.hold_lock.emit(False)
                self.accept()
            return
        if not (self.current.text() and self.fields.is_acceptable()) or self._busy:
            return
        current, new, rotate = self.current.text(), self.fields.passphrase(), self.rotate.isChecked()
        self.current.clear()
        self.fields.clear()
        self.message.clear()
        self._set_busy(True, rotate)
        self.hold_lock.emit(True)
        self.worker.submit(change_job(current, new, rotate), self._done, self._failed)  # type: ignore[arg-type]

    def _set_busy(self, busy: bool, rotate: bool = False) -> None:
        self._busy = busy
        for widget in (self.current, self.fields, self.rotate, self.cancel_button):
            widget.setEnabled(not busy)
        if busy:
            self.busy.start(tr("Replacing the data key and re-encrypting the vault…") if rotate
                            else tr("Changing the passphrase…"))
        else:
            self.busy.stop()
        self._update()

    def _done(self, recovery_text: object) -> None:
        self._set_busy(False)
        self.rotated = isinstance(recovery_text, str)
        self.changed.emit(self.rotated)
        if isinstance(recovery_text, str):
            self.recovery_page.show_key(recovery_text)
            self.stack.setCurrentWidget(self.recovery_page)
            self.cancel_button.setVisible(False)  # the new key must be written down: there is no going back
            self.retranslate()
            self.recovery_page.focus_first()
        else:
            self.hold_lock.emit(False)
            self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.hold_lock.emit(False)
        self.message.setText(tr("The current passphrase is not correct; nothing was changed.")
                             if isinstance(exc, WrongCurrentPassphrase) else translate_reason(str(exc)))
        self.message.setStyleSheet("color: #b00020;")
        self.current.setFocus()

    # ---- closing: never leave a secret behind
    def reject(self) -> None:
        if self.showing_recovery_key() and not self.recovery_page.is_complete():
            return  # Escape must not hide the only copy of the new recovery key
        self._wipe()
        super().reject()

    def accept(self) -> None:
        self._wipe()
        super().accept()

    def discard(self) -> None:
        """The session locks: drop every secret and close, whatever the state."""
        self._wipe()
        super().reject()

    def _wipe(self) -> None:
        self.current.clear()
        self.fields.clear()
        self.recovery_page.clear()

    # ---- look
    def retranslate(self) -> None:
        self.setWindowTitle(tr("Change passphrase"))
        self.intro.setText(tr("Type the current passphrase, then the new one twice. The vault's contents stay as "
                              "they are; the recovery key keeps working unless you replace the data key."))
        self.current_label.setText(tr("&Current passphrase:"))
        self.current.setAccessibleName(tr("Current passphrase"))
        self.rotate.setText(tr("Also replace the &data key (makes any old copy of the key file useless)"))
        self.rotate_help.setText(tr("Use this after a laptop may have been copied. The vault is re-encrypted with a "
                                    "new key, and a new recovery key replaces the old one: it is shown once, to be "
                                    "written down. The old recovery key stops working."))
        if self.showing_recovery_key():
            self.ok_button.setText(tr("&Done"))
        else:
            self.ok_button.setText(tr("C&hange passphrase"))
        self.cancel_button.setText(tr("Cancel"))
        self._update()
