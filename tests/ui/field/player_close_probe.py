"""Run in a subprocess by test_player_close.py: play an encrypted WAV in the viewer, close it while it plays, and
report whether the close left the player to the event loop (not destroyed inside the close), whether the event loop
then destroyed it, and whether timers kept firing afterwards (a freeze would hang here). With ``markers``: the time and
the markers shown, and a click on a marker seeking there.

The player never runs inside the pytest process: its threads call into Python (the device's reads, the audio output's
virtual methods) and need the GIL, and a deferred deletion run by a test's qWait, called from Python with the GIL held,
waited for them for ever (reproduced with this viewer in a loop: main thread in the FFmpeg plugin's QThread::wait,
demuxer and audio threads in PyGILState_Ensure). A full run also once died of heap corruption a few tests after the
in-process player test. Here the waits are Qt event loops, which release the GIL, as the app's own loop does.

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
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QTimer
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


def _viewer(seconds: int, markers: list[tuple[int, str]] | None = None) -> AttachmentViewer:
    key, blob_id = os.urandom(32), os.urandom(16)
    encrypted = io.BytesIO()
    writer = BlobWriter(encrypted, key, blob_id)
    writer.write(_wav(seconds))
    writer.close()
    encrypted.seek(0)
    return AttachmentViewer(BlobReader(encrypted, key, blob_id), "a.wav", "audio/wav", markers=markers)


def _run_until(done: Callable[[], bool], seconds: float = 30) -> bool:
    """Run an event loop (which, unlike processEvents called from Python, lets the player's threads take the GIL)
    until ``done()``, or for ``seconds`` at most; whether it is done."""
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: loop.quit() if done() else None)
    poll.start(10)
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    if not done():
        loop.exec()
    poll.stop()
    return done()


def _close_and_watch(app: QApplication, viewer: AttachmentViewer) -> dict[str, object]:
    """Close the viewer and run the app's own event loop until the player is destroyed and 10 timer ticks fired."""
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
    return {"close_s": close_s, "destroyed_in_close": destroyed_in_close, "destroyed_after": bool(destroyed),
            "ticks": len(ticks)}


def close_while_playing(app: QApplication) -> dict[str, object]:
    viewer = _viewer(8)
    viewer.show()
    viewer.play_button.click()
    _run_until(lambda: viewer.player.position() >= 300, 10)
    return {"position_ms": viewer.player.position(), **_close_and_watch(app, viewer)}


def markers(app: QApplication) -> dict[str, object]:
    """The time shown and the markers listed; a click on a marker seeks there."""
    viewer = _viewer(3, [(1500, "중요한 순간"), (2500, "울음")])
    viewer.show()
    seen: dict[str, object] = {"markers": [viewer.marker_list.item(i).text() for i in range(viewer.marker_list.count())]}
    seen["loaded"] = _run_until(lambda: viewer.player.duration() > 0)
    seen["time_loaded"] = viewer.time_label.text()
    viewer.marker_list.itemClicked.emit(viewer.marker_list.item(0))
    seen["sought"] = _run_until(lambda: viewer.player.position() >= 1400)
    seen["time_sought"] = viewer.time_label.text()
    return {**seen, **_close_and_watch(app, viewer)}


def main() -> None:
    app = QApplication(sys.argv[:1])
    if not HAVE_MULTIMEDIA:
        print(json.dumps({"skip": "no QtMultimedia"}))
        return
    step = markers if sys.argv[1:] == ["markers"] else close_while_playing
    print(json.dumps(step(app), ensure_ascii=False))


if __name__ == "__main__":
    main()
