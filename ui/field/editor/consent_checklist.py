"""Consent per purpose, as a checklist: one row per purpose with the decision (granted, conditional, refused, ...), how
the person may be named for that use (anonymity level) and the conditions they set, in their words (issue 29.3).

A purpose left at "not recorded" is written as absent, which the rest of the system treats as not asked: nothing is
ever assumed granted. A naming level left empty is written as absent, which the export core reads as anonymised.
The naming level and the conditions only apply to a use that was agreed to (granted or conditional); for any other
answer they are disabled and not written. Keys the form does not edit (a decision's ``date``) are kept.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QWidget

from intake_app.records import vocabularies
from ui.field.editor.vocab_picker import VocabCombo, _lang
from ui.i18n import tr

AGREED = ("granted", "conditional")
MAX_CONDITIONS = 2000


class ConsentRow:
    """The widgets of one purpose."""

    def __init__(self) -> None:
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.value = VocabCombo("consent_values")
        self.anonymity = VocabCombo("anonymity_levels")
        self.conditions = QLineEdit()
        self.conditions.setMaxLength(MAX_CONDITIONS)
        self.label.setBuddy(self.value)
        self.value.currentIndexChanged.connect(self.update_enabled)
        self.update_enabled()

    def update_enabled(self) -> None:
        agreed = self.value.code() in AGREED
        self.anonymity.setEnabled(agreed)
        self.conditions.setEnabled(agreed)


class ConsentChecklist(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.purposes = vocabularies.load("consent_purposes").entries
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.help = QLabel()
        self.help.setWordWrap(True)
        layout = QGridLayout(self)
        layout.addWidget(self.intro, 0, 0, 1, 4)
        layout.addWidget(self.help, 1, 0, 1, 4)
        self.headers = [QLabel() for _ in range(4)]
        for column, header in enumerate(self.headers):
            layout.addWidget(header, 2, column)
        self.rows: dict[str, ConsentRow] = {}
        # Keys of a decision this form does not edit (its date) are kept through a round trip.
        self._extra: dict[str, dict[str, Any]] = {}
        for i, entry in enumerate(self.purposes, start=3):
            row = ConsentRow()
            row.value.currentIndexChanged.connect(self.changed)
            row.anonymity.currentIndexChanged.connect(self.changed)
            row.conditions.textChanged.connect(self.changed)
            for column, widget in enumerate((row.label, row.value, row.anonymity, row.conditions)):
                layout.addWidget(widget, i, column)
            self.rows[entry.code] = row
        layout.setColumnStretch(0, 2)
        layout.setColumnStretch(3, 3)
        layout.setRowStretch(len(self.purposes) + 3, 1)
        self.retranslate()

    def load(self, consent: dict[str, Any]) -> None:
        self._extra = {}
        for code, row in self.rows.items():
            value = consent.get(code)
            anonymity: str | None = None
            conditions = ""
            if isinstance(value, dict):
                self._extra[code] = {k: v for k, v in value.items() if k not in ("value", "anonymity", "conditions")}
                raw_anonymity, raw_conditions = value.get("anonymity"), value.get("conditions")
                anonymity = raw_anonymity if isinstance(raw_anonymity, str) else None
                conditions = raw_conditions if isinstance(raw_conditions, str) else ""
                value = value.get("value")
            row.value.set_code(value if isinstance(value, str) else None)
            row.anonymity.set_code(anonymity)
            row.conditions.setText(conditions)
            row.update_enabled()

    def dump(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for code, row in self.rows.items():
            value = row.value.code()
            if value is None:
                continue
            decision: dict[str, Any] = {"value": value, **self._extra.get(code, {})}
            if value in AGREED:
                if (anonymity := row.anonymity.code()) is not None:
                    decision["anonymity"] = anonymity
                if conditions := row.conditions.text().strip():
                    decision["conditions"] = conditions
            out[code] = decision if len(decision) > 1 else value
        return out

    def retranslate(self) -> None:
        self.intro.setText(tr("Ask about each use and record the answer. Leave a row empty if it was not discussed. "
                              "Read the rows back to the witness: this is the consent they give."))
        self.help.setText(tr(
            "How may they be named? Anonymised: no name and nothing that points to them. Pseudonym: a made-up name. "
            "Initials: only the initials. Full name: their real name. Left empty, they are never named. "
            "Conditions: what they ask, in their words (for example: no quotes; only after their family is safe)."))
        for header, text in zip(self.headers, (tr("Use"), tr("Answer"), tr("How they may be named"),
                                               tr("Conditions")), strict=True):
            header.setText(f"<b>{text}</b>")
        for entry in self.purposes:
            row = self.rows[entry.code]
            purpose = entry.label(_lang())
            row.label.setText(purpose)
            row.value.setAccessibleName(tr("Consent: {purpose}", purpose=purpose))
            row.anonymity.setAccessibleName(tr("How they may be named: {purpose}", purpose=purpose))
            row.conditions.setAccessibleName(tr("Conditions: {purpose}", purpose=purpose))
            row.conditions.setPlaceholderText(tr("Conditions, in their words"))
            row.value.retranslate()
            row.anonymity.retranslate()
