"""The session controller: which window shows, the unlocked vault, locking, erasing, settings, idle auto-lock.

Lock means: stop the idle timer, ask every page to drop its content, destroy the main window (so no widget that showed
content survives), lock the vault (close the database, zero the key copy), clear the clipboard, show the unlock screen.

The clipboard is always cleared on lock, not only when we own it: with a clipboard manager running, ownership moves to
the manager right after a copy, so "did we put this there?" cannot be answered reliably, and testimony copied out of
an editor is exactly what must not outlive the lock. Losing an unrelated clipboard entry is the smaller harm. (A
clipboard manager's history is beyond our reach; the deployment guide should say to run none.)
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QClipboard, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication

from intake_app.recording.service import RecordingService
from intake_app.records.vocabularies import install_from as install_vocabulary_additions
from intake_app.vault import vault as vault_module
from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.common.erase_dialog import HOLD_MS, EraseDialog
from ui.common.global_keys import GlobalKeys
from ui.common.idle_lock import IdleLock
from ui.common.lock_warning import LockWarning
from ui.common.main_window import MainWindow
from ui.common.qt_fallbacks import install_qt_fallbacks
from ui.common.settings_dialog import SettingsDialog
from ui.common.settings_store import UiSettings, save_settings
from ui.common.tasks import Task
from ui.field.editor.editor_page import EditorPlace
from ui.field.testimony_list_page import InterviewerPages
from ui.gate_window import GateWindow
from ui.hq.hq_pages import HqPages, install_hq_pages
from ui.i18n import resolve_language, set_language, tr
from ui.start.passphrase_change_dialog import PassphraseChangeDialog
from ui.start.unlock_protection_dialog import UnlockProtectionDialog


def clear_clipboard() -> None:
    """Empty the clipboard and, on X11, the primary selection."""
    clipboard = QGuiApplication.clipboard()
    clipboard.clear(QClipboard.Mode.Clipboard)
    if clipboard.supportsSelection():
        clipboard.clear(QClipboard.Mode.Selection)


class Session(QObject):
    """Owns the gate window, the main window (while unlocked) and the vault."""

    def __init__(self, vault_path: Path, settings: UiSettings, settings_path: Path,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        install_qt_fallbacks()  # Korean for the strings of Qt's file dialog that qtbase_ko.qm lacks
        self.vault_path = vault_path
        self.settings = settings
        self.settings_path = settings_path
        self.vault: Vault | None = None
        self.main_window: MainWindow | None = None
        self.db_worker: DbWorker | None = None
        self.hq_pages: HqPages | None = None
        self.interviewer_pages: InterviewerPages | None = None
        self.erase_hold_ms = HOLD_MS
        self.idle = IdleLock(settings.auto_lock_minutes * 60_000, self)
        self.lock_policy_minutes: int | None = None  # HQ's auto-lock limit, once a field vault has told it
        self.idle.idle.connect(self._idle_lock)
        self.lock_warning = LockWarning()
        self.idle.warning.connect(lambda seconds: self.lock_warning.show_seconds(seconds, self.main_window))
        self.idle.warning_cleared.connect(self.lock_warning.hide)
        self.lock_warning.stay_requested.connect(self.idle.restart)
        # Between a lock and the next unlock: where the editor was (vault id, place) and Settings' unsaved choices.
        self._resume: tuple[str, EditorPlace] | None = None
        self._pending_settings: UiSettings | None = None
        self.global_keys = GlobalKeys(self)
        self.global_keys.add(QKeySequence("Ctrl+L"), self.lock)
        self.global_keys.add(QKeySequence("Ctrl+Shift+Delete"), self.open_erase)
        self.gate = GateWindow(vault_path, settings.language)
        self.gate.unlocked.connect(self._on_unlocked)
        self.gate.language_chosen.connect(self._on_language_chosen)
        self.settings_dialog: SettingsDialog | None = None
        self.erase_dialog: EraseDialog | None = None
        self.passphrase_dialog: PassphraseChangeDialog | None = None
        self.passphrase_action: QAction | None = None
        self.protection_dialog: UnlockProtectionDialog | None = None
        self.protection_action: QAction | None = None

    def start(self) -> None:
        self.gate.show_start()
        self.gate.show()

    def first_window(self) -> GateWindow:
        return self.gate

    # ---- unlock / lock
    def _on_unlocked(self, vault: object) -> None:
        assert isinstance(vault, Vault)
        self.vault = vault
        install_vocabulary_additions(vault.conn)  # HQ's new codes (issue 17) before any screen lists codes
        self.main_window = MainWindow(vault.info())
        self.main_window.lock_requested.connect(self.lock)
        self.main_window.settings_requested.connect(self.open_settings)
        self.main_window.erase_requested.connect(self.open_erase)
        self.main_window.quit_requested.connect(self.quit)
        # One worker thread does all database work of this session (see ui/common/db_worker.py).
        self.db_worker = DbWorker(vault, self)
        self._install_passphrase_action()
        self._tell_unlock_guard(vault)
        if vault.role == "hq":
            self.hq_pages = install_hq_pages(self.main_window, self.db_worker)
        else:
            self.interviewer_pages = InterviewerPages(self.main_window, self.db_worker, vault.role)
            self.interviewer_pages.updates.policy.lock_limit_minutes.connect(self._apply_lock_policy)
            self.interviewer_pages.install()
            # A recording cut off by a crash or power loss becomes an attachment marked interrupted (issue 18).
            self.db_worker.submit(lambda ctx: RecordingService(ctx.vault).recover_interrupted())
            resume, self._resume = self._resume, None
            if resume is not None and resume[0] == vault.vault_id:
                self.interviewer_pages.resume(resume[1])
        self.main_window.show()
        self.main_window.activateWindow()
        self.gate.hide()
        self.gate.unlock_screen.set_reason("")
        self.idle.arm()
        self.global_keys.install()
        pending, self._pending_settings = self._pending_settings, None
        if pending is not None:
            self.open_settings(pending)

    def _idle_lock(self) -> None:
        minutes = max(1, round(self.idle.timeout_ms() / 60_000))
        if minutes == 1:
            self.lock(tr("Locked after 1 minute without activity."))
        else:
            self.lock(tr("Locked after {minutes} minutes without activity.", minutes=minutes))

    def lock(self, reason: str = "") -> None:
        """Lock now: see the module docstring for what that clears. ``reason`` is shown on the unlock screen, with
        the dialogs the lock closed; the editor's place and Settings' choices come back after the unlock."""
        self.idle.disarm()
        self.global_keys.remove()
        self.lock_warning.detach()
        lost: list[str] = []
        if self.settings_dialog is not None and self.settings_dialog.isVisible() and self.vault is not None:
            self._pending_settings = self.settings_dialog.result_settings()
        if self.erase_dialog is not None and self.erase_dialog.isVisible():
            lost.append(self.erase_dialog.windowTitle())
        if self.interviewer_pages is not None and self.vault is not None:
            place, closed = self.interviewer_pages.capture()
            lost += closed
            self._resume = (self.vault.vault_id, place) if place is not None else None
        self._close_dialogs()
        if self.interviewer_pages is not None:
            # Before the worker stops: the editor's last draft is queued (it runs even during shutdown).
            self.interviewer_pages.clear_content()
            self.interviewer_pages = None
        self._stop_db_worker()
        self.passphrase_action = None
        self.protection_action = None
        if self.main_window is not None:
            window, self.main_window = self.main_window, None
            window.clear_content()
            window.hide()
            window.deleteLater()
        if self.vault is not None:
            vault, self.vault = self.vault, None
            vault.lock()
        clear_clipboard()
        self.gate.show_start()
        notes = [reason] if reason else []
        notes += [tr("Closed by the lock: {dialog}. Open it again after unlocking.", dialog=title) for title in lost]
        if self._pending_settings is not None:
            notes.append(tr("The Settings dialog will open again with your unsaved choices."))
        self.gate.unlock_screen.set_reason("\n".join(notes))
        self.gate.show()
        self.gate.activateWindow()

    def _stop_db_worker(self) -> None:
        """Before the vault closes: cancel queued jobs, wait for the running one, drop every callback."""
        if self.db_worker is not None:
            worker, self.db_worker = self.db_worker, None
            worker.shutdown()
            worker.deleteLater()
        self.hq_pages = None

    @property
    def unlocked(self) -> bool:
        return self.vault is not None

    # ---- erase
    def open_erase(self) -> None:
        if self.vault is None or self.main_window is None:
            return
        self.erase_dialog = EraseDialog(self.vault.vault_id, self.erase_hold_ms, self.main_window)
        self.erase_dialog.accepted.connect(self.erase_now)
        self.erase_dialog.open()

    def erase_now(self) -> None:
        """Destroy the key slots first (the vault is noise from then on), then return to the first-run wizard."""
        self.idle.disarm()
        self._stop_db_worker()
        if self.vault is not None:
            self.vault.lock()
            self.vault = None
        vault_module.erase(self.vault_path)
        self._resume, self._pending_settings = None, None
        self.lock()

    # ---- passphrase (field and HQ vaults alike)
    def _install_passphrase_action(self) -> None:
        """Vault menu: "Change passphrase…" right after Settings (the menu belongs to ui/common, the dialog to
        ui/start: the session joins them)."""
        assert self.main_window is not None
        menu = self.main_window.vault_menu
        actions = menu.actions()
        after = actions.index(self.main_window.settings_action) + 1
        self.passphrase_action = QAction(tr("Change &passphrase…"), self.main_window)
        self.passphrase_action.triggered.connect(self.open_passphrase_change)
        if after < len(actions):
            menu.insertAction(actions[after], self.passphrase_action)
        else:
            menu.addAction(self.passphrase_action)
        self.protection_action = QAction(tr("Unlock pro&tection…"), self.main_window)
        self.protection_action.triggered.connect(self.open_unlock_protection)
        if after < len(actions):
            menu.insertAction(actions[after], self.protection_action)
        else:
            menu.addAction(self.protection_action)

    def _tell_unlock_guard(self, vault: Vault) -> None:
        """Failed unlocks since the last success, and a duress passphrase lost to an edited guard file (issue 29)."""
        assert self.main_window is not None
        notes = []
        if vault.failed_unlocks:
            notes.append(tr("Wrong passphrases typed since the last unlock: {count}.", count=vault.failed_unlocks))
        if vault.duress_lost:
            notes.append(tr("The duress passphrase was lost (its record was altered or removed): set it again in "
                            "Unlock protection."))
        if notes:
            self.main_window.statusBar().showMessage(" ".join(notes))

    def open_unlock_protection(self) -> None:
        """Duress passphrase and failed-unlock limit (issue 29)."""
        if self.vault is None or self.main_window is None or self.db_worker is None:
            return
        self.protection_dialog = UnlockProtectionDialog(self.db_worker, self.main_window)
        self.protection_dialog.open()

    def open_passphrase_change(self) -> None:
        if self.vault is None or self.main_window is None or self.db_worker is None:
            return
        self.passphrase_dialog = PassphraseChangeDialog(self.db_worker, self.main_window)
        self.passphrase_dialog.hold_lock.connect(lambda hold: self.idle.disarm() if hold else self.idle.arm())
        self.passphrase_dialog.open()

    # ---- settings
    def open_settings(self, choices: UiSettings | None = None) -> None:
        parent = self.main_window if self.main_window is not None else self.gate
        self.settings_dialog = SettingsDialog(choices or self.settings, parent)
        self.settings_dialog.accepted.connect(self._settings_accepted)
        self.settings_dialog.open()

    def _settings_accepted(self) -> None:
        if self.settings_dialog is not None:
            self.apply_settings(self.settings_dialog.result_settings())

    def apply_settings(self, settings: UiSettings) -> None:
        """Use the new settings now (language, idle timeout) and store them."""
        self.settings = settings
        set_language(resolve_language(settings.language))
        if self.passphrase_action is not None:
            self.passphrase_action.setText(tr("Change &passphrase…"))
        if self.protection_action is not None:
            self.protection_action.setText(tr("Unlock pro&tection…"))
        self.idle.set_timeout_ms(self._lock_minutes() * 60_000)
        # A read-only or full config directory must not stop the app: the settings then last for this run only.
        with contextlib.suppress(OSError):
            save_settings(self.settings_path, settings)

    def _apply_lock_policy(self, minutes: int) -> None:
        """HQ's policy (from an update): lock after at most ``minutes``; the interviewer may choose fewer."""
        self.lock_policy_minutes = minutes
        self.idle.set_timeout_ms(self._lock_minutes() * 60_000)

    def _lock_minutes(self) -> int:
        limit = self.lock_policy_minutes
        return self.settings.auto_lock_minutes if limit is None else min(self.settings.auto_lock_minutes, limit)

    def _on_language_chosen(self, choice: str) -> None:
        self.apply_settings(UiSettings(language=choice, auto_lock_minutes=self.settings.auto_lock_minutes))

    def _close_dialogs(self) -> None:
        if self.passphrase_dialog is not None:
            self.passphrase_dialog.discard()  # holds passphrases, maybe a recovery key on screen
            self.passphrase_dialog.deleteLater()
            self.passphrase_dialog = None
        if self.protection_dialog is not None:
            self.protection_dialog.discard()  # holds passphrases
            self.protection_dialog.deleteLater()
            self.protection_dialog = None
        for dialog in (self.settings_dialog, self.erase_dialog):
            if dialog is not None:
                dialog.reject()
                dialog.deleteLater()
        self.settings_dialog = None
        self.erase_dialog = None

    # ---- quit
    def shutdown(self) -> None:
        """Leave nothing unlocked: lock the vault, wipe a wizard in progress, wait for worker threads, close windows."""
        if self.vault is not None:
            self.lock()
        self.idle.disarm()
        if self.gate.wizard is not None:
            self.gate.wizard.discard()
        for task in self.gate.findChildren(Task):
            task.wait()
        self.gate.hide()
        self.gate.deleteLater()
        self.lock_warning.deleteLater()

    def quit(self) -> None:
        """Lock first, so the key is zeroed and the clipboard cleared, then leave the event loop."""
        if self.vault is not None:
            self.lock()
        if self.gate.wizard is not None:
            self.gate.wizard.discard()
        app = QApplication.instance()
        if app is not None:
            app.quit()
