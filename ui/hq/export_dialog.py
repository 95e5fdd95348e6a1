"""HQ: "Export…" — a WGEID case for a person, a sanctions dossier for a perpetrator, or the archive for Uwazi.

Before anything is written the dialog shows what will leave: the mentions included and excluded by consent and why,
the conditions to acknowledge (a checkbox), and the anonymity applied; it offers encryption to an age recipient. The
decision is the core's (``intake_app.exports.pipeline.preview`` / ``run_export`` call ``consent.decide``): the dialog
only shows it and passes the coordinator's acknowledgement. All vault work runs on the session's DB worker.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intake_app.display import clean_text
from intake_app.exports import pipeline
from intake_app.exports.requests import PURPOSES, build_request
from intake_app.exports.wgeid_text import LANGUAGES
from intake_app.records import vocabularies
from ui.common.db_worker import DbWorker, JobContext
from ui.common.path_field import PathField, choose_folder
from ui.common.refusal_reasons import translate_reason
from ui.hq.export_plan_model import LEVEL_TEXT, ExportPlanModel
from ui.i18n import N_, current_language, tr
from ui.i18n.retranslating import Retranslating

FORMATS = (("wgeid", N_("UN WGEID case (one person)")), ("dossier", N_("Sanctions dossier (one perpetrator)")),
           ("uwazi", N_("Uwazi import (whole archive)")))


def _preview_job(fmt: str, subject: str, purpose: str, out: str, lang: str, accept: bool,
                 encrypt: str | None) -> Callable[[JobContext], dict[str, Any]]:
    def job(ctx: JobContext) -> dict[str, Any]:
        request = build_request(ctx.vault, fmt, subject, purpose, Path(out or "."), lang=lang,
                                accept_conditions=accept, encrypt_to=encrypt)
        return pipeline.preview_summary(ctx.vault, request).summary()
    return job


def _export_job(fmt: str, subject: str, purpose: str, out: str, lang: str, accept: bool, encrypt: str | None,
                incomplete: bool) -> Callable[[JobContext], dict[str, Any]]:
    def job(ctx: JobContext) -> dict[str, Any]:
        request = build_request(ctx.vault, fmt, subject, purpose, Path(out), lang=lang, accept_conditions=accept,
                                allow_incomplete=incomplete, encrypt_to=encrypt)
        return pipeline.run_export(ctx.vault, request).to_json()
    return job


# The languages a WGEID case is written in, each named in itself (never a code on screen).
CASE_LANGUAGES = {"en": "English", "fr": "Français", "es": "Español"}


def _purpose_label(code: str) -> str:
    """A consent purpose in the window's language (the vocabulary's Korean or English label), never its code."""
    try:
        return vocabularies.label("consent_purposes", code, "ko" if current_language() == "ko" else "en")
    except vocabularies.VocabularyError:
        return code


def shown_perpetrator(page: QWidget) -> str:
    """The id of the perpetrator whose profile a Perpetrators page shows ("" if none): the dossier's subject."""
    profile = getattr(page, "profile", None)
    return str(profile.get("perpetrator") or "") if isinstance(profile, dict) else ""


def shown_person(page: QWidget) -> str:
    """The id of the person a Persons page shows in its person list ("" if none): the WGEID case's subject."""
    pane = getattr(page, "persons", None)
    shown = getattr(pane, "shown", None)
    return str(shown.get("person") or "") if isinstance(shown, dict) else ""


