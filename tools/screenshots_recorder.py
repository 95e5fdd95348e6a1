"""Screenshots of the recorder (issue 18), called by tools.screenshots: one during a recording, one refused.

The recording state is synthetic (``RecorderDialog.show_synthetic``): screenshots run offscreen, often without an
audio server, and the picture must not depend on a live microphone. The consent check is real: a throwaway field vault
in a temporary directory holds two testimonies, one whose consent to recording was granted and one refused.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tools.screen_wait import Save, wait_until
from ui.common.db_worker import DbWorker
from ui.field.recorder_dialog import RecorderDialog

PASSPHRASE = "우리 집 강아지는 눈 오는 날을 좋아합니다"  # noqa: S105 - a throwaway vault
MARKERS = ((65_000, "보위부 구류장 이야기 시작"), (312_000, "언니의 이름을 처음 말함"), (618_000, ""),
           (731_000, "2012년 봄, 15호 관리소 이송 소문"))


_wait = wait_until


def _testimony(recording: str) -> bytes:
    return json.dumps({
        "interview": {"date": "2024-05-02", "language": "ko", "interviewer": "I-03", "place": "서울"},
        "interviewee": {"pseudonym": "W-117", "relation": "sister"},
        "consent": {"recording": recording, "storage": "granted"},
        "victims": [{"names": [{"hangul": "류은별", "roman": "Ryu Un-byol"}]}],
    }, ensure_ascii=False).encode()


def render_recorder(app: QApplication, out_dir: Path, lang: str, save: Save) -> list[Path]:
    """The recorder mid-recording (level, elapsed time, markers, the disk warning) and with consent refused."""
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        vault, _ = Vault.create(Path(tmp) / "vault", PASSPHRASE, "field")
        store = RecordStore(vault)
        granted = store.add_json(_testimony("granted")).record_id
        refused = store.add_json(_testimony("refused")).record_id
        worker = DbWorker(vault)
        try:
            dialog = RecorderDialog(worker, granted)
            dialog.show()
            _wait(app, lambda: dialog.consent is not None)
            dialog.show_synthetic("recording", 754_000, -14.0, 7.5 * 60, list(MARKERS), "Built-in Audio Analog Stereo")
            dialog.marker_note.setText("증언자가 잠시 쉬자고 함" if lang == "ko" else "Interviewee asks for a break")
            written.append(save(app, dialog, out_dir / f"{lang}-30-recorder-recording.png"))
            dialog.state = "idle"
            dialog.close()
            dialog = RecorderDialog(worker, refused)
            dialog.show()
            _wait(app, lambda: dialog.consent is not None)
            written.append(save(app, dialog, out_dir / f"{lang}-31-recorder-refused.png"))
            dialog.close()
        finally:
            worker.shutdown()
            vault.lock()
    return written
