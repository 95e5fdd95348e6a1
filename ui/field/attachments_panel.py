"""The attachments of the open testimony: list, add (streamed into encrypted storage with a progress bar), view.

Adding runs on the DB worker (the blob is written and linked in the vault's database); the progress bar shows the
bytes copied and Cancel stops the copy (the partial blob is removed by the core). After a file is added from outside
the vault, the panel offers to delete the plaintext original (overwritten, then removed) and says plainly that flash
storage may keep copies. Removing an attachment asks first and is a tombstone with a custody event (the core keeps
the encrypted file and its history).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crypto.atomic_file import overwrite_and_unlink
from intake_app.display import clean_text
from intake_app.recording.service import RecordingService
from intake_app.records.attachments import AttachmentInfo
from ui.common.db_worker import DbWorker, Job, JobContext
from ui.common.path_field import choose_file
from ui.common.refusal_reasons import translate_reason
from ui.common.tasks import Task, start_task
from ui.field.attachments_viewer import AttachmentViewer
from ui.field.recorder_dialog import RecorderDialog
from ui.i18n import tr
from ui.i18n.retranslating import Retranslating


def _size_text(size: int) -> str:
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"


class AttachmentsPanel(Retranslating, QWidget):
    recorder_closed = Signal()  # a recording may have been stored: the narrative tab refreshes its markers

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.record_id: str | None = None
        self._job: Job | None = None
        self._pending_original: Path | None = None
        self.infos: list[AttachmentInfo] = []
        self.viewer: AttachmentViewer | None = None
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.list = QListWidget()
        self.add_button = QPushButton()
        self.record_button = QPushButton()  # issue 18: the recorder (ui/field/recorder_dialog.py)
        self.recorder: QWidget | None = None
        self.view_button = QPushButton()
        self.remove_button = QPushButton()
        self.confirm_box: QMessageBox | None = None
        self.cancel_button = QPushButton()
        # After an attach: offer to destroy the plaintext original the file came from.
        self.original: Path | None = None
        self._wipe_task: Task | None = None
        self._build_original_box()
        self.progress = QProgressBar()
        self.progress.hide()
        self.cancel_button.hide()
        self.status = QLabel()
        buttons = QHBoxLayout()
        for widget in (self.add_button, self.record_button, self.view_button, self.remove_button, self.progress,
                       self.cancel_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.original_box)
        layout.addWidget(self.status)
        self.add_button.clicked.connect(self.choose_file)
        self.record_button.clicked.connect(self.open_recorder)
        self.view_button.clicked.connect(self.view_selected)
        self.remove_button.clicked.connect(self.ask_remove)
        self.delete_original_button.clicked.connect(self.delete_original)
        self.keep_original_button.clicked.connect(self._forget_original)
        self.cancel_button.clicked.connect(self.cancel)
        self.list.itemActivated.connect(lambda _: self.view_selected())
        self.retranslate()
        self.set_record(None)

    def _build_original_box(self) -> None:
        """The offer, after an attach, to destroy the plaintext original the file came from (hidden until then)."""
        self.original_box = QFrame()
        self.original_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.original_label = QLabel()
        self.original_label.setWordWrap(True)
        self.delete_original_button = QPushButton()
        self.keep_original_button = QPushButton()
        original_layout = QHBoxLayout(self.original_box)
        original_layout.addWidget(self.original_label, 1)
        original_layout.addWidget(self.delete_original_button)
        original_layout.addWidget(self.keep_original_button)
        self.original_box.hide()

    def set_record(self, record_id: str | None) -> None:
        self.record_id = record_id
        self.list.clear()
        self.infos = []
        self.add_button.setEnabled(record_id is not None)
        self.record_button.setEnabled(record_id is not None)
        self.view_button.setEnabled(False)
        self.remove_button.setEnabled(False)
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
        self.remove_button.setEnabled(bool(self.infos))
        if self.infos:
            self.list.setCurrentRow(0)

    def choose_file(self) -> None:
        path = choose_file(self, tr("Attach a file"))  # Qt's own dialog: no recent-file list records it
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

        self._pending_original = path
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
        self._offer_delete_original(self._pending_original)

    # ---- the plaintext original
    def _offer_delete_original(self, path: Path | None) -> None:
        if path is None or not path.is_file():
            return
        self.original = path
        self.original_label.setText(tr(
            "The original file is still where it was, unencrypted: {file}. Delete it now? It is overwritten, then "
            "removed. On USB sticks, memory cards and SSDs the old data may survive in places the computer cannot "
            "reach, so a copy may still be recoverable: keep such media safe or destroy them.",
            file=clean_text(str(path))))
        self.original_box.show()

    def delete_original(self) -> None:
        """Overwrite the original with random bytes, then unlink it (off the GUI thread: files can be large)."""
        path = self.original
        if path is None or self._wipe_task is not None:
            return
        self.delete_original_button.setEnabled(False)
        self.status.setText(tr("Overwriting the original…"))
        self._wipe_task = start_task(lambda: overwrite_and_unlink(path), self._original_deleted,
                                     self._original_not_deleted, self)

    def _original_deleted(self, _: object) -> None:
        self._wipe_task = None
        self.status.setText(tr("The original was overwritten and removed."))
        self._forget_original()

    def _original_not_deleted(self, exc: object) -> None:
        self._wipe_task = None
        self.delete_original_button.setEnabled(True)
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        self.status.setText(tr("The original could not be deleted: {detail}", detail=translate_reason(str(detail))))

    def _forget_original(self) -> None:
        self.original = None
        self.original_box.hide()
        self.delete_original_button.setEnabled(True)

    # ---- removal
    def ask_remove(self) -> None:
        """Ask before removing the selected attachment from the testimony."""
        row = self.list.currentRow()
        if self.record_id is None or not 0 <= row < len(self.infos):
            return
        info = self.infos[row]
        box = QMessageBox(QMessageBox.Icon.Question, tr("Remove attachment"), tr(
            "Remove {file} from this testimony? The encrypted file and its custody record stay in the vault; the "
            "removal is recorded.", file=clean_text(info.original_name)), parent=self)
        remove = box.addButton(tr("&Remove"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)  # Enter keeps the file
        box.setEscapeButton(cancel)
        box.buttonClicked.connect(lambda button: self.remove(info) if button is remove else None)
        self.confirm_box = box
        box.open()

    def remove(self, info: AttachmentInfo) -> None:
        record_id = self.record_id
        if record_id is None:
            return
        self._worker.submit(lambda ctx: ctx.attachments.remove(record_id, info.sha256),
                            on_done=lambda _: self._removed(info),
                            on_error=lambda exc: self.status.setText(
                                tr("The attachment was not removed: {detail}", detail=translate_reason(str(exc)))))

    def _removed(self, info: AttachmentInfo) -> None:
        self.status.setText(tr("{file} was removed from this testimony (recorded in its custody history).",
                               file=clean_text(info.original_name)))
        self.set_record(self.record_id)

    def _attach_failed(self, exc: BaseException) -> None:
        self._finish()
        self.status.setText(tr("The file was not added: {detail}", detail=translate_reason(str(exc))))

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
        record_id = self.record_id

        def open_with_markers(ctx: JobContext) -> tuple[object, list[tuple[int, str]]]:
            markers = [(m.at_ms, m.note) for m in RecordingService(ctx.vault).markers_for(record_id)
                       if m.sha256 == info.sha256] if record_id is not None else []
            return ctx.attachments.open(info.sha256), markers

        self._worker.submit(open_with_markers,
                            on_done=lambda opened: self._show_viewer(opened[0], info, opened[1]),
                            on_error=lambda exc: self.status.setText(
                                tr("The file cannot be opened: {detail}", detail=translate_reason(str(exc)))))

    def _show_viewer(self, reader: object, info: AttachmentInfo, markers: list[tuple[int, str]] | None = None) -> None:
        # The reader decrypts lazily from its own file handle; it does not touch the database.
        self.viewer = AttachmentViewer(reader, info.original_name, info.media_type, self,  # type: ignore[arg-type]
                                       markers=markers)
        self.viewer.open()

    def open_recorder(self) -> None:
        if self.record_id is None:
            return
        recorder = RecorderDialog(self._worker, self.record_id, self)
        recorder.finished.connect(self._recorder_finished)
        self.recorder = recorder
        recorder.open()

    def _recorder_finished(self, _code: int) -> None:
        self.set_record(self.record_id)
        self.recorder_closed.emit()
    def clear_content(self) -> None:
        if self.recorder is not None:  # stops a recording in progress; what was recorded is kept
            self.recorder.close()
            self.recorder = None
        if self.confirm_box is not None:
            self.confirm_box.reject()
            self.confirm_box = None
        self._forget_original()
        if self.viewer is not None:
            self.viewer.reject()
            self.viewer = None
        self.set_record(None)
        self.status.clear()

    def retranslate(self) -> None:
        self.add_button.setText(tr("&Add file…"))
        self.record_button.setText(tr("&Record audio…"))
        self.view_button.setText(tr("&Open"))
        self.remove_button.setText(tr("Remove…"))
        self.delete_original_button.setText(tr("&Delete the original"))
        self.keep_original_button.setText(tr("&Keep it"))
        self.cancel_button.setText(tr("Cancel"))
        self.list.setAccessibleName(tr("Attachments"))
        self.progress.setAccessibleName(tr("Progress"))
        self.note.setText(tr("Scans, photos and recordings are stored encrypted in the vault.")
                          if self.record_id is not None else
                          tr("Save the testimony once before adding files."))
