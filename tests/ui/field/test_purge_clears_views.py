"""Issue 24, finding 6, through the real GUI on real vaults: open a testimony and go back, import HQ's update, purge.
The detail pane and the editor no longer hold the purged testimony, Edit is disabled, and no save path (the editor's
save, its autosave, the CLI) stores the purged id again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import Importer
from intake_app.errors import RefusedError
from intake_app.records.store import RecordStore
from intake_app.updates.field import import_update
from intake_app.updates.hq import export_updates
from tests.bundles.test_merge_properties import PASSPHRASE
from tests.conftest import Runner
from tests.updates.helpers import PW, add_marked, markers, opened, setup_pair
from ui.common.settings_store import UiSettings
from ui.session import Session

WAIT_MS = 20_000


def test_purge_empties_every_view_and_nothing_stores_the_purged_id_again(qtbot: QtBot, tmp_path: Path,
                                                                         settings_path: Path, intake: Runner) -> None:
    hq_path, (laptop,), (device,) = setup_pair(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    with opened(laptop) as f:
        rid = add_marked(f, "P", with_attachment=False)
        bundle = export_bundle(f, usb).path
    with opened(hq_path) as hq:
        assert Importer(hq).import_file(bundle).status == "imported"
        (sent,) = export_updates(hq, usb, device)
    with opened(laptop) as f:
        import_update(f, sent.path)
        saved_doc = RecordStore(f).show(rid)  # what an editor or a file still holds after the purge

    session = Session(laptop, UiSettings(), settings_path)
    qtbot.addWidget(session.gate)
    session.start()
    try:
        unlock = session.gate.unlock_screen
        unlock.passphrase.setText(PASSPHRASE)
        QTest.keyClick(unlock.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: session.unlocked, timeout=WAIT_MS)
        pages = session.interviewer_pages
        assert pages is not None
        list_page = pages.list_page
        qtbot.waitUntil(lambda: list_page.model.rowCount() == 1, timeout=WAIT_MS)
        # Open it in the editor and go back: the editor keeps the record loaded, the detail pane shows it.
        pages.open_testimony(rid)
        qtbot.waitUntil(lambda: pages.editor.record_id == rid, timeout=WAIT_MS)
        pages.show_list()
        list_page.browser.record_selected.emit(rid)  # what selecting its row does
        detail = list_page.detail
        qtbot.waitUntil(detail.edit_button.isEnabled, timeout=WAIT_MS)
        assert markers("P")["narrative"] in detail.browser.toPlainText()

        purge = pages.updates.open_purge()
        qtbot.waitUntil(lambda: purge.planned is not None and purge.planned.count == 1, timeout=WAIT_MS)
        QTest.mouseClick(purge.remove_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: purge.removed is not None, timeout=WAIT_MS)
        purge.reject()
        qtbot.waitUntil(lambda: list_page.model.rowCount() == 0, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: pages.editor.record_id is None, timeout=WAIT_MS)
        assert detail.record_id() is None and not detail.edit_button.isEnabled()
        assert markers("P")["narrative"] not in detail.browser.toPlainText()
        assert markers("P")["narrative"] not in json.dumps(pages.editor.dump(), ensure_ascii=False)

        # The core refuses every save path for the purged id: save, autosave draft.
        worker = session.db_worker
        assert worker is not None
        errors: list[BaseException] = []
        worker.submit(lambda ctx: ctx.records.add_json(json.dumps(saved_doc).encode()), on_error=errors.append)
        worker.submit(lambda ctx: ctx.records.save_draft(rid, saved_doc, None), on_error=errors.append)
        qtbot.waitUntil(lambda: len(errors) == 2, timeout=WAIT_MS)
        assert all(isinstance(e, RefusedError) and "removed from this laptop" in str(e) for e in errors)
    finally:
        session.shutdown()

    # The CLI too: the file of a purged testimony is refused, and nothing is stored.
    source = tmp_path / "purged.json"
    source.write_text(json.dumps(saved_doc, ensure_ascii=False), encoding="utf-8")
    res = intake("--vault", str(laptop), "testimony", "add", str(source), env=PW)
    assert res.returncode != 0 and "removed from this laptop" in res.stderr
    with opened(laptop) as f, pytest.raises(Exception, match="no testimony"):
        RecordStore(f).show(rid)
