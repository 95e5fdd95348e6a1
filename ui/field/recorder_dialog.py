"""The recorder: record an interview straight into the vault, with pause, markers, a level meter and a disk warning.

Consent comes first: the dialog asks the core (``RecordingService.consent``) and shows its decision; the Record button
stays disabled, saying why, until the testimony's saved consent for recording is granted, or conditional with the
conditions acknowledged here. The core checks again when the recording starts.

Database work (start, store) runs on the DB worker; capture runs on its own thread (``recorder_capture``). When the
recording stops it is stored as an attachment and can be played at once with the in-memory player.
"""

from __future__ import annotations

import math
from typing import Any, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_app.display import clean_text
from intake_app.recording.capture import WARN_SECONDS, CaptureSession
from intake_app.recording.consent import RecordingConsent
from intake_app.recording.service import RecordingResult, RecordingService
from intake_app.recording.wav import PcmFormat
from ui.common.db_worker import DbWorker, JobContext
from ui.field.attachments_viewer import AttachmentViewer
from ui.i18n import current_language, tr
from ui.i18n.retranslating import Retranslating

try:  # QtMultimedia needs PySide6-Addons and the system's audio libraries; without them there is no microphone
    from ui.field.recorder_capture import RecorderController, input_devices
    HAVE_CAPTURE = True
except ImportError:  # pragma: no cover - depends on the installation
    HAVE_CAPTURE = False

MARKER_KEY = "Ctrl+M"
METER_FLOOR_DB = -60


def clock_text(ms: int) -> str:
    seconds = max(0, ms) // 1000
    return f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _words(pair: dict[str, str]) -> str:
    return pair["ko"] if current_language() == "ko" else pair["en"]


