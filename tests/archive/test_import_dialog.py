"""HQ "Import an archive…" (pytest-qt, real vault and DB worker): the dry run (mapping, counts, refusals) is shown
before anything is written; Import is possible only for the choices checked; the Persons page marks reference persons."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from intake_app.archive import store
from intake_app.vault.vault import Vault
from tests.exports.conftest import PASSPHRASE
from ui.common.db_worker import DbWorker
from ui.hq.archive_import_dialog import ArchiveImportDialog
from ui.hq.persons_models import PersonListModel, load_persons
from ui.i18n import set_language

WAIT_MS = 20_000
CSV = "제목,성명,성별,납북일\r\n홍길동,홍길동,남,1950-07-15\r\n박철,박철,남,어느날\r\n김순옥,김순옥,여,1970\r\n"


@pytest.fixture
def hq_vault(tmp_path: Path) -> Iterator[Vault]:
    vault, _ = Vault.create(tmp_path / "hq", PASSPHRASE, "hq")
    yield vault


def test_dialog_shows_the_dry_run_before_writing(qtbot: QtBot, hq_vault: Vault, tmp_path: Path) -> None:
    set_language("en")
    path = tmp_path / "footprints.csv"
    path.write_text(CSV, encoding="utf-8")
    worker = DbWorker(hq_vault)
    dialog = ArchiveImportDialog(worker)
    qtbot.addWidget(dialog)
    try:
        dialog.file.setText(str(path))
        dialog.source.setText("FOOTPRINTS")
        assert not dialog.import_button.isEnabled()
        dialog.run()  # nothing checked yet: nothing happens
        dialog.check()
        qtbot.waitUntil(lambda: dialog.checked is not None, timeout=WAIT_MS)
        assert "2 would be created" in dialog.counts.text() and "1 refused" in dialog.counts.text()
        mapping = {dialog.mapping.item(r, 0).text(): dialog.mapping.item(r, 1).text()  # type: ignore[union-attr]
                   for r in range(dialog.mapping.rowCount())}
        assert mapping == {"제목": "title", "성명": "victim.name.hangul", "성별": "victim.sex", "납북일": "act.date"}
        assert "Row 2 refused" in dialog.refusals.toPlainText()
        assert store.imports(hq_vault.conn) == []  # the dry run wrote nothing
        # A change after the check: Import needs a new check.
        dialog.source.setText("FOOTPRINTS-2")
        assert not dialog.import_button.isEnabled()
        dialog.source.setText("FOOTPRINTS")
        dialog.check()
        qtbot.waitUntil(dialog.import_button.isEnabled, timeout=WAIT_MS)
        with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS) as signal:
            dialog.run()
        assert signal.args is not None and signal.args[0]["created"] == 2
        assert "recorded in the audit log" in dialog.outcome.text()
        assert [i["created"] for i in store.imports(hq_vault.conn)] == [2]
    finally:
        worker.shutdown()
    rows = load_persons(_Ctx(hq_vault))  # type: ignore[arg-type]
    model = PersonListModel()
    model.set_rows(rows)
    shown = [model.data(model.index(r, 1)) for r in range(model.rowCount())]
    assert sorted(shown) == ["김순옥  [reference: FOOTPRINTS]", "홍길동  [reference: FOOTPRINTS]"]


class _Ctx:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault


def test_export_plan_names_the_reference_only_reason() -> None:
    from ui.hq.export_plan_model import ExportPlanModel

    model = ExportPlanModel()
    model.set_summary({"included": [], "excluded": [{"mention": "r/ref", "reason": "reference_only"}],
                       "conditions": []})
    set_language("en")
    assert model.data(model.index(0, 2)) == "reference record of an outside archive: never leaves"
    set_language("ko")
    assert model.data(model.index(0, 2)) == "외부 기록물의 참조 기록: 반출하지 않음"
    set_language("en")
