"""Alt+letter in a text field of the start screens types nothing when it names no access key (issue 29: Alt+C typed
"c" on the wizard's check page, Alt+U typed "u" on the recovery page); plain letters still type, and an access key
that exists still acts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from ui.start.passphrase_fields import secret_line_edit
from ui.start.recovery_key_pages import CheckRecoveryKeyPage
from ui.start.recovery_screen import RecoveryScreen


def _typed(qtbot: QtBot, edit: QLineEdit, key: Qt.Key, modifier: Qt.KeyboardModifier) -> str:
    edit.clear()
    edit.setFocus()
    QTest.keyClick(edit, key, modifier)
    return edit.text()


def test_alt_letters_type_nothing_in_the_recovery_and_passphrase_fields(qtbot: QtBot, tmp_path: Path) -> None:
    page = CheckRecoveryKeyPage()
    screen = RecoveryScreen(tmp_path / "vault")
    secret = secret_line_edit("passphrase")
    for widget in (page, screen, secret):
        qtbot.addWidget(widget)
        widget.show()
    edits = [*page.fields, screen.key_edit, secret]
    for edit in edits:
        for key in (Qt.Key.Key_C, Qt.Key.Key_U, Qt.Key.Key_X):
            assert _typed(qtbot, edit, key, Qt.KeyboardModifier.AltModifier) == "", (edit, key)
        assert _typed(qtbot, edit, Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier) == "c"


def test_an_existing_access_key_still_acts_from_a_guarded_field(qtbot: QtBot, tmp_path: Path) -> None:
    from ui.start.first_run_wizard import PASSPHRASE, ROLE, FirstRunWizard

    wizard = FirstRunWizard(tmp_path / "vault")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.activateWindow()
    wizard.go_next()
    assert wizard.current() == PASSPHRASE
    field = wizard.passphrase_page.fields.first
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=20_000)
    QTest.keyClick(field, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # "< &Back"
    qtbot.waitUntil(lambda: wizard.current() == ROLE, timeout=20_000)
    assert field.text() == ""
