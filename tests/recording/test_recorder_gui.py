"""The recorder window: consent shown and enforced, then a whole recording through PulseAudio in its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from rec_helpers import PASSPHRASE, vault_with_testimony, wav_info

from intake_app.recording.service import RecordingService
from intake_app.records.attachments import AttachmentStore
from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.field.recorder_dialog import RecorderDialog, clock_text
from ui.i18n import set_language

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker_for(qtbot: QtBot, tmp_path: Path) -> Any:
    made: list[tuple[DbWorker, Vault]] = []

    def make(decision: object) -> tuple[DbWorker, str]:
        vault, rid = vault_with_testimony(tmp_path / f"v{len(made)}", decision)
        worker = DbWorker(vault)
        made.append((worker, vault))
        return worker, rid

    yield make
    for worker, vault in made:
        worker.shutdown()
        vault.lock()


def _dialog(qtbot: QtBot, worker: DbWorker, rid: str) -> RecorderDialog:
    dialog = RecorderDialog(worker, rid)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.consent is not None, timeout=20_000)
    return dialog


@pytest.mark.parametrize(("decision", "english"), [
    ("refused", "The interviewee refused recording."),
    ("withdrawn", "The interviewee withdrew consent to recording."),
    (None, "Consent to recording was not asked yet"),
])
def test_record_is_disabled_and_says_why(qtbot: QtBot, worker_for: Any, decision: object, english: str) -> None:
    worker, rid = worker_for(decision)
    dialog = _dialog(qtbot, worker, rid)
    assert not dialog.record_button.isEnabled()
    assert dialog.consent_label.text().startswith(english)
    assert dialog.record_button.toolTip() == dialog.consent_label.text()
    dialog.start_recording()  # a click that got through anyway changes nothing
    assert dialog.state == "idle"
    set_language("ko")
    try:
        assert any("\uac00" <= ch <= "\ud7a3" for ch in dialog.consent_label.text())
    finally:
        set_language("en")


def test_conditional_consent_needs_the_conditions_acknowledged(qtbot: QtBot, worker_for: Any) -> None:
    worker, rid = worker_for({"value": "conditional", "conditions": "가족의 이름은 녹음하지 않음"})
    dialog = _dialog(qtbot, worker, rid)
    assert dialog.ack_box.isVisible() and "가족의 이름은 녹음하지 않음" in dialog.conditions_label.text()
    assert not dialog.record_button.isEnabled()
    assert dialog.consent_label.text().startswith("Consent is conditional")
    dialog.ack_box.setChecked(True)
    # Acknowledged: only a missing microphone (none on a machine without an audio server) can still stop it.
    has_input = bool(dialog._devices)
    assert dialog.record_button.isEnabled() is has_input
    if not has_input:
        assert dialog.consent_label.text().startswith("No microphone was found")


def test_markers_of_stored_recordings_show_under_the_narrative(qtbot: QtBot, worker_for: Any) -> None:
    from rec_helpers import sine_pcm

    from ui.field.recorder_markers import RecordingMarkersView

    worker, rid = worker_for("granted")
    vault = worker._state.vault
    service = RecordingService(vault)
    recording_id, session = service.begin(rid, input_name="mic")
    session.feed(sine_pcm(440, 1.25))
    session.add_marker("울음")
    session.stop()
    result = service.finish(recording_id)
    assert result is not None
    view = RecordingMarkersView(worker)
    qtbot.addWidget(view)
    view.set_record(rid)
    qtbot.waitUntil(lambda: view.list.count() == 1, timeout=20_000)
    assert view.list.item(0).text() == f"{clock_text(1250)}  {result.original_name} — 울음"


def test_a_whole_recording_in_the_window(tmp_path: Path, pulse_env: dict[str, str]) -> None:
    vault_path = tmp_path / "vault"
    vault, rid = vault_with_testimony(vault_path)
    vault.lock()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, str(Path(__file__).parent / "recorder_gui_probe.py"), str(vault_path), rid],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["record_enabled"] and seen["inputs"] == ["Sine_440_Hz"]
    assert seen["paused_label"] == "Paused"
    at, note = seen["result"]["markers"][0]
    assert note == "중요한 순간" and seen["marker_row"] == f"{clock_text(at)}  중요한 순간"
    assert -9 <= seen["meter"] <= -3  # the 440 Hz input plays at half scale: about -6 dBFS
    assert seen["player"] == "AttachmentViewer"
    assert abs(seen["player_duration_ms"] - seen["result"]["duration_ms"]) <= 50
    assert seen["status"].startswith("Stored: ")
    # The audio: at least 2 s before the marker, nothing while paused, at least 1.5 s after; read back from the vault.
    assert seen["after_pause_ms"] == seen["paused_at_ms"] >= 2000
    vault = Vault.open(vault_path, PASSPHRASE)
    with AttachmentStore(vault).open(seen["result"]["sha256"]) as reader:
        data = reader.read()
    channels, _, rate, frames, _pcm = wav_info(data, tmp_path)
    assert (channels, rate) == (1, 48_000) and frames * 1000 // rate == seen["result"]["duration_ms"]
    # Stop keeps what the input still held (its buffer is 1 s), and nothing of the pause.
    assert seen["paused_at_ms"] + 1500 <= seen["before_stop_ms"] <= seen["result"]["duration_ms"]
    assert seen["result"]["duration_ms"] <= seen["before_stop_ms"] + 1500
    actions = [a for _, a, _ in AttachmentStore(vault).custody(seen["result"]["sha256"])]
    assert actions == ["recorded", "viewed", "viewed"]


def test_unlocking_the_app_recovers_an_interrupted_recording(qtbot: QtBot, tmp_path: Path) -> None:
    from rec_helpers import sine_pcm

    from intake_app.recording import capture
    from ui.common.settings_store import UiSettings
    from ui.session import Session

    vault_path = tmp_path / "vault"
    vault, rid = vault_with_testimony(vault_path)
    _, session = RecordingService(vault).begin(rid, input_name="mic")
    session.feed(sine_pcm(440, capture.COMMIT_SECONDS))
    session.abandon()  # what a kill leaves
    vault.lock()

    app_session = Session(vault_path, UiSettings(), tmp_path / "ui-settings.json")
    qtbot.addWidget(app_session.gate)
    app_session.start()
    try:
        app_session.gate.unlock_screen.passphrase.setText(PASSPHRASE)
        app_session.gate.unlock_screen.start_unlock()
        qtbot.waitUntil(lambda: app_session.db_worker is not None, timeout=30_000)
        worker = app_session.db_worker
        assert worker is not None
        qtbot.waitUntil(lambda: worker.pending() == 0, timeout=30_000)
        infos: list[Any] = []
        worker.submit(lambda ctx: ctx.attachments.list_for(rid), on_done=infos.extend)
        qtbot.waitUntil(lambda: bool(infos), timeout=30_000)
        assert infos[0].original_name.endswith("-interrupted.wav") and infos[0].media_type == "audio/wav"
    finally:
        app_session.shutdown()


def test_closing_the_window_mid_recording_stores_it_before_the_vault_locks(tmp_path: Path,
                                                                           pulse_env: dict[str, str]) -> None:
    vault_path = tmp_path / "vault"
    vault, rid = vault_with_testimony(vault_path)
    vault.lock()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, str(Path(__file__).parent / "recorder_gui_probe.py"), str(vault_path), rid,
                           "close-while-recording"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    vault = Vault.open(vault_path, PASSPHRASE)
    assert vault.conn.execute("SELECT state, interrupted FROM recordings").fetchall() == [("finished", 0)]
    (info,) = AttachmentStore(vault).list_for(rid)
    assert not info.original_name.endswith("-interrupted.wav") and info.size > 44
    assert not list((vault_path / "blobs").glob(".rec-*"))
