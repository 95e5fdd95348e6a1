"""The "Change passphrase…" dialog (issue 11, finding 1 in the GUI) with a real vault: the work runs on the database
worker, a wrong current passphrase changes nothing, and a data-key rotation shows the new recovery key once — that
key, and the new passphrase, open the vault afterwards; the old passphrase and recovery key no longer do."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from intake_app.errors import IntakeError
from intake_app.vault.vault import Vault
from tests.ui.conftest import PASSPHRASE
from ui.common.db_worker import DbWorker, JobContext
from ui.session import Session
from ui.start import passphrase_change_dialog as dialog_module
from ui.start.passphrase_change_dialog import PassphraseChangeDialog

NEW = "새 암호문은 아주 길고 아무도 모르는 문장입니다 2026"
WAIT_MS = 30_000


@pytest.fixture(params=["field", "hq"])
def unlocked(request: pytest.FixtureRequest, vault_path: Path) -> Iterator[tuple[Vault, str, DbWorker]]:
    vault, recovery_text = Vault.create(vault_path, PASSPHRASE, request.param)
    worker = DbWorker(vault)
    yield vault, recovery_text, worker
    worker.shutdown()
    vault.lock()


def _fill(dialog: PassphraseChangeDialog, current: str, new: str, rotate: bool) -> None:
    dialog.current.setText(current)
    dialog.fields.first.setText(new)
    dialog.fields.second.setText(new)
    dialog.rotate.setChecked(rotate)


def _opens(path: Path, passphrase: str) -> bool:
    try:
        Vault.open(path, passphrase).lock()
    except IntakeError:
        return False
    return True


def _recovery_opens(path: Path, text: str) -> bool:
    try:
        Vault.open_with_recovery_key(path, text).lock()
    except IntakeError:
        return False
    return True


def test_change_runs_off_the_gui_thread_and_keeps_the_recovery_key(
        qtbot: QtBot, unlocked: tuple[Vault, str, DbWorker], monkeypatch: pytest.MonkeyPatch) -> None:
    vault, recovery_text, worker = unlocked
    threads: list[int] = []
    genuine = dialog_module.change_job

    def spy(current: str, new: str, rotate: bool) -> object:
        run = genuine(current, new, rotate)

        def wrapped(ctx: JobContext) -> object:
            threads.append(threading.get_ident())
            return run(ctx)  # type: ignore[operator]

        return wrapped

    monkeypatch.setattr(dialog_module, "change_job", spy)
    dialog = PassphraseChangeDialog(worker)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok_button.isEnabled()
    _fill(dialog, PASSPHRASE, NEW, rotate=False)
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.changed, timeout=WAIT_MS) as blocker:
        QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [False]
    assert threads and threads[0] != threading.get_ident()
    assert dialog.current.text() == "" and dialog.fields.passphrase() == ""
    assert not dialog.isVisible()
    assert _opens(vault.path, NEW) and not _opens(vault.path, PASSPHRASE)
    assert _recovery_opens(vault.path, recovery_text)


def test_wrong_current_passphrase_changes_nothing(qtbot: QtBot, unlocked: tuple[Vault, str, DbWorker]) -> None:
    vault, _, worker = unlocked
    before = (vault.path / "keyslots.json").read_bytes()
    dialog = PassphraseChangeDialog(worker)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, "not the passphrase at all, surely", NEW, rotate=True)
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "not correct" in dialog.message.text(), timeout=WAIT_MS)
    assert dialog.isVisible() and not dialog.showing_recovery_key()
    assert (vault.path / "keyslots.json").read_bytes() == before
    assert _opens(vault.path, PASSPHRASE)


def test_rotation_shows_the_new_recovery_key_once(qtbot: QtBot, unlocked: tuple[Vault, str, DbWorker]) -> None:
    vault, old_recovery, worker = unlocked
    dialog = PassphraseChangeDialog(worker)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, PASSPHRASE, NEW, rotate=True)
    holds: list[bool] = []
    dialog.hold_lock.connect(holds.append)
    with qtbot.waitSignal(dialog.changed, timeout=WAIT_MS) as blocker:
        QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [True]
    assert dialog.showing_recovery_key() and not dialog.cancel_button.isVisible()
    shown = "-".join(label.text() for label in dialog.recovery_page.group_labels)
    assert shown and shown != old_recovery
    assert not dialog.ok_button.isEnabled()  # not before "I have written it down"
    dialog.reject()  # Escape does not hide the only copy
    assert dialog.isVisible()
    dialog.recovery_page.written.setChecked(True)
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.recovery_page.group_labels == []
    assert holds == [True, False]
    assert _opens(vault.path, NEW) and not _opens(vault.path, PASSPHRASE)
    assert _recovery_opens(vault.path, shown) and not _recovery_opens(vault.path, old_recovery)
    # The session's vault still works on its re-keyed database.
    assert worker is not None and vault.record_counts() is not None


def test_session_vault_menu_offers_the_dialog(qtbot: QtBot, session: Session, existing_vault: str) -> None:
    vault = Vault.open(session.vault_path, PASSPHRASE)
    session._on_unlocked(vault)
    assert session.main_window is not None and session.passphrase_action is not None
    texts = [a.text() for a in session.main_window.vault_menu.actions()]
    assert texts.index("Change &passphrase…") == texts.index(session.main_window.settings_action.text()) + 1
    session.passphrase_action.trigger()
    assert session.passphrase_dialog is not None and session.passphrase_dialog.isVisible()
    _fill(session.passphrase_dialog, PASSPHRASE, NEW, rotate=False)
    session.lock()  # locking drops the dialog and its secrets
    assert session.passphrase_dialog is None and session.passphrase_action is None
