"""A headless recorder for the tests: the app's own capture path (QAudioSource on its thread, the core's journal).

    python record_probe.py VAULT RECORD_ID SECONDS|forever

Prints one JSON line per event on stdout: {"started": id}, {"committed": bytes, "elapsed_ms": ms} every 100 ms, and
after a stop {"result": {...}}. The kill test sends SIGKILL while it runs "forever".
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer

from intake_app.recording.service import RecordingService
from intake_app.vault.vault import Vault
from ui.field.recorder_capture import RecorderController, input_devices

PASSPHRASE = "녹음 테스트 passphrase"


def _say(obj: object) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main() -> int:
    vault_path, record_id, seconds = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    app = QCoreApplication([])
    devices = input_devices()
    if not devices:
        _say({"error": "no audio input"})
        return 3
    vault = Vault.open(vault_path, PASSPHRASE)
    service = RecordingService(vault)
    device = devices[0]
    recording_id, session = service.begin(record_id, input_name=device.description())
    controller = RecorderController(session, device)
    clock: dict[str, float] = {}

    def progressed(elapsed: int, level: float, _disk: float, committed: int) -> None:
        if elapsed and "audio_start" not in clock:  # when the first samples arrived, back-dated by their length
            clock["audio_start"] = time.monotonic() - elapsed / 1000
        _say({"committed": committed, "elapsed_ms": elapsed, "level_dbfs": level if level > -1e9 else None})

    def stop() -> None:
        clock["stop"] = time.monotonic()
        controller.stop()

    def finished(why: str) -> None:
        result = service.finish(recording_id) if not why else None
        _say({"result": None if result is None else {
            "sha256": result.sha256, "duration_ms": result.duration_ms, "markers": len(result.markers),
            "interrupted": result.interrupted},
            "why": why, "wall_ms": round((clock.get("stop", 0) - clock.get("audio_start", 0)) * 1000)})
        app.quit()

    controller.progressed.connect(progressed)
    controller.finished.connect(finished)
    controller.start()
    _say({"started": recording_id, "input": device.description()})
    QTimer.singleShot(1000, lambda: controller.add_marker("one second"))
    if seconds != "forever":
        QTimer.singleShot(int(float(seconds) * 1000), stop)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
