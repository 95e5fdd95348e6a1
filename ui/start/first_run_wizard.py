"""The first-run wizard: role → passphrase → create (worker thread) → recovery key → check-back → fingerprint.

A stack of pages with one Back/Next bar, rather than QWizard, so navigation rules (no way back to the recovery key
once it is checked, no way back past creation) are explicit and every button is ours to translate.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from intake_app.bundles.keyring import HqKeys, Keyring
from intake_app.errors import IntakeError
from intake_app.vault.vault import Vault
from ui.common.page_heading import heading_label
from ui.common.tasks import Task, start_task
from ui.i18n import tr
from ui.i18n.retranslating import Retranslating
from ui.start import wizard_protection
from ui.start.recovery_key_pages import CheckRecoveryKeyPage, ShowRecoveryKeyPage
from ui.start.wizard_pages import CreatingPage, FingerprintPage, PassphrasePage, RolePage, WizardPage

ROLE, PASSPHRASE, CREATING, SHOW_KEY, CHECK_KEY, FINGERPRINT = range(6)


class FirstRunWizard(Retranslating, QWidget):
    """Creates the vault; ``completed(vault)`` hands the unlocked vault over when the user presses Finish."""

    completed = Signal(object)

    def __init__(self, vault_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault_path = vault_path
        self.vault: Vault | None = None
        self._task: Task | None = None
        self.heading = heading_label()
        self.heading.setWordWrap(True)
        self.role_page = RolePage()
        self.passphrase_page = PassphrasePage(vault_path)
        self.creating_page = CreatingPage()
        self.show_key_page = ShowRecoveryKeyPage()
        self.check_key_page = CheckRecoveryKeyPage()
        self.fingerprint_page = FingerprintPage()
        self.pages: list[WizardPage] = [self.role_page, self.passphrase_page, self.creating_page,
                                        self.show_key_page, self.check_key_page, self.fingerprint_page]
        self.stack = QStackedWidget()
        for page in self.pages:
            self.stack.addWidget(page)
            page.changed.connect(self._update_buttons)
            page.submitted.connect(self._submit)
        self.back_button = QPushButton()
        self.next_button = QPushButton()
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self._groups: list[str] = []
        self._show(ROLE)

    # ---- navigation
    def current(self) -> int:
        return self.stack.currentIndex()

    def _show(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        self.pages[index].focus_first()
        self.retranslate()

    def _submit(self) -> None:
        if self.next_button.isEnabled():
            self.go_next()

    def go_back(self) -> None:
        index = self.current()
        if index == PASSPHRASE:
            self._show(ROLE)
        elif index == CREATING and self._task is None and self.vault is None:
            self._show(PASSPHRASE)
        elif index == CHECK_KEY:
            self._show(SHOW_KEY)

    def go_next(self) -> None:
        index = self.current()
        page = self.pages[index]
        if not page.is_complete() and index != CHECK_KEY:
            return
        if index == ROLE:
            self._show(PASSPHRASE)
        elif index == PASSPHRASE:
            self._create()
        elif index == SHOW_KEY:
            self.check_key_page.ask(self._groups)
            self._show(CHECK_KEY)
        elif index == CHECK_KEY and page.is_complete() and self.check_key_page.verify():
            self._forget_recovery_key()
            assert self.vault is not None
            self.fingerprint_page.show_fingerprint(self.vault.info().fingerprint, self.vault.info().role,
                                                   self._pin_hq_key)
            self._show(FINGERPRINT)
        elif index == FINGERPRINT and self.vault is not None:
            vault, self.vault = self.vault, None
            self.completed.emit(vault)

    # ---- vault creation on a worker thread
    def _create(self) -> None:
        passphrase = self.passphrase_page.fields.passphrase()
        choices = self.passphrase_page.protection.choices()
        role = self.role_page.role()
        path = self.vault_path
        self.passphrase_page.fields.clear()
        self.passphrase_page.protection.clear()
        self.creating_page.error_label.clear()
        self._show(CREATING)
        self.creating_page.busy.start(tr("Creating the vault and deriving its key. This takes a few seconds…"))

        def create() -> tuple[Vault, str]:
            vault, recovery_text = Vault.create(path, passphrase, role)
            try:
                wizard_protection.apply(vault, passphrase, choices)
            except BaseException:
                vault.lock()
                raise
            return vault, recovery_text

        self._task = start_task(create, self._created, self._create_failed, self)
        self._update_buttons()

    def _created(self, result: object) -> None:
        self._task = None
        self.creating_page.busy.stop()
        assert isinstance(result, tuple)
        vault, recovery_text = result
        self.vault = vault
        self._groups = self.show_key_page.show_key(recovery_text)
        self._show(SHOW_KEY)

    def _create_failed(self, exc: object) -> None:
        self._task = None
        self.creating_page.busy.stop()
        detail = str(exc) if isinstance(exc, IntakeError) else type(exc).__name__
        self.creating_page.error_label.setText(
            tr("The vault could not be created: {detail}", detail=detail)
        )
        self._update_buttons()
        self.back_button.setFocus()

    def _forget_recovery_key(self) -> None:
        self.show_key_page.clear()
        self.check_key_page.clear()
        self._groups = []

    def _pin_hq_key(self, keys: HqKeys, name: str) -> bool:
        """Pin HQ's key on the new vault (still the wizard's: no DB worker exists yet, nothing else uses it)."""
        if self.vault is None:
            return False
        Keyring(self.vault).pin_recipient(keys, name)
        return True

    def is_busy(self) -> bool:
        return self._task is not None

    def discard(self) -> None:
        """Wipe what the wizard holds (used when the app quits or locks mid-wizard)."""
        self._forget_recovery_key()
        self.passphrase_page.fields.clear()
        self.passphrase_page.protection.clear()
        if self.vault is not None:
            self.vault.lock()
            self.vault = None

    # ---- texts
    def _update_buttons(self) -> None:
        index = self.current()
        self.back_button.setEnabled(
            index in (PASSPHRASE, CHECK_KEY) or (index == CREATING and self._task is None and self.vault is None)
        )
        self.back_button.setVisible(index not in (ROLE, SHOW_KEY, FINGERPRINT))
        self.next_button.setVisible(index != CREATING)
        complete = self.pages[index].is_complete()
        self.next_button.setEnabled(complete)
        self.next_button.setDefault(True)

    def retranslate(self) -> None:
        index = self.current()
        self.heading.setText(self.pages[index].heading())
        self.back_button.setText(tr("< &Back"))
        labels = {PASSPHRASE: tr("&Create vault"), CHECK_KEY: tr("C&heck"), FINGERPRINT: tr("&Finish")}
        self.next_button.setText(labels.get(index, tr("&Next >")))
        self._update_buttons()
