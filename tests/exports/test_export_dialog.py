"""HQ export dialog (pytest-qt, real vault and DB worker): it shows what will leave and why before writing, needs the
conditions acknowledged, writes through the core, and the export is in the log; the plan model is tested alone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from intake_app.exports import log
from intake_app.exports.settings import save as save_org
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.exports.conftest import PASSPHRASE, TID_A, TID_B, make_testimony
from ui.common.db_worker import DbWorker
from ui.hq.export_dialog import ExportDialog
from ui.hq.export_plan_model import ExportPlanModel
from ui.i18n import set_language

WAIT_MS = 20_000


@pytest.fixture
def hq_vault(tmp_path: Path) -> Iterator[Vault]:
    vault, _ = Vault.create(tmp_path / "hq", PASSPHRASE, "hq")
    store = RecordStore(vault)
    store.add_json(json.dumps(make_testimony(TID_A, {"publication": {
        "value": "conditional", "anonymity": "initials", "conditions": "no photos"}})).encode())
    store.add_json(json.dumps(make_testimony(TID_B, {"publication": "refused"})).encode())
    save_org(vault, name="TJWG")
    yield vault


def test_plan_model_rows_and_counts(qtmodeltester: object) -> None:
    model = ExportPlanModel()
    model.set_summary({"included": [{"mention": "t/v1", "anonymity": "initials"}],
                       "excluded": [{"mention": "t/v2", "reason": "withdrawn"}], "conditions": []})
    assert model.rowCount() == 2 and model.counts() == (1, 1)
    set_language("en")
    assert model.data(model.index(1, 2)) == "consent withdrawn"
    assert model.data(model.index(0, 3)) == "Initials"
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_dialog_previews_then_writes_within_consent(qtbot: QtBot, hq_vault: Vault, tmp_path: Path) -> None:
    set_language("en")
    worker = DbWorker(hq_vault)
    dialog = ExportDialog(worker, "uwazi")
    qtbot.addWidget(dialog)
    out = tmp_path / "out"
    try:
        dialog.out.setText(str(out))
        assert not dialog.export_button.isEnabled()
        dialog.preview()
        qtbot.waitUntil(lambda: dialog.summary is not None, timeout=WAIT_MS)
        # Conditional not yet acknowledged: nothing may leave, the conditions are shown.
        assert dialog.model.counts() == (0, 2)
        assert "no photos" in dialog.conditions.toPlainText()
        assert not dialog.export_button.isEnabled() and dialog.accept_conditions.isEnabled()
        dialog.accept_conditions.setChecked(True)  # invalidates the plan: show again
        assert dialog.summary is None
        dialog.preview()
        qtbot.waitUntil(lambda: dialog.summary is not None, timeout=WAIT_MS)
        assert dialog.model.counts() == (1, 1)
        assert "Initials" in dialog.plan.text()
        assert dialog.export_button.isEnabled()
        assert not out.exists()  # nothing written by the preview
        with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS) as blocker:
            dialog.export_button.click()
        doc = blocker.args[0]
        assert {f["name"] for f in doc["files"]} == {p.name for p in out.iterdir()}
        assert "SHA-256" in dialog.outcome.text()
    finally:
        worker.shutdown()
    entries = log.entries(hq_vault)
    assert len(entries) == 1 and entries[0]["conditions_acknowledged"] is True
    assert entries[0]["mentions"] == [f"{TID_A}/v1"]


def test_dialog_shows_refusal_in_korean(qtbot: QtBot, hq_vault: Vault, tmp_path: Path) -> None:
    set_language("ko")
    worker = DbWorker(hq_vault)
    dialog = ExportDialog(worker, "wgeid", f"{TID_B}/v1")
    qtbot.addWidget(dialog)
    try:
        assert dialog.windowTitle() == "내보내기"
        dialog.out.setText(str(tmp_path / "o"))
        dialog.preview()
        qtbot.waitUntil(lambda: dialog.summary is not None, timeout=WAIT_MS)
        assert dialog.model.counts() == (0, 1)
        assert dialog.model.data(dialog.model.index(0, 2)) == "동의를 묻지 않음"  # wgeid was never asked
        assert not dialog.export_button.isEnabled()
    finally:
        worker.shutdown()
        set_language("en")
    assert not (tmp_path / "o").exists()


def test_dossier_for_the_perpetrator_shown(qtbot: QtBot, tmp_path: Path) -> None:
    from ui.hq.export_dialog import shown_perpetrator
    from ui.hq.perpetrators_page import PerpetratorsPage

    set_language("en")
    vault, _ = Vault.create(tmp_path / "hq2", PASSPHRASE, "hq")
    grant = {"value": "granted", "anonymity": "full_name"}
    RecordStore(vault).add_json(json.dumps(make_testimony(TID_A, {"perpetrator_profiling": grant,
                                                                  "government_partners": grant})).encode())
    worker = DbWorker(vault)
    page = PerpetratorsPage(worker)
    qtbot.addWidget(page)
    try:
        assert shown_perpetrator(page) == ""
        with qtbot.waitSignal(page.refreshed, timeout=WAIT_MS):
            page.refresh()
        with qtbot.waitSignal(page.profile_shown, timeout=WAIT_MS):
            page.table.selectRow(0)
        subject = shown_perpetrator(page)
        assert subject
        dialog = ExportDialog(worker, "dossier", subject)
        qtbot.addWidget(dialog)
        assert dialog.current_format() == "dossier" and dialog.subject.text() == subject
        dialog.preview()
        qtbot.waitUntil(lambda: dialog.summary is not None, timeout=WAIT_MS)
        assert dialog.model.counts() == (1, 0)
    finally:
        worker.shutdown()


def test_wgeid_for_the_person_shown(qtbot: QtBot, tmp_path: Path) -> None:
    from ui.hq.export_dialog import shown_person
    from ui.hq.persons_page import PersonsPage

    set_language("en")
    vault, _ = Vault.create(tmp_path / "hq3", PASSPHRASE, "hq")
    RecordStore(vault).add_json(json.dumps(make_testimony(TID_A, {"wgeid": {
        "value": "granted", "anonymity": "full_name"}})).encode())
    worker = DbWorker(vault)
    page = PersonsPage(worker)
    qtbot.addWidget(page)
    try:
        assert shown_person(page) == ""
        page.refresh()
        qtbot.waitUntil(lambda: worker.pending() == 0 and page.persons.model.rowCount() > 0, timeout=WAIT_MS)
        page.persons.show_person(0)
        qtbot.waitUntil(lambda: shown_person(page) != "", timeout=WAIT_MS)
        dialog = ExportDialog(worker, "wgeid", shown_person(page))
        qtbot.addWidget(dialog)
        dialog.preview()
        qtbot.waitUntil(lambda: dialog.summary is not None, timeout=WAIT_MS)
        assert dialog.model.counts() == (1, 0)
    finally:
        worker.shutdown()
