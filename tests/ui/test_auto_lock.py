"""Auto-lock in the middle of an interview (issue 13.3): a countdown with "Stay unlocked", the reason on the unlock
screen, back to the same testimony, tab and cursor, dialogs kept or named, Ctrl+L and the erase from any window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.common.idle_lock import WARN_MS, IdleLock
from ui.field.testimony_list_page import InterviewerPages
from ui.session import Session
from ui.start.unlock_screen import UnlockScreen

WAIT_MS = 20_000
NARRATIVE = "언니는 청진역 앞에서 헤어졌습니다"


def _unlock(qtbot: QtBot, session: Session, passphrase: str) -> None:
    unlock: UnlockScreen = session.gate.unlock_screen
    unlock.passphrase.setText(passphrase)
    unlock.start_unlock()
    qtbot.waitUntil(lambda: session.unlocked, timeout=WAIT_MS)


def _pages(session: Session) -> InterviewerPages:
    assert session.interviewer_pages is not None
    return session.interviewer_pages


def test_the_warning_starts_thirty_seconds_before_the_lock() -> None:
    idle = IdleLock(5 * 60_000)
    assert idle._warn_timer.interval() == 5 * 60_000 - WARN_MS == 270_000
    idle.set_timeout_ms(2 * 60_000)
    assert idle._warn_timer.interval() == 90_000


def test_countdown_shows_and_stay_unlocked_keeps_the_session(qtbot: QtBot, session: Session, existing_vault: str,
                                                            passphrase: str) -> None:
    _unlock(qtbot, session, passphrase)
    warnings: list[int] = []
    session.idle.warning.connect(warnings.append)
    session.idle.set_timeout_ms(1600)  # short: the warning starts halfway
    qtbot.waitUntil(session.lock_warning.isVisible, timeout=WAIT_MS)
    assert session.unlocked
    assert warnings and 0 < warnings[0] <= 1
    assert f"Locking in {warnings[-1]} second" in session.lock_warning.label.text()
    session.lock_warning.stay_button.click()
    assert not session.lock_warning.isVisible()
    assert session.idle.seconds_left() == 2  # the full timeout again
    session.idle.set_timeout_ms(5 * 60_000)
    assert session.unlocked


def test_after_an_auto_lock_the_same_testimony_tab_cursor_and_settings_come_back(
        qtbot: QtBot, session: Session, existing_vault: str, passphrase: str) -> None:
    _unlock(qtbot, session, passphrase)
    pages = _pages(session)
    pages.new_testimony()
    editor = pages.editor
    record_id = editor.record_id
    editor.interview.pseudonym.setText("W-31")
    editor.tabs.setCurrentIndex(2)
    editor.narrative.setPlainText(NARRATIVE)
    editor.narrative.setFocus()
    cursor = editor.narrative.textCursor()
    cursor.setPosition(5)
    editor.narrative.setTextCursor(cursor)
    assert session.main_window is not None
    session.main_window.settings_action.trigger()
    assert session.settings_dialog is not None
    session.settings_dialog.minutes.setValue(7)  # changed, not yet accepted

    session.idle.idle.emit()  # what the timer emits after five idle minutes

    assert not session.unlocked
    reason = session.gate.unlock_screen.reason_label
    assert reason.isVisibleTo(session.gate)
    assert "Locked after 5 minutes without activity." in reason.text()
    assert "Settings dialog will open again" in reason.text()
    _unlock(qtbot, session, passphrase)
    editor = _pages(session).editor
    qtbot.waitUntil(lambda: editor.narrative.toPlainText() == NARRATIVE, timeout=WAIT_MS)
    assert editor.record_id == record_id
    assert editor.interview.pseudonym.text() == "W-31"
    assert session.main_window is not None and session.main_window.pages.currentWidget() is editor
    assert editor.tabs.currentIndex() == 2
    # the field and cursor come back once the rebuilt forms are laid out (a moment after the text)
    qtbot.waitUntil(lambda: editor.narrative.textCursor().position() == 5, timeout=WAIT_MS)
    assert not editor.banner.isVisible()  # taken back without asking: it is what was on screen
    assert session.settings_dialog is not None and session.settings_dialog.isVisible()
    assert session.settings_dialog.minutes.value() == 7
    assert not session.gate.unlock_screen.reason_label.text()


def test_a_closed_dialog_is_named_on_the_unlock_screen(qtbot: QtBot, session: Session, existing_vault: str,
                                                       passphrase: str) -> None:
    _unlock(qtbot, session, passphrase)
    pages = _pages(session)
    pages.open_export()
    assert pages.dialog is not None and pages.dialog.isVisible()
    title = pages.dialog.windowTitle()
    session.idle.idle.emit()
    assert f"Closed by the lock: {title}." in session.gate.unlock_screen.reason_label.text()


def test_ctrl_l_locks_from_a_dialog_and_ctrl_shift_delete_opens_the_erase_hold(
        qtbot: QtBot, session: Session, existing_vault: str, passphrase: str, vault_path: Path) -> None:
    _unlock(qtbot, session, passphrase)
    assert session.main_window is not None
    session.main_window.activateWindow()
    QTest.keyClick(session.main_window, Qt.Key.Key_Delete,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    erase = session.erase_dialog
    assert erase is not None and erase.isVisible()
    assert session.unlocked and vault_path.exists()  # only the dialog: the hold is still required
    erase.reject()
    session.main_window.settings_action.trigger()
    dialog = session.settings_dialog
    assert dialog is not None
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=WAIT_MS)
    QTest.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not session.unlocked
