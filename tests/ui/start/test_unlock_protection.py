"""Unlock protection in the GUI (issue 29, items 6 and 7): the dialog sets a duress passphrase and a failed-unlock
limit on a real vault after checking the current passphrase; at the unlock screen a duress passphrase erases the vault
and reads exactly as a wrong passphrase does."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from intake_app.vault import unlock_guard
from intake_app.vault.vault import Vault
from tests.ui.conftest import PASSPHRASE
from ui.common.db_worker import DbWorker
from ui.i18n import set_language
from ui.start.unlock_protection_dialog import UnlockProtectionDialog
from ui.start.unlock_screen import UnlockScreen

DURESS = "창밖에는 눈이 내립니다 오늘도"
WAIT_MS = 30_000


@pytest.fixture
def unlocked(vault_path: Path) -> Iterator[tuple[Vault, DbWorker]]:
    vault, _ = Vault.create(vault_path, PASSPHRASE, "field")
    worker = DbWorker(vault)
    yield vault, worker
    worker.shutdown()
    vault.lock()


def _dialog(qtbot: QtBot, worker: DbWorker) -> UnlockProtectionDialog:
    dialog = UnlockProtectionDialog(worker)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=WAIT_MS)
    return dialog


def _state(vault: Vault) -> tuple[bool, int]:
    return unlock_guard.duress_is_set(vault.conn), unlock_guard.db_limit(vault.conn)


def test_the_dialog_sets_both_after_checking_the_current_passphrase(qtbot: QtBot,
                                                                     unlocked: tuple[Vault, DbWorker]) -> None:
    vault, worker = unlocked
    dialog = _dialog(qtbot, worker)
    assert not dialog.use_duress.isChecked() and not dialog.use_limit.isChecked()  # off by default
    dialog.use_duress.setChecked(True)
    dialog.duress.setText(DURESS)
    dialog.duress_again.setText(DURESS + "x")
    dialog.current.setText(PASSPHRASE)
    assert not dialog.ok_button.isEnabled()  # the two duress fields differ
    dialog.duress_again.setText(DURESS)
    dialog.use_limit.setChecked(True)
    dialog.limit.setValue(2)  # below the floor: the box keeps it at 5
    assert dialog.limit.value() == unlock_guard.MIN_LIMIT
    # a wrong current passphrase changes nothing
    dialog.current.setText("not the passphrase")
    dialog.submit()
    qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=WAIT_MS)
    assert "not correct" in dialog.message.text() and dialog.current.text() == ""
    assert _state(vault) == (False, 0)
    dialog.duress.setText(DURESS)
    dialog.duress_again.setText(DURESS)
    dialog.current.setText(PASSPHRASE)
    assert dialog.ok_button.isVisible() and dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.ok_button.click()
    assert _state(vault) == (True, 5)
    assert not any(e.text() for e in (dialog.current, dialog.duress, dialog.duress_again))  # secrets wiped


def test_the_duress_passphrase_at_the_unlock_screen_reads_as_a_wrong_one(qtbot: QtBot, vault_path: Path,
                                                                         tmp_path: Path) -> None:
    vault, _ = Vault.create(vault_path, PASSPHRASE, "field")
    with vault:
        unlock_guard.set_duress(vault_path, vault.conn, DURESS, lambda p: p == PASSPHRASE)
    set_language("ko")
    texts = []
    for typed in ("틀린 암호문입니다", DURESS):
        screen = UnlockScreen(vault_path)
        qtbot.addWidget(screen)
        screen.show()
        screen.passphrase.setText(typed)
        screen.start_unlock()
        qtbot.waitUntil(lambda s=screen: not s.is_busy(), timeout=WAIT_MS)
        texts.append(screen.error_label.text())
    assert texts[0] == texts[1] and texts[0]
    assert "wrong passphrase" not in texts[0] and not texts[0].isascii()  # no English inside the Korean screen
    assert not vault_path.exists()


def test_the_dialog_clears_the_duress_passphrase_and_turns_the_limit_off(qtbot: QtBot,
                                                                         unlocked: tuple[Vault, DbWorker]) -> None:
    vault, worker = unlocked
    unlock_guard.set_duress(vault.path, vault.conn, DURESS, lambda p: p == PASSPHRASE)
    unlock_guard.set_limit(vault.path, vault.conn, 7)
    dialog = _dialog(qtbot, worker)
    assert dialog.use_duress.isChecked() and dialog.limit.value() == 7
    dialog.use_duress.setChecked(False)
    dialog.use_limit.setChecked(False)
    dialog.current.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.submit()
    assert _state(vault) == (False, 0)
    copy = vault.path.parent / "copy"
    shutil.copytree(vault.path, copy)
    with pytest.raises(Exception, match="wrong passphrase"):
        Vault.open(copy, DURESS)
    assert copy.exists()  # no longer a duress passphrase: an ordinary wrong one


def test_after_unlocking_the_window_says_how_many_wrong_passphrases_were_typed(
        qtbot: QtBot, vault_path: Path, settings_path: Path) -> None:
    from ui.common.settings_store import UiSettings
    from ui.session import Session

    Vault.create(vault_path, PASSPHRASE, "field")[0].lock()
    session = Session(vault_path, UiSettings(), settings_path)
    qtbot.addWidget(session.gate)
    session.start()
    screen = session.gate.unlock_screen
    for typed in ("틀린 암호문", "또 틀린 암호문", PASSPHRASE):
        screen.passphrase.setText(typed)
        screen.start_unlock()
        qtbot.waitUntil(lambda: not screen.is_busy(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: session.unlocked, timeout=WAIT_MS)
    assert session.main_window is not None
    assert "since the last unlock: 2" in session.main_window.statusBar().currentMessage()
    session.shutdown()
