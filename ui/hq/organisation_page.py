"""HQ: the submitting organisation (WGEID element (f)) — name, contact for follow-up, and the confidentiality request.

The coordinator sets it here; the core stores it in the vault (``intake_app.exports.settings``, one audit entry per
change). A bad value (a line break, too long) is refused by the core with its message and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from intake_app.exports import settings
from intake_app.exports.settings import Organisation
from ui.common.db_worker import DbWorker, JobContext
from ui.common.page_heading import heading_label
from ui.common.refusal_reasons import translate_reason
from ui.i18n import tr


def _load(ctx: JobContext) -> Organisation:
    return settings.load(ctx.vault)


def _save(name: str, contact: str, confidential: bool) -> Callable[[JobContext], Organisation]:
    def job(ctx: JobContext) -> Organisation:
        return settings.save(ctx.vault, name=name, contact=contact, confidential=confidential)
    return job


class OrganisationPage(QWidget):
    """``loaded`` after the stored values are shown; ``saved(Organisation)`` after a save."""

    loaded = Signal()
    saved = Signal(object)

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.heading = heading_label()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.name = QLineEdit()
        self.contact = QLineEdit()
        self.name_label, self.contact_label = QLabel(), QLabel()
        self.name_label.setBuddy(self.name)
        self.contact_label.setBuddy(self.contact)
        self.confidential = QCheckBox()
        self.confidential.setChecked(True)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.name_label, self.name)
        form.addRow(self.contact_label, self.contact)
        form.addRow("", self.confidential)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.retranslate()

    def refresh(self) -> None:
        self.worker.submit(_load, self._show, self._failed)

    def _show(self, org: Organisation) -> None:
        self.name.setText(org.name or "")
        self.contact.setText(org.contact or "")
        self.confidential.setChecked(org.confidential)
        self.loaded.emit()

    def save(self) -> None:
        self.message.clear()
        job = _save(self.name.text(), self.contact.text(), self.confidential.isChecked())
        self.worker.submit(job, self._saved, self._failed)

    def _saved(self, org: Organisation) -> None:
        self._show(org)
        self.message.setText(tr("Saved. Every WGEID case from now on names this organisation."))
        self.saved.emit(org)

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(translate_reason(str(exc)))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.heading.setText(tr("Organisation"))
        self.intro.setText(tr("The organisation that submits cases to the UN Working Group on Enforced or Involuntary "
                              "Disappearances (minimum element f). It is printed in every case."))
        self.name_label.setText(tr("Organisation &name:"))
        self.contact_label.setText(tr("Con&tact for follow-up:"))
        self.confidential.setText(tr("Ask the Working Group to &keep our identity confidential"))
        self.save_button.setText(tr("&Save"))
