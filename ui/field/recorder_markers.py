"""The markers set while recording this testimony, listed under the narrative so the interviewer can find the moments
they flagged (time in the recording, the recording's name, the note)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QListWidget, QVBoxLayout, QWidget

from intake_app.display import clean_text
from intake_app.recording.service import MarkerInfo, RecordingService
from ui.common.db_worker import DbWorker
from ui.field.recorder_dialog import clock_text
from ui.i18n import tr
from ui.i18n.retranslating import Retranslating


class RecordingMarkersView(Retranslating, QWidget):
    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.record_id: str | None = None
        self.title = QLabel()
        self.list = QListWidget()
        self.list.setMaximumHeight(140)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        self.retranslate()
        self.set_record(None)

    def set_record(self, record_id: str | None) -> None:
        self.record_id = record_id
        self.list.clear()
        self.hide()
        if record_id is not None:
            self._worker.submit(lambda ctx: RecordingService(ctx.vault).markers_for(record_id), on_done=self._listed)

    def _listed(self, markers: object) -> None:
        assert isinstance(markers, list)
        self.list.clear()
        for marker in markers:
            assert isinstance(marker, MarkerInfo)
            note = clean_text(marker.note)
            self.list.addItem(f"{clock_text(marker.at_ms)}  {clean_text(marker.original_name)}" +
                              (f" — {note}" if note else ""))
        self.setVisible(bool(markers))

    def retranslate(self) -> None:
        self.title.setText(tr("Markers in the recordings"))
        self.list.setAccessibleName(tr("Markers in the recordings"))
