"""HQ: the Persons page. A review queue of candidate pairs, and the person list with a person view.

Review: the pair side by side (differing facts highlighted), the reasons for the score, and three decisions with
one-key shortcuts so a coordinator can work through hundreds: S same person (link), D different people (distinct),
N not sure (skip). After each decision the next undecided pair is shown. Every decision runs on the DB worker and is
an audit entry there; the queue reloads after the last one.

Persons: every person with its names and mention count; selecting one shows its mentions (each a link that opens its
testimony below), its merged facts with their sources, and disagreements marked.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from intake_app.display import clean_text
from intake_app.persons import facts, registry
from intake_app.records import vocabularies
from ui.common.db_worker import DbWorker, JobContext
from ui.common.page_heading import heading_label
from ui.common.testimony_detail import TestimonyDetail
from ui.hq.persons_models import CandidateQueueModel, PersonListModel, load_persons, load_queue, side_by_side
from ui.i18n import N_, current_language, tr
from ui.i18n.retranslating import Retranslating

_DIFF = QColor("#fff0b3")
SAME, DIFFERENT, NOT_SURE = N_("Same person"), N_("Different people"), N_("Not sure")


def _lang() -> str:
    return "ko" if current_language().startswith("ko") else "en"


class ReviewPane(QWidget):
    """The queue, the pair side by side with its reasons, and the three decisions."""

    decided = Signal()

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.model = CandidateQueueModel()
        self.current: int | None = None
        self.queue = QTableView()
        self.queue.setModel(self.model)
        self.queue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.queue.selectionModel().currentRowChanged.connect(lambda cur, _prev: self.show_row(cur.row()))
        self.pair = QTableWidget(0, 2)
        self.pair.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.pair.setWordWrap(True)
        self.pair.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.reasons = QListWidget()
        self.reason_edit = QLineEdit()
        self.same_button, self.different_button, self.unsure_button = QPushButton(), QPushButton(), QPushButton()
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.same_button, self.different_button, self.unsure_button):
            buttons.addWidget(button)
        buttons.addWidget(self.reason_edit, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.pair, 3)
        right_layout.addWidget(self.reasons, 2)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.status)
        splitter = QSplitter()
        splitter.addWidget(self.queue)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.same_button.clicked.connect(lambda: self.decide(SAME))
        self.different_button.clicked.connect(lambda: self.decide(DIFFERENT))
        self.unsure_button.clicked.connect(lambda: self.decide(NOT_SURE))
        # One key per decision, anywhere on the pane except while typing a reason (letters go to the text there).
        self.shortcuts = []
        for key, decision in (("S", SAME), ("D", DIFFERENT), ("N", NOT_SURE)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda d=decision: self._shortcut(d))
            self.shortcuts.append(shortcut)
        self.retranslate()
        self._enable(False)

    def _shortcut(self, decision: str) -> None:
        if not self.reason_edit.hasFocus():
            self.decide(decision)

    def _enable(self, on: bool) -> None:
        for button in (self.same_button, self.different_button, self.unsure_button):
            button.setEnabled(on)

    def refresh(self) -> None:
        self.status.setText(tr("Looking for candidates…"))
        self.worker.submit(load_queue, on_done=self._loaded,
                           on_error=lambda exc: self.status.setText(tr("Failed: {detail}", detail=str(exc))))

    def _loaded(self, rows: object) -> None:
        assert isinstance(rows, list)
        self.model.set_rows(rows)
        self.status.setText(tr("{count} candidate pairs to review.", count=len(rows)) if rows
                            else tr("No candidates to review."))
        if rows:
            self.queue.selectRow(0)
            self.show_row(0)
        else:
            self.show_row(None)

    def show_row(self, row: int | None) -> None:
        self.current = row if row is not None and 0 <= row < len(self.model.rows) else None
        self.pair.setRowCount(0)
        self.reasons.clear()
        self._enable(self.current is not None and self.current not in self.model.decisions)
        if self.current is None:
            return
        cand = self.model.rows[self.current]
        for i, (title, va, vb, differs) in enumerate(side_by_side(cand["a"], cand["b"])):
            self.pair.insertRow(i)
            self.pair.setVerticalHeaderItem(i, QTableWidgetItem(title))
            for column, value in ((0, va), (1, vb)):
                item = QTableWidgetItem(value)
                if differs:
                    item.setBackground(QBrush(_DIFF))
                    item.setToolTip(tr("The two mentions disagree here."))
                self.pair.setItem(i, column, item)
        self.pair.resizeRowsToContents()
        lang = _lang()
        self.reasons.addItems([clean_text(r[lang]) for r in cand["reasons"]])

    def decide(self, decision: str) -> None:
        """Record the decision for the shown pair (on the worker) and move to the next undecided pair."""
        row = self.current
        if row is None or row in self.model.decisions:
            return
        cand = self.model.rows[row]
        a, b = cand["a"]["m"], cand["b"]["m"]
        reason = self.reason_edit.text().strip() or None
        self.model.decide(row, decision)
        if decision == SAME:
            person = cand["person_a"] or cand["person_b"]
            self.worker.submit(lambda ctx: registry.link(ctx.vault, [a, b], person=person, reason=reason),
                               on_done=lambda _pid: self.decided.emit(), on_error=self._failed)
        elif decision == DIFFERENT:
            why = reason or tr("Marked as different people in the review queue")
            self.worker.submit(lambda ctx: registry.distinct(ctx.vault, a, b, reason=why),
                               on_done=lambda _r: self.decided.emit(), on_error=self._failed)
        self.reason_edit.clear()
        following = self.model.next_open(row)
        if following is None:
            self.status.setText(tr("Every pair in the queue has a decision."))
            self.show_row(None)
            return
        left = sum(1 for i in range(len(self.model.rows)) if i not in self.model.decisions)
        self.status.setText(tr("{left} of {count} candidate pairs still to review.", left=left,
                               count=len(self.model.rows)))
        self.queue.selectRow(following)
        self.show_row(following)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(tr("The decision was not recorded: {detail}", detail=str(exc)))

    def retranslate(self) -> None:
        self.same_button.setText(tr("&Same person (S)"))
        self.different_button.setText(tr("&Different people (D)"))
        self.unsure_button.setText(tr("&Not sure (N)"))
        self.reason_edit.setPlaceholderText(tr("Reason (optional)"))
        self.pair.setHorizontalHeaderLabels([tr("Mention A"), tr("Mention B")])
        if self.current is not None:
            self.show_row(self.current)


class PersonsListPane(QWidget):
    """The person list, the selected person's mentions and merged facts, and a testimony opened from a mention."""

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.model = PersonListModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self.show_person(cur.row()))
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.anchorClicked.connect(self._open_link)
        self.detail = TestimonyDetail(worker)
        # The preferred name the coordinator chooses for a linked person (Hangul and romanised).
        self.name_hangul, self.name_roman, self.name_save = QLineEdit(), QLineEdit(), QPushButton()
        self.name_save.clicked.connect(self.save_name)
        name_row = QHBoxLayout()
        for widget in (self.name_hangul, self.name_roman):
            name_row.addWidget(widget, 1)
        name_row.addWidget(self.name_save)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.view, 1)
        top_layout.addLayout(name_row)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(top)
        right.addWidget(self.detail)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.shown: dict[str, Any] | None = None
        self._enable_name(False)
        self.retranslate()

    def _enable_name(self, on: bool) -> None:
        for widget in (self.name_hangul, self.name_roman, self.name_save):
            widget.setEnabled(on)

    def refresh(self) -> None:
        self.worker.submit(load_persons, on_done=self._loaded)

    def save_name(self) -> None:
        """Record the preferred name of the shown (linked) person, then show it again."""
        if self.shown is None or not self.shown["linked"]:
            return
        person = self.shown["person"]
        hangul, roman = self.name_hangul.text().strip() or None, self.name_roman.text().strip() or None

        def job(ctx: JobContext) -> dict[str, Any]:
            registry.set_preferred_name(ctx.vault, person, hangul=hangul, roman=roman)
            return facts.show_person(ctx.vault, person)

        self.worker.submit(job, on_done=self._show_and_reload,
                           on_error=lambda exc: self.view.append(_esc(tr("Not saved: {detail}", detail=str(exc)))))

    def _show_and_reload(self, doc: object) -> None:
        self._show(doc)
        self.refresh()

    def _loaded(self, rows: object) -> None:
        assert isinstance(rows, list)
        self.model.set_rows(rows)

    def show_person(self, row: int) -> None:
        if not 0 <= row < len(self.model.rows):
            return
        person = self.model.person(row)
        self.worker.submit(lambda ctx: facts.show_person(ctx.vault, person), on_done=self._show)

    def _show(self, doc: object) -> None:
        assert isinstance(doc, dict)
        self.shown = doc
        self.view.setHtml(person_html(doc, _lang()))
        preferred = doc.get("preferred_name") or {}
        self.name_hangul.setText(clean_text(preferred.get("hangul") or ""))
        self.name_roman.setText(clean_text(preferred.get("roman") or ""))
        self._enable_name(bool(doc["linked"]))

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() == "testimony":
            self.detail.show_record(url.path())

    def retranslate(self) -> None:
        self.name_hangul.setPlaceholderText(tr("Preferred name in Hangul"))
        self.name_roman.setPlaceholderText(tr("Preferred romanised name"))
        self.name_save.setText(tr("Save &name"))
        if self.shown is not None:
            self._show(self.shown)


