"""HQ: testimonies edited concurrently on two machines, side by side, and the coordinator's decision.

The queue lists every record with several heads. Selecting one shows its versions in columns in the shared comparison
(``ui/common/revision_diff.py``): one row per field by its form label, codes as labels, dates as understood, the
fields that differ highlighted. The coordinator keeps
one version, or edits a merged version as JSON, checked against the interchange format before it can be saved. Either
way the decision is a merge revision whose parents are all the heads: itself in the history and the audit log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from intake_app.display import clean_text
from intake_app.errors import UsageError
from intake_app.records import conflicts, interchange
from intake_app.records.conflicts import ConflictSide
from intake_app.records.interchange import InterchangeError
from ui.common.db_worker import DbWorker, JobContext
from ui.common.disposal import discard
from ui.common.fonts import monospace_font
from ui.common.page_heading import heading_label
from ui.common.refusal_reasons import translate_reason
from ui.common.revision_diff import RevisionDiffView
from ui.i18n import tr, trn
from ui.i18n.retranslating import Retranslating

MAX_MERGED = 4 << 20  # the editor refuses more than an interchange document may hold


@dataclass(frozen=True)
class ConflictView:
    record_id: str
    sides: list[ConflictSide]
    device_names: dict[str, str]


def load_queue(ctx: JobContext) -> list[dict[str, Any]]:
    return conflicts.list_conflicts(ctx.vault)


def load_conflict(ctx: JobContext, record_id: str) -> ConflictView:
    names = {d.key_id: d.name for d in ctx.keyring.devices()}
    return ConflictView(record_id, conflicts.show_conflict(ctx.vault, record_id), names)


class MergeDialog(QDialog):
    """Edit a merged version as interchange JSON; Save is possible only after it validates."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.editor = QPlainTextEdit()
        self.editor.setFont(monospace_font(11))
        self.editor.setPlainText(text)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.check_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.check_button.clicked.connect(self.validate)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        self.editor.textChanged.connect(lambda: self.save_button.setEnabled(False))
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.verdict)
        layout.addWidget(self.buttons)
        self.resize(760, 560)
        self.retranslate()
        self.validate()

    def merged_bytes(self) -> bytes:
        return self.editor.toPlainText().encode("utf-8")

    def validate(self) -> bool:
        """Check the text against the interchange format; say where it is wrong."""
        data = self.merged_bytes()
        try:
            if len(data) > MAX_MERGED:
                raise UsageError("the merged version is too large")
            interchange.parse_testimony(data)
        except InterchangeError as exc:
            self.verdict.setText(tr("Not valid at {path}: {problem}", path=exc.path or tr("(whole record)"),
                                    problem=exc.problem))
            self.verdict.setStyleSheet("color: #b00020;")
            self.save_button.setEnabled(False)
            return False
        except UsageError as exc:
            self.verdict.setText(str(exc))
            self.verdict.setStyleSheet("color: #b00020;")
            self.save_button.setEnabled(False)
            return False
        self.verdict.setText(tr("The merged version is valid."))
        self.verdict.setStyleSheet("color: #1b6e20;")
        self.save_button.setEnabled(True)
        return True

    def _accept_if_valid(self) -> None:
        if self.validate():
            self.accept()

    def clear(self) -> None:
        self.editor.clear()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Merged version"))
        self.explain.setText(tr("Edit the testimony into the version that should stand, in the interchange format "
                                "(JSON). Check it, then save: the saved version becomes the testimony's next "
                                "revision, with both conflicting versions as its parents."))
        self.check_button.setText(tr("C&heck"))
        self.save_button.setText(tr("&Save merged version"))
        self.cancel_button.setText(tr("Cancel"))


