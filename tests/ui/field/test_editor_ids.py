"""The testimony editor keeps the ids of victims, acts and perpetrator entries when it rebuilds a testimony from its
forms: an edit through the GUI never mints new ids, and a victim added in the GUI keeps one id across saves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.field.editor.editor_page import TestimonyEditor

WAIT_MS = 20_000
GOOD = Path(__file__).parents[2] / "data" / "interchange" / "good"


def _ids(doc: dict[str, Any]) -> list[str]:
    out = []
    for victim in doc.get("victims", []):
        out.append(victim["id"])
        for act in victim.get("acts", []):
            out.append(act["id"])
            out += [p["id"] for p in act.get("perpetrators", [])]
    return out


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    v, _ = Vault.create(tmp_path / "v", "pw")
    yield v


def _save_and_wait(qtbot: QtBot, editor: TestimonyEditor, worker: DbWorker) -> None:
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        editor.save()
    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=WAIT_MS)


def test_editing_keeps_entity_ids(qtbot: QtBot, vault: Vault) -> None:
    doc = json.loads((GOOD / "example.json").read_text(encoding="utf-8"))
    doc.pop("id", None)
    store = RecordStore(vault)
    rid = store.add_json(json.dumps(doc, ensure_ascii=False).encode()).record_id
    before = store.show(rid)
    worker = DbWorker(vault)
    editor = TestimonyEditor(worker, autosave_ms=60_000)
    qtbot.addWidget(editor)
    try:
        editor.open_record(rid)
        qtbot.waitUntil(lambda: editor.record_id == rid and bool(editor.victims), timeout=WAIT_MS)
        editor.victims[0].notes.setText("GUI에서 고친 메모")
        editor.victims[0].acts[0].description.setText("고친 설명")
        _save_and_wait(qtbot, editor, worker)
        after = store.show(rid)
        assert after["victims"][0]["notes"] == "GUI에서 고친 메모"
        assert _ids(after) == _ids(before)
        # A victim (with an act and a perpetrator) added in the GUI: one id, kept by later edits.
        new = editor.add_victim()
        new.names[0].edits["hangul"].setText("새 피해자")
        act = new.add_act()
        act.type.set_code("arrest")
        act.add_perpetrator().rank.edit.setText("상위")
        _save_and_wait(qtbot, editor, worker)
        first = store.show(rid)
        new.notes.setText("두 번째 저장")
        act.description.setText("바뀐 내용")
        _save_and_wait(qtbot, editor, worker)
        second = store.show(rid)
        assert len(second["victims"]) == len(before["victims"]) + 1
        assert _ids(second) == _ids(first)
        assert set(_ids(before)) < set(_ids(second))
    finally:
        worker.shutdown()
