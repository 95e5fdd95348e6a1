"""Run in a subprocess by test_player_close.py: play an encrypted WAV in the viewer, close it while it plays, and
report whether the close left the player to the event loop (not destroyed inside the close), whether the event loop
then destroyed it, and whether timers kept firing afterwards (a freeze would hang here).

Nothing here is bounded by wall-clock time except the generous deadlines that turn a freeze into a report: on a
loaded machine a close can take long and a 50 ms timer fire late (with both cores busy, 1 s once held fewer than the
10 ticks the first version of this probe expected).
"""

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
    destroyed: list[str] = []
    viewer.player.destroyed.connect(lambda: destroyed.append("player"))
    t0 = time.monotonic()
    viewer.reject()
    close_s = time.monotonic() - t0
    destroyed_in_close = bool(destroyed)
    ticks: list[float] = []

    def tick() -> None:
        ticks.append(time.monotonic())
        if len(ticks) >= 10 and destroyed:
            app.quit()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(50)
    QTimer.singleShot(30_000, app.quit)  # a report instead of a hang; the test's own timeout is longer
    app.exec()  # the app's own event loop: it runs deferred deletions, which processEvents() alone does not
    print(json.dumps({"position_ms": position, "close_s": close_s, "destroyed_in_close": destroyed_in_close,
                      "destroyed_after": bool(destroyed), "ticks": len(ticks)}))


if __name__ == "__main__":
    main()
