"""The history of one testimony: every revision (when, which device), and what the testimony said at each."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget, QPlainTextEdit, QSplitter, QVBoxLayout, QWidget

from intake_app.display import clean_text
from intake_app.records.store import HistoryEntry
from ui.common.db_worker import DbWorker
from ui.i18n import tr


class HistoryDialog(QDialog):
    def __init__(self, worker: DbWorker, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.setWindowTitle(tr("History"))
        self.resize(760, 480)
        self.entries: list[HistoryEntry] = []
        self.list = QListWidget()
        self.list.setAccessibleName(tr("Revisions"))
        self.content = QPlainTextEdit()
        self.content.setReadOnly(True)
        self.content.setAccessibleName(tr("Revision content"))
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(self.content)
        splitter.setStretchFactor(1, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show_revision)
        worker.submit(lambda ctx: ctx.records.history(record_id), on_done=self._loaded)

    def _loaded(self, result: object) -> None:
        assert isinstance(result, list)
        self.entries = result
        for entry in self.entries:
            marks = []
            if entry.is_current:
                marks.append(tr("current"))
            if entry.tombstone:
                marks.append(tr("deleted"))
            when = entry.created_at[:19].replace("T", " ")
            self.list.addItem(tr("{time} · device {device} {marks}", time=when, device=entry.device[:8],
                                 marks=" ".join(marks)).strip())
        if self.entries:
            self.list.setCurrentRow(len(self.entries) - 1)

    def _show_revision(self, row: int) -> None:
        if not 0 <= row < len(self.entries):
            return
        revision = self.entries[row].revision
        self._worker.submit(lambda ctx: ctx.records.revision_content(revision), on_done=self._content)

    def _content(self, result: object) -> None:
        if result is None:
            self.content.setPlainText(tr("(deleted)"))
        else:
            text = json.dumps(result, ensure_ascii=False, indent=2)
            self.content.setPlainText(clean_text(text, keep_newlines=True))
