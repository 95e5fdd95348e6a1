"""The first-run wizard offers the failed-unlock limit and a duress passphrase, one sentence each, and applies them
to the vault it creates (issue 29, item 8); left alone, neither is set."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from intake_app.errors import RefusedError
from intake_app.vault import unlock_guard
from intake_app.vault.vault import Vault
from tests.ui.conftest import PASSPHRASE
from ui.start.first_run_wizard import PASSPHRASE as PASSPHRASE_PAGE
from ui.start.first_run_wizard import SHOW_KEY, FirstRunWizard

DURESS = "창밖에는 눈이 내립니다 오늘도"


def _to_passphrase_page(qtbot: QtBot, path: Path) -> FirstRunWizard:
    wizard = FirstRunWizard(path)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.go_next()
    assert wizard.current() == PASSPHRASE_PAGE
    page = wizard.passphrase_page
    page.fields.first.setText(PASSPHRASE)
    page.fields.second.setText(PASSPHRASE)
    return wizard


def test_both_choices_are_applied_to_the_new_vault(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "v"
    wizard = _to_passphrase_page(qtbot, path)
    protection = wizard.passphrase_page.protection
    assert not protection.use_limit.isChecked() and not protection.use_duress.isChecked()  # off by default
    assert protection.limit_help.text() and protection.duress_help.text()
    protection.use_limit.setChecked(True)
    protection.limit.setValue(6)
    protection.use_duress.setChecked(True)
    protection.duress.setText(PASSPHRASE)
    protection.duress_again.setText(PASSPHRASE)
    assert not wizard.next_button.isEnabled()  # the duress passphrase must differ from the passphrase
    protection.duress.setText(DURESS)
    assert not wizard.next_button.isEnabled()  # typed differently twice
    protection.duress_again.setText(DURESS)
    assert wizard.next_button.isEnabled()
    wizard.go_next()
    qtbot.waitUntil(lambda: wizard.current() == SHOW_KEY, timeout=30_000)
    assert not protection.duress.text() and not protection.duress_again.text()
    vault = wizard.vault
    assert vault is not None
    assert unlock_guard.duress_is_set(vault.conn) and unlock_guard.db_limit(vault.conn) == 6
    wizard.discard()
    with pytest.raises(RefusedError, match="wrong passphrase"):
        Vault.open(path, DURESS)
    assert not path.exists()


def test_left_alone_neither_is_set(qtbot: QtBot, tmp_path: Path) -> None:
    wizard = _to_passphrase_page(qtbot, tmp_path / "v")
    wizard.go_next()
    qtbot.waitUntil(lambda: wizard.current() == SHOW_KEY, timeout=30_000)
    vault = wizard.vault
    assert vault is not None
    assert not unlock_guard.duress_is_set(vault.conn) and unlock_guard.db_limit(vault.conn) == 0
    wizard.discard()
