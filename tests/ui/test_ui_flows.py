"""End-to-end GUI flows on a real vault: first run, lock, unlock, recovery, idle auto-lock, emergency erase.

Driven with the keyboard where a user could, to show every flow works without a mouse. Worker threads are awaited
with qtbot.waitUntil, never with sleeps.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from crypto import recovery
from intake_app.vault.vault import Vault, vault_exists
from ui.common.main_window import MainWindow
from ui.session import Session
from ui.start.first_run_wizard import CHECK_KEY, FINGERPRINT, PASSPHRASE, SHOW_KEY, FirstRunWizard
from ui.start.recovery_key_pages import CHECKED_GROUPS

WAIT_MS = 20_000


def _type(qtbot: QtBot, widget: QWidget, text: str, enter: bool = False) -> None:
    """Type ``text``: key presses for ASCII, an input-method commit (as a Korean IME sends) otherwise."""
    if text.isascii():
        QTest.keyClicks(widget, text)
    else:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(widget, event)
    if enter:
        QTest.keyClick(widget, Qt.Key.Key_Return)


def _unlocked(session: Session) -> bool:
    """Read afresh (a function call, so mypy does not carry an earlier assert's narrowing over an action)."""
    return session.unlocked


def _window(session: Session) -> MainWindow | None:
    return session.main_window


def _wrong(group: str) -> str:
    return group[:-1] + ("Z" if group[-1] != "Z" else "Y")


def run_wizard(qtbot: QtBot, wizard: FirstRunWizard, passphrase: str) -> str:
    """Walk the wizard to the fingerprint page; return the recovery key it showed."""
    QTest.keyClick(wizard.role_page.field_button, Qt.Key.Key_Return)
    assert wizard.current() == PASSPHRASE
    fields = wizard.passphrase_page.fields
    _type(qtbot, fields.first, "short")
    _type(qtbot, fields.second, "short", enter=True)
    assert wizard.current() == PASSPHRASE and not wizard.next_button.isEnabled()
    fields.clear()
    _type(qtbot, fields.first, passphrase, enter=True)
    assert fields.second.hasFocus() or QApplication.focusWidget() in (fields.second, None)
    _type(qtbot, fields.second, passphrase, enter=True)
    assert wizard.is_busy() and wizard.creating_page.busy.isVisibleTo(wizard)
    qtbot.waitUntil(lambda: wizard.current() == SHOW_KEY, timeout=WAIT_MS)

    page = wizard.show_key_page
    groups = [label.text() for label in page.group_labels]
    assert len(groups) == 14 and all(len(g) == 4 for g in groups)
    key_text = "-".join(groups)
    assert len(recovery.decode(key_text)) == 32
    assert all(label.textInteractionFlags() == Qt.TextInteractionFlag.NoTextInteraction for label in page.group_labels)
    assert not wizard.next_button.isEnabled()
    QTest.keyClick(page.written, Qt.Key.Key_Return)  # Enter does not skip the "written down" box
    assert wizard.current() == SHOW_KEY
    QTest.keyClick(page.written, Qt.Key.Key_Space)
    assert wizard.next_button.isEnabled()
    QTest.keyClick(page.written, Qt.Key.Key_Return)
    assert wizard.current() == CHECK_KEY

    check = wizard.check_key_page
    assert len(check.indices) == CHECKED_GROUPS == len(set(check.indices))
    for edit, index in zip(check.fields, check.indices, strict=True):
        _type(qtbot, edit, _wrong(groups[index]), enter=True)
    assert wizard.current() == CHECK_KEY
    assert "do not match" in check.error_label.text()
    assert all(not edit.text() for edit in check.fields)
    # Shifting characters across fields must not pass either.
    first, second, third = (groups[i] for i in check.indices)
    for edit, text in zip(check.fields, (first + second[0], second[1:], third), strict=True):
        _type(qtbot, edit, text, enter=True)
    assert wizard.current() == CHECK_KEY
    # Issue 13.11: the message names the wrong groups, and only their fields are emptied.
    wrong_numbers = f"{check.indices[0] + 1}, {check.indices[1] + 1}"
    assert f"Groups {wrong_numbers} do not match" in check.error_label.text()
    assert [edit.text() for edit in check.fields] == ["", "", third]
    assert QApplication.focusWidget() is check.fields[0]
    _type(qtbot, check.fields[0], first, enter=True)
    _type(qtbot, check.fields[1], _wrong(second), enter=True)
    _type(qtbot, check.fields[2], "", enter=True)
    assert f"Group {check.indices[1] + 1} does not match" in check.error_label.text()
    assert [edit.text() for edit in check.fields] == [first, "", third]
    for edit, index in zip(check.fields, check.indices, strict=True):
        edit.clear()
        _type(qtbot, edit, groups[index].lower(), enter=True)
    assert wizard.current() == FINGERPRINT
    # The key is gone from the widgets once checked.
    assert page.group_labels == [] and check.indices == []
    return key_text


def test_first_run_lock_unlock_and_recovery(qtbot: QtBot, session: Session, vault_path: Path,
                                             passphrase: str) -> None:
    wizard = session.gate.wizard
    assert wizard is not None and session.gate.stack.currentWidget() is wizard
    key_text = run_wizard(qtbot, wizard, passphrase)
    assert vault_exists(vault_path)
    fingerprint_shown = wizard.fingerprint_page.fingerprint_label.text().split()
    QTest.keyClick(wizard.next_button, Qt.Key.Key_Space)
    assert session.unlocked and session.main_window is not None
    window = session.main_window
    assert fingerprint_shown == session.vault.info().fingerprint.split()  # type: ignore[union-attr]
    assert window.isVisible() and not session.gate.isVisible()
    assert window.windowTitle() == "Testimony Intake"
    assert "Field vault" in window.status_label.text()
    assert fingerprint_shown[0] in window.status_label.text()

    # Lock with Ctrl+L: the vault, the window and the clipboard are cleared.
    QGuiApplication.clipboard().setText("copied testimony text")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    vault = session.vault
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not _unlocked(session) and vault is not None and vault.locked
    assert _window(session) is None
    assert QGuiApplication.clipboard().text() == ""
    unlock = session.gate.unlock_screen
    assert session.gate.isVisible() and session.gate.stack.currentWidget() is unlock

    # Wrong passphrase: a message, the field cleared, focus back.
    _type(qtbot, unlock.passphrase, "not the passphrase", enter=True)
    assert unlock.is_busy() and not unlock.passphrase.isEnabled()  # the worker runs; the GUI thread is free
    qtbot.waitUntil(lambda: not unlock.is_busy(), timeout=WAIT_MS)
    assert "passphrase is wrong" in unlock.error_label.text()
    assert unlock.passphrase.text() == "" and unlock.passphrase.isEnabled()
    assert not _unlocked(session)
    _type(qtbot, unlock.passphrase, passphrase, enter=True)
    qtbot.waitUntil(lambda: session.unlocked, timeout=WAIT_MS)
    assert unlock.passphrase.text() == ""
    session.lock()

    # Forgot passphrase → recovery key (a typo is caught as typed) → new passphrase → unlocked.
    QTest.keyClick(unlock.forgot_button, Qt.Key.Key_Space)
    rec = session.gate.recovery_screen
    assert session.gate.stack.currentWidget() is rec
    typo = key_text[:-1] + ("0" if key_text[-1] != "0" else "1")
    _type(qtbot, rec.key_edit, typo)
    assert "typo" in rec.key_status.text() and not rec.recover_button.isEnabled()
    rec.key_edit.clear()
    _type(qtbot, rec.key_edit, key_text.lower().replace("-", " "), enter=True)
    assert "well formed" in rec.key_status.text()
    new_passphrase = "새 암호 문구는 봄날의 긴 문장입니다"
    _type(qtbot, rec.fields.first, new_passphrase, enter=True)
    _type(qtbot, rec.fields.second, new_passphrase, enter=True)
    assert rec.is_busy()
    qtbot.waitUntil(lambda: session.unlocked, timeout=WAIT_MS)
    assert rec.key_edit.text() == ""
    session.lock()
    # The new passphrase works with the core; the old one no longer does.
    Vault.open(vault_path, new_passphrase).lock()
    _type(qtbot, unlock.passphrase, passphrase, enter=True)
    qtbot.waitUntil(lambda: not unlock.is_busy(), timeout=WAIT_MS)
    assert not _unlocked(session)


def _unlock_directly(session: Session, vault_path: Path, passphrase: str) -> None:
    session.gate.unlocked.emit(Vault.open(vault_path, passphrase))
    assert session.unlocked


def test_idle_auto_lock(qtbot: QtBot, session: Session, existing_vault: str, vault_path: Path,
                        passphrase: str) -> None:
    _unlock_directly(session, vault_path, passphrase)
    assert session.idle.timeout_ms() == 5 * 60_000
    assert session.idle.armed
    # Any key or mouse input anywhere restarts the timer.
    session.idle._timer.stop()
    assert session.main_window is not None
    QTest.keyClick(session.main_window, Qt.Key.Key_A)
    assert session.idle._timer.isActive()
    session.idle.set_timeout_ms(150)
    qtbot.waitUntil(lambda: not session.unlocked, timeout=WAIT_MS)
    assert _window(session) is None
    assert not session.idle._timer.isActive()
    assert session.gate.stack.currentWidget() is session.gate.unlock_screen


def test_settings_change_auto_lock_minutes(qtbot: QtBot, session: Session, existing_vault: str, vault_path: Path,
                                           passphrase: str, settings_path: Path) -> None:
    _unlock_directly(session, vault_path, passphrase)
    assert session.main_window is not None
    session.main_window.settings_action.trigger()
    dialog = session.settings_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.minutes.setValue(2)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("ko"))
    QTest.keyClick(dialog.ok_button, Qt.Key.Key_Space)
    assert session.idle.timeout_ms() == 2 * 60_000
    assert session.main_window.lock_action.text() == "잠금(&L)"
    assert '"auto_lock_minutes": 2' in settings_path.read_text(encoding="utf-8")


