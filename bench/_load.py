"""Busy cores on demand, for figures "under load": N spinner processes started for a measurement and stopped after it.

A spinner is an interpreter running ``while True: pass`` (pure CPU, nothing written). With N spinners on a 2-core
machine the benchmark and its reference share the cores with them; both sides of a ratio run while the same spinners
run, so the ratio is comparable, while absolute figures also depend on whatever else the machine is doing: print the
load average beside them (:func:`load_average`).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator

SETTLE_S = 0.5  # the spinners get going before the measurement starts


@contextlib.contextmanager
def spinners(n: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Run ``n`` spinner processes for the duration of the ``with`` block; they are stopped however it ends."""
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(n):
            procs.append(subprocess.Popen([sys.executable, "-c", "while True: pass"], stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        if procs:
            time.sleep(SETTLE_S)
        yield procs
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait()


def load_average() -> float:
    """The 1-minute load average (0.0 where the platform has none)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return 0.0


def label(n: int) -> str:
    """How a figure names its load: "quiet" or "N spinners"."""
    return "quiet" if n == 0 else f"{n} spinner{'s' if n > 1 else ''}"
