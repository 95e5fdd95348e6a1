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
                              env=env, capture_output=True, text=True, timeout=45, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("closing the audio player while it played froze the app")
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    if "skip" in seen:
        pytest.skip(seen["skip"])
    assert seen["position_ms"] >= 300  # it was really playing when closed
    assert seen["close_s"] < 1.0
    assert seen["ticks"] >= 10  # timers (auto-lock among them) still fire after the close
