"""After a lock and unlock the editor comes back to the same field and the same scroll position, not only the tab
(issue 29, minor): the place is restored once the rebuilt forms are laid out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.exports.conftest import make_testimony
from ui.common.db_worker import DbWorker
from ui.field.editor import TestimonyEditor

PASSPHRASE = "우리 집 강아지는 눈 오는 날을 좋아합니다"
ACT = {"type": "arrest", "date": "2011-23~", "date_text": "2011년 가을쯤", "place": "회령"}


@pytest.fixture
def editor_and_id(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[TestimonyEditor, str]]:
    vault, _ = Vault.create(tmp_path / "vault", PASSPHRASE, "field")
    doc = make_testimony("0190f6b8-7a1c-7d2e-9f00-000000000009", {"storage": "granted"})
    doc["victims"] = [{"names": [{"hangul": f"피해자{i}"}], "acts": [dict(ACT) for _ in range(3)]} for i in range(4)]
    record_id = RecordStore(vault).add_json(json.dumps(doc, ensure_ascii=False).encode()).record_id
    worker = DbWorker(vault)
    widget = TestimonyEditor(worker, autosave_ms=60_000)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    widget.activateWindow()
    yield widget, record_id
    widget.autosave.stop()
    worker.shutdown()
    vault.lock()


def test_the_field_and_the_scroll_position_come_back(qtbot: QtBot,
                                                     editor_and_id: tuple[TestimonyEditor, str]) -> None:
    editor, record_id = editor_and_id
    editor.open_record(record_id)
    qtbot.waitUntil(lambda: len(editor.victims) == 4, timeout=20_000)
    editor.tabs.setCurrentWidget(editor.victim_scroll)
    target = editor.victims[3].acts[2].place.edit
    editor.victim_scroll.ensureWidgetVisible(target)
    target.setFocus()
    qtbot.waitUntil(target.hasFocus, timeout=20_000)
    target.setCursorPosition(1)
    scroll = editor.victim_scroll.verticalScrollBar().value()
    assert scroll > 200  # far down the victims tab
    place = editor.place()
    assert place is not None and place.scroll == scroll
    editor.clear_content()
    editor.open_record(record_id, place)
    qtbot.waitUntil(lambda: len(editor.victims) == 4 and editor.status.text().startswith("Back where"),
                    timeout=20_000)
    again = editor.victims[3].acts[2].place.edit
    assert QApplication.focusWidget() is again
    assert again.cursorPosition() == 1
    assert abs(editor.victim_scroll.verticalScrollBar().value() - scroll) <= 5
