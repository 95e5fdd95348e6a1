"""HQ: review possible duplicate perpetrator entries in the window (``intake perpetrators candidates``, ``link``,
``distinct`` without the terminal).

Each candidate pair is shown with what each entry says and the reasons; the coordinator decides "same person" (the
entries are linked into one perpetrator) or "different people" (the pair is not proposed again). The decisions are the
core's (``intake_app.perpetrators.registry``), made on the DB worker, each an audit entry as on the command line.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_app.display import clean_text
from intake_app.perpetrators.candidates import candidates
from intake_app.perpetrators.registry import Registry
from intake_app.records import vocabularies
from ui.common.db_worker import DbWorker, JobContext
from ui.common.refusal_reasons import translate_reason
from ui.i18n import current_language, tr

_SIDE_KEYS = ("name", "rank", "role", "unit_text", "description", "date")


def load_candidates(ctx: JobContext) -> list[dict[str, Any]]:
    return candidates(Registry(ctx.vault))


def side_text(side: dict[str, Any]) -> str:
    """What one entry says, in one line: its values as recorded and the act, by its label (never a code)."""
    parts = [str(side[k]) for k in _SIDE_KEYS if side.get(k)]
    if side.get("act_type"):
        with contextlib.suppress(vocabularies.VocabularyError):  # an unknown code is left out, never shown
            parts.append(vocabularies.label("act_types", side["act_type"], "ko" if current_language() == "ko" else "en"))
    return clean_text(" · ".join(parts) or side["entry"])


class PerpetratorReview(QDialog):
    """``decided`` after each recorded decision; ``loaded`` after the candidates are shown (tests)."""

    decided = Signal()
    loaded = Signal()

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.rows: list[dict[str, Any]] = []
        self.queue = QListWidget()
        self.queue.currentRowChanged.connect(self._show)
        self.a_label, self.b_label, self.reasons = QLabel(), QLabel(), QLabel()
        for label in (self.a_label, self.b_label, self.reasons):
            label.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.same_button, self.different_button = QPushButton(), QPushButton()
        self.same_button.clicked.connect(lambda: self.decide(same=True))
        self.different_button.clicked.connect(lambda: self.decide(same=False))
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reason_edit, 1)
        buttons.addWidget(self.same_button)
        buttons.addWidget(self.different_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.queue, 1)
        for widget in (self.a_label, self.b_label, self.reasons):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.resize(760, 520)
        self.retranslate()
        self._enable(False)

    def refresh(self) -> None:
        self.status.setText(tr("Looking for candidates…"))
        self.worker.submit(load_candidates, self._loaded, self._failed)

    def _loaded(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.queue.clear()
        for c in rows:
            self.queue.addItem(f"{c['score']:.2f}  {side_text(c['a'])}  ~  {side_text(c['b'])}")
        self._count()
        if rows:
            self.queue.setCurrentRow(0)
        else:
            self._show(-1)
        self.loaded.emit()

    def _count(self) -> None:
        self.status.setText(tr("{count} possible duplicates to review.", count=len(self.rows)) if self.rows
                            else tr("No candidates to review."))

    def _enable(self, on: bool) -> None:
        self.same_button.setEnabled(on)
        self.different_button.setEnabled(on)

    def _show(self, row: int) -> None:
        on = 0 <= row < len(self.rows)
        self._enable(on)
        if not on:
            for label in (self.a_label, self.b_label, self.reasons):
                label.clear()
            return
        c = self.rows[row]
        lang = "ko" if current_language() == "ko" else "en"
        self.a_label.setText("A: " + side_text(c["a"]))
        self.b_label.setText("B: " + side_text(c["b"]))
        self.reasons.setText(clean_text("; ".join(r[lang] for r in c["reasons"])))

    def decide(self, *, same: bool) -> None:
        row = self.queue.currentRow()
        if not 0 <= row < len(self.rows):
            return
        c = self.rows[row]
        a, b = c["a"]["entry"], c["b"]["entry"]
        target = c["a"].get("perpetrator") or c["b"].get("perpetrator")
        reason = self.reason_edit.text().strip() or None
        why = reason or tr("Marked as different people in the review")
        self._enable(False)
        if same:
            self.worker.submit(lambda ctx: Registry(ctx.vault).link([a, b], target, reason), self._decided,
                               self._failed)
        else:
            self.worker.submit(lambda ctx: Registry(ctx.vault).distinct(a, b, why), self._decided, self._failed)

    def _decided(self, _result: object) -> None:
        self.reason_edit.clear()
        self.decided.emit()
        self.refresh()  # a link changes the other candidates of both entries: ask the core again

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(translate_reason(str(exc)))
        self._show(self.queue.currentRow())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Possible duplicate perpetrators"))
        self.reason_edit.setPlaceholderText(tr("Reason (optional)"))
        self.same_button.setText(tr("&Same person"))
        self.different_button.setText(tr("&Different people"))
        if self.rows:
            self._count()
