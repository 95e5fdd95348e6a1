"""The interviewer's side of issue 17 through the real GUI on real vaults: import an HQ update chosen in the app's
(non-native, real) QFileDialog, see what HQ acknowledged, "Remove what headquarters has received" shows the count first,
and the testimony list shrinks; with the setting on, the next import removes what it acknowledges by itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import Importer
from intake_app.updates.hq import export_updates, set_policy
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
        # As if that bundle was made ten days ago: HQ's policy below asks for one at least every seven days.
        ten_days_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        f.conn.execute("UPDATE exports SET created_at = ?", (ten_days_ago,))
    with opened(hq_path) as hq:
        assert Importer(hq).import_file(bundle).status == "imported"
        set_policy(hq, {"auto_lock_minutes": 2, "max_days_between_exports": 7})
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
        assert session.idle.timeout_ms() == 5 * 60_000 and pages.updates.policy.reminder.isHidden()

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
        # HQ's policy is in force: the app locks after 2 idle minutes (not the 5 chosen), and reminds to export.
        qtbot.waitUntil(lambda: session.idle.timeout_ms() == 2 * 60_000, timeout=WAIT_MS)
        reminder = pages.updates.policy.reminder
        qtbot.waitUntil(lambda: not reminder.isHidden(), timeout=WAIT_MS)
        assert "10 days" in reminder.text() and "every 7 days" in reminder.text()
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
        pages.updates.policy.refresh()  # as the export dialog does when it closes
        qtbot.waitUntil(reminder.isHidden, timeout=WAIT_MS)
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


def test_hq_requiring_the_protections_sets_the_limit_and_asks_for_a_duress_passphrase(
        qtbot: QtBot, tmp_path: Path, settings_path: Path) -> None:
    """Issue 29, item 8: the import shows the limit it set; the status bar asks for a duress passphrase until set."""
    hq_path, (laptop,), (device,) = setup_pair(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    with opened(hq_path) as hq:
        set_policy(hq, {"require_unlock_limit": 8, "require_duress": 1})
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
        reminder = pages.updates.policy.reminder
        dialog = pages.updates.open_import()
        # The same key digits in the status bar, the dialog and the file's name (issue 29 minor).
        qtbot.waitUntil(lambda: dialog.device is not None, timeout=WAIT_MS)
        window = session.main_window
        assert window is not None
        assert f"{sent.device_code}" in window.status_label.text() and sent.device_code in dialog.device_label.text()
        assert sent.path.name.startswith(f"intake-update-{sent.device_code.replace(' ', '-')}-")
        assert device in dialog.device_label.text()
        dialog.file_edit.setText(str(sent.path))
        QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result_info is not None, timeout=WAIT_MS)
        text = dialog.result_label.text()
        assert "after 8 wrong passphrases" in text and "requires a duress passphrase" in text
        qtbot.waitUntil(lambda: not reminder.isHidden(), timeout=WAIT_MS)
        assert "duress passphrase" in reminder.text()
        dialog.reject()
    finally:
        session.shutdown()


def test_refusing_a_limit_above_hqs_is_said_in_korean_and_japanese() -> None:
    from ui.common.refusal_reasons import translate_reason
    from ui.i18n import set_language

    message = "headquarters requires a failed-unlock limit of at most 10 on this laptop; nothing was changed"
    for lang, letter in (("ko", "본부"), ("ja", "本部")):
        set_language(lang)
        assert letter in translate_reason(message) and "10" in translate_reason(message)
    set_language("en")
