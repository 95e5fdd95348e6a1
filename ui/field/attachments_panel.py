"""The attachments of the open testimony: list, add (streamed into encrypted storage with a progress bar), view.

Adding runs on the DB worker (the blob is written and linked in the vault's database); the progress bar shows the
bytes copied and Cancel stops the copy (the partial blob is removed by the core).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_app.display import clean_text
from intake_app.records.attachments import AttachmentInfo
from ui.common.db_worker import DbWorker, Job, JobContext
from ui.field.attachments_viewer import AttachmentViewer
from ui.field.recorder_dialog import RecorderDialog
from ui.i18n import tr


def _size_text(size: int) -> str:
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"


class AttachmentsPanel(QWidget):
    recorder_closed = Signal()  # a recording may have been stored: the narrative tab refreshes its markers

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.record_id: str | None = None
        self._job: Job | None = None
        self.infos: list[AttachmentInfo] = []
        self.viewer: AttachmentViewer | None = None
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.list = QListWidget()
        self.add_button = QPushButton()
        self.record_button = QPushButton()  # issue 18: the recorder (ui/field/recorder_dialog.py)
        self.recorder: QWidget | None = None
        self.view_button = QPushButton()
        self.cancel_button = QPushButton()
        self.progress = QProgressBar()
        self.progress.hide()
        self.cancel_button.hide()
        self.status = QLabel()
        buttons = QHBoxLayout()
        for widget in (self.add_button, self.record_button, self.view_button, self.progress, self.cancel_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.add_button.clicked.connect(self.choose_file)
        self.record_button.clicked.connect(self.open_recorder)
        self.view_button.clicked.connect(self.view_selected)
        self.cancel_button.clicked.connect(self.cancel)
        self.list.itemActivated.connect(lambda _: self.view_selected())
        self.retranslate()
        self.set_record(None)

    def set_record(self, record_id: str | None) -> None:
        self.record_id = record_id
        self.list.clear()
        self.infos = []
        self.add_button.setEnabled(record_id is not None)
        self.record_button.setEnabled(record_id is not None)
        self.view_button.setEnabled(False)
        self.retranslate()
        if record_id is not None:
            self._worker.submit(lambda ctx: ctx.attachments.list_for(record_id), on_done=self._listed)

    def _listed(self, result: object) -> None:
        assert isinstance(result, list)
        self.infos = result
        self.list.clear()
        for info in self.infos:
            name, media_type = clean_text(info.original_name), clean_text(info.media_type)
            item = QListWidgetItem(f"{name} — {media_type}, {_size_text(info.size)}")
            self.list.addItem(item)
        self.view_button.setEnabled(bool(self.infos))
        if self.infos:
            self.list.setCurrentRow(0)

    def choose_file(self) -> None:
        # Qt's own dialog, not the platform's: no recent-file lists are recorded anywhere.
        path, _ = QFileDialog.getOpenFileName(self, tr("Attach a file"), "", "",
                                              options=QFileDialog.Option.DontUseNativeDialog)
        if path:
            self.attach(Path(path))

    def attach(self, path: Path) -> Job | None:
        """Stream ``path`` into the vault on the worker, with progress; returns the job (for tests)."""
        record_id = self.record_id
        if record_id is None:
            return None
        try:
            total = path.stat().st_size
        except OSError:
            total = 0
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.add_button.setEnabled(False)
        self.status.setText(tr("Adding the file…"))

        def job(ctx: JobContext) -> AttachmentInfo:
            return ctx.attachments.attach_file(record_id, path, progress=lambda done: ctx.progress(done, total),
                                               cancel=ctx.cancelled)

        self._job = self._worker.submit(job, on_done=self._attached, on_error=self._attach_failed,
                                        on_progress=self._progressed)
        return self._job

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setValue(min(1000, done * 1000 // total))

    def _finish(self) -> None:
        self._job = None
        self.progress.hide()
        self.cancel_button.hide()
        self.add_button.setEnabled(self.record_id is not None)

    def _attached(self, result: object) -> None:
        self._finish()
        self.progress.setValue(1000)
        self.status.setText(tr("The file was added, encrypted."))
        self.set_record(self.record_id)

    def _attach_failed(self, exc: BaseException) -> None:
        self._finish()
        self.status.setText(tr("The file was not added: {detail}", detail=str(exc)))

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
        self._finish()
        self.status.setText(tr("Adding the file was cancelled."))

    def view_selected(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.infos):
            return
        info = self.infos[row]
        self._worker.submit(lambda ctx: ctx.attachments.open(info.sha256),
                            on_done=lambda reader: self._show_viewer(reader, info),
                            on_error=lambda exc: self.status.setText(
                                tr("The file cannot be opened: {detail}", detail=str(exc))))

    def _show_viewer(self, reader: object, info: AttachmentInfo) -> None:
        # The reader decrypts lazily from its own file handle; it does not touch the database.
        self.viewer = AttachmentViewer(reader, info.original_name, info.media_type, self)  # type: ignore[arg-type]
        self.viewer.open()

    def open_recorder(self) -> None:
        if self.record_id is None:
            return
        recorder = RecorderDialog(self._worker, self.record_id, self)
        recorder.finished.connect(lambda _: (self.set_record(self.record_id), self.recorder_closed.emit()))
        self.recorder = recorder
        recorder.open()

    def clear_content(self) -> None:
        if self.recorder is not None:  # stops a recording in progress; what was recorded is kept
            self.recorder.close()
            self.recorder = None
        if self.viewer is not None:
            self.viewer.reject()
            self.viewer = None
        self.set_record(None)
        self.status.clear()

    def retranslate(self) -> None:
        self.add_button.setText(tr("&Add file…"))
        self.record_button.setText(tr("Record &audio…"))
        self.view_button.setText(tr("&Open"))
        self.cancel_button.setText(tr("Cancel"))
        self.list.setAccessibleName(tr("Attachments"))
        self.progress.setAccessibleName(tr("Progress"))
        self.note.setText(tr("Scans, photos and recordings are stored encrypted in the vault.")
                          if self.record_id is not None else
                          tr("Save the testimony once before adding files."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
