"""Viewing attachments inside the app without writing a decrypted copy anywhere.

Images and text are read whole into memory (bounded) from the encrypted blob; audio is played by QMediaPlayer from a
``BlobDevice``, a read-only QIODevice over the decrypting, seekable ``BlobReader``, so the plaintext only ever exists
in memory. Opening an attachment is recorded as a custody event by the core (``AttachmentStore.open``).
QtMultimedia ships in PySide6-Addons; if it cannot be loaded, audio shows a message instead of a player.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QIODevice, QObject, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from crypto.blob_cipher import BlobReader
from intake_app.display import clean_text
from ui.i18n import tr

MAX_INLINE = 64 * 1024 * 1024  # images and text are decoded in memory; larger ones are not shown inline
MAX_TEXT_CHARS = 2_000_000

try:  # QtMultimedia needs PySide6-Addons and the system's audio libraries
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
    HAVE_MULTIMEDIA = True
except ImportError:  # pragma: no cover - depends on the installation
    HAVE_MULTIMEDIA = False


class BlobDevice(QIODevice):
    """A read-only, random-access QIODevice over a decrypting BlobReader (plaintext stays in memory)."""

    def __init__(self, reader: BlobReader, parent: QObject) -> None:
        super().__init__(parent)
        self._reader = reader

    def isSequential(self) -> bool:
        return False

    def size(self) -> int:
        return int(self._reader.size or 0)

    def seek(self, pos: int) -> bool:
        if not 0 <= pos <= self.size():
            return False
        self._reader.seek(pos)
        return super().seek(pos)

    def readData(self, maxlen: int) -> bytes:
        return bytes(self._reader.read(maxlen))

    def writeData(self, data: Any, length: int = -1) -> int:
        return -1

    def bytesAvailable(self) -> int:
        return self.size() - self.pos() + super().bytesAvailable()


def clock(ms: int) -> str:
    """0:01:05 for 65 000 ms (the recorder's clock format)."""
    seconds = max(0, int(ms)) // 1000
    return f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def read_all(reader: BlobReader, limit: int = MAX_INLINE) -> bytes | None:
    """The whole attachment in memory, or None if it is larger than ``limit``."""
    size = reader.size or 0
    if size > limit:
        return None
    reader.seek(0)
    return bytes(reader.read(size))


class AttachmentViewer(QDialog):
    """Shows one attachment: image, text, or an audio player; anything else only by its name and type."""

    def __init__(self, reader: BlobReader, name: str, media_type: str, parent: QWidget | None = None,
                 markers: list[tuple[int, str]] | None = None) -> None:
        super().__init__(parent)
        self._markers = markers or []  # (ms from the start, note) set while recording: shown, a click seeks there
        self.setWindowTitle(tr("Attachment"))  # never the file name: titles can leak to window lists
        self.resize(700, 520)
        self._reader = reader
        self.player: Any = None
        self.device: BlobDevice | None = None
        layout = QVBoxLayout(self)
        heading = QLabel(clean_text(name))
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout.addWidget(heading)
        if media_type.startswith("image/"):
            layout.addWidget(self._image(), 1)
        elif media_type.startswith("text/") or media_type in ("application/json",):
            layout.addWidget(self._text(), 1)
        elif media_type.startswith("audio/"):
            layout.addWidget(self._audio(media_type), 1)
        else:
            layout.addWidget(QLabel(tr("This kind of file cannot be shown in the app.")), 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _image(self) -> QWidget:
        data = read_all(self._reader)
        image = QImage.fromData(QByteArray(data)) if data is not None else QImage()
        label = QLabel()
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if image.isNull():
            label.setText(tr("The image cannot be shown (too large or not a readable image)."))
        else:
            label.setPixmap(QPixmap.fromImage(image))
            label.setAccessibleName(tr("Attached image"))
        scroll = QScrollArea()
        scroll.setWidget(label)
        scroll.setWidgetResizable(True)
        return scroll

    def _text(self) -> QWidget:
        data = read_all(self._reader)
        view = QPlainTextEdit()
        view.setReadOnly(True)
        view.setAccessibleName(tr("Attached text"))
        if data is None:
            view.setPlainText(tr("The file is too large to show here."))
        else:
            view.setPlainText(clean_text(data.decode("utf-8", errors="replace")[:MAX_TEXT_CHARS], keep_newlines=True))
        return view

    def _audio(self, media_type: str) -> QWidget:
        box = QWidget()
        if not HAVE_MULTIMEDIA:
            QVBoxLayout(box).addWidget(QLabel(tr("Audio playback is not available on this computer.")))
            return box
        self.device = BlobDevice(self._reader, self)
        self.device.open(QIODevice.OpenModeFlag.ReadOnly)
        self.player = QMediaPlayer(self)
        self.audio_output = QAudioOutput(self)
        self.player.setAudioOutput(self.audio_output)
        self.player.setSourceDevice(self.device)
        self.play_button = QPushButton(tr("&Play"))
        self.pause_button = QPushButton(tr("P&ause"))
        self.position = QSlider(Qt.Orientation.Horizontal)
        self.position.setAccessibleName(tr("Playback position"))
        self.play_button.clicked.connect(self.player.play)
        self.pause_button.clicked.connect(self.player.pause)
        self.player.durationChanged.connect(lambda ms: self.position.setRange(0, int(ms)))
        self.player.positionChanged.connect(lambda ms: self.position.setValue(int(ms)))
        self.position.sliderMoved.connect(lambda ms: self.player.setPosition(int(ms)))
        self.time_label = QLabel(f"{clock(0)} / {clock(0)}")
        self.time_label.setAccessibleName(tr("Playback time"))
        self.player.positionChanged.connect(self._show_time)
        self.player.durationChanged.connect(self._show_time)
        self.marker_list = QListWidget()
        self.marker_list.setAccessibleName(tr("Markers"))
        for at_ms, note in self._markers:
            item = QListWidgetItem(f"{clock(at_ms)}  {clean_text(note)}")
            item.setData(Qt.ItemDataRole.UserRole, int(at_ms))
            self.marker_list.addItem(item)
        self.marker_list.itemActivated.connect(self._seek_to_marker)
        self.marker_list.itemClicked.connect(self._seek_to_marker)
        self.marker_list.setVisible(bool(self._markers))
        column = QVBoxLayout(box)
        row = QHBoxLayout()
        for widget in (self.play_button, self.pause_button, self.position, self.time_label):
            row.addWidget(widget)
        column.addLayout(row)
        column.addWidget(self.marker_list)
        return box

    def _show_time(self, _value: int = 0) -> None:
        if self.player is not None:
            self.time_label.setText(f"{clock(self.player.position())} / {clock(self.player.duration())}")

    def _seek_to_marker(self, item: QListWidgetItem) -> None:
        if self.player is not None:
            self.player.setPosition(int(item.data(Qt.ItemDataRole.UserRole)))

    def done(self, result: int) -> None:
        self._release_player()
        super().done(result)

    def _release_player(self) -> None:
        """Hand the player to Qt's event loop to stop and destroy, never calling it from Python.

        QMediaPlayer's stop(), setSource and destructor wait for its demuxer thread, and that thread may be inside
        ``BlobDevice.readData`` (Python) waiting for the GIL, which a Python caller holds while it waits: the app froze
        for good (issue 29). ``deleteLater`` runs the destructor from the event loop in C++, with the GIL released, so
        the pending read completes. The objects are re-parented to the application first, so neither this dialog's
        destruction nor Python's garbage collector deletes them synchronously; the device is deleted after the player
        (deferred deletions run in the order they were posted).
        """
        player, output, device = self.player, getattr(self, "audio_output", None), self.device
        self.player, self.device = None, None
        if player is None:
            return
        app = QCoreApplication.instance()
        for obj in (player, output, device):
            if obj is not None:
                obj.setParent(app)
        player.deleteLater()
        if output is not None:
            output.deleteLater()
        if device is not None:
            device.deleteLater()
