"""Guard against a known binding defect: PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a
void method (``QLabel.setText`` …), so a GUI session aborts with "none_dealloc" after a few thousand calls. 6.11.3 is
sound. This test fails fast with a clear message instead of an abort at some random later point.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel


def test_void_methods_keep_the_reference_count_of_none(qapp: QApplication) -> None:
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(200):
        label.setText("x")
    drift = before - sys.getrefcount(None)
    assert drift < 50, (
        f"this PySide6 build loses a reference to None on each void call (lost {drift} in 200 calls); "
        "the app would abort within minutes. Use PySide6-Essentials 6.11.x (6.12.0 is affected)."
    )
