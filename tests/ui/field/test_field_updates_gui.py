"""The interviewer's side of issue 17 through the real GUI on real vaults: import an HQ update chosen in the app's
(non-native, real) QFileDialog, see what HQ acknowledged, "Remove what headquarters has received" shows the count first,
and the testimony list shrinks; with the setting on, the next import removes what it acknowledges by itself."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import Importer
from intake_app.updates.hq import export_updates
from tests.bundles.test_merge_properties import PASSPHRASE
from tests.updates.helpers import add_marked, opened, setup_pair
from ui.common.settings_store import UiSettings
from ui.session import Session

WAIT_MS = 20_000


def _choose_in_file_dialog(qtbot: QtBot, dialog: object, path: Path) -> None:
    """Click Browse…, then pick ``path`` in the QFileDialog that opens, as a user typing its name there would."""
    QTest.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    fd = dialog.file_dialog  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: fd is not None and fd.isVisible(), timeout=WAIT_MS)
    fd.setDirectory(str(path.parent))
    fd.selectFile(path.name)
    fd.accept()


def test_import_update_through_the_file_dialog_then_remove_what_hq_received(qtbot: QtBot, tmp_path: Path,
                                                                            settings_path: Path) -> None:
    hq_path, (laptop,), (device,) = setup_pair(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    with opened(laptop) as f:
        add_marked(f, "A")
        add_marked(f, "B", with_attachment=False)
        bundle = export_bundle(f, usb).path
        kept = add_marked(f, "C", with_attachment=False)
    with opened(hq_path) as hq:
        assert Importer(hq).import_file(bundle).status == "imported"
        (sent,) = export_updates(hq, usb, device)

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
        model = pages.list_page.model
        qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=WAIT_MS)

        dialog = pages.updates.open_import()
        qtbot.waitUntil(dialog.auto_purge.isEnabled, timeout=WAIT_MS)
        assert not dialog.auto_purge.isChecked()
        assert not dialog.import_button.isEnabled()
        _choose_in_file_dialog(qtbot, dialog, sent.path)
        assert Path(dialog.file_edit.text()) == sent.path
        assert dialog.import_button.isEnabled()
        QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result_info is not None, timeout=WAIT_MS)
        assert dialog.result_info.acknowledged_bundles == [1]
        assert "Bundles headquarters has received intact: 1" in dialog.result_label.text()
        qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=WAIT_MS)  # the setting is off: nothing removed yet
        # The same file again is a replay: refused, the reason shown, nothing changed.
        dialog.result_info = None
        QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "refused" in dialog.result_label.text(), timeout=WAIT_MS)
        dialog.reject()

        purge = pages.updates.open_purge()
        qtbot.waitUntil(lambda: purge.planned is not None, timeout=WAIT_MS)
        assert purge.planned.count == 2 and purge.planned.attachments == 1
        assert "2 testimonies" in purge.summary.text() and purge.remove_button.text() == "&Remove 2 testimonies"
        assert model.rowCount() == 3  # counting removed nothing
        QTest.mouseClick(purge.remove_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: purge.removed is not None, timeout=WAIT_MS)
        assert purge.removed.count == 2
        qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
        assert model.record_id(0) == kept
        qtbot.waitUntil(lambda: purge.planned is not None and purge.planned.count == 0, timeout=WAIT_MS)
        assert not purge.remove_button.isEnabled()
        purge.reject()

        # The setting: after each update import, remove what HQ has received.
        worker = session.db_worker
        assert worker is not None
        done: list[object] = []
        worker.submit(lambda ctx: export_bundle(ctx.vault, usb), on_done=done.append)
        qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
        with opened(hq_path) as hq:
            assert Importer(hq).import_file(done[0].path).status == "imported"  # type: ignore[attr-defined]
            later = tmp_path / "later"
            later.mkdir()
            (sent2,) = export_updates(hq, later, device)
        dialog = pages.updates.open_import()
        qtbot.waitUntil(dialog.auto_purge.isEnabled, timeout=WAIT_MS)
        dialog.auto_purge.setChecked(True)
        _choose_in_file_dialog(qtbot, dialog, sent2.path)
        QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result_info is not None, timeout=WAIT_MS)
        assert dialog.result_info.purged == {"testimonies": 1, "revisions": 1, "attachments": 0}
        qtbot.waitUntil(lambda: model.rowCount() == 0, timeout=WAIT_MS)
        dialog.reject()
    finally:
        session.shutdown()
