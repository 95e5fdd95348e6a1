"""Run in a subprocess by test_player_close.py: play an encrypted WAV in the viewer, close it while it plays, and
report how long the close took and whether the event loop kept running afterwards (a freeze would hang here)."""

from __future__ import annotations

import io
import json
import math
import os
import struct
import sys
import time
import wave

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from crypto.blob_cipher import BlobReader, BlobWriter
from ui.field.attachments_viewer import HAVE_MULTIMEDIA, AttachmentViewer


def _wav(seconds: int = 8, rate: int = 48_000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                                 for i in range(seconds * rate)))
    return buf.getvalue()


def main() -> None:
    app = QApplication(sys.argv)
    if not HAVE_MULTIMEDIA:
        print(json.dumps({"skip": "no QtMultimedia"}))
        return
    key, blob_id = os.urandom(32), os.urandom(16)
    encrypted = io.BytesIO()
    writer = BlobWriter(encrypted, key, blob_id)
    writer.write(_wav())
    writer.close()
    encrypted.seek(0)
    viewer = AttachmentViewer(BlobReader(encrypted, key, blob_id), "a.wav", "audio/wav")
    viewer.show()
    viewer.play_button.click()
    start = time.monotonic()
    while time.monotonic() - start < 10 and viewer.player.position() < 300:
        app.processEvents()
        time.sleep(0.01)
    position = viewer.player.position()
    t0 = time.monotonic()
    viewer.reject()
    close_s = time.monotonic() - t0
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(50)
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    print(json.dumps({"position_ms": position, "close_s": close_s, "ticks": len(ticks)}))


if __name__ == "__main__":
    main()
