"""Closing the audio player while it plays must not freeze the app (issue 29, item 1).

The probe runs in a subprocess: before the fix the close never returned (QMediaPlayer.stop waited, with the GIL held,
for a demuxer thread that was waiting for the GIL inside BlobDevice.readData), so a hung child is a failure here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def test_closing_the_player_while_it_plays_returns_at_once_and_the_app_keeps_running() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    try:
        proc = subprocess.run([sys.executable, str(Path(__file__).parent / "player_close_probe.py")], cwd=REPO,
                              env=env, capture_output=True, text=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("closing the audio player while it played froze the app")
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    if "skip" in seen:
        pytest.skip(seen["skip"])
    assert seen["position_ms"] >= 300  # it was really playing when closed
    # The close hands the player to the event loop instead of stopping or destroying it from Python (what froze), and
    # the event loop then destroys it: its demuxer thread finished its read.
    assert not seen["destroyed_in_close"] and seen["destroyed_after"], seen
    assert seen["ticks"] >= 10, seen  # timers (auto-lock among them) still fire after the close


def test_the_player_shows_the_time_and_the_markers_and_a_marker_seeks(qtbot: object) -> None:
    import io
    import os as _os

    from pytestqt.qtbot import QtBot

    from crypto.blob_cipher import BlobReader, BlobWriter
    from tests.ui.field.player_close_probe import _wav
    from ui.field.attachments_viewer import HAVE_MULTIMEDIA, AttachmentViewer

    assert isinstance(qtbot, QtBot)
    if not HAVE_MULTIMEDIA:
        pytest.skip("no QtMultimedia")
    key, blob_id = _os.urandom(32), _os.urandom(16)
    encrypted = io.BytesIO()
    writer = BlobWriter(encrypted, key, blob_id)
    writer.write(_wav(seconds=3))
    writer.close()
    encrypted.seek(0)
    viewer = AttachmentViewer(BlobReader(encrypted, key, blob_id), "a.wav", "audio/wav",
                              markers=[(1500, "중요한 순간"), (2500, "울음")])
    qtbot.addWidget(viewer)
    viewer.show()
    assert [viewer.marker_list.item(i).text() for i in range(2)] == ["0:00:01  중요한 순간", "0:00:02  울음"]
    qtbot.waitUntil(lambda: viewer.player.duration() > 0, timeout=20_000)
    assert viewer.time_label.text() == "0:00:00 / 0:00:03"
    viewer.marker_list.itemClicked.emit(viewer.marker_list.item(0))
    qtbot.waitUntil(lambda: viewer.player.position() >= 1400, timeout=20_000)
    assert viewer.time_label.text().startswith("0:00:01 /")
    viewer.reject()
