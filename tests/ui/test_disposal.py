"""ui.common.disposal.discard: a child whose connection holds the last reference to its page can be deleted safely.

Run in a child process: the failure it guards against is a double delete that aborts or corrupts the process (the suite
once died of it, far from its cause)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from tests.conftest import REPO

SCRIPT = textwrap.dedent("""
    import sys
    from functools import partial
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
    from ui.common.disposal import discard

    app = QApplication([])
    destroyed = []

    class Page(QWidget):
        def __init__(self) -> None:
            super().__init__()
            layout = QVBoxLayout(self)
            self.row = QHBoxLayout()
            layout.addLayout(self.row)
            for i in range(20):
                layout.addWidget(QLabel(f"label {i} " * 10))
            self.buttons = []
            for i in range(3):
                button = QPushButton(f"keep {i}")
                button.clicked.connect(partial(self.keep, i))  # holds the page
                self.row.addWidget(button)
                self.buttons.append(button)
            self.destroyed.connect(lambda: destroyed.append(1))

        def keep(self, i: int) -> None:
            pass

        def clear(self) -> None:
            for button in self.buttons:
                self.row.removeWidget(button)
                discard(button)
            self.buttons = []

    for _ in range(100):
        page = Page()
        page.resize(900, 700)
        page.show()
        app.processEvents()
        page.clear()
        page.close()
        del page  # the buttons' connections now hold the last references
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
    print("pages destroyed:", len(destroyed))
""")


def test_a_discarded_child_holding_its_pages_last_reference_does_not_delete_itself_twice() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, env=env,
                          cwd=REPO, check=False)
    assert "shared QObject was deleted directly" not in proc.stderr
    assert proc.returncode == 0, proc.stderr[-2000:]
    # Every page went away once its discarded buttons did: nothing leaks, nothing is freed twice.
    assert "pages destroyed: 100" in proc.stdout
