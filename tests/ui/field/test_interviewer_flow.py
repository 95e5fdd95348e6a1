"""The interviewer's whole workflow through the real GUI on a real vault:
create → pin HQ key → new testimony in Korean → autosave → save → lock (Ctrl+L) → unlock → the text is there →
attach a file (progress) → export to a folder → the bundle verifies as an auditor would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from crypto import minisign
from intake_app.bundles.keyring import Keyring
from intake_app.bundles.verify import verify_outer
from intake_app.vault.vault import Vault
from ui.field.export_dialog import ExportDialog
from ui.field.testimony_list_page import InterviewerPages
from ui.session import Session
from ui.start.first_run_wizard import FINGERPRINT, SHOW_KEY
from ui.start.hq_pin_page import HqPinDialog

WAIT_MS = 20_000
PASSPHRASE = "우리 집 강아지는 눈 오는 날을 좋아합니다"
NARRATIVE = "언니는 2011년 가을쯤 연길에서 잡혀 북송되었다. 그 뒤 온성군 보위부에 있었다고 들었다."


def _commit(widget: QWidget, text: str) -> None:
    """Type Hangul as a Korean input method delivers it: a commit string."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _wizard_to_fingerprint(qtbot: QtBot, session: Session) -> Any:
    """Role, passphrase, the recovery key shown and asked back: the wizard stops on its fingerprint step."""
    wizard = session.gate.wizard
    assert wizard is not None
    wizard.go_next()
    wizard.passphrase_page.fields.first.setText(PASSPHRASE)
    wizard.passphrase_page.fields.second.setText(PASSPHRASE)
    wizard.go_next()
    qtbot.waitUntil(lambda: wizard.current() == SHOW_KEY, timeout=WAIT_MS)
    groups = [label.text() for label in wizard.show_key_page.group_labels]
    wizard.show_key_page.written.setChecked(True)
    wizard.go_next()
    for edit, index in zip(wizard.check_key_page.fields, wizard.check_key_page.indices, strict=True):
        edit.setText(groups[index])
    wizard.go_next()
    assert wizard.current() == FINGERPRINT
    return wizard


def _create_vault(qtbot: QtBot, session: Session) -> None:
    _wizard_to_fingerprint(qtbot, session).go_next()
    assert session.unlocked


def _pages(session: Session) -> InterviewerPages:
    pages = session.interviewer_pages
    assert pages is not None
    return pages


def _unlock(qtbot: QtBot, session: Session) -> None:
    unlock = session.gate.unlock_screen
    unlock.passphrase.setText(PASSPHRASE)
    QTest.keyClick(unlock.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: session.unlocked, timeout=WAIT_MS)


