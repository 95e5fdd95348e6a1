"""Closing the audio player while it plays must not freeze the app (issue 29, item 1).

The probe runs in a subprocess: before the fix the close never returned (QMediaPlayer.stop waited, with the GIL held,
for a demuxer thread that was waiting for the GIL inside BlobDevice.readData), so a hung child is a failure here. The
player's other test runs there too: in the pytest process its deferred deletion ran inside a later test's qWait with
the GIL held, where the same wait can hang (player_close_probe.py says more)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def _probe(*args: str) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    try:
        proc = subprocess.run([sys.executable, str(Path(__file__).parent / "player_close_probe.py"), *args], cwd=REPO,
                              env=env, capture_output=True, text=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("closing the audio player while it played froze the app")
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    if "skip" in seen:
        pytest.skip(str(seen["skip"]))
    return seen


def _closed_cleanly(seen: dict[str, object]) -> None:
    # The close hands the player to the event loop instead of stopping or destroying it from Python (what froze), and
    # the event loop then destroys it: its demuxer thread finished its read.
    assert not seen["destroyed_in_close"] and seen["destroyed_after"], seen
    assert int(seen["ticks"]) >= 10, seen  # type: ignore[call-overload]  # timers (auto-lock among them) still fire


def test_closing_the_player_while_it_plays_returns_at_once_and_the_app_keeps_running() -> None:
    seen = _probe()
    assert int(seen["position_ms"]) >= 300  # type: ignore[call-overload]  # it was really playing when closed
    _closed_cleanly(seen)


def test_the_player_shows_the_time_and_the_markers_and_a_marker_seeks() -> None:
    seen = _probe("markers")
    assert seen["markers"] == ["0:00:01  중요한 순간", "0:00:02  울음"]
    assert seen["loaded"] and seen["time_loaded"] == "0:00:00 / 0:00:03", seen
    assert seen["sought"] and str(seen["time_sought"]).startswith("0:00:01 /"), seen
    _closed_cleanly(seen)
