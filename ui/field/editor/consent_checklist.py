"""Consent per purpose, as a checklist: one row per purpose with the decision (granted, conditional, refused, ...).

A purpose left at "not recorded" is written as absent, which the rest of the system treats as not asked: nothing is
ever assumed granted.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from intake_app.records import vocabularies
from ui.field.editor.vocab_picker import VocabCombo, _lang
from ui.i18n import tr


class ConsentChecklist(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.purposes = vocabularies.load("consent_purposes").entries
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout = QGridLayout(self)
        layout.addWidget(self.intro, 0, 0, 1, 2)
        self.rows: dict[str, tuple[QLabel, VocabCombo]] = {}
        # Complex decisions (anonymity, conditions) edited elsewhere are kept through a round trip.
        self._extra: dict[str, dict[str, Any]] = {}
        for i, entry in enumerate(self.purposes, start=1):
            label = QLabel()
            label.setWordWrap(True)
            combo = VocabCombo("consent_values")
            label.setBuddy(combo)
            combo.currentIndexChanged.connect(self.changed)
            layout.addWidget(label, i, 0)
            layout.addWidget(combo, i, 1)
            self.rows[entry.code] = (label, combo)
        layout.setColumnStretch(0, 1)
        layout.setRowStretch(len(self.purposes) + 1, 1)
        self.retranslate()

    def load(self, consent: dict[str, Any]) -> None:
        self._extra = {}
        for code, (_, combo) in self.rows.items():
            value = consent.get(code)
            if isinstance(value, dict):
                self._extra[code] = {k: v for k, v in value.items() if k != "value"}
                value = value.get("value")
            combo.set_code(value if isinstance(value, str) else None)

    def dump(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for code, (_, combo) in self.rows.items():
            value = combo.code()
            if value is None:
                continue
            extra = self._extra.get(code)
            out[code] = {"value": value, **extra} if extra else value
        return out

    def retranslate(self) -> None:
        self.intro.setText(tr("Ask about each use and record the answer. Leave a row empty if it was not discussed."))
        for entry in self.purposes:
            label, combo = self.rows[entry.code]
            label.setText(entry.label(_lang()))
            combo.setAccessibleName(tr("Consent: {purpose}", purpose=entry.label(_lang())))
            combo.retranslate()
