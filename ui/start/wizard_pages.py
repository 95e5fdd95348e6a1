"""The plain pages of the first-run wizard: role, passphrase, creating (busy), and the final fingerprint page.

Each page is a ``WizardPage``: it reports whether the wizard may go on (``is_complete``) and re-reads its texts on a
language change. The wizard (``ui/start/first_run_wizard.py``) owns navigation and the worker thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGroupBox, QLabel, QRadioButton, QVBoxLayout, QWidget

from ui.common.fonts import monospace_font
from ui.common.screen_capture import CaptureShield
from ui.i18n import tr
from ui.i18n.retranslating import Retranslating
from ui.start.hq_pin_page import HqPinPanel, PinFunction
from ui.start.passphrase_fields import BusyLine, NewPassphraseFields
from ui.start.wizard_protection import ProtectionChoices


class WizardPage(Retranslating, QWidget):
    """Base of a wizard page; ``changed`` asks the wizard to re-check ``is_complete``, ``submitted`` means Enter."""

    changed = Signal()
    submitted = Signal()

    def heading(self) -> str:
        raise NotImplementedError

    def is_complete(self) -> bool:
        return True

    def focus_first(self) -> None:
        self.focusNextChild()

    def retranslate(self) -> None:
        raise NotImplementedError

    def submit_on_enter(self, event: QKeyEvent) -> bool:
        """For pages without text fields: Enter means Next (text fields handle Enter themselves)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            return True
        return False



class RolePage(WizardPage):
    """Interviewer laptop (field vault) or headquarters (HQ vault)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.field_button = QRadioButton()
        self.hq_button = QRadioButton()
        self.field_button.setChecked(True)
        self.field_help = QLabel()
        self.hq_help = QLabel()
        for label in (self.field_help, self.hq_help):
            label.setWordWrap(True)
            label.setIndent(24)
        layout = QVBoxLayout(self)
        for w in (self.intro, self.field_button, self.field_help, self.hq_button, self.hq_help):
            layout.addWidget(w)
        layout.addStretch(1)
        self.retranslate()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.submit_on_enter(event):
            super().keyPressEvent(event)

    def role(self) -> str:
        return "hq" if self.hq_button.isChecked() else "field"

    def focus_first(self) -> None:
        (self.hq_button if self.hq_button.isChecked() else self.field_button).setFocus()

    def heading(self) -> str:
        return tr("Welcome. What is this computer for?")

    def retranslate(self) -> None:
        self.intro.setText(tr(
            "There is no vault on this computer yet. The vault keeps testimonies encrypted; "
            "nothing can be read without your passphrase."
        ))
        self.field_button.setText(tr("&Interviewer laptop (field vault)"))
        self.field_help.setText(tr("Records testimonies and exports encrypted bundles for headquarters."))
        self.hq_button.setText(tr("&Headquarters (HQ vault)"))
        self.hq_help.setText(tr("Imports bundles from interviewer laptops, merges them and prepares reports."))
        self.field_button.setAccessibleName(tr("Interviewer laptop (field vault)"))
        self.hq_button.setAccessibleName(tr("Headquarters (HQ vault)"))


class PassphrasePage(WizardPage):
    """The new passphrase, typed twice, with a strength hint."""

    def __init__(self, vault_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shield = CaptureShield(self)  # a passphrase being chosen: masked, but a recording would show its length
        self.vault_path = vault_path
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.fields = NewPassphraseFields()
        self.protection = ProtectionChoices()
        self.location = QLabel()
        self.location.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.fields)
        layout.addWidget(self.protection)
        layout.addStretch(1)
        layout.addWidget(self.location)
        self.fields.changed.connect(self.changed)
        self.fields.submitted.connect(self.submitted)
        self.protection.changed.connect(self.changed)
        self.retranslate()

    def is_complete(self) -> bool:
        return self.fields.is_acceptable() and self.protection.is_acceptable(self.fields.passphrase())

    def focus_first(self) -> None:
        self.fields.first.setFocus()

    def heading(self) -> str:
        return tr("Choose a passphrase")

    def retranslate(self) -> None:
        self.intro.setText(tr(
            "You will type this passphrase every time you unlock the vault. "
            "If you forget it, only the recovery key shown next can open the vault."
        ))
        self.location.setText(tr("The vault will be created in: {path}", path=str(self.vault_path)))


class CreatingPage(WizardPage):
    """Shown while the vault is created on a worker thread (the key derivation takes about a second)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.busy = BusyLine()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName(tr("Error"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.busy)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        self.retranslate()

    def is_complete(self) -> bool:
        return False

    def heading(self) -> str:
        return tr("Creating the vault")

    def retranslate(self) -> None:
        self.error_label.setAccessibleName(tr("Error"))


class FingerprintPage(WizardPage):
    """The last page: the vault is ready; its signing-key fingerprint, and the HQ-key placeholder."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setFont(monospace_font(16))
        self.hq_box = QGroupBox()
        self.hq_note = QLabel()
        self.hq_note.setWordWrap(True)
        self.pin_panel = HqPinPanel()  # field vaults pin HQ's key here (or later from the Testimonies menu)
        box_layout = QVBoxLayout(self.hq_box)
        box_layout.addWidget(self.hq_note)
        box_layout.addWidget(self.pin_panel)
        layout = QVBoxLayout(self)
        for w in (self.done_label, self.explain, self.fingerprint_label, self.hq_box):
            layout.addWidget(w)
        layout.addStretch(1)
        self._role = "field"
        self.retranslate()

    def show_fingerprint(self, fingerprint: str, role: str, pin: PinFunction | None = None) -> None:
        groups = fingerprint.split()
        half = (len(groups) + 1) // 2
        self.fingerprint_label.setText(" ".join(groups[:half]) + "\n" + " ".join(groups[half:]))
        self.fingerprint_label.setAccessibleName(tr("Signing key fingerprint"))
        self._role = role
        self.pin_panel.set_pin_function(pin)
        self.pin_panel.setVisible(role == "field")
        self.retranslate()

    def heading(self) -> str:
        return tr("The vault is ready")

    def retranslate(self) -> None:
        self.done_label.setText(tr("Your vault has been created and is unlocked."))
        self.explain.setText(tr(
            "This is the fingerprint of this vault's signing key. Compare it on paper or read it aloud "
            "when the key is registered, so nobody can pass off another key as this one."
        ))
        self.hq_box.setTitle(tr("Headquarters key"))
        self.hq_note.setVisible(self._role == "hq")
        self.hq_note.setText(tr(
            "Interviewer laptops will pin this headquarters vault's key: give them its public key file "
            "(Coordinator menu)."
        ))
