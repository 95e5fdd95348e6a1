"""Shared by the screenshot tools: how a shot is saved, and waiting for a screen to reach the state it shows."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

Save = Callable[[QApplication, QWidget, Path], Path]


def wait_until(app: QApplication, done: Callable[[], bool], timeout_s: float = 60.0) -> None:
    """Run the event loop until ``done()``; RuntimeError after ``timeout_s`` seconds."""
    deadline = time.monotonic() + timeout_s
    while not done() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    if not done():
        raise RuntimeError("the screen did not reach the expected state in time")
