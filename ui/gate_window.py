"""The window shown while no vault is unlocked: first-run wizard or unlock screen, recovery, auditor mode.

A language chooser sits at the top so the very first screen can be switched to Korean or English before any vault
exists. The window title is only the application name.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from intake_app.vault.vault import vault_exists
from ui.auditor.auditor_mode import AuditorMode
from ui.i18n import language_combo_items, shown_language_choice, tr
from ui.i18n.retranslating import Retranslating
from ui.start.first_run_wizard import FirstRunWizard
from ui.start.recovery_screen import RecoveryScreen
from ui.start.unlock_screen import UnlockScreen


class GateWindow(Retranslating, QWidget):
    """``unlocked(vault)`` when a vault was created or unlocked; ``language_chosen(setting)`` from the chooser."""

    unlocked = Signal(object)
    language_chosen = Signal(str)

    def __init__(self, vault_path: Path, language_setting: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault_path = vault_path
        self.resize(720, 560)
        self.language_label = QLabel()
        self.language_combo = QComboBox()
        self.language_label.setBuddy(self.language_combo)
        self._fill_languages(language_setting)
        self.language_combo.activated.connect(self._language_activated)
        self.auditor_button = QPushButton()
        self.auditor_button.setFlat(True)
        self.auditor_button.clicked.connect(self.show_auditor)
        top = QHBoxLayout()
        top.addWidget(self.auditor_button)
        top.addStretch(1)
        top.addWidget(self.language_label)
        top.addWidget(self.language_combo)
        self.stack = QStackedWidget()
        self.wizard: FirstRunWizard | None = None
        self.unlock_screen = UnlockScreen(vault_path)
        self.recovery_screen = RecoveryScreen(vault_path)
        self.auditor_page = AuditorMode()
        for w in (self.unlock_screen, self.recovery_screen, self.auditor_page):
            self.stack.addWidget(w)
        self.unlock_screen.unlocked.connect(self.unlocked)
        self.unlock_screen.forgot_requested.connect(self.show_recovery)
        self.recovery_screen.unlocked.connect(self.unlocked)
        self.recovery_screen.cancelled.connect(self.show_start)
        self.auditor_page.back_requested.connect(self._leave_auditor)
        self._before_auditor: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        self.retranslate()

    # ---- which screen
    def show_start(self) -> None:
        """The wizard when there is no vault at the path, else the unlock screen."""
        if vault_exists(self.vault_path):
            self.show_unlock()
        else:
            self.show_wizard()

    def show_unlock(self) -> None:
        self.unlock_screen.reset()
        self.stack.setCurrentWidget(self.unlock_screen)
        self.auditor_button.setVisible(True)
        self.unlock_screen.passphrase.setFocus()

    def show_wizard(self) -> None:
        """A fresh wizard each time, so nothing from an earlier run (an erased vault) survives in its pages."""
        if self.wizard is not None:
            self.wizard.discard()
            self.stack.removeWidget(self.wizard)
            self.wizard.deleteLater()
        self.wizard = FirstRunWizard(self.vault_path)
        self.wizard.completed.connect(self.unlocked)
        self.stack.addWidget(self.wizard)
        self.stack.setCurrentWidget(self.wizard)
        self.auditor_button.setVisible(True)
        self.wizard.role_page.focus_first()

    def show_recovery(self) -> None:
        self.recovery_screen.reset()
        self.stack.setCurrentWidget(self.recovery_screen)
        self.auditor_button.setVisible(False)
        self.recovery_screen.key_edit.setFocus()

    def show_auditor(self) -> None:
        # Remember where we came from: a wizard showing a new recovery key must not be lost by a detour.
        self._before_auditor = self.stack.currentWidget()
        self.stack.setCurrentWidget(self.auditor_page)
        self.auditor_button.setVisible(False)
        self.auditor_page.back_button.setFocus()

    def _leave_auditor(self) -> None:
        previous, self._before_auditor = self._before_auditor, None
        if previous is None or previous is self.auditor_page:
            self.show_start()
        else:
            self.stack.setCurrentWidget(previous)
            self.auditor_button.setVisible(True)
            previous.setFocus()

    def is_busy(self) -> bool:
        return self.unlock_screen.is_busy() or self.recovery_screen.is_busy() or (
            self.wizard is not None and self.wizard.is_busy())

    # ---- language
    def _fill_languages(self, setting: str) -> None:
        self.language_combo.blockSignals(True)
        self.language_combo.clear()
        for value, label in language_combo_items():
            self.language_combo.addItem(label, value)
        index = self.language_combo.findData(shown_language_choice(setting))
        self.language_combo.setCurrentIndex(max(index, 0))
        self.language_combo.blockSignals(False)

    def _language_activated(self, index: int) -> None:
        self.language_chosen.emit(str(self.language_combo.itemData(index)))

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Testimony Intake"))
        self.language_label.setText(tr("&Language:"))
        self.language_combo.setAccessibleName(tr("Language"))
        self._fill_languages(str(self.language_combo.currentData() or "system"))
        self.auditor_button.setText(tr("&Auditor mode (no vault)"))
