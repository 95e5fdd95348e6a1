"""Unlock protection (``intake vault duress`` and ``intake vault unlock-limit`` in the GUI; issue 29, items 6 and 7).

Two optional defences for an interviewer who may be forced to unlock the laptop, each explained in plain words:

* a duress passphrase: typed at unlock instead of the real one, it erases the vault's key material (as "Erase the
  vault now" does) and the app then says exactly what it says for a wrong passphrase;
* a failed-unlock limit: after N wrong passphrases in a row (5 to 100) the vault erases itself.

The current passphrase is asked again before anything changes (someone at an unlocked laptop must not be able to
turn the limit off or plant a duress passphrase). The work runs on the session's database worker: checking the
passphrase and deriving the duress key each cost one Argon2id derivation. Secret fields are emptied as soon as the job
has them, and when the dialog closes. The rules and what they do not protect against: docs/security.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from intake_app.vault import unlock_guard
from ui.common.db_worker import DbWorker, JobContext
from ui.i18n import tr
from ui.i18n.retranslating import Retranslating
from ui.start.current_passphrase import CurrentPassphraseDialog, check_current_passphrase, opens_vault
from ui.start.passphrase_fields import secret_line_edit


@dataclass(frozen=True)
class Protection:
    duress_set: bool
    limit: int  # 0: none


@dataclass(frozen=True)
class Change:
    current: str
    duress: str | None  # a new duress passphrase to set
    clear_duress: bool
    limit: int | None  # the new limit (0: off), or None to leave it


def read_job(ctx: JobContext) -> Protection:
    return Protection(unlock_guard.duress_is_set(ctx.vault.conn), unlock_guard.db_limit(ctx.vault.conn))


def change_job(change: Change) -> object:
    """The database-worker job: check the current passphrase, then apply ``change``; returns the new state."""

    def run(ctx: JobContext) -> Protection:
        vault = ctx.vault

        def opens(candidate: str) -> bool:
            return opens_vault(vault, candidate)

        check_current_passphrase(vault, change.current)
        if change.duress is not None:
            unlock_guard.set_duress(vault.path, vault.conn, change.duress, opens)
        elif change.clear_duress:
            unlock_guard.set_duress(vault.path, vault.conn, None, opens)
        if change.limit is not None:
            unlock_guard.set_limit(vault.path, vault.conn, change.limit)
        return read_job(ctx)

    return run


class UnlockProtectionDialog(Retranslating, CurrentPassphraseDialog):
    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:  # noqa: PLR0915 - widget assembly
        super().__init__(worker, parent)
        self.state: Protection | None = None
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        # duress
        self.duress_box = QGroupBox()
        self.duress_help = QLabel()
        self.duress_help.setWordWrap(True)
        self.duress_status = QLabel()
        self.use_duress = QCheckBox()
        self.duress = secret_line_edit("")
        self.duress_again = secret_line_edit("")
        self.duress_label, self.duress_again_label = QLabel(), QLabel()
        self.duress_label.setBuddy(self.duress)
        self.duress_again_label.setBuddy(self.duress_again)
        duress_form = QFormLayout()
        duress_form.addRow(self.duress_label, self.duress)
        duress_form.addRow(self.duress_again_label, self.duress_again)
        duress_layout = QVBoxLayout(self.duress_box)
        for widget in (self.duress_help, self.duress_status, self.use_duress):
            duress_layout.addWidget(widget)
        duress_layout.addLayout(duress_form)
        # limit
        self.limit_box = QGroupBox()
        self.limit_help = QLabel()
        self.limit_help.setWordWrap(True)
        self.use_limit = QCheckBox()
        self.limit = QSpinBox()
        self.limit.setRange(unlock_guard.MIN_LIMIT, unlock_guard.MAX_LIMIT)
        self.limit.setValue(10)
        self.limit.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        limit_row = QHBoxLayout()
        limit_row.addWidget(self.use_limit)
        limit_row.addWidget(self.limit)
        limit_row.addStretch(1)
        limit_layout = QVBoxLayout(self.limit_box)
        limit_layout.addWidget(self.limit_help)
        limit_layout.addLayout(limit_row)
        self.caveat = QLabel()
        self.caveat.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.duress_box)
        layout.addWidget(self.limit_box)
        layout.addWidget(self.caveat)
        layout.addLayout(self.current_form())
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        for signal in (self.current.textChanged, self.duress.textChanged, self.duress_again.textChanged,
                       self.use_duress.toggled, self.use_limit.toggled):
            signal.connect(self._update)
        self.resize(640, 600)
        self.retranslate()
        self.worker.submit(read_job, self._loaded, self._failed)

    # ---- state
    def _loaded(self, state: object) -> None:
        assert isinstance(state, Protection)
        self.state = state
        self.use_duress.setChecked(state.duress_set)
        self.use_limit.setChecked(bool(state.limit))
        if state.limit:
            self.limit.setValue(state.limit)
        self.retranslate()

    def pending_change(self) -> Change | None:
        """What Save would do, or None when the form is incomplete or changes nothing."""
        if self.state is None or not self.current.text():
            return None
        duress: str | None = None
        if self.use_duress.isChecked() and (self.duress.text() or not self.state.duress_set):
            if not self.duress.text() or self.duress.text() != self.duress_again.text():
                return None
            duress = self.duress.text()
        clear = not self.use_duress.isChecked() and self.state.duress_set
        wanted = self.limit.value() if self.use_limit.isChecked() else 0
        limit = wanted if wanted != self.state.limit else None
        if duress is None and not clear and limit is None:
            return None
        return Change(self.current.text(), duress, clear, limit)

    def _update(self) -> None:
        self.duress.setEnabled(self.use_duress.isChecked() and not self._busy)
        self.duress_again.setEnabled(self.use_duress.isChecked() and not self._busy)
        self.limit.setEnabled(self.use_limit.isChecked() and not self._busy)
        self.ok_button.setEnabled(self.pending_change() is not None and not self._busy)

    def submit(self) -> None:
        change = self.pending_change()
        if change is None or self._busy:
            return
        self._wipe()
        self.message.clear()
        self._busy = True
        self.busy.start(tr("Saving the unlock protection…"))
        self._update()
        self.worker.submit(change_job(change), self._done, self._failed)  # type: ignore[arg-type]

    def _done(self, state: object) -> None:
        self._busy = False
        self.busy.stop()
        self._loaded(state)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.busy.stop()
        self._update()
        self.show_failure(exc)

    def _wipe(self) -> None:
        for edit in (self.current, self.duress, self.duress_again):
            edit.clear()

    # ---- look
    def retranslate(self) -> None:
        self.setWindowTitle(tr("Unlock protection"))
        self.intro.setText(tr("Two optional protections for when someone forces you to open this laptop. Both "
                              "erase the vault: only what was already sent to HQ survives."))
        self.duress_box.setTitle(tr("Duress passphrase"))
        self.duress_help.setText(tr("A second passphrase. Typed at unlock, it erases the vault at once, and the app "
                                    "then says only that the passphrase is wrong."))
        if self.state is not None:
            self.duress_status.setText(tr("A duress passphrase is set.") if self.state.duress_set
                                       else tr("No duress passphrase is set."))
        self.use_duress.setText(tr("Use a &duress passphrase"))
        self.duress_label.setText(tr("New duress passphrase:"))
        self.duress_again_label.setText(tr("Repeat it:"))
        self.duress.setAccessibleName(tr("New duress passphrase"))
        self.duress_again.setAccessibleName(tr("Repeat the duress passphrase"))
        self.limit_box.setTitle(tr("Failed-unlock limit"))
        self.limit_help.setText(tr("After this many wrong passphrases in a row, the vault erases itself. Off unless "
                                   "you turn it on; at least 5."))
        self.use_limit.setText(tr("&Erase the vault after this many failed unlocks:"))
        self.limit.setAccessibleName(tr("Failed unlocks before the vault erases itself"))
        self.caveat.setText(tr("Neither protects against a copy of the disk made before you unlock, and erased "
                               "data may still be recoverable from flash storage by forensic tools."))
        self.retranslate_current()
        self.ok_button.setText(tr("&Save"))
        self._update()