class ConflictsPage(Retranslating, QWidget):
    """The conflict queue and the side-by-side view. ``resolved`` after each decision."""

    resolved = Signal()
    loaded = Signal()

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.queue: list[dict[str, Any]] = []
        self.view: ConflictView | None = None
        self.merge_dialog: MergeDialog | None = None
        self.keep_buttons: list[QPushButton] = []
        self.heading = heading_label()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.queue_list = QListWidget()
        self.queue_list.currentRowChanged.connect(self._select)
        # The same comparison as the interviewer's history: form labels, vocabulary labels, dates as understood.
        self.comparison = RevisionDiffView()
        self.empty_label = QLabel()
        self.keep_row = QHBoxLayout()
        self.merge_button = QPushButton()
        self.merge_button.clicked.connect(self.start_merge)
        self.message = QLabel()
        self.message.setWordWrap(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.comparison, 1)
        decision = QHBoxLayout()
        decision.addLayout(self.keep_row)
        decision.addStretch(1)
        decision.addWidget(self.merge_button)
        right_layout.addLayout(decision)
        self.splitter = splitter = QSplitter()
        splitter.addWidget(self.queue_list)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([220, 680])
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        # Takes the splitter's room when it is hidden, so the labels stay together at the top instead of being
        # spread over the page once the last conflict is resolved.
        self.filler = QWidget()
        layout.addWidget(self.filler, 1)
        self.retranslate()

    # ---- queue
    def refresh(self) -> None:
        self.worker.submit(load_queue, self._show_queue, self._show_error)

    def _show_queue(self, queue: list[dict[str, Any]]) -> None:
        keep = self.view.record_id if self.view is not None else None
        self.queue = queue
        self.queue_list.blockSignals(True)
        self.queue_list.clear()
        for item in queue:
            self.queue_list.addItem(QListWidgetItem(self._queue_text(item)))
        self.queue_list.blockSignals(False)
        ids = [item["id"] for item in queue]
        self._update_empty()
        if keep in ids:
            self.queue_list.setCurrentRow(ids.index(keep))
        elif ids:
            self.queue_list.setCurrentRow(0)
        else:
            self._clear_view()
            self.loaded.emit()

    def _queue_text(self, item: dict[str, Any]) -> str:
        summary = item.get("summary") or {}
        victims = ", ".join(v or tr("(unnamed)") for v in summary.get("victims") or [])
        text = tr("{date} · {interviewee} · {victims} ({heads} versions)",
                  date=summary.get("interview_date") or "?", interviewee=summary.get("interviewee") or "—",
                  victims=victims or "—", heads=item.get("heads", 2))
        if item.get("from_another_device"):
            text += " · " + tr("{count} from another device", count=item["from_another_device"])
        if item.get("disputed"):
            text += " · " + tr("two devices each recorded it first")
        return clean_text(text)

    def _update_empty(self) -> None:
        self.empty_label.setText(tr("No conflicts: every testimony has one current version.") if not self.queue
                                 else trn("{count} testimony needs a decision.", "{count} testimonies need a decision.",
                                          len(self.queue), count=len(self.queue)))
        # With nothing to decide there is nothing to compare: no empty queue, no table with a bare "1" header.
        self.splitter.setVisible(bool(self.queue))
        self.filler.setVisible(not self.queue)

    # ---- one conflict
    def _select(self, row: int) -> None:
        if 0 <= row < len(self.queue):
            self.worker.submit(partial(load_conflict, record_id=self.queue[row]["id"]), self._show_view,
                               self._show_error)

    def _show_view(self, view: ConflictView) -> None:
        self.view = view
        self._fill_table()
        self.loaded.emit()

    def _side_title(self, index: int, side: ConflictSide) -> str:
        device = self.view.device_names.get(side.device, side.device) if self.view else side.device
        title = tr("Version {n}: {device}, {when}", n=index + 1, device=clean_text(device),
                   when=clean_text(side.created_at[:16].replace("T", " ")))
        if side.from_another_device:
            # Not the device that first recorded the testimony: this version waits for the coordinator.
            title += "\n" + tr("from another device")
        elif side.current:
            title += "\n" + tr("shown now")
        return title

    def diff_paths(self) -> set[str]:
        """Every field path where the versions differ."""
        return {row.leaf.path for row in self.comparison.model.rows if row.changed}

    def _fill_table(self) -> None:
        view = self.view
        self._clear_keep_buttons()
        if view is None:
            self.comparison.clear()
            return
        # Header lines, not one long line: "Version 1:", device, time (a header does not wrap by itself).
        titles = [self._side_title(i, s).replace(": ", ":\n", 1).replace(", ", "\n")
                  + ("\n" + tr("(deleted)") if s.tombstone else "") for i, s in enumerate(view.sides)]
        self.comparison.set_versions(titles, [s.content for s in view.sides])
        for i, head in enumerate(view.sides):
            button = QPushButton(tr("Keep version {n}", n=i + 1))
            button.clicked.connect(partial(self.keep, head.revision))
            self.keep_row.addWidget(button)
            self.keep_buttons.append(button)
        self.merge_button.setEnabled(any(s.content is not None for s in view.sides))

    def _clear_keep_buttons(self) -> None:
        for button in self.keep_buttons:
            self.keep_row.removeWidget(button)
            discard(button)
        self.keep_buttons = []

    def _clear_view(self) -> None:
        self.view = None
        self._clear_keep_buttons()
        self.comparison.clear()
        self.merge_button.setEnabled(False)

    # ---- decisions
    def keep(self, revision: str) -> None:
        """Resolve the shown conflict by keeping the version ``revision``."""
        if self.view is None:
            return
        record_id = self.view.record_id
        self.worker.submit(lambda ctx: conflicts.resolve(ctx.vault, record_id, take=revision), self._resolved,
                           self._show_error)

    def start_merge(self) -> None:
        if self.view is None:
            return
        base = next(s.content for s in self.view.sides if s.content is not None)
        self.merge_dialog = MergeDialog(json.dumps(base, ensure_ascii=False, indent=2), self)
        self.merge_dialog.accepted.connect(self._merge_accepted)
        self.merge_dialog.open()

    def _merge_accepted(self) -> None:
        dialog, view = self.merge_dialog, self.view
        if dialog is None or view is None:
            return
        merged, record_id = dialog.merged_bytes(), view.record_id
        dialog.clear()
        self.worker.submit(lambda ctx: conflicts.resolve(ctx.vault, record_id, merged=merged), self._resolved,
                           self._show_error)

    def _resolved(self, _revision: object) -> None:
        self.message.setText(tr("Decision saved as a new revision."))
        self.view = None
        self.resolved.emit()
        self.refresh()

    def _show_error(self, exc: BaseException) -> None:
        self.message.setText(translate_reason(str(exc)))

    # ---- look
    def clear_content(self) -> None:
        if self.merge_dialog is not None:
            self.merge_dialog.clear()
            self.merge_dialog.reject()
        self.queue = []
        self.queue_list.clear()
        self._clear_view()
        self.message.clear()

    def retranslate(self) -> None:
        self.heading.setText(tr("Conflicts"))
        self.intro.setText(tr("Testimonies edited on two machines at once. Nothing was overwritten: compare the "
                              "versions (differences are highlighted), then keep one or save a merged version."))
        self.merge_button.setText(tr("Edit a &merged version…"))
        for row, item in enumerate(self.queue):
            list_item = self.queue_list.item(row)
            if list_item is not None:
                list_item.setText(self._queue_text(item))
        self._update_empty()
        self.comparison.retranslate()
        self._fill_table()
