"""Finding testimonies: the search box (snippets with the words highlighted), the filters (category, status,
interview dates) and the sortable list, as one widget shared by the interviewer's list and HQ's "All testimonies".

Each page adds what is its own: the interviewer's "New testimony" button and drafts line, HQ's device and interviewer
filters (``add_filter``). Typing in the search box shows the search results instead of the list; an empty box shows
the list again. Which record is current or opened is reported by ``record_selected`` and ``record_activated``.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QAbstractProxyModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intake_app.records import vocabularies
from ui.common.db_worker import DbWorker
from ui.common.search_results import RecordIdRole, SearchController, SearchResultsModel, SnippetDelegate
from ui.common.testimony_list_model import Column, TestimonyListModel
from ui.i18n import tr, trn, vocabulary_language
from ui.i18n.retranslating import Retranslating

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class TestimonyBrowser(Retranslating, QWidget):
    """Search, filters and the list. The widget itself holds the search and filter rows; ``views`` (list or results)
    and ``count_label`` are placed by the page around it."""

    __test__ = False
    record_selected = Signal(object)  # str or None
    record_activated = Signal(str)

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:  # noqa: PLR0915 - widgets
        super().__init__(parent)
        self.model = TestimonyListModel(worker, self)
        self.search_model = SearchResultsModel(self)
        self.search = SearchController(worker, self.search_model, self)
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.category = QComboBox()
        self.status = QComboBox()
        self.since = QLineEdit()
        self.until = QLineEdit()
        for edit in (self.since, self.until):
            edit.setPlaceholderText("YYYY-MM-DD")
            edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("0000-00-00") + 24)
        for combo in (self.category, self.status):
            combo.setMaximumWidth(280)  # long category names must not squeeze the date fields
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(Column.DATE, Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.results = QListView()
        self.results.setModel(self.search_model)
        self.results.setItemDelegate(SnippetDelegate(self.results))
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(False)
        self.views = QStackedWidget()
        self.views.addWidget(self.table)
        self.views.addWidget(self.results)
        self.count_label = QLabel()
        self.top = QHBoxLayout()
        self.top.addWidget(self.search_edit, 2)
        self.filters_row = QHBoxLayout()
        self.category_label = QLabel()
        self.category_label.setBuddy(self.category)
        self.status_label = QLabel()
        self.status_label.setBuddy(self.status)
        self.range_label = QLabel()
        self.range_label.setBuddy(self.since)
        for widget in (self.category_label, self.category, self.status_label, self.status, self.range_label,
                       self.since, QLabel("–"), self.until):
            self.filters_row.addWidget(widget)
        self.filters_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.top)
        layout.addLayout(self.filters_row)

        self.search_edit.textChanged.connect(self._query_changed)
        self.search.finished.connect(self._search_done)
        self.search.failed.connect(self.count_label.setText)
        self.model.loaded.connect(self._update_count)
        self.model.failed.connect(self.count_label.setText)
        self.category.activated.connect(self._filters_changed)
        self.status.activated.connect(self._filters_changed)
        self.since.editingFinished.connect(self._filters_changed)
        self.until.editingFinished.connect(self._filters_changed)
        self.table.selectionModel().currentRowChanged.connect(self._row_selected)
        self.table.activated.connect(self._row_activated)
        self.results.activated.connect(self._result_activated)
        self.results.clicked.connect(lambda index: self.record_selected.emit(index.data(RecordIdRole)))
        self.retranslate()

    def show_through(self, proxy: QAbstractProxyModel) -> None:
        """Show the list through ``proxy`` (over ``model``, row for row), e.g. to show device names for key ids."""
        proxy.setSourceModel(self.model)
        self.table.setModel(proxy)
        self.table.selectionModel().currentRowChanged.connect(self._row_selected)

    def add_filter(self, label: QLabel, widget: QWidget) -> None:
        """Another filter (a page's own), before the stretch at the end of the filter row."""
        label.setBuddy(widget)
        at = self.filters_row.count() - 1
        self.filters_row.insertWidget(at, label)
        self.filters_row.insertWidget(at + 1, widget)

    # ---- what is shown
    def _query_changed(self, text: str) -> None:
        self.search.set_query(text)
        if not text.strip():
            self.views.setCurrentWidget(self.table)
            self._update_count()

    def _search_done(self, total: int) -> None:
        if self.search.query():
            self.views.setCurrentWidget(self.results)
            self.count_label.setText(trn("{count} testimony matches.", "{count} testimonies match.", total, count=total))

    def _filters_changed(self) -> None:
        since = self.since.text().strip()
        until = self.until.text().strip()
        self.model.update_filters(category=self.category.currentData(), status=self.status.currentData(),
                                  since=since if _ISO.match(since) else None,
                                  until=until if _ISO.match(until) else None)

    def _update_count(self) -> None:
        if not self.search.query():
            self.count_label.setText(trn("{count} testimony.", "{count} testimonies.", self.model.total,
                                         count=self.model.total))

    def _row_selected(self, current: QModelIndex, previous: QModelIndex) -> None:
        self.record_selected.emit(self.model.record_id(current.row()) if current.isValid() else None)

    def _row_activated(self, index: QModelIndex) -> None:
        record_id = self.model.record_id(index.row())
        if record_id:
            self.record_activated.emit(record_id)

    def _result_activated(self, index: QModelIndex) -> None:
        record_id = index.data(RecordIdRole)
        if record_id:
            self.record_activated.emit(str(record_id))

    def clear_content(self) -> None:
        self.search.clear()
        self.search_edit.clear()
        self.model.clear()

    def retranslate(self) -> None:
        lang: vocabularies.Language = vocabulary_language()
        self.search_edit.setPlaceholderText(tr("Search names, places, narrative…"))
        self.search_edit.setAccessibleName(tr("Search testimonies"))
        self.category_label.setText(tr("C&ategory:"))
        self.status_label.setText(tr("&Status:"))
        self.range_label.setText(tr("Interview &dates:"))
        self.since.setAccessibleName(tr("Interviews from (YYYY-MM-DD)"))
        self.until.setAccessibleName(tr("Interviews until (YYYY-MM-DD)"))
        self.table.setAccessibleName(tr("Testimonies"))
        self.results.setAccessibleName(tr("Search results"))
        for combo, vocab in ((self.category, "victim_categories"), (self.status, "whereabouts_status")):
            current = combo.currentData()
            combo.clear()
            combo.addItem(tr("Any"), None)
            for entry in vocabularies.load(vocab).entries:
                data: object = int(entry.code) if vocab == "victim_categories" else entry.code
                combo.addItem(entry.label(lang), data)
            combo.setCurrentIndex(max(0, combo.findData(current)))
        self._update_count()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)  # the column titles too
