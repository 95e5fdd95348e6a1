"""steps_taken in the interchange format (round trip, refusals) and in the GUI victim form (pytest-qt, real editor
saving into a real vault)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from intake_app.records.interchange import InterchangeError, dumps_canonical, parse_testimony, to_json, validate
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.field.editor.editor_page import TestimonyEditor
from ui.field.editor.victim_form import VictimForm
from ui.i18n import set_language

GOOD = Path(__file__).parents[1] / "data" / "interchange" / "good"
WAIT_MS = 20_000


def _doc() -> dict:
    return json.loads((GOOD / "example.json").read_text(encoding="utf-8"))


def test_steps_round_trip_and_refusals() -> None:
    doc = _doc()
    doc["victims"][0]["steps_taken"] = [{"date": "2012-03", "body": "대한적십자사", "action": "생사확인 신청",
                                         "response": "회신 없음"}, {"action": "Letter to the UN"}]
    testimony = parse_testimony(json.dumps(doc, ensure_ascii=False).encode())
    assert testimony.victims[0].steps_taken[0].date is not None
    assert testimony.victims[0].steps_taken[0].date.lower.isoformat() == "2012-03-01"
    assert to_json(validate(to_json(testimony))) == to_json(testimony)
    assert to_json(testimony)["victims"][0]["steps_taken"] == doc["victims"][0]["steps_taken"]
    plain = _doc()
    assert dumps_canonical(parse_testimony(json.dumps(plain).encode())) == dumps_canonical(validate(plain))
    for bad, where in (({"date": "2012"}, "action"), ({"action": "x", "date": "2012-13"}, "date"),
                       ({"action": "x", "by": "me"}, "by"), ({"action": ""}, "action")):
        broken = copy.deepcopy(doc)
        broken["victims"][0]["steps_taken"] = [bad]
        with pytest.raises(InterchangeError) as err:
            validate(broken)
        assert err.value.path.startswith("victims[0].steps_taken[0]") and where in err.value.path


def test_victim_form_loads_edits_and_dumps_steps(qtbot: QtBot) -> None:
    set_language("en")
    form = VictimForm()
    qtbot.addWidget(form)
    form.load({"id": "v1", "names": [{"hangul": "류은별"}],
               "steps_taken": [{"date": "2012-03", "body": "대한적십자사", "action": "생사확인 신청"}]})
    assert len(form.steps.rows) == 1
    assert form.steps.rows[0].edits["body"].text() == "대한적십자사"
    with qtbot.waitSignal(form.changed):
        form.steps.rows[0].edits["response"].setText("회신 없음")
    qtbot.mouseClick(form.steps.add_button, Qt.MouseButton.LeftButton)
    added = form.steps.rows[1]
    added.edits["action"].setText("통일부에 진정서")
    form.steps.add_step()  # an empty row is no step
    assert form.dump()["steps_taken"] == [
        {"date": "2012-03", "body": "대한적십자사", "action": "생사확인 신청", "response": "회신 없음"},
        {"action": "통일부에 진정서"}]
    added.remove.click()
    assert form.dump()["steps_taken"] == [
        {"date": "2012-03", "body": "대한적십자사", "action": "생사확인 신청", "response": "회신 없음"}]
    set_language("ko")
    form.retranslate()
    assert form.steps.title() == "피해자를 찾기 위한 조치"
    set_language("en")


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    v, _ = Vault.create(tmp_path / "v", "pw")
    yield v


def test_editor_saves_steps_into_the_vault(qtbot: QtBot, vault: Vault) -> None:
    doc = _doc()
    doc.pop("id", None)
    store = RecordStore(vault)
    rid = store.add_json(json.dumps(doc, ensure_ascii=False).encode()).record_id
    worker = DbWorker(vault)
    editor = TestimonyEditor(worker, autosave_ms=60_000)
    qtbot.addWidget(editor)
    try:
        editor.open_record(rid)
        qtbot.waitUntil(lambda: editor.record_id == rid and bool(editor.victims), timeout=WAIT_MS)
        step = editor.victims[0].steps.add_step()
        step.edits["date"].setText("2013-05")
        step.edits["action"].setText("적십자 생사확인 신청")
        with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
            editor.save()
        qtbot.waitUntil(lambda: worker.pending() == 0, timeout=WAIT_MS)
        assert store.show(rid)["victims"][0]["steps_taken"] == [{"date": "2013-05", "action": "적십자 생사확인 신청"}]
    finally:
        worker.shutdown()