def _esc(text: object) -> str:
    return html.escape(clean_text(str(text)))


_FACT_VOCABS = {"sex": "sex", "origin_place": "places", "status": "whereabouts_status",
                "categories": "victim_categories", "reasons": "disappearance_reasons"}


def _fact_value(vocab: str | None, value: str, lang: str) -> str:
    """A coded fact shown by its label in the current language (the code itself if the vocabulary lacks it)."""
    if vocab is None:
        return value
    try:
        return vocabularies.label(vocab, value, "ko" if lang == "ko" else "en")
    except vocabularies.VocabularyError:
        return value


def person_html(doc: dict[str, Any], lang: str) -> str:
    """The person view: preferred name, mentions (links to their testimonies), facts with sources."""
    parts = [f"<h3>{_esc(doc['person'])}</h3>"]
    if doc.get("preferred_name"):
        parts.append(f"<p>{_esc(tr('Preferred name'))}: "
                     f"{_esc(' / '.join(v for v in doc['preferred_name'].values() if v))}</p>")
    parts.append(f"<h4>{_esc(tr('Mentions'))}</h4><ul>")
    for m in doc["mentions"]:
        names = ", ".join(m["names"]) or tr("(unnamed)")
        parts.append(f"<li><a href='testimony:{html.escape(m['testimony'], quote=True)}'>{_esc(names)}</a> — "
                     f"{_esc(tr('interviewee {name}', name=m['interviewee']))}, {_esc(m['interview_date'])}</li>")
    parts.append(f"</ul><h4>{_esc(tr('Facts'))}</h4><table cellpadding='3'>")
    for fact in doc["facts"]:
        vocab = _FACT_VOCABS.get(fact["fact"])
        values = "; ".join(f"{_esc(_fact_value(vocab, v['value'], lang))} ({len(v['sources'])})"
                           for v in fact["values"])
        mark = f" <b style='background:#fff0b3'>{_esc(tr('disagree'))}</b>" if fact["disagree"] else ""
        parts.append(f"<tr><td>{_esc(fact['label'][lang])}</td><td>{values}{mark}</td></tr>")
    parts.append("</table>")
    return "".join(parts)


class PersonsPage(Retranslating, QWidget):
    """The Persons page of an HQ vault: review queue and person list as two tabs."""

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = heading_label()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.review = ReviewPane(worker)
        self.persons = PersonsListPane(worker)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.review, "")
        self.tabs.addTab(self.persons, "")
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        self.review.decided.connect(self.persons.refresh)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.intro)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    def refresh(self) -> None:
        self.review.refresh()
        self.persons.refresh()

    def retranslate(self) -> None:
        self.heading.setText(tr("Persons"))
        self.intro.setText(tr("The same person reported in several testimonies. Decide each candidate pair: S same "
                              "person, D different people, N not sure. Links never change a testimony and can be "
                              "undone."))
        self.tabs.setTabText(0, tr("Review queue"))
        self.tabs.setTabText(1, tr("Person list"))
        self.refresh_button.setText(tr("&Refresh"))
        self.review.retranslate()
        self.persons.retranslate()
