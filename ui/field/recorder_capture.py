"""Capturing audio with Qt Multimedia (QAudioSource) into a recording's encrypted journal, on a thread of its own.

``AudioCapture`` lives on a dedicated QThread: it owns the QAudioSource and the core's ``CaptureSession``, drains the
source every 100 ms (and on readyRead), and feeds the samples to the session, which commits them to the journal with an
fsync every two seconds — so a slow disk never stalls the window, and the window never touches the samples. Samples
exist only in Qt's ring buffer, in this object's memory and, encrypted, in the journal: never in a plaintext file.

``RecorderController`` is the GUI-side handle: it starts the thread and forwards record/pause/resume/marker/stop to the
capture object by queued signals, and re-emits its progress for the dialog.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSource, QMediaDevices, QtAudio

from intake_app.errors import RefusedError
from intake_app.recording.capture import CaptureSession
from intake_app.recording.wav import PcmFormat

POLL_MS = 100


def input_devices() -> list[QAudioDevice]:
    """The audio inputs Qt sees (PulseAudio/PipeWire sources on Linux), the default first."""
    devices = list(QMediaDevices.audioInputs())
    devices.sort(key=lambda d: not d.isDefault())
    return devices


def qt_format(fmt: PcmFormat) -> QAudioFormat:
    out = QAudioFormat()
    out.setSampleRate(fmt.sample_rate)
    out.setChannelCount(fmt.channels)
    out.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    return out


class AudioCapture(QObject):
    """Owns the QAudioSource and the CaptureSession; every slot runs on the capture thread."""

    progressed = Signal(int, float, float, int)  # elapsed ms, level dBFS, seconds of disk left, committed bytes
    marker_added = Signal(int, str)
    finished = Signal(str)  # "" after a clean stop, else why the recording stopped (what was committed is kept)

    def __init__(self, session: CaptureSession, device: QAudioDevice) -> None:
        super().__init__()
        self.session = session
        self._device = device
        self._source: QAudioSource | None = None
        self._io: object = None
        self._timer: QTimer | None = None
        self._done = False

    @Slot()
    def start(self) -> None:
        self._source = QAudioSource(self._device, qt_format(self.session.fmt), self)
        # One second of ring buffer: Qt drops samples that are not read in time, and we read every 100 ms.
        self._source.setBufferSize(self.session.fmt.byte_rate)
        self._io = self._source.start()
        if self._io is None or self._source.error() != QtAudio.Error.NoError:
            self._fail("the audio input could not be opened")
            return
        self._io.readyRead.connect(self._drain)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(POLL_MS)

    def _drain(self) -> None:
        if self._done or self._io is None:
            return
        data = self._io.readAll()  # type: ignore[attr-defined]
        if data.isEmpty():
            return
        try:
            self.session.feed(data.data())
        except RefusedError as exc:
            self._fail(str(exc))

    def _tick(self) -> None:
        self._drain()
        if self._done:
            return
        if self._source is not None and self._source.error() not in (QtAudio.Error.NoError,
                                                                      QtAudio.Error.UnderrunError):
            self._fail("the audio input stopped working (was it unplugged?)")
            return
        level = self.session.level_dbfs if not self.session.paused else -math.inf
        self.progressed.emit(self.session.elapsed_ms, level, self.session.seconds_of_space(),
                             self.session.committed_bytes)
        if self.session.full:
            self.stop()

    @Slot()
    def pause(self) -> None:
        if self._done or self._source is None:
            return
        self._drain()
        try:
            self.session.pause()
        except RefusedError as exc:
            self._fail(str(exc))
            return
        self._source.suspend()

    @Slot()
    def resume(self) -> None:
        if self._done or self._source is None:
            return
        self._drain()  # what the source still held from before the pause is dropped by the paused session
        try:
            self.session.resume()
        except RefusedError as exc:
            self._fail(str(exc))
            return
        self._source.resume()

    @Slot(str)
    def add_marker(self, note: str) -> None:
        if self._done:
            return
        self._drain()
        try:
            marker = self.session.add_marker(note)
        except RefusedError as exc:
            self._fail(str(exc))
            return
        self.marker_added.emit(marker.at_ms, marker.note)

    @Slot()
    def stop(self) -> None:
        if self._done:
            return
        self._drain()
        self._halt()
        try:
            self.session.stop()
        except RefusedError as exc:
            self.finished.emit(str(exc))
            return
        self.finished.emit("")

    def _halt(self) -> None:
        self._done = True
        if self._timer is not None:
            self._timer.stop()
        if self._source is not None:
            self._source.stop()

    def _fail(self, why: str) -> None:
        self._halt()
        self.session.abandon()
        self.finished.emit(why)


class RecorderController(QObject):
    """GUI-side: runs an AudioCapture on its own thread and talks to it by queued signals."""

    _start = Signal()
    _pause = Signal()
    _resume = Signal()
    _marker = Signal(str)
    _stop = Signal()
    progressed = Signal(int, float, float, int)
    marker_added = Signal(int, str)
    finished = Signal(str)

    def __init__(self, session: CaptureSession, device: QAudioDevice, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.capture_thread = QThread()
        self.capture_thread.setObjectName("audio-capture")
        self.capture = AudioCapture(session, device)
        self.capture.moveToThread(self.capture_thread)
        self._start.connect(self.capture.start)
        self._pause.connect(self.capture.pause)
        self._resume.connect(self.capture.resume)
        self._marker.connect(self.capture.add_marker)
        self._stop.connect(self.capture.stop)
        self.capture.progressed.connect(self.progressed)
        self.capture.marker_added.connect(self.marker_added)
        self.capture.finished.connect(self._finished)
        self.running = False

    def start(self) -> None:
        self.capture_thread.start()
        self.running = True
        self._start.emit()

    def pause(self) -> None:
        self._pause.emit()

    def resume(self) -> None:
        self._resume.emit()

    def add_marker(self, note: str) -> None:
        self._marker.emit(note)

    def stop(self) -> None:
        self._stop.emit()

    def _finished(self, why: str) -> None:
        self.running = False
        self.capture_thread.quit()
        self.capture_thread.wait()
        self.finished.emit(why)

    def shutdown(self) -> None:
        """Stop and wait (when the window closes or the vault locks mid-recording): what was captured is kept."""
        if self.running:
            self.running = False
            self.capture.finished.disconnect(self._finished)
            # Blocking: the stop (last commit, end record) has run on the capture thread when this returns.
            QMetaObject.invokeMethod(self.capture, "stop", Qt.ConnectionType.BlockingQueuedConnection)
            self.capture_thread.quit()
            self.capture_thread.wait()
