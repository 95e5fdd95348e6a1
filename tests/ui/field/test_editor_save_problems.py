"""A refused save is visible: every problem listed at once in the form's words, the cursor on the first, the list
staying until fixed, and autosave never writing over it (issue 13.2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from intake_app.records import interchange
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.field.editor import TestimonyEditor
from ui.i18n import set_language, tr

PASSPHRASE = "우리 집 강아지는 눈 오는 날을 좋아합니다"
WAIT_MS = 20_000


@pytest.fixture
def editor(qtbot: QtBot, tmp_path: Path) -> Iterator[TestimonyEditor]:
    vault, _ = Vault.create(tmp_path / "vault", PASSPHRASE, "field")
    worker = DbWorker(vault)
    widget = TestimonyEditor(worker, autosave_ms=50)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    widget.new_testimony()
    yield widget
    widget.autosave.stop()
    worker.shutdown()
    vault.lock()


def _label_text(editor: TestimonyEditor, widget: object) -> str:
    for label in editor.findChildren(QLabel):
        if label.buddy() is widget:
            return label.text().replace("&", "").replace(" *", "").rstrip(":")
    raise AssertionError("no label for the widget")


def test_every_problem_is_listed_at_once_by_label_and_the_cursor_goes_to_the_first(
        qtbot: QtBot, editor: TestimonyEditor) -> None:
    editor.victims[0].add_act().place.edit.setText("회령")  # an act without "what happened"
    editor.narrative.setPlainText("그날 밤 잡혀갔습니다")
    editor.save()
    shown = editor.problems_label.text()
    assert editor.problems_box.isVisible()
    expected = interchange.validation_problems(editor.dump())
    paths = {e.path for e in expected}
    assert {"interview.date", "interview.interviewer", "interviewee.pseudonym", "victims[0].acts[0].type"} <= paths
    assert len(editor.problems) == len(expected) >= 4
    # named as the form labels them, not by JSON path or in raw English from the core
    for widget in (editor.interview.date, editor.interview.interviewer, editor.interview.pseudonym):
        assert _label_text(editor, widget) in shown
    assert "Victim 1 › Act 1 › What happened" in shown
    assert "required key" not in shown and "interview." not in shown
    assert editor.tabs.currentIndex() == 0
    assert QApplication.focusWidget() is editor.interview.date.edit
    # nothing went to the vault
    assert "Not saved" in editor.status.text()


def test_the_list_stays_through_autosave_and_shrinks_as_fields_are_fixed(qtbot: QtBot, editor: TestimonyEditor) -> None:
    editor.save()
    before = len(editor.problems)
    status = editor.status.text()
    saves = editor.autosave.saves
    editor.interview.interviewer.setText("I-07")  # a change: autosave runs, and one problem is fixed
    qtbot.waitUntil(lambda: editor.autosave.saves > saves, timeout=WAIT_MS)
    assert editor.problems_box.isVisible()
    assert len(editor.problems) == before - 1
    assert _label_text(editor, editor.interview.interviewer) not in editor.problems_label.text()
    assert editor.status.text() == status  # the autosave note goes to its own line
    assert "Draft saved automatically" in editor.autosave_status.text()
    editor.interview.date.edit.setText("2024-05-02")
    editor.interview.pseudonym.setText("W-12")
    assert not editor.problems and editor.problems_box.isHidden()
    editor.save()
    qtbot.waitUntil(lambda: editor.status.text() == "Saved.", timeout=WAIT_MS)
    assert editor.record_id is not None
    assert RecordStore  # the record exists: opened through the same worker below
    done: list[object] = []
    record_id = editor.record_id
    editor._worker.submit(lambda ctx: ctx.records.show(record_id), on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    assert done[0]["interview"]["interviewer"] == "I-07"  # type: ignore[index]


def test_problems_are_translated_and_required_fields_marked_in_korean(qtbot: QtBot, editor: TestimonyEditor) -> None:
    set_language("ko")
    editor.retranslate()
    editor.save()
    shown = editor.problems_label.text()
    assert tr("Not saved. Fix these fields, then save again:") in shown
    assert "면담자" in shown and "증언자 가명" in shown and "required" not in shown
    label = next(lb for lb in editor.findChildren(QLabel) if lb.buddy() is editor.interview.interviewer)
    assert "*" in label.text()
    assert editor.interview.interviewer.accessibleDescription() == tr("Required")
    optional = next(lb for lb in editor.findChildren(QLabel) if lb.buddy() is editor.interview.interpreter)
    assert "*" not in optional.text()


def test_restored_draft_note_is_not_replaced_by_the_autosave(qtbot: QtBot, editor: TestimonyEditor) -> None:
    """The race the crash test once lost: "Draft restored…" overwritten by the autosave's note."""
    editor._pending_draft = {"interview": {"language": "ko"}, "interviewee": {"pseudonym": "W-1"},
                             "narrative": "초안"}
    editor.restore_draft()
    saves = editor.autosave.saves
    qtbot.waitUntil(lambda: editor.autosave.saves > saves, timeout=WAIT_MS)
    assert "Save to keep it" in editor.status.text()


def test_language_field_shows_a_name_not_a_code(editor: TestimonyEditor) -> None:
    assert editor.interview.language.currentText() == "한국어"
    editor.load({"interview": {"language": "en"}, "victims": [{}]})
    assert editor.interview.language.currentText() == "English"
    assert editor.dump()["interview"]["language"] == "en"
    editor.load({"interview": {"language": "ru"}, "victims": [{}]})  # unknown: kept as it was
    assert editor.dump()["interview"]["language"] == "ru"


def test_validation_problems_lists_all_and_agrees_with_validate() -> None:
    bad = {"interview": {"language": "ko", "date": "not a date"}, "interviewee": {},
           "victims": [{"names": [{}], "acts": [{"date": "2011"}]}]}
    problems = interchange.validation_problems(bad)
    paths = [p.path for p in problems]
    assert paths == ["interview.date", "interview.interviewer", "interviewee.pseudonym", "victims[0].names[0]",
                     "victims[0].acts[0].type"]
    with pytest.raises(interchange.InterchangeError) as first:
        interchange.validate(bad)
    assert first.value.path in paths
    good = {"interview": {"language": "ko", "date": "2024", "interviewer": "I"}, "interviewee": {"pseudonym": "P"}}
    assert interchange.validation_problems(good) == []