def test_create_write_korean_autosave_lock_unlock_attach_export(qtbot: QtBot, session: Session,
                                                                 tmp_path: Path) -> None:
    _create_vault(qtbot, session)
    pages = _pages(session)
    window = session.main_window
    assert window is not None and window.windowTitle() == "Testimony Intake"

    # HQ's key, pinned after comparing fingerprints.
    hq, _ = Vault.create(tmp_path / "hq", PASSPHRASE, "hq")
    hq_file = tmp_path / "hq.pub"
    hq_file.write_text(Keyring(hq).export_public(), encoding="utf-8")
    hq.lock()
    pages.pin_action.trigger()
    pin = pages.dialog
    assert isinstance(pin, HqPinDialog)
    assert pin.panel.load_file(hq_file)
    assert "Encryption key:" in pin.panel.fingerprints.text()
    assert not pin.panel.pin_button.isEnabled()  # not before the user says the fingerprints match
    pin.panel.match_box.setChecked(True)
    QTest.keyClick(pin.panel.pin_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "pinned" in pin.panel.message.text(), timeout=WAIT_MS)
    pin.reject()

    # A new testimony, typed in Korean; autosave writes drafts while typing.
    editor = pages.editor
    editor.autosave.timer.setInterval(100)
    pages.new_action.trigger()
    assert window.pages.currentWidget() is editor
    QTest.keyClicks(editor.interview.date.edit, "2024-05-02")
    QTest.keyClicks(editor.interview.interviewer, "I-03")
    QTest.keyClicks(editor.interview.pseudonym, "W-117")
    editor.tabs.setCurrentIndex(2)
    _commit(editor.narrative, NARRATIVE)
    assert editor.narrative.toPlainText() == NARRATIVE
    qtbot.waitUntil(lambda: editor.autosave.saves >= 1, timeout=WAIT_MS)
    victim = editor.victims[0]
    _commit(victim.names[0].edits["hangul"], "류은별")
    act = victim.add_act()
    act.type.set_code("arrest")
    _commit(act.date.edit, "2011년 가을쯤")
    assert act.date.edtf() is not None and "Understood as" in act.date.understood.text()
    saves = editor.autosave.saves
    editor.interview.place.setFocus()  # a focus change writes the draft at once
    qtbot.waitUntil(lambda: editor.autosave.saves > saves, timeout=WAIT_MS)
    QTest.keyClick(editor.save_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: editor.status.text().startswith(("Saved", "Not saved")), timeout=WAIT_MS)
    assert editor.status.text() == "Saved."
    record_id = editor.record_id
    assert record_id is not None

    # Ctrl+L locks: the window goes, the editor is emptied.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not session.unlocked and session.main_window is None
    assert editor.narrative.toPlainText() == ""
    _unlock(qtbot, session)
    pages = _pages(session)
    qtbot.waitUntil(lambda: pages.list_page.model.rowCount() == 1, timeout=WAIT_MS)
    assert pages.list_page.model.record_id(0) == record_id
    assert "류은별" in pages.list_page.model.data(pages.list_page.model.index(0, 2))
    pages.open_testimony(record_id)
    editor = pages.editor
    qtbot.waitUntil(lambda: editor.narrative.toPlainText() == NARRATIVE, timeout=WAIT_MS)
    assert editor.victims[0].acts[0].date.text() == "2011년 가을쯤"
    assert not editor.banner.isVisible()  # saved, so no draft is offered

    # Attach a file: the progress bar moves and the list shows it.
    scan = tmp_path / "scan.txt"
    scan.write_bytes("스캔한 편지\n".encode() * 200_000)
    values: list[int] = []
    editor.attachments.progress.valueChanged.connect(values.append)
    assert editor.attachments.attach(scan) is not None
    qtbot.waitUntil(lambda: editor.attachments.list.count() == 1, timeout=WAIT_MS)
    assert values and max(values) == 1000
    assert "scan.txt" in editor.attachments.list.item(0).text()

    # Export to a folder; the dialog ends with the bundle name, sequence number and fingerprint.
    out = tmp_path / "usb"
    out.mkdir()
    pages.export_action.trigger()
    dialog = pages.dialog
    assert isinstance(dialog, ExportDialog)
    qtbot.waitUntil(lambda: "attached file" in dialog.summary.text(), timeout=WAIT_MS)
    # Singular for one ("1 attached files" was the bug), from trn()'s English plural rule.
    assert "1 attached file\n" in dialog.summary.text() and "HQ (" in dialog.summary.text()
    dialog.folder_edit.setText(str(out))
    assert dialog.export_button.isEnabled()
    QTest.keyClick(dialog.export_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.result_info is not None, timeout=WAIT_MS)
    result = dialog.result_info
    assert result is not None and result.seq == 1 and result.attachments == 1
    assert result.path.name in dialog.result_label.text() and "Sequence number: 1" in dialog.result_label.text()
    assert dialog.fingerprint_label.text() == result.fingerprint
    assert session.vault is not None and session.db_worker is not None
    worker = session.db_worker
    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=WAIT_MS)  # the connection is the worker's until idle
    device_key = session.vault.signing_key().public_key
    outer = verify_outer(result.path, lambda key_id: device_key)
    assert outer.comment.seq == 1
    assert minisign.parse_public_key_file(Keyring(session.vault).export_public()).key_id_hex == device_key.key_id_hex
    # After the export the summary is counted again: nothing new, so nothing is offered (it once wrote an empty #2).
    qtbot.waitUntil(lambda: "Nothing new to send" in dialog.summary.text(), timeout=WAIT_MS)
    assert not dialog.export_button.isEnabled()
    QTest.keyClick(dialog.export_button, Qt.Key.Key_Space)
    dialog.start_export()
    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=WAIT_MS)
    assert [p.name for p in out.iterdir()] == [result.path.name]
    assert result.path.name in dialog.result_label.text()  # the result of the export stays on screen
    dialog.reject()


def test_wizard_last_step_pins_the_hq_key_after_the_fingerprint_check(qtbot: QtBot, session: Session,
                                                                     tmp_path: Path) -> None:
    hq, _ = Vault.create(tmp_path / "hq", PASSPHRASE, "hq")
    hq_file = tmp_path / "hq.pub"
    hq_file.write_text(Keyring(hq).export_public(), encoding="utf-8")
    hq.lock()
    wizard = _wizard_to_fingerprint(qtbot, session)
    panel = wizard.fingerprint_page.pin_panel
    assert panel.isVisibleTo(wizard)
    assert not panel.load_file(tmp_path / "missing.pub") and "cannot be used" in panel.message.text()
    assert panel.load_file(hq_file)
    panel.match_box.setChecked(True)
    QTest.keyClick(panel.pin_button, Qt.Key.Key_Space)
    assert "pinned" in panel.message.text()
    wizard.go_next()
    assert session.vault is not None and session.db_worker is not None
    worker = session.db_worker
    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=WAIT_MS)  # the connection is the worker's until idle
    assert [name for _, name, _ in Keyring(session.vault).recipients()] == ["HQ"]
