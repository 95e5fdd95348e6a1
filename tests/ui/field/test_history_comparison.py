"""History as a readable comparison (issue 13.4): form labels, vocabulary labels, dates as understood, changes
highlighted, which device and interviewer; no raw JSON and no escaped newlines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from intake_app.records import dates, interchange, vocabularies
from intake_app.records.revision_diff import compare
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.common.revision_diff import ChangedRole, RevisionDiffModel
from ui.field.history_view import HistoryDialog
from ui.i18n import set_language

PASSPHRASE = "우리 집 강아지는 눈 오는 날을 좋아합니다"
WAIT_MS = 20_000


def _testimony(interviewer: str, act: str, narrative: str) -> dict[str, Any]:
    return {"interview": {"date": "2024-05-02", "language": "ko", "interviewer": interviewer, "mode": "in_person"},
            "interviewee": {"pseudonym": "W-3", "relation": "sister"}, "narrative": narrative,
            "victims": [{"names": [{"hangul": "김영희"}], "categories": [2],
                         "acts": [{"type": act, "date": "2011-23~", "date_text": "2011년 가을쯤"}]}]}


@pytest.fixture
def history(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[HistoryDialog, str]]:
    vault, _ = Vault.create(tmp_path / "vault", PASSPHRASE, "field")
    store = RecordStore(vault)
    first = store.save(interchange.validate(_testimony("I-1", "arrest", "첫 줄\n둘째 줄")))
    second = {**_testimony("I-2", "abduction", "첫 줄\n둘째 줄"), "id": first.record_id}
    store.save(interchange.validate(second))
    worker = DbWorker(vault)
    dialog = HistoryDialog(worker, first.record_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.diff.model.rowCount() > 0 and len(dialog.entries) == 2, timeout=WAIT_MS)
    yield dialog, store.device
    worker.shutdown()
    vault.lock()


def _rows(model: RevisionDiffModel) -> dict[str, int]:
    return {model.text(r, 0): r for r in range(model.rowCount())}


def test_the_last_revision_is_compared_with_its_parent_by_label(history: tuple[HistoryDialog, str]) -> None:
    dialog, _ = history
    model = dialog.diff.model
    assert model.columnCount() == 4  # field, change, before, after
    rows = _rows(model)
    interviewer = rows["Interviewer"]
    assert [model.text(interviewer, c) for c in (2, 3)] == ["I-1", "I-2"]
    assert model.data(model.index(interviewer, 0), ChangedRole) is True
    assert model.data(model.index(interviewer, 2), Qt.ItemDataRole.BackgroundRole) is not None
    act = rows["Victim 1 › Act 1 › What happened"]
    labels = vocabularies.load("act_types")
    assert [model.text(act, c) for c in (2, 3)] == [labels.get("arrest").en, labels.get("abduction").en]
    pseudonym = rows["Interviewee pseudonym"]
    assert model.text(pseudonym, 1) == "" and model.data(model.index(pseudonym, 2), ChangedRole) is False
    when = model.text(rows["Victim 1 › Act 1 › When (as understood)"], 3)
    assert dates.interpret("2011-23~").explanation_en in when
    assert model.text(rows["&Mode:".replace("&", "").rstrip(":")], 3) == "In person"
    assert model.text(rows["Narrative"], 3) == "첫 줄\n둘째 줄"  # a real line break, not "\n"
    everything = " ".join(model.text(r, c) for r in range(model.rowCount()) for c in range(model.columnCount()))
    assert "{" not in everything and "\\n" not in everything and "in_person" not in everything
    assert dialog.diff.only_changed.text()
    dialog.diff.only_changed.setChecked(True)
    assert dialog.diff.proxy.rowCount() == len(model.changed_rows()) == 2  # interviewer, act type


def test_each_revision_names_its_device_and_interviewer(history: tuple[HistoryDialog, str]) -> None:
    dialog, _ = history
    items = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert "this laptop, interviewer I-1" in items[0]
    assert "this laptop, interviewer I-2" in items[1] and "current" in items[1]
    assert "this laptop" in (model_title := dialog.diff.model.headerData(3, Qt.Orientation.Horizontal)) \
        and "This revision" in model_title
    dialog.list.setCurrentRow(0)  # the first revision: nothing to compare with
    assert dialog.diff.model.columnCount() == 3


def test_codes_and_labels_in_korean_without_a_view() -> None:
    set_language("ko")
    model = RevisionDiffModel()
    old, new = _testimony("I-1", "arrest", "가"), _testimony("I-1", "arrest", "가")
    new["victims"][0]["categories"] = [2, 5]
    model.set_versions(["이전", "이후"], [old, new])
    rows = _rows(model)
    categories = rows["피해자 1 › 유형"]
    entries = vocabularies.load("victim_categories")
    assert model.text(categories, 3) == f"2. {entries.get('2').ko}, 5. {entries.get('5').ko}"
    assert model.text(categories, 1) == "변경됨"
    assert model.text(rows["면담 방식"], 3) == "대면"
    assert [row.leaf.path for row in compare([old, new]) if row.changed] == ["victims[0].categories"]
