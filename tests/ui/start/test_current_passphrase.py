"""The rules both dialogs that ask the current passphrase again share (ui/start/current_passphrase.py), on a real
vault: a wrong current passphrase is refused in the same words and changes nothing, and no secret field stays filled
once the dialog closes, by Cancel or because the session locks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from intake_app.vault import unlock_guard
from intake_app.vault.vault import Vault
from tests.ui.conftest import PASSPHRASE
from ui.common.db_worker import DbWorker
from ui.start.current_passphrase import CurrentPassphraseDialog, opens_vault
from ui.start.passphrase_change_dialog import PassphraseChangeDialog
from ui.start.unlock_protection_dialog import UnlockProtectionDialog

SECRET = "아무도 모르는 긴 문장입니다 2026 겨울"
WAIT_MS = 30_000


@pytest.fixture
def unlocked(vault_path: Path) -> Iterator[tuple[Vault, DbWorker]]:
    vault, _ = Vault.create(vault_path, PASSPHRASE, "field")
    worker = DbWorker(vault)
    yield vault, worker
    worker.shutdown()
    vault.lock()


def _filled(qtbot: QtBot, kind: str, worker: DbWorker) -> CurrentPassphraseDialog:
    """A shown dialog with every secret field typed in."""
    if kind == "change":
        change = PassphraseChangeDialog(worker)
        qtbot.addWidget(change)
        change.show()
        change.fields.first.setText(SECRET)
        change.fields.second.setText(SECRET)
        change.current.setText(PASSPHRASE)
        return change
    protection = UnlockProtectionDialog(worker)
    qtbot.addWidget(protection)
    protection.show()
    qtbot.waitUntil(lambda: protection.state is not None, timeout=WAIT_MS)
    protection.use_duress.setChecked(True)
    protection.duress.setText(SECRET)
    protection.duress_again.setText(SECRET)
    protection.current.setText(PASSPHRASE)
    return protection


def _secret_texts(dialog: CurrentPassphraseDialog) -> list[str]:
    if isinstance(dialog, PassphraseChangeDialog):
        return [dialog.current.text(), dialog.fields.first.text(), dialog.fields.second.text()]
    assert isinstance(dialog, UnlockProtectionDialog)
    return [dialog.current.text(), dialog.duress.text(), dialog.duress_again.text()]


def test_opens_vault_tells_the_passphrase_from_any_other(unlocked: tuple[Vault, DbWorker]) -> None:
    vault, _ = unlocked
    assert opens_vault(vault, PASSPHRASE)
    assert not opens_vault(vault, SECRET)


@pytest.mark.parametrize("kind", ["change", "protection"])
@pytest.mark.parametrize("close", ["reject", "discard"])
def test_closing_empties_every_secret_field(qtbot: QtBot, unlocked: tuple[Vault, DbWorker], kind: str,
                                            close: str) -> None:
    _, worker = unlocked
    dialog = _filled(qtbot, kind, worker)
    assert all(_secret_texts(dialog))
    getattr(dialog, close)()
    assert not dialog.isVisible()
    assert _secret_texts(dialog) == ["", "", ""]


@pytest.mark.parametrize("kind", ["change", "protection"])
def test_a_wrong_current_passphrase_is_refused_in_the_same_words(qtbot: QtBot, unlocked: tuple[Vault, DbWorker],
                                                                 kind: str) -> None:
    vault, worker = unlocked
    before = (vault.path / "keyslots.json").read_bytes()
    dialog = _filled(qtbot, kind, worker)
    dialog.current.setText("not the passphrase at all, surely")
    dialog.submit()
    qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=WAIT_MS)
    assert dialog.message.text() == "The current passphrase is not correct; nothing was changed."
    assert dialog.isVisible()
    assert (vault.path / "keyslots.json").read_bytes() == before
    assert not unlock_guard.duress_is_set(vault.conn)
