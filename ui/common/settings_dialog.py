"""Settings: language and auto-lock minutes. Stored outside the vault (see ui/common/settings_store.py for why)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.common.settings_store import MAX_LOCK_MINUTES, MIN_LOCK_MINUTES, UiSettings
from ui.i18n import language_combo_items, shown_language_choice, tr
from ui.i18n.retranslating import Retranslating


class SettingsDialog(Retranslating, QDialog):
    """Edits a copy of the settings; read ``result_settings()`` after ``accepted``."""

    def __init__(self, settings: UiSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.language_combo = QComboBox()
        self.language_label = QLabel()
        self.language_label.setBuddy(self.language_combo)
        self.minutes = QSpinBox()
        self.minutes.setRange(MIN_LOCK_MINUTES, MAX_LOCK_MINUTES)
        self.minutes.setValue(settings.auto_lock_minutes)
        self.minutes_label = QLabel()
        self.minutes_label.setBuddy(self.minutes)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.ok_button = QPushButton()
        self.ok_button.setDefault(True)
        self.cancel_button = QPushButton()
        self.ok_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.language_label, self.language_combo)
        form.addRow(self.minutes_label, self.minutes)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self._language = settings.language
        self.retranslate()
        self.language_combo.setFocus()

    def result_settings(self) -> UiSettings:
        return UiSettings(language=str(self.language_combo.currentData()), auto_lock_minutes=self.minutes.value())

    def retranslate(self) -> None:
        current = self.language_combo.currentData()
        choice = str(current) if current is not None else self._language
        self.language_combo.clear()
        for value, label in language_combo_items():
            self.language_combo.addItem(label, value)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(shown_language_choice(choice))))
        self.setWindowTitle(tr("Settings"))
        self.language_label.setText(tr("&Language:"))
        self.language_combo.setAccessibleName(tr("Language"))
        self.minutes_label.setText(tr("Lock after this many &idle minutes:"))
        self.minutes.setAccessibleName(tr("Auto-lock minutes"))
        self.note.setText(tr("These settings are stored on this computer, outside the vault. They contain no testimony."))
        self.ok_button.setText(tr("OK"))
        self.cancel_button.setText(tr("Cancel"))
