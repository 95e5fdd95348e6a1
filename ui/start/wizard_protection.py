"""The first-run wizard's optional unlock protection (issue 29, item 8): a duress passphrase and a failed-unlock limit,
each explained in one sentence, offered on the passphrase page and applied right after the vault is created. The same
settings stay available later in "Unlock protection…" (ui/start/unlock_protection_dialog.py)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from intake_app.vault import unlock_guard
from intake_app.vault.vault import Vault
from ui.i18n import tr
from ui.start.passphrase_fields import secret_line_edit


@dataclass(frozen=True)
class Choices:
    duress: str | None
    limit: int  # 0: none


def apply(vault: Vault, passphrase: str, choices: Choices) -> None:
    """Set what was chosen on the new vault (on the wizard's worker thread, right after Vault.create)."""
    same = unicodedata.normalize("NFC", passphrase)
    if choices.duress is not None:
        unlock_guard.set_duress(vault.path, vault.conn, choices.duress,
                                lambda p: unicodedata.normalize("NFC", p) == same)
    if choices.limit:
        unlock_guard.set_limit(vault.path, vault.conn, choices.limit)


class ProtectionChoices(QGroupBox):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.use_limit = QCheckBox()
        self.limit = QSpinBox()
        self.limit.setRange(unlock_guard.MIN_LIMIT, unlock_guard.MAX_LIMIT)
        self.limit.setValue(10)
        self.limit.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.limit_help = QLabel()
        self.limit_help.setWordWrap(True)
        self.use_duress = QCheckBox()
        self.duress_help = QLabel()
        self.duress_help.setWordWrap(True)
        self.duress = secret_line_edit("")
        self.duress_again = secret_line_edit("")
        self.duress_label, self.duress_again_label = QLabel(), QLabel()
        self.duress_label.setBuddy(self.duress)
        self.duress_again_label.setBuddy(self.duress_again)
        limit_row = QHBoxLayout()
        limit_row.addWidget(self.use_limit)
        limit_row.addWidget(self.limit)
        limit_row.addStretch(1)
        form = QFormLayout()
        form.addRow(self.duress_label, self.duress)
        form.addRow(self.duress_again_label, self.duress_again)
        layout = QVBoxLayout(self)
        layout.addLayout(limit_row)
        layout.addWidget(self.limit_help)
        layout.addWidget(self.use_duress)
        layout.addWidget(self.duress_help)
        layout.addLayout(form)
        for signal in (self.use_limit.toggled, self.use_duress.toggled, self.duress.textChanged,
                       self.duress_again.textChanged):
            signal.connect(self._update)
        self._update()
        self.retranslate()

    def _update(self) -> None:
        self.limit.setEnabled(self.use_limit.isChecked())
        for widget in (self.duress, self.duress_again, self.duress_label, self.duress_again_label):
            widget.setEnabled(self.use_duress.isChecked())
        self.changed.emit()

    def is_acceptable(self, passphrase: str) -> bool:
        if not self.use_duress.isChecked():
            return True
        duress = self.duress.text()
        return bool(duress) and duress == self.duress_again.text() and (
            unicodedata.normalize("NFC", duress) != unicodedata.normalize("NFC", passphrase))

    def choices(self) -> Choices:
        return Choices(self.duress.text() if self.use_duress.isChecked() else None,
                       self.limit.value() if self.use_limit.isChecked() else 0)

    def clear(self) -> None:
        self.duress.clear()
        self.duress_again.clear()

    def retranslate(self) -> None:
        self.setTitle(tr("Unlock protection (optional; can be changed later)"))
        self.use_limit.setText(tr("&Erase the vault after this many failed unlocks:"))
        self.limit.setAccessibleName(tr("Failed unlocks before the vault erases itself"))
        self.limit_help.setText(tr("If someone keeps guessing the passphrase, the vault erases itself."))
        self.use_duress.setText(tr("Use a &duress passphrase"))
        self.duress_help.setText(tr("A second passphrase to give if forced: it erases the vault and looks like a "
                                    "wrong passphrase."))
        self.duress_label.setText(tr("New duress passphrase:"))
        self.duress_again_label.setText(tr("Repeat it:"))
        self.duress.setAccessibleName(tr("New duress passphrase"))
        self.duress_again.setAccessibleName(tr("Repeat the duress passphrase"))


__all__ = ["Choices", "ProtectionChoices", "apply"]
