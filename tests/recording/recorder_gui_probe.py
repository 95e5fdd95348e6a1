"""The recorder window driven end to end in its own process (so Qt Multimedia meets the test's PulseAudio server from
its first use): consent loads, Record, a marker by Ctrl+M with a note, Pause/Resume, Stop, stored, Play opens the
in-memory player. Prints one JSON line with what it saw.

    python recorder_gui_probe.py VAULT RECORD_ID [close-while-recording]

With ``close-while-recording`` the window is closed once 2 s of audio are recorded and the DB worker shut down at once, as
locking the vault does.

The steps wait for audio the recorder has captured (its session's clock), never for wall-clock time alone: on a busy
machine the input may open late or deliver slowly (with both cores loaded, 2 s of wall clock once held 1.49 s of
audio). Only the pause is timed by the wall clock, and there the check is that nothing is recorded.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.common.fonts import install_application_font
from ui.field.recorder_dialog import RecorderDialog

PASSPHRASE = "녹음 테스트 passphrase"


def _wait(app: QApplication, done: Callable[[], bool], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        app.processEvents()
        time.sleep(0.01)


def _run(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main() -> int:
    app = QApplication([])
    install_application_font(app)
    vault = Vault.open(Path(sys.argv[1]), PASSPHRASE)
    worker = DbWorker(vault)
    dialog = RecorderDialog(worker, sys.argv[2])
    dialog.show()
    seen: dict[str, object] = {}
    _wait(app, lambda: dialog.consent is not None)
    seen["record_enabled"] = dialog.record_button.isEnabled()
    seen["inputs"] = [dialog.input_combo.itemText(i) for i in range(dialog.input_combo.count())]
    dialog.record_button.click()
    _wait(app, lambda: dialog.state == "recording")
    assert dialog.controller is not None
    session = dialog.controller.capture.session  # read only; the capture thread writes it
    _wait(app, lambda: session.elapsed_ms >= 2000)
    if sys.argv[3:] == ["close-while-recording"]:
        dialog.close()
        worker.shutdown()  # what Session.lock does right after the pages cleared their content
        vault.lock()
        sys.stdout.write(json.dumps(seen) + "\n")
        return 0
    dialog.marker_note.setText("중요한 순간")
    QTest.keyClick(dialog, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    _wait(app, lambda: dialog.markers.count() == 1)
    seen["marker_row"] = dialog.markers.item(0).text()
    dialog.pause_button.click()
    seen["paused_label"] = dialog.state_label.text()
    _wait(app, lambda: session.paused)
    seen["paused_at_ms"] = session.elapsed_ms
    _run(app, 1.0)  # the input keeps playing: none of it may be recorded
    seen["after_pause_ms"] = session.elapsed_ms
    dialog.pause_button.click()
    _wait(app, lambda: session.elapsed_ms >= int(seen["paused_at_ms"]) + 1500)  # type: ignore[call-overload]
    _wait(app, lambda: dialog.meter.value() > dialog.meter.minimum())  # a progress tick since the resume
    seen["elapsed_label"] = dialog.elapsed_label.text()
    seen["meter"] = dialog.meter.value()
    seen["before_stop_ms"] = session.elapsed_ms
    dialog.stop_button.click()
    _wait(app, lambda: dialog.state == "stored")
    assert dialog.stored is not None
    seen["result"] = {"sha256": dialog.stored.sha256, "duration_ms": dialog.stored.duration_ms,
                      "markers": [[m.at_ms, m.note] for m in dialog.stored.markers]}
    seen["status"] = dialog.status.text()
    dialog.play_button.click()
    _wait(app, lambda: dialog.viewer is not None)
    seen["player"] = type(dialog.viewer).__name__
    player = dialog.viewer.player  # type: ignore[union-attr]
    # The in-memory player decoded the WAV from the encrypted blob: its duration is the recording's.
    _wait(app, lambda: player is not None and player.duration() > 0)
    seen["player_duration_ms"] = player.duration()
    dialog.close()
    worker.shutdown()
    vault.lock()
    sys.stdout.write(json.dumps(seen, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