class ExportDialog(Retranslating, QDialog):
    exported = Signal(dict)

    def __init__(self, worker: DbWorker, fmt: str = "wgeid", subject: str = "",  # noqa: PLR0915 - widget assembly
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.model = ExportPlanModel()
        self.summary: dict[str, Any] | None = None
        self.format = QComboBox()
        for code, _ in FORMATS:
            self.format.addItem("", code)
        self.subject = QLineEdit(subject)
        self.purpose = QComboBox()
        self.language = QComboBox()
        for lang in LANGUAGES:
            self.language.addItem(CASE_LANGUAGES[lang], lang)
        self.out_field = PathField(self._choose_out)
        self.out, self.browse = self.out_field.edit, self.out_field.button
        self.encrypt = QCheckBox()
        self.recipient = QLineEdit()
        self.incomplete = QCheckBox()
        self.preview_button = QPushButton()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.plan = QLabel()
        self.plan.setWordWrap(True)
        self.conditions = QPlainTextEdit()
        self.conditions.setReadOnly(True)
        self.conditions.setMaximumHeight(90)
        self.accept_conditions = QCheckBox()
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.export_button = QPushButton()
        self.close_button = QPushButton()
        self._labels: list[tuple[QLabel, str]] = []
        form = QFormLayout()
        for msgid, widget in ((N_("&Export:"), self.format), (N_("Person or &perpetrator id:"), self.subject),
                              (N_("P&urpose:"), self.purpose), (N_("&Language:"), self.language),
                              (N_("Output &folder:"), self.out_field)):
            label = QLabel()
            self._labels.append((label, msgid))
            label.setBuddy(self.out if widget is self.out_field else widget)
            form.addRow(label, widget)
        enc_row = QHBoxLayout()
        enc_row.addWidget(self.encrypt)
        enc_row.addWidget(self.recipient, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(enc_row)
        layout.addWidget(self.incomplete)
        layout.addWidget(self.plan)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.conditions)
        layout.addWidget(self.accept_conditions)
        layout.addWidget(self.outcome)
        layout.addLayout(buttons)
        self.format.setCurrentIndex(max(0, self.format.findData(fmt)))
        self.format.currentIndexChanged.connect(self._format_changed)
        for signal in (self.subject.textChanged, self.out.textChanged, self.recipient.textChanged):
            signal.connect(self._invalidate)
        self.purpose.currentIndexChanged.connect(self._invalidate)
        self.encrypt.toggled.connect(self._invalidate)
        self.accept_conditions.toggled.connect(self._invalidate)
        self.preview_button.clicked.connect(self.preview)
        self.export_button.clicked.connect(self.export)
        self.close_button.clicked.connect(self.reject)
        self.resize(760, 600)
        self._format_changed()
        self.retranslate()

    # ---- state
    def current_format(self) -> str:
        return str(self.format.currentData())

    def _format_changed(self) -> None:
        fmt = self.current_format()
        self.purpose.blockSignals(True)
        self.purpose.clear()
        for purpose in PURPOSES[fmt]:
            self.purpose.addItem(_purpose_label(purpose), purpose)
        self.purpose.blockSignals(False)
        self.subject.setEnabled(fmt != "uwazi")
        self.language.setEnabled(fmt == "wgeid")
        self.incomplete.setEnabled(fmt == "wgeid")
        self._invalidate()

    def _invalidate(self) -> None:
        # Any change means the coordinator has not seen what will leave: show again before writing.
        self.summary = None
        self.model.set_summary(None)
        self.export_button.setEnabled(False)
        self.plan.setText("")

    def _choose_out(self, parent: QWidget, edit: QLineEdit) -> None:
        folder = choose_folder(parent, tr("Output folder"))
        if folder:
            edit.setText(folder)

    def _args(self) -> tuple[str, str, str, str, str, bool, str | None]:
        encrypt = self.recipient.text().strip() if self.encrypt.isChecked() else None
        return (self.current_format(), self.subject.text().strip(), str(self.purpose.currentData()),
                self.out.text().strip(), str(self.language.currentData()), self.accept_conditions.isChecked(),
                encrypt or None)

    # ---- actions
    def preview(self) -> None:
        self.outcome.setText("")
        self.worker.submit(_preview_job(*self._args()), self._show_plan, self._failed)

    def _show_plan(self, summary: dict[str, Any]) -> None:
        self.summary = summary
        self.model.set_summary(summary)
        included, excluded = self.model.counts()
        level = str(summary.get("anonymity", ""))
        self.plan.setText(tr("{included} mention(s) will leave, {excluded} excluded by consent. Names leave as: "
                             "{level}.", included=included, excluded=excluded,
                             level=tr(LEVEL_TEXT[level]) if level in LEVEL_TEXT else clean_text(level)))
        conditions = summary.get("conditions", [])
        self.conditions.setPlainText("\n".join(clean_text(f"{c['mention']} ({c['purpose']}): {c['text']}")
                                               for c in conditions))
        self.accept_conditions.setEnabled(bool(conditions))
        self.export_button.setEnabled(included > 0 and bool(self.out.text().strip()))

    def export(self) -> None:
        if self.summary is None:
            return
        self.export_button.setEnabled(False)
        self.worker.submit(_export_job(*self._args(), self.incomplete.isChecked()), self._done, self._failed)

    def _done(self, doc: dict[str, Any]) -> None:
        files = "\n".join(clean_text(f"{f['name']}  SHA-256 {f['sha256']}") for f in doc.get("files", []))
        self.outcome.setText(tr("Written and recorded in the audit log:") + "\n" + files)
        self.exported.emit(doc)

    def _failed(self, exc: BaseException) -> None:
        self.outcome.setText(translate_reason(str(exc)))
        self.export_button.setEnabled(self.summary is not None)

    # ---- language

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Export"))
        for i in range(self.purpose.count()):
            self.purpose.setItemText(i, _purpose_label(str(self.purpose.itemData(i))))
        for i in range(len(FORMATS)):
            self.format.setItemText(i, tr(FORMATS[i][1]))
        for i in range(len(self._labels)):
            self._labels[i][0].setText(tr(self._labels[i][1]))
        self.browse.setText(tr("&Browse…"))
        self.encrypt.setText(tr("Encrypt to (age1… or a key file):"))
        self.recipient.setPlaceholderText(tr("age1… or the path of a recipients file"))
        self.incomplete.setText(tr("Write the case even if minimum elements are missing"))
        self.accept_conditions.setText(tr("I have read the conditions above and the export respects them"))
        self.preview_button.setText(tr("&Show what will leave"))
        self.export_button.setText(tr("&Write export"))
        self.close_button.setText(tr("Close"))
        self.conditions.setPlaceholderText(tr("Conditions recorded with the consent appear here."))