class RecorderDialog(Retranslating, QDialog):
    """One recording session for the testimony ``record_id``."""

    def __init__(self, worker: DbWorker, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.record_id = record_id
        self.consent: RecordingConsent | None = None
        self.controller: Any = None  # RecorderController while recording
        self.recording_id: str | None = None
        self.stored: RecordingResult | None = None
        self.viewer: AttachmentViewer | None = None
        self._devices: list[Any] = []
        self.state = "idle"  # idle, starting, recording, paused, storing, stored
        self._build()
        self._lay_out()
        self._connect()
        self.resize(620, 560)
        self._load_devices()
        self.retranslate()
        worker.submit(lambda ctx: RecordingService(ctx.vault).consent(record_id), on_done=self._consent_loaded,
                      on_error=lambda exc: self.status.setText(tr("Consent could not be read: {detail}",
                                                                  detail=str(exc))))

    def _build(self) -> None:
        self.consent_label = QLabel()
        self.consent_label.setWordWrap(True)
        self.conditions_label = QLabel()
        self.conditions_label.setWordWrap(True)
        self.conditions_label.setTextFormat(Qt.TextFormat.PlainText)
        self.ack_box = QCheckBox()
        self.input_combo = QComboBox()
        self.format_label = QLabel()
        self.elapsed_label = QLabel(clock_text(0))
        font = self.elapsed_label.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        self.elapsed_label.setFont(font)
        self.state_label = QLabel()
        self.meter = QProgressBar()
        self.meter.setRange(METER_FLOOR_DB, 0)
        self.meter.setTextVisible(False)
        self.meter.setValue(METER_FLOOR_DB)
        self.meter.setStyleSheet("QProgressBar::chunk { background: #2e7d32; }")
        self.level_label = QLabel()
        self.level_label.setMinimumWidth(70)
        self.disk_label = QLabel()
        self.disk_label.setWordWrap(True)
        self.disk_label.setStyleSheet("color: #b00020; font-weight: bold")
        self.disk_label.hide()
        self.record_button = QPushButton()
        self.pause_button = QPushButton()
        self.stop_button = QPushButton()
        self.marker_note = QLineEdit()
        self.marker_note.setMaxLength(500)
        self.marker_button = QPushButton()
        self.markers = QListWidget()
        self.play_button = QPushButton()
        self.close_button = QPushButton()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.input_row_label = QLabel()
        self.input_row_label.setBuddy(self.input_combo)

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow(self.input_row_label, self.input_combo)
        form.addRow(QLabel(), self.format_label)
        clock_row = QHBoxLayout()
        clock_row.addWidget(self.elapsed_label)
        clock_row.addWidget(self.state_label, 1)
        controls = QHBoxLayout()
        for button in (self.record_button, self.pause_button, self.stop_button):
            controls.addWidget(button)
        controls.addStretch(1)
        marker_row = QHBoxLayout()
        marker_row.addWidget(self.marker_note, 1)
        marker_row.addWidget(self.marker_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.play_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.consent_label)
        layout.addWidget(self.conditions_label)
        layout.addWidget(self.ack_box)
        layout.addLayout(form)
        layout.addLayout(clock_row)
        meter_row = QHBoxLayout()
        meter_row.addWidget(self.meter, 1)
        meter_row.addWidget(self.level_label)
        layout.addLayout(meter_row)
        layout.addWidget(self.disk_label)
        layout.addLayout(controls)
        layout.addLayout(marker_row)
        layout.addWidget(self.markers, 1)
        layout.addLayout(bottom)

    def _connect(self) -> None:
        self.record_button.clicked.connect(self.start_recording)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop_recording)
        self.marker_button.clicked.connect(self.add_marker)
        self.marker_note.returnPressed.connect(self.add_marker)
        self.play_button.clicked.connect(self.play)
        self.close_button.clicked.connect(self.close)
        self.ack_box.toggled.connect(lambda _: self._update())
        QShortcut(QKeySequence(MARKER_KEY), self, self.add_marker)

    # -- state -----------------------------------------------------------------------------------------------------

    def _load_devices(self) -> None:
        self._devices = input_devices() if HAVE_CAPTURE else []
        self.input_combo.clear()
        for device in self._devices:
            self.input_combo.addItem(clean_text(device.description()))

    def _consent_loaded(self, consent: object) -> None:
        assert isinstance(consent, RecordingConsent)
        self.consent = consent
        self._update()

    def _reason(self) -> str | None:
        """Why Record is disabled now, or None."""
        if self.consent is None:
            return tr("Checking consent…")
        reason = self.consent.reason(acknowledged=self.ack_box.isChecked())
        if reason is not None:
            return _words(reason)
        if not self._devices:
            return tr("No microphone was found. Connect one and open the recorder again. If the sound system "
                      "started after this app, quit the app and start it again.")
        return None

    def _update(self) -> None:
        consent = self.consent
        conditional = consent is not None and consent.needs_acknowledgement
        self.conditions_label.setVisible(conditional)
        self.ack_box.setVisible(conditional)
        if consent is not None and conditional:
            self.conditions_label.setText(tr("Conditions: {conditions}", conditions=clean_text(
                consent.conditions or tr("(none written down: ask the interviewee again)"))))
        idle = self.state == "idle"
        reason = self._reason() if idle else None
        self.record_button.setEnabled(idle and reason is None)
        self.record_button.setToolTip(reason or "")
        if idle:
            self.consent_label.setText(reason or tr("Consent to recording: {value}. Ready to record.",
                                                    value=self._value_words()))
        elif consent is not None:
            self.consent_label.setText(tr("Consent to recording: {value}.", value=self._value_words()))
        # Why Record is disabled must be seen, not only hovered: bold and dark red.
        self.consent_label.setStyleSheet("color: #b00020; font-weight: bold" if reason else "font-weight: bold")
        self.ack_box.setEnabled(idle)
        self.input_combo.setEnabled(idle)
        running = self.state in ("recording", "paused")
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        self.marker_button.setEnabled(running)
        self.marker_note.setEnabled(running)
        self.play_button.setEnabled(self.state == "stored")
        self.pause_button.setText(tr("&Resume") if self.state == "paused" else tr("&Pause"))
        self.state_label.setText({
            "idle": "", "starting": tr("Starting…"), "recording": tr("● Recording"), "paused": tr("Paused"),
            "storing": tr("Storing the recording…"), "stored": tr("Stored in the vault, encrypted."),
        }[self.state])

    def _value_words(self) -> str:
        value = self.consent.value if self.consent is not None else ""
        return {"granted": tr("granted"), "conditional": tr("conditional, conditions acknowledged")}.get(value, value)

    # -- actions ---------------------------------------------------------------------------------------------------

    def start_recording(self) -> None:
        if self.state != "idle" or self._reason() is not None:
            return
        device = self._devices[max(0, self.input_combo.currentIndex())]
        name, acknowledged, record_id = device.description(), self.ack_box.isChecked(), self.record_id
        self.state = "starting"
        self._update()

        def job(ctx: JobContext) -> tuple[str, CaptureSession]:
            return RecordingService(ctx.vault).begin(record_id, input_name=name, fmt=PcmFormat(),
                                                     acknowledged=acknowledged)

        self._worker.submit(job, on_done=lambda started: self._started(started, device),
                            on_error=self._start_failed)

    def _started(self, started: object, device: Any) -> None:
        recording_id, session = cast("tuple[str, Any]", started)
        self.recording_id = recording_id
        self.controller = RecorderController(session, device, self)
        self.controller.progressed.connect(self.show_progress)
        self.controller.marker_added.connect(self.show_marker)
        self.controller.finished.connect(self._capture_finished)
        self.controller.start()
        self.state = "recording"
        self._update()
        self.marker_note.setFocus()

    def _start_failed(self, exc: BaseException) -> None:
        self.state = "idle"
        self._update()
        self.status.setText(tr("The recording did not start: {detail}", detail=str(exc)))

    def toggle_pause(self) -> None:
        if self.controller is None:
            return
        if self.state == "recording":
            self.controller.pause()
            self.state = "paused"
        elif self.state == "paused":
            self.controller.resume()
            self.state = "recording"
        self._update()

    def add_marker(self) -> None:
        if self.controller is None or self.state not in ("recording", "paused"):
            return
        self.controller.add_marker(self.marker_note.text())
        self.marker_note.clear()

    def stop_recording(self) -> None:
        if self.controller is not None and self.state in ("recording", "paused"):
            self.state = "storing"
            self._update()
            self.controller.stop()

    def _capture_finished(self, why: str) -> None:
        if why:
            self.status.setText(tr("The recording stopped: {detail}. Everything up to then is kept.", detail=why))
        self._store()

    def _store(self) -> None:
        recording_id = self.recording_id
        if recording_id is None:
            return
        self.state = "storing"
        self._update()
        # Runs even if the vault is locking (closing the recorder mid-recording): the recording is stored before
        # the database closes, instead of waiting for the next unlock.
        self._worker.submit(lambda ctx: RecordingService(ctx.vault).finish(recording_id), on_done=self._stored,
                            on_error=lambda exc: self.status.setText(
                                tr("The recording could not be stored now; it will be at the next unlock: {detail}",
                                   detail=str(exc))), finish_on_shutdown=True)

    def _stored(self, result: object) -> None:
        self.stored = result if isinstance(result, RecordingResult) else None
        self.state = "stored" if self.stored is not None else "idle"
        self.controller = None
        if self.stored is not None:
            self.status.setText(tr("Stored: {duration}, {count} markers.", duration=clock_text(self.stored.duration_ms),
                                   count=len(self.stored.markers)))
        else:
            self.status.setText(tr("Nothing was recorded."))
        self._update()

    def play(self) -> None:
        result = self.stored
        if result is None:
            return
        self._worker.submit(lambda ctx: ctx.attachments.open(result.sha256), on_done=self._show_player,
                            on_error=lambda exc: self.status.setText(
                                tr("The file cannot be opened: {detail}", detail=str(exc))))

    def _show_player(self, reader: object) -> None:
        assert self.stored is not None
        self.viewer = AttachmentViewer(reader, self.stored.original_name, "audio/wav", self)  # type: ignore[arg-type]
        self.viewer.open()

    # -- display ---------------------------------------------------------------------------------------------------

    def show_progress(self, elapsed_ms: int, level_dbfs: float, seconds_left: float, _committed: int) -> None:
        self.elapsed_label.setText(clock_text(elapsed_ms))
        level = METER_FLOOR_DB if math.isinf(level_dbfs) or level_dbfs < METER_FLOOR_DB else round(level_dbfs)
        self.meter.setValue(min(0, level))
        self.meter.setAccessibleDescription(tr("Level {db} dB", db=level))
        self.level_label.setText(f"{level} dB" if level > METER_FLOOR_DB else "")
        warn = seconds_left < WARN_SECONDS
        self.disk_label.setVisible(warn)
        if warn:
            self.disk_label.setText(tr("The disk will be full in about {minutes} minutes. Stop soon, or free space.",
                                       minutes=max(0, int(seconds_left // 60))))

    def show_marker(self, at_ms: int, note: str) -> None:
        self.markers.addItem(f"{clock_text(at_ms)}  {clean_text(note)}" if note else clock_text(at_ms))
        self.markers.scrollToBottom()

    def show_synthetic(self, state: str, elapsed_ms: int, level_dbfs: float, seconds_left: float,
                       markers: list[tuple[int, str]], input_name: str) -> None:
        """Put the dialog in a given state without capturing (screenshots)."""
        if not self._devices:
            self.input_combo.addItem(clean_text(input_name))
        self.state = state
        self._update()
        self.show_progress(elapsed_ms, level_dbfs, seconds_left, 0)
        for at, note in markers:
            self.show_marker(at, note)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Record the interview"))
        self.ack_box.setText(tr("I have read these conditions to the interviewee and will respect them"))
        self.input_row_label.setText(tr("&Microphone"))
        self.format_label.setText(tr("WAV, 16-bit mono, 48 kHz (lossless): about 346 MB per hour, encrypted."))
        self.record_button.setText(tr("&Record"))
        self.stop_button.setText(tr("&Stop"))
        self.marker_button.setText(tr("Add &marker ({key})", key=MARKER_KEY))
        self.marker_note.setPlaceholderText(tr("Optional note for the next marker"))
        self.marker_note.setAccessibleName(tr("Marker note"))
        self.markers.setAccessibleName(tr("Markers"))
        self.meter.setAccessibleName(tr("Input level"))
        self.play_button.setText(tr("P&lay"))
        self.close_button.setText(tr("Close"))
        self._update()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def reject(self) -> None:
        self.shutdown()
        super().reject()

    def shutdown(self) -> None:
        """Closing (or locking) mid-recording stops the capture and stores what was recorded."""
        if self.controller is not None and self.state in ("recording", "paused", "storing"):
            self.controller.shutdown()
            self.controller = None
            self._store()
        if self.viewer is not None:
            self.viewer.reject()
            self.viewer = None
