"""A worker task outlives the widget that started it without taking the process down (ui/common/tasks.py).

Deleting a QObject deletes its children; a QThread deleted while it runs makes Qt abort the whole process. That is what
a full run with both cores busy met once: a page torn down while its task still ran. The child process below does
exactly that and must exit normally.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

CHILD = r"""
import time
from PySide6.QtWidgets import QApplication, QWidget
import shiboken6
from ui.common.tasks import start_task

app = QApplication([])
parent = QWidget()
done = []
task = start_task(lambda: (time.sleep(0.5), done.append(1)), lambda _r: None, lambda _e: None, parent)
shiboken6.delete(parent)  # the page goes away while the work runs
print("finished" if done else "not finished")
"""


def test_deleting_the_parent_of_a_running_task_waits_for_it_instead_of_aborting() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", CHILD], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "finished"
