"""Interview details and the interviewee (by pseudonym only)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from ui.field.editor.date_field import UncertainDateField
from ui.field.editor.form_texts import FormTexts
from ui.field.editor.vocab_picker import FocusWheelCombo, VocabCombo
from ui.i18n import N_, tr

# Interview languages, each named in its own language (as the language chooser does), so the field never shows a
# bare code. A testimony in another language keeps its code as loaded.
LANGUAGES = (("ko", "한국어"), ("en", "English"), ("ja", "日本語"))
REQUIRED = ("interview.date", "interview.language", "interview.interviewer", "interviewee.pseudonym")


class InterviewForm(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.texts = FormTexts()
        self.date = UncertainDateField()
        self.language = FocusWheelCombo()
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.legend = QLabel()
        self.interviewer = QLineEdit()
        self.place = QLineEdit()
        self.interpreter = QLineEdit()
        self.mode = VocabCombo("interview_modes")
        self.pseudonym = QLineEdit()
        self.relation = VocabCombo("relations")
        form = QFormLayout(self)
        form.addRow(self.legend)
        # interchange path → (label, widget): save_problems names a refused field by this label.
        self.fields: dict[str, tuple[str, QWidget]] = {
            "interview.date": (N_("Interview &date:"), self.date),
            "interview.language": (N_("&Language:"), self.language),
            "interview.interviewer": (N_("Intervie&wer:"), self.interviewer),
            "interview.place": (N_("&Place:"), self.place),
            "interview.interpreter": (N_("Int&erpreter:"), self.interpreter),
            "interview.mode": (N_("M&ode:"), self.mode),
            "interviewee.pseudonym": (N_("Interviewee pse&udonym:"), self.pseudonym),
            "interviewee.relation": (N_("Rel&ation to the victim:"), self.relation),
        }
        for path, (msgid, widget) in self.fields.items():
            form.addRow(self.texts.label(msgid, widget, required=path in REQUIRED), widget)
        self.texts.name(self.date.edit, N_("Interview date"))
        for edit in (self.interviewer, self.place, self.interpreter, self.pseudonym):
            edit.textChanged.connect(self.changed)
        for combo in (self.language, self.mode, self.relation):
            combo.currentIndexChanged.connect(self.changed)
        self.date.changed.connect(self.changed)
        self.retranslate()

    def load(self, content: dict[str, Any]) -> None:
        interview = content.get("interview") or {}
        self.date.set_value(interview.get("date"), None)
        self.set_language_code(str(interview.get("language") or "ko"))
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
        for key, value in (("language", self.language.currentData()), ("interviewer", self.interviewer.text()),
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

    def set_language_code(self, code: str) -> None:
        index = self.language.findData(code)
        if index < 0:  # a language this form does not list: shown by its code, kept as it was
            self.language.addItem(code, code)
            index = self.language.count() - 1
        self.language.setCurrentIndex(index)

    def retranslate(self) -> None:
        self.texts.apply()
        self.legend.setText(tr("Fields marked * are required."))
        self.mode.retranslate()
        self.relation.retranslate()
        self.date.retranslate()
