"""Interview details and the interviewee (by pseudonym only)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from ui.field.editor.date_field import UncertainDateField
from ui.field.editor.form_texts import FormTexts
from ui.field.editor.vocab_picker import VocabCombo
from ui.i18n import N_

LANGUAGES = ("ko", "en")


class InterviewForm(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.texts = FormTexts()
        self.date = UncertainDateField()
        self.language = QComboBox()
        self.language.setEditable(True)
        self.language.addItems(list(LANGUAGES))
        self.interviewer = QLineEdit()
        self.place = QLineEdit()
        self.interpreter = QLineEdit()
        self.mode = VocabCombo("interview_modes")
        self.pseudonym = QLineEdit()
        self.relation = VocabCombo("relations")
        form = QFormLayout(self)
        rows: list[tuple[str, QWidget]] = [
            (N_("Interview &date:"), self.date), (N_("&Language:"), self.language),
            (N_("Intervie&wer:"), self.interviewer), (N_("&Place:"), self.place),
            (N_("Int&erpreter:"), self.interpreter), (N_("M&ode:"), self.mode),
            (N_("Interviewee pse&udonym:"), self.pseudonym), (N_("Rel&ation to the victim:"), self.relation),
        ]
        for pair in rows:
            form.addRow(self.texts.label(pair[0], pair[1]), pair[1])
        self.texts.name(self.date.edit, N_("Interview date"))
        for edit in (self.interviewer, self.place, self.interpreter, self.pseudonym):
            edit.textChanged.connect(self.changed)
        for combo in (self.language, self.mode, self.relation):
            combo.currentTextChanged.connect(self.changed)
        self.date.changed.connect(self.changed)
        self.retranslate()

    def load(self, content: dict[str, Any]) -> None:
        interview = content.get("interview") or {}
        self.date.set_value(interview.get("date"), None)
        self.language.setCurrentText(str(interview.get("language") or "ko"))
        self.interviewer.setText(str(interview.get("interviewer") or ""))
        self.place.setText(str(interview.get("place") or ""))
        self.interpreter.setText(str(interview.get("interpreter") or ""))
        self.mode.set_code(interview.get("mode"))
        interviewee = content.get("interviewee") or {}
        self.pseudonym.setText(str(interviewee.get("pseudonym") or ""))
        self.relation.set_code(interviewee.get("relation"))

    def dump(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(interview, interviewee) with empty fields left out."""
        interview: dict[str, Any] = {}
        self.date.dump_into(interview, "date", None)
        for key, value in (("language", self.language.currentText()), ("interviewer", self.interviewer.text()),
                           ("place", self.place.text()), ("interpreter", self.interpreter.text()),
                           ("mode", self.mode.code())):
            if value and value.strip():
                interview[key] = value.strip()
        interviewee: dict[str, Any] = {}
        if self.pseudonym.text().strip():
            interviewee["pseudonym"] = self.pseudonym.text().strip()
        if self.relation.code():
            interviewee["relation"] = self.relation.code()
        return interview, interviewee

    def retranslate(self) -> None:
        self.texts.apply()
        self.mode.retranslate()
        self.relation.retranslate()
        self.date.retranslate()
