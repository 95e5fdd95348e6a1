"""HQ: the Perpetrators page — the list of perpetrators (persons, units, facilities) and the selected one's profile.

Both the list and the profile are computed on the session's DB worker; selecting a row asks for its profile, and a
newer selection cancels the request in flight.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from intake_app.perpetrators.profile import build_profile
from intake_app.perpetrators.registry import Registry
from ui.common.db_worker import DbWorker, Job, JobContext
from ui.common.page_heading import heading_label
from ui.common.recount_when_shown import RecountWhenShown
from ui.common.refusal_reasons import translate_reason
from ui.hq.perpetrator_review import PerpetratorReview
from ui.hq.perpetrators_model import KIND_NAMES, PerpetratorIdRole, PerpetratorListModel
from ui.hq.perpetrators_view import profile_html
from ui.i18n import current_language, tr
from ui.i18n.retranslating import Retranslating


def load_list(ctx: JobContext, kind: str | None) -> list[dict[str, Any]]:
    return Registry(ctx.vault).listing(kind)


def load_profile(ctx: JobContext, perpetrator: str) -> dict[str, Any]:
    return build_profile(ctx.vault, perpetrator).to_json()


class PerpetratorsPage(RecountWhenShown, Retranslating, QWidget):
    """``refreshed`` after the list is shown; ``profile_shown`` after a profile is drawn."""

    refreshed = Signal()
    profile_shown = Signal()

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.profile_job: Job | None = None
        self.profile: dict[str, Any] | None = None
        self.heading = heading_label()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.kind_caption = QLabel()
        self.kind_combo = QComboBox()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.model = PerpetratorListModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        top = QHBoxLayout()
        top.addWidget(self.kind_caption)
        top.addWidget(self.kind_combo)
        top.addStretch(1)
        # Duplicate entries are reviewed in the window (what `intake perpetrators candidates/link/distinct` do).
        self.review_button = QPushButton()
        self.review_button.clicked.connect(lambda: self.open_review())  # noqa: PLW0108 - clicked(bool)
        self.review: PerpetratorReview | None = None
        top.addWidget(self.review_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.browser)
        split.setSizes([380, 620])
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self.kind_combo.currentIndexChanged.connect(self.refresh)
        self.retranslate()

    def open_review(self) -> PerpetratorReview:
        self.review = PerpetratorReview(self.worker, self)
        self.review.decided.connect(self.refresh)
        self.review.show()
        self.review.refresh()
        return self.review

    def refresh(self) -> None:
        kind = self.kind_combo.currentData()
        self.worker.submit(lambda ctx: load_list(ctx, kind or None), self._show_rows, self._show_error)

    def _show_rows(self, rows: list[dict[str, Any]]) -> None:
        self.model.set_rows(rows)
        self.message.setText(tr("{n} perpetrators", n=len(rows)) if rows else tr(
            "No perpetrators yet: they appear when testimonies name units, facilities or persons."))
        self.refreshed.emit()

    def select(self, perpetrator: str) -> bool:
        """Select ``perpetrator`` in the list (shows its profile); False if it is not listed."""
        row = self.model.row_of(perpetrator)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        perpetrator = str(self.model.data(indexes[0], PerpetratorIdRole))
        if self.profile_job is not None:
            self.profile_job.cancel()
        self.profile_job = self.worker.submit(lambda ctx: load_profile(ctx, perpetrator), self._show_profile,
                                              self._show_error)

    def _show_profile(self, doc: dict[str, Any]) -> None:
        self.profile_job = None
        self.profile = doc
        self.browser.setHtml(profile_html(doc, current_language()))
        self.profile_shown.emit()

    def _show_error(self, exc: BaseException) -> None:
        self.message.setText(translate_reason(str(exc)))

    def retranslate(self) -> None:
        self.heading.setText(tr("Perpetrators"))
        self.intro.setText(tr("Persons, units and facilities the testimonies name. Every statement in a profile is a "
                              "claim with the entries that support it; disagreeing claims are shown side by side."))
        self.kind_caption.setText(tr("&Show:"))
        self.review_button.setText(tr("Review possible &duplicates…"))
        self.kind_caption.setBuddy(self.kind_combo)
        current = self.kind_combo.currentData()
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        self.kind_combo.addItem(tr("All kinds"), "")
        for code in KIND_NAMES:
            self.kind_combo.addItem(tr(KIND_NAMES[code]), code)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(current if current is not None else "")))
        self.kind_combo.blockSignals(False)
        self.model.set_rows(self.model.rows)
        if self.profile is not None:
            self.browser.setHtml(profile_html(self.profile, current_language()))
