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
from PySide6.QtWidgets import QCheckBox, QLabel, QStackedWidget, QVBoxLayout, QWidget

from ui.common.db_worker import DbWorker, JobContext
from ui.i18n import tr
from ui.i18n.retranslating import Retranslating
from ui.start.current_passphrase import CurrentPassphraseDialog, check_current_passphrase
from ui.start.passphrase_fields import NewPassphraseFields
from ui.start.recovery_key_pages import ShowRecoveryKeyPage


def change_job(current: str, new: str, rotate: bool) -> object:
    """The database-worker job: check ``current`` against the key slots on disk, then rewrap (or rotate). Returns the
    new recovery key text after a rotation, else None."""

    def run(ctx: JobContext) -> str | None:
        vault = ctx.vault
        check_current_passphrase(vault, current)
        if rotate:
            return vault.rotate_data_key(new)
        vault.change_passphrase(new)
        return None

    return run


class PassphraseChangeDialog(Retranslating, CurrentPassphraseDialog):
    """``changed`` (with whether the data key was replaced) once the new passphrase is in force."""

    changed = Signal(bool)
    # True while the job runs or the new recovery key waits to be written down: an idle lock then would lose the only
    # copy of that key (the old one no longer works), so the session holds its idle timer; False when that is over.
    hold_lock = Signal(bool)

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(worker, parent)
        self.rotated = False
        self.stack = QStackedWidget()
        form_page = QWidget()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.fields = NewPassphraseFields()
        self.rotate = QCheckBox()
        self.rotate_help = QLabel()
        self.rotate_help.setWordWrap(True)
        page_layout = QVBoxLayout(form_page)
        page_layout.addWidget(self.intro)
        page_layout.addLayout(self.current_form())
        page_layout.addWidget(self.fields)
        page_layout.addWidget(self.rotate)
        page_layout.addWidget(self.rotate_help)
        page_layout.addWidget(self.busy)
        page_layout.addWidget(self.message)
        page_layout.addStretch(1)
        self.recovery_page = ShowRecoveryKeyPage()
        self.stack.addWidget(form_page)
        self.stack.addWidget(self.recovery_page)
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
        self.show_failure(exc)

    # ---- closing: never leave a secret behind
    def reject(self) -> None:
        if self.showing_recovery_key() and not self.recovery_page.is_complete():
            return  # Escape must not hide the only copy of the new recovery key
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
        self.retranslate_current()
        self.rotate.setText(tr("Also replace the &data key (makes any old copy of the key file useless)"))
        self.rotate_help.setText(tr("Use this after a laptop may have been copied. The vault is re-encrypted with a "
                                    "new key, and a new recovery key replaces the old one: it is shown once, to be "
                                    "written down. The old recovery key stops working."))
        if self.showing_recovery_key():
            self.ok_button.setText(tr("&Done"))
        else:
            self.ok_button.setText(tr("C&hange passphrase"))
        self._update()
