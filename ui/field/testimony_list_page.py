"""The interviewer's main page: search, filters, the testimony list, the detail pane, and the editor.

``InterviewerPages.install(window, worker)`` plugs the list ("testimonies") and the editor ("editor") into the main
window and adds the New testimony / Export / HQ key actions to its menu.
"""

from __future__ import annotations

import itertools
import re

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.common.db_worker import DbWorker, JobContext
from ui.common.main_window import MainWindow
from ui.common.shortcuts import ActionShortcutsWin
from ui.common.testimony_browser import TestimonyBrowser
from ui.common.testimony_detail import TestimonyDetail
from ui.common.testimony_list_model import default_hidden_columns
from ui.field.editor import TestimonyEditor
from ui.field.editor.editor_page import EditorPlace
from ui.field.export_dialog import ExportDialog
from ui.field.give_key_dialog import GiveKeyDialog
from ui.field.history_view import HistoryDialog
from ui.field.update_actions import FieldUpdateActions
from ui.i18n import tr, trn
from ui.i18n.retranslating import Retranslating
from ui.start.hq_pin_page import HqPinDialog

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class TestimonyListPage(Retranslating, QWidget):
    __test__ = False
    new_requested = Signal()
    open_requested = Signal(str)

    def __init__(self, worker: DbWorker, role: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        # Search, filters and the list are shared with HQ's "All testimonies" (ui/common/testimony_browser.py).
        self.browser = TestimonyBrowser(worker)
        b = self.browser
        self.model, self.search_model, self.search = b.model, b.search_model, b.search
        self.search_edit, self.category, self.status, self.since, self.until = (
            b.search_edit, b.category, b.status, b.since, b.until)
        self.table, self.results, self.views, self.count_label = b.table, b.results, b.views, b.count_label
        ActionShortcutsWin(self.search_edit)  # Ctrl+E exports even here (X11 would take it for "end of line")
        self.new_button = QPushButton()
        self.drafts_label = QLabel()
        self.drafts_button = QPushButton()
        self.drafts_label.hide()
        self.drafts_button.hide()
        self._drafts: list[str] = []
        for column in default_hidden_columns(role):
            self.table.setColumnHidden(column, True)
        self.detail = TestimonyDetail(worker)
        splitter = QSplitter()
        splitter.addWidget(self.views)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        b.top.addWidget(self.new_button)
        drafts = QHBoxLayout()
        drafts.addWidget(self.drafts_label, 1)
        drafts.addWidget(self.drafts_button)
        layout = QVBoxLayout(self)
        layout.addWidget(b)
        layout.addLayout(drafts)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count_label)
        # Keyboard order: search → new → filters → list → detail buttons.
        order = [self.search_edit, self.new_button, self.category, self.status, self.since, self.until,
                 self.drafts_button, self.table, self.results, self.detail.edit_button, self.detail.history_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

        self.new_button.clicked.connect(self.new_requested)
        self.drafts_button.clicked.connect(self._open_draft)
        b.record_selected.connect(self.detail.show_record)
        b.record_activated.connect(self.open_requested)
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

    def clear_content(self) -> None:
        self.browser.clear_content()
        self.detail.clear_content()
        self._drafts = []

    def retranslate(self) -> None:
        self.new_button.setText(tr("&New testimony"))
        # Drafts exist after a crash and after a lock alike: the line says what they are, not where they came from.
        self.drafts_label.setText(trn("{count} unsaved draft: changes autosaved but not yet saved as a revision.",
                                      "{count} unsaved drafts: changes autosaved but not yet saved as a revision.",
                                      len(self._drafts), count=len(self._drafts)))
        self.drafts_button.setText(tr("&Open draft"))



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
        self.updates = FieldUpdateActions(window, worker, role, self.after_removal,
                                          before_purge=self.editor.autosave.flush)
        self.give_key_action = QAction(window)
        self.give_key_action.triggered.connect(self.open_give_key)
        self.give_key_action.setEnabled(role == "field")
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
        self.menu.addAction(self.give_key_action)
        self.menu.addSeparator()
        self.updates.add_to(self.menu)
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
        self.updates.retranslate()
        self.give_key_action.setText(tr("&Give HQ this laptop's key…"))

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
        dialog.finished.connect(lambda _: self.updates.policy.refresh())  # an export clears the reminder
        self.dialog = dialog
        dialog.open()

    def open_give_key(self) -> None:
        dialog = GiveKeyDialog(self.worker, self.window)
        self.dialog = dialog
        dialog.open()

    def open_pin(self) -> None:
        dialog = HqPinDialog(self.worker, self.window)
        self.dialog = dialog
        dialog.open()

    def after_removal(self) -> None:
        """After a purge or an update import (which may have purged): as on lock, every model and view that may hold
        a purged testimony's text is emptied and reloaded from the vault; an editor showing a purged testimony is
        emptied without writing its draft (the core refuses to store a purged id anyway)."""
        self.list_page.clear_content()
        self.list_page.refresh()
        record_id = self.editor.record_id
        if record_id is None:
            return

        def gone(ctx: JobContext) -> bool:
            row = ctx.vault.conn.execute("SELECT 1 FROM purged_revisions WHERE record_id = ? LIMIT 1",
                                         (record_id,)).fetchone()
            return row is not None

        def emptied(purged: object) -> None:
            if purged and self.editor.record_id == record_id:
                self.editor.discard_content()
                self.show_list()

        self.worker.submit(gone, on_done=emptied)

    def capture(self) -> tuple[EditorPlace | None, list[str]]:
        """Before a lock: where the editor is (None on the list), and the titles of dialogs the lock will close."""
        place = self.editor.place() if self.window.pages.currentWidget() is self.editor else None
        lost = [self.dialog.windowTitle()] if self.dialog is not None and self.dialog.isVisible() else []
        return place, lost

    def resume(self, place: EditorPlace) -> None:
        """After an unlock: the same testimony, tab, field and cursor (the draft written on lock holds the text)."""
        self.editor.open_record(place.record_id, place)
        self.window.show_page("editor")

    def clear_content(self) -> None:
        """On lock: drafts are flushed, every model and view emptied, dialogs closed."""
        self.editor.clear_content()
        self.list_page.clear_content()
        self.updates.clear_content()
        if self.dialog is not None:
            reject = getattr(self.dialog, "reject", None)
            if callable(reject):
                reject()
            self.dialog = None
