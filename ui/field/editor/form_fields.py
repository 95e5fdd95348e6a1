"""The UN WGEID communication form's identity fields of a victim: nationality, identity document, occupation.

A small group of its own inside the victim form (issue 28). The values go to the interchange keys ``nationality``
(a ``nationalities`` code), ``identity_document`` and ``occupation`` (one line each); an empty field removes its key.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLineEdit, QWidget

from ui.field.editor.form_texts import FormTexts
from ui.field.editor.vocab_picker import VocabCombo
from ui.i18n import N_

FORM_KEYS = ("nationality", "identity_document", "occupation")


class WgeidFormFields(QGroupBox):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.texts = FormTexts()
        self.nationality = VocabCombo("nationalities")
        self.identity_document = QLineEdit()
        self.occupation = QLineEdit()
        form = QFormLayout(self)
        rows: tuple[tuple[str, QWidget], ...] = ((N_("Nationality:"), self.nationality),
                                                 (N_("Identity document (kind and number):"), self.identity_document),
                                                 (N_("Occupation:"), self.occupation))
        for msgid, widget in rows:
            form.addRow(self.texts.label(msgid, widget), widget)
        # interchange key → (label, widget), for naming a refused field
        self.fields: dict[str, tuple[str, QWidget]] = dict(zip(FORM_KEYS, rows, strict=True))
        self.texts.text(self, N_("For the UN Working Group's form"))
        self.nationality.currentIndexChanged.connect(self.changed)
        self.identity_document.textChanged.connect(self.changed)
        self.occupation.textChanged.connect(self.changed)
        self.retranslate()

    def load(self, data: dict[str, Any]) -> None:
        self.nationality.set_code(data.get("nationality"))
        self.identity_document.setText(str(data.get("identity_document") or ""))
        self.occupation.setText(str(data.get("occupation") or ""))

    def dump_into(self, out: dict[str, Any]) -> None:
        for key in FORM_KEYS:
            out.pop(key, None)
        if code := self.nationality.code():
            out["nationality"] = code
        for key, edit in (("identity_document", self.identity_document), ("occupation", self.occupation)):
            if edit.text().strip():
                out[key] = edit.text().strip()

    def retranslate(self) -> None:
        self.texts.apply()
        self.nationality.retranslate()
