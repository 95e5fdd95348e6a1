"""The history of one testimony: every revision (when, which device, which interviewer), and what each one changed.

Choosing a revision compares it with the revision it was made from (its first parent) in the shared comparison
(``ui/common/revision_diff.py``): form labels, vocabulary labels, dates as understood, changed fields highlighted.
All revisions are read in one job on the worker, so moving through the list needs no further database work.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QSplitter, QVBoxLayout, QWidget

from intake_app.display import clean_text
from intake_app.records.store import HistoryEntry
from ui.common.db_worker import DbWorker, JobContext
from ui.common.revision_diff import RevisionDiffView
from ui.i18n import tr


@dataclasses.dataclass(frozen=True)
class History:
    entries: list[HistoryEntry]
    contents: dict[str, dict[str, Any] | None]
    this_device: str


def load_history(ctx: JobContext, record_id: str) -> History:
    entries = ctx.records.history(record_id)
    contents = {e.revision: ctx.records.revision_content(e.revision) for e in entries}
    return History(entries, contents, ctx.records.device)


class HistoryDialog(QDialog):
    def __init__(self, worker: DbWorker, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.setWindowTitle(tr("History"))
        self.resize(1100, 600)
        self.history: History | None = None
        self.entries: list[HistoryEntry] = []
        self.list = QListWidget()
        self.list.setAccessibleName(tr("Revisions"))
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.diff = RevisionDiffView()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.caption)
        right_layout.addWidget(self.diff, 1)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([330, 770])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show_revision)
        worker.submit(lambda ctx: load_history(ctx, record_id), on_done=self._loaded)

    def who(self, entry: HistoryEntry) -> str:
        """Which device made a revision ("this laptop" or its key id) and the interviewer the revision names."""
        assert self.history is not None
        device = tr("this laptop") if entry.device == self.history.this_device else tr(
            "device {device}", device=clean_text(entry.device[:8]))
        content = self.history.contents.get(entry.revision) or {}
        interviewer = (content.get("interview") or {}).get("interviewer")
        if interviewer:
            return tr("{device}, interviewer {interviewer}", device=device, interviewer=clean_text(str(interviewer)))
        return device

    def _loaded(self, result: object) -> None:
        assert isinstance(result, History)
        self.history = result
        self.entries = result.entries
        for entry in self.entries:
            marks = []
            if entry.is_current:
                marks.append(tr("current"))
            if entry.tombstone:
                marks.append(tr("deleted"))
            self.list.addItem(f"{_when(entry)} · {self.who(entry)} {' '.join(marks)}".strip())
        if self.entries:
            self.list.setCurrentRow(len(self.entries) - 1)

    def _previous(self, row: int) -> HistoryEntry | None:
        entry = self.entries[row]
        by_id = {e.revision: e for e in self.entries}
        for parent in entry.parents:
            if parent in by_id:
                return by_id[parent]
        return None

    def _show_revision(self, row: int) -> None:
        if self.history is None or not 0 <= row < len(self.entries):
            return
        entry = self.entries[row]
        before = self._previous(row)
        after_title = "\n".join((tr("This revision"), _when(entry), self.who(entry)))
        if before is None:
            self.caption.setText(tr("The first revision: everything in it is new."))
            self.diff.set_versions([after_title], [self.history.contents.get(entry.revision)])
            return
        self.caption.setText(tr("What this revision changed, compared with the one it was made from."))
        before_title = "\n".join((tr("Before"), _when(before), self.who(before)))
        self.diff.set_versions([before_title, after_title],
                               [self.history.contents.get(before.revision), self.history.contents.get(entry.revision)])


def _when(entry: HistoryEntry) -> str:
    return clean_text(entry.created_at[:19].replace("T", " "))
