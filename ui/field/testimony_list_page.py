"""The interviewer's main page: search, filters, the testimony list, the detail pane, and the editor.

``InterviewerPages.install(window, worker)`` plugs the list ("testimonies") and the editor ("editor") into the main
window and adds the New testimony / Export / HQ key actions to its menu.
"""

from __future__ import annotations

import itertools
import re

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intake_app.records import vocabularies
from ui.common.db_worker import DbWorker
from ui.common.main_window import MainWindow
from ui.common.search_results import RecordIdRole, SearchController, SearchResultsModel, SnippetDelegate
from ui.common.shortcuts import ActionShortcutsWin
from ui.common.testimony_detail import TestimonyDetail
from ui.common.testimony_list_model import Column, TestimonyListModel, default_hidden_columns
from ui.field.editor import TestimonyEditor
from ui.field.export_dialog import ExportDialog
from ui.field.history_view import HistoryDialog
from ui.i18n import current_language, tr, trn
from ui.start.hq_pin_page import HqPinDialog

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class TestimonyListPage(QWidget):
    __test__ = False
    new_requested = Signal()
    open_requested = Signal(str)

    def __init__(self, worker: DbWorker, role: str,  # noqa: PLR0915 - widget assembly
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.model = TestimonyListModel(worker, self)
        self.search_model = SearchResultsModel(self)
        self.search = SearchController(worker, self.search_model, self)
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        ActionShortcutsWin(self.search_edit)  # Ctrl+E exports even here (X11 would take it for "end of line")
        self.category = QComboBox()
        self.status = QComboBox()
        self.since = QLineEdit()
        self.until = QLineEdit()
        for edit in (self.since, self.until):
            edit.setPlaceholderText("YYYY-MM-DD")
            edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("0000-00-00") + 24)
        for combo in (self.category, self.status):
            combo.setMaximumWidth(280)  # long category names must not squeeze the date fields
        self.new_button = QPushButton()
        self.drafts_label = QLabel()
        self.drafts_button = QPushButton()
        self.drafts_label.hide()
        self.drafts_button.hide()
        self._drafts: list[str] = []
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
        for column in default_hidden_columns(role):
            self.table.setColumnHidden(column, True)
        self.results = QListView()
        self.results.setModel(self.search_model)
        self.results.setItemDelegate(SnippetDelegate(self.results))
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(False)
        self.views = QStackedWidget()
        self.views.addWidget(self.table)
        self.views.addWidget(self.results)
        self.detail = TestimonyDetail(worker)
        self.count_label = QLabel()
        splitter = QSplitter()
        splitter.addWidget(self.views)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 2)
        top.addWidget(self.new_button)
        filters = QHBoxLayout()
        self.category_label = QLabel()
        self.category_label.setBuddy(self.category)
        self.status_label = QLabel()
        self.status_label.setBuddy(self.status)
        self.range_label = QLabel()
        self.range_label.setBuddy(self.since)
        for widget in (self.category_label, self.category, self.status_label, self.status, self.range_label,
                       self.since, QLabel("–"), self.until):
            filters.addWidget(widget)
        filters.addStretch(1)
        drafts = QHBoxLayout()
        drafts.addWidget(self.drafts_label, 1)
        drafts.addWidget(self.drafts_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addLayout(drafts)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count_label)
        # Keyboard order: search → new → filters → list → detail buttons.
        order = [self.search_edit, self.new_button, self.category, self.status, self.since, self.until,
                 self.drafts_button, self.table, self.results, self.detail.edit_button, self.detail.history_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

        self.search_edit.textChanged.connect(self._query_changed)
        self.search.finished.connect(self._search_done)
        self.search.failed.connect(self.count_label.setText)
        self.model.loaded.connect(self._update_count)
        self.model.failed.connect(self.count_label.setText)
        self.category.activated.connect(self._filters_changed)
        self.status.activated.connect(self._filters_changed)
        self.since.editingFinished.connect(self._filters_changed)
        self.until.editingFinished.connect(self._filters_changed)
        self.new_button.clicked.connect(self.new_requested)
        self.drafts_button.clicked.connect(self._open_draft)
        self.table.selectionModel().currentRowChanged.connect(self._row_selected)
        self.table.activated.connect(self._row_activated)
        self.results.activated.connect(self._result_activated)
        self.results.clicked.connect(lambda index: self.detail.show_record(index.data(RecordIdRole)))
        self.detail.edit_requested.connect(self.open_requested)
        self.retranslate()

    def refresh(self) -> None:
        """Reload the list and look for unsaved drafts (e.g. after a crash)."""
        self.model.refresh()
        self._worker.submit(lambda ctx: [record_id for record_id, _, _, _ in ctx.records.drafts()],
                            on_done=self._drafts_found)

    def _drafts_found(self, result: object) -> None:
        assert isinstance(result, list)
        self._drafts = result
        self.drafts_label.setVisible(bool(result))
        self.drafts_button.setVisible(bool(result))
        self.retranslate()

    def _open_draft(self) -> None:
        if self._drafts:
            self.open_requested.emit(self._drafts[0])

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
        self.detail.show_record(self.model.record_id(current.row()) if current.isValid() else None)

    def _row_activated(self, index: QModelIndex) -> None:
        record_id = self.model.record_id(index.row())
        if record_id:
            self.open_requested.emit(record_id)

    def _result_activated(self, index: QModelIndex) -> None:
        record_id = index.data(RecordIdRole)
        if record_id:
            self.open_requested.emit(str(record_id))

    def clear_content(self) -> None:
        self.search.clear()
        self.search_edit.clear()
        self.model.clear()
        self.detail.clear_content()
        self._drafts = []

    def retranslate(self) -> None:
        lang: vocabularies.Language = "ko" if current_language() == "ko" else "en"
        self.search_edit.setPlaceholderText(tr("Search names, places, narrative…"))
        self.search_edit.setAccessibleName(tr("Search testimonies"))
        self.new_button.setText(tr("&New testimony"))
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
        self.drafts_label.setText(trn("{count} unsaved draft was found (autosaved before the app closed).",
                                      "{count} unsaved drafts were found (autosaved before the app closed).",
                                      len(self._drafts), count=len(self._drafts)))
        self.drafts_button.setText(tr("&Open draft"))
        self._update_count()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        super().changeEvent(event)


class InterviewerPages:
    """The list and editor pages of one unlocked session, and the menu actions that reach them."""

    def __init__(self, window: MainWindow, worker: DbWorker, role: str) -> None:
        self.window = window
        self.worker = worker
        self.list_page = TestimonyListPage(worker, role)
        self.editor = TestimonyEditor(worker)
        self.list_page.new_requested.connect(self.new_testimony)
        self.list_page.open_requested.connect(self.open_testimony)
        self.list_page.detail.history_requested.connect(self.show_history)
        self.editor.closed.connect(self.show_list)
        self.editor.saved.connect(lambda _: self.list_page.refresh())
        self.dialog: QWidget | None = None
        self.new_action = QAction(window)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_action.triggered.connect(self.new_testimony)
        self.export_action = QAction(window)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.open_export)
        self.export_action.setEnabled(role == "field")
        self.pin_action = QAction(window)
        self.pin_action.triggered.connect(self.open_pin)
        self.pin_action.setEnabled(role == "field")
        self.menu = QMenu(window)

    def install(self) -> None:
        """Add the pages and the Testimonies menu to the main window."""
        window = self.window
        window.add_page("testimonies-list", self.list_page)
        window.add_page("editor", self.editor)
        window.show_page("testimonies-list")
        self.menu.addAction(self.new_action)
        self.menu.addAction(self.export_action)
        self.menu.addSeparator()
        self.menu.addAction(self.pin_action)
        window.menuBar().addMenu(self.menu)
        toolbar = window.toolbar
        toolbar.addAction(self.new_action)
        toolbar.addAction(self.export_action)
        self.retranslate()
        self.list_page.refresh()

    def retranslate(self) -> None:
        self.menu.setTitle(tr("&Testimonies"))
        self.new_action.setText(tr("&New testimony"))
        self.export_action.setText(tr("E&xport bundle…"))
        self.pin_action.setText(tr("Add &headquarters key…"))

    def show_list(self) -> None:
        self.window.show_page("testimonies-list")
        self.list_page.refresh()
        self.list_page.table.setFocus()

    def new_testimony(self) -> None:
        self.editor.new_testimony()
        self.window.show_page("editor")

    def open_testimony(self, record_id: str) -> None:
        self.editor.open_record(record_id)
        self.window.show_page("editor")

    def show_history(self, record_id: str) -> None:
        dialog = HistoryDialog(self.worker, record_id, self.window)
        self.dialog = dialog
        dialog.open()

    def open_export(self) -> None:
        self.editor.autosave.flush()
        dialog = ExportDialog(self.worker, self.window)
        self.dialog = dialog
        dialog.open()

    def open_pin(self) -> None:
        dialog = HqPinDialog(self.worker, self.window)
        self.dialog = dialog
        dialog.open()

    def clear_content(self) -> None:
        """On lock: drafts are flushed, every model and view emptied, dialogs closed."""
        self.editor.clear_content()
        self.list_page.clear_content()
        if self.dialog is not None:
            reject = getattr(self.dialog, "reject", None)
            if callable(reject):
                reject()
            self.dialog = None
