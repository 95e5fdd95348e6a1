"""Plaintext canary after a GUI session: a marker typed into the editor, autosaved, saved, attached, searched for and
viewed appears nowhere on disk outside the encrypted files — vault, home, config, and anything new in the temp dir."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.conftest import scan_for_marker
from tests.ui.field.test_interviewer_flow import WAIT_MS, _commit, _create_vault, _pages
from ui.session import Session


def test_no_plaintext_after_a_gui_session(qtbot: QtBot, session: Session, tmp_path: Path) -> None:
    started = time.time() - 1
    marker = "CANARY" + os.urandom(5).hex() + "보위부표지"
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    _create_vault(qtbot, session)
    pages = _pages(session)
    editor = pages.editor
    editor.autosave.timer.setInterval(100)
    pages.new_action.trigger()
    QTest.keyClicks(editor.interview.date.edit, "2024-05-02")
    QTest.keyClicks(editor.interview.interviewer, "I-03")
    QTest.keyClicks(editor.interview.pseudonym, "W-900")
    editor.tabs.setCurrentIndex(2)
    _commit(editor.narrative, f"{marker} 진술 {marker}")
    qtbot.waitUntil(lambda: editor.autosave.saves >= 1, timeout=WAIT_MS)
    QTest.keyClick(editor.save_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: editor.status.text().startswith(("Saved", "Not saved")), timeout=WAIT_MS)
    assert editor.status.text() == "Saved.", editor.status.text()
    source = inputs / "letter.txt"
    source.write_bytes((marker + "\n").encode("utf-8") * 1000 + marker.encode("utf-16"))
    assert editor.attachments.attach(source) is not None
    qtbot.waitUntil(lambda: editor.attachments.list.count() == 1, timeout=WAIT_MS)
    worker = session.db_worker
    assert worker is not None
    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=WAIT_MS)
    session.lock()
    assert not session.unlocked
    home = Path(os.environ["HOME"])
    roots = [tmp_path, home, Path(tempfile.gettempdir())]
    assert scan_for_marker(marker, roots, newer_than=started, skip=inputs) == []
