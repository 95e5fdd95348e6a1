"""The interviewer's menu actions for what comes back from headquarters: import an update, remove what HQ received.

``InterviewerPages`` creates one ``FieldUpdateActions`` and adds its actions to the Testimonies menu; after an import
(which may have purged, when the setting says so) or a removal the testimony list is refreshed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMainWindow, QMenu

from ui.common.db_worker import DbWorker
from ui.field.policy_banner import PolicyWatcher
from ui.field.purge_dialog import PurgeDialog
from ui.field.update_dialog import UpdateImportDialog
from ui.i18n import tr


class FieldUpdateActions:
    def __init__(self, window: QMainWindow, worker: DbWorker, role: str, refresh: Callable[[], None],
                 before_purge: Callable[[], None] | None = None) -> None:
        self.window = window
        self.worker = worker
        self.refresh = refresh
        # Called before anything may be purged: the editor writes its draft, so an edit still being typed keeps its
        # testimony (a draft blocks the purge).
        self.before_purge = before_purge or (lambda: None)
        self.policy = PolicyWatcher(window, worker)
        self.dialog: QDialog | None = None
        self.import_action = QAction(window)
        self.import_action.triggered.connect(self.open_import)
        self.purge_action = QAction(window)
        self.purge_action.triggered.connect(self.open_purge)
        for action in (self.import_action, self.purge_action):
            action.setEnabled(role == "field")

    def add_to(self, menu: QMenu) -> None:
        menu.addAction(self.import_action)
        menu.addAction(self.purge_action)
        self.retranslate()
        self.policy.refresh()

    def retranslate(self) -> None:
        self.import_action.setText(tr("&Import update from headquarters…"))
        self.purge_action.setText(tr("&Remove what headquarters has received…"))
        self.policy.retranslate()

    def open_import(self) -> UpdateImportDialog:
        self.before_purge()  # the import may purge (auto-purge setting)
        dialog = UpdateImportDialog(self.worker, self.window)
        dialog.imported.connect(self._imported)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _imported(self, _result: object) -> None:
        self.refresh()
        self.policy.refresh()  # the update may have brought a new policy

    def open_purge(self) -> PurgeDialog:
        self.before_purge()
        dialog = PurgeDialog(self.worker, self.window)
        dialog.purged.connect(lambda _: self.refresh())
        self.dialog = dialog
        dialog.open()
        return dialog

    def clear_content(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog = None