def test_emergency_erase_needs_a_hold(qtbot: QtBot, session: Session, existing_vault: str, vault_path: Path,
                                      passphrase: str) -> None:
    _unlock_directly(session, vault_path, passphrase)
    session.erase_hold_ms = 300
    assert session.main_window is not None
    session.main_window.erase_action.trigger()
    dialog = session.erase_dialog
    assert dialog is not None and dialog.isVisible()
    assert session.vault is not None and session.vault.vault_id in dialog.id_label.text()
    # A click (press + immediate release) is not a hold, and Enter activates Cancel, never the erase.
    QTest.mouseClick(dialog.hold_button, Qt.MouseButton.LeftButton)
    assert vault_exists(vault_path) and dialog.isVisible()
    # Hold Space on the button (keyboard only).
    QTest.keyPress(dialog.hold_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not vault_exists(vault_path), timeout=WAIT_MS)
    assert not vault_path.exists()
    assert not _unlocked(session) and _window(session) is None
    assert session.gate.wizard is not None and session.gate.stack.currentWidget() is session.gate.wizard


def test_cancelled_erase_keeps_the_vault(qtbot: QtBot, session: Session, existing_vault: str, vault_path: Path,
                                         passphrase: str) -> None:
    _unlock_directly(session, vault_path, passphrase)
    assert session.main_window is not None
    session.main_window.erase_action.trigger()
    dialog = session.erase_dialog
    assert dialog is not None
    assert dialog.cancel_button.isDefault()
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and vault_exists(vault_path) and session.unlocked


def test_auditor_placeholder_returns_to_where_it_came_from(qtbot: QtBot, session: Session) -> None:
    gate = session.gate
    wizard = gate.wizard
    QTest.keyClick(gate.auditor_button, Qt.Key.Key_Space)
    assert gate.stack.currentWidget() is gate.auditor_page
    assert "without any vault" in gate.auditor_page.intro.text()
    QTest.keyClick(gate.auditor_page.back_button, Qt.Key.Key_Space)
    assert gate.stack.currentWidget() is wizard
