"""A killed editor loses at most the last autosave interval; search is debounced, off the GUI thread, highlighted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.common.search_results import SearchController, SearchResultsModel, SnippetHtmlRole, highlight_html
from ui.field.testimony_list_page import InterviewerPages
from ui.session import Session

PASSPHRASE = "우리 집 강아지는 눈 오는 날을 좋아합니다"
MARKER = "마지막으로 본 곳은 청진역 앞이었습니다 ZX-4471"
WAIT_MS = 20_000

# The child: the real editor on the real vault, typing, autosaving every 200 ms; it says SAVED after a draft holds
# the marker, then keeps typing until the parent kills it with SIGKILL (no chance to flush or clean up).
CHILD = r"""
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtWidgets import QApplication
from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.field.editor import TestimonyEditor
app = QApplication([])
vault = Vault.open(Path(sys.argv[1]), sys.argv[2])
worker = DbWorker(vault)
editor = TestimonyEditor(worker, autosave_ms=200)
editor.new_testimony()
editor.interview.pseudonym.setText("W-900")
editor.narrative.setPlainText(sys.argv[3])
start = editor.autosave.saves
while editor.autosave.saves == start:
    app.processEvents()
    time.sleep(0.01)
print("SAVED", editor.record_id, flush=True)
while True:
    app.processEvents()
    time.sleep(0.01)
"""


def test_killed_mid_edit_the_reopened_app_offers_the_last_autosaved_text(qtbot: QtBot, session: Session,
                                                                         vault_path: Path) -> None:
    vault, _ = Vault.create(vault_path, PASSPHRASE, "field")
    vault.lock()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(vault_path), PASSPHRASE, MARKER],
                             stdout=subprocess.PIPE, text=True, env=env, cwd=Path(__file__).resolve().parents[3])
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.startswith("SAVED"), line
        record_id = line.split()[1]
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL

    session.gate.show_start()
    session.gate.unlock_screen.passphrase.setText(PASSPHRASE)
    session.gate.unlock_screen.start_unlock()
    qtbot.waitUntil(lambda: session.unlocked, timeout=WAIT_MS)
    pages = session.interviewer_pages
    assert isinstance(pages, InterviewerPages)
    page = pages.list_page
    qtbot.waitUntil(lambda: page.drafts_button.isVisibleTo(page), timeout=WAIT_MS)
    assert "1 unsaved draft:" in page.drafts_label.text()  # singular: "1 unsaved drafts" was the bug
    page.drafts_button.click()
    editor = pages.editor
    qtbot.waitUntil(lambda: editor.narrative.toPlainText() == MARKER, timeout=WAIT_MS)
    assert editor.record_id == record_id
    assert editor.interview.pseudonym.text() == "W-900"
    assert "Save to keep it" in editor.status.text()


def test_highlight_html_escapes_and_marks_matches() -> None:
    assert highlight_html("a <b>청진</b> 역", [(5, 7)]) == "a &lt;b&gt;<b>청진</b>&lt;/b&gt; 역"
    assert highlight_html("x\u202ey", [(0, 1), (0, 5)]) == "<b>x</b>\ufffdy"  # bidi control replaced, bad range ignored


def test_search_is_debounced_runs_off_the_gui_thread_and_highlights(qtbot: QtBot, vault_path: Path) -> None:
    vault, _ = Vault.create(vault_path, PASSPHRASE, "field")
    store = RecordStore(vault)
    for i, text in enumerate(("청진역 앞에서 헤어졌습니다", "회령에서 잡혔습니다", "청진에서 일했습니다")):
        store.add_json(json.dumps({"interview": {"date": "2024-05-02", "language": "ko", "interviewer": "I-1"},
                                   "interviewee": {"pseudonym": f"W-{i}"}, "narrative": text}).encode())
    worker = DbWorker(vault)
    gui = threading.get_ident()
    search_threads: list[int] = []
    real_search = RecordStore.search

    def spy(self: RecordStore, query: str, **kw: object) -> object:
        search_threads.append(threading.get_ident())
        return real_search(self, query, **kw)  # type: ignore[arg-type]

    model = SearchResultsModel()
    controller = SearchController(worker, model, debounce_ms=50)
    try:
        RecordStore.search = spy  # type: ignore[assignment,method-assign]
        with qtbot.waitSignal(controller.finished, timeout=WAIT_MS):
            for prefix in ("청", "청진"):  # typed quickly: one search, for the last text
                controller.set_query(prefix)
        assert len(search_threads) == 1 and search_threads[0] != gui
        assert controller.total == 2 and model.rowCount() == 2
        html = str(model.data(model.index(0, 0), SnippetHtmlRole))
        assert "<b>청진</b>" in html
        with qtbot.waitSignal(controller.finished, timeout=WAIT_MS):
            controller.set_query("")
        assert model.rowCount() == 0
    finally:
        RecordStore.search = real_search  # type: ignore[method-assign]
        worker.shutdown()
        vault.lock()
