"""The main window after unlock: menu and toolbar (Lock, Settings, Emergency erase, Quit), status bar, page stack.

The central area is a QStackedWidget that later pages (record list, editor, export, import) plug into with
``add_page``. A page that holds content should implement ``clear_content()``; locking calls it on every page before the
window is destroyed. The window title is only the application name, never content.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QAction, QActionEvent, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QStackedWidget, QToolBar, QVBoxLayout, QWidget

from intake_app.vault.vault import VaultInfo
from ui.common.page_heading import heading_label
from ui.i18n import tr
from ui.i18n.retranslating import Retranslating

_ACCESS_KEY = re.compile(r"\s*\(&[^)]\)")


def toolbar_text(text: str) -> str:
    """A menu text as a toolbar button shows it: without its access key in either spelling ("&Conflicts",
    "충돌(&C)") and without "…". Qt's own button text drops only the "&", leaving "충돌(C)", which promises an Alt+C
    that belongs to the menu bar (in Korean HQ, the Coordinator menu)."""
    return _ACCESS_KEY.sub("", text).replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".")


class PlainToolBar(QToolBar):
    """A toolbar whose buttons show their action's text by ``toolbar_text``, whatever the language, as it changes."""

    def actionEvent(self, event: QActionEvent) -> None:
        action = event.action()
        if event.type() == QEvent.Type.ActionAdded and action is not None:
            action.changed.connect(lambda a=action: self._plain(a))
            self._plain(action)
        super().actionEvent(event)

    @staticmethod
    def _plain(action: QAction) -> None:
        plain = toolbar_text(action.text())
        if plain and action.iconText() != plain:
            action.setIconText(plain)


def short_fingerprint(fingerprint: str) -> str:
    """The first two digit groups: enough to tell two vaults apart at a glance (full comparison uses all eight)."""
    return " ".join(fingerprint.split()[:2])


class PlaceholderTestimoniesPage(Retranslating, QWidget):
    """Stands where the testimony list and editor will go."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = heading_label()
        self.body = QLabel()
        self.body.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.body)
        layout.addStretch(1)
        self.retranslate()

    def clear_content(self) -> None:
        """Nothing to clear yet; the real page drops its model here."""

    def retranslate(self) -> None:
        self.heading.setText(tr("Testimonies"))
        self.body.setText(tr("The vault is unlocked. The list of testimonies and the editor will appear here."))



class MainWindow(Retranslating, QMainWindow):
    """One unlocked session. The session controller destroys it on lock, so nothing it showed outlives the lock."""

    lock_requested = Signal()
    settings_requested = Signal()
    erase_requested = Signal()
    quit_requested = Signal()

    def __init__(self, info: VaultInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._info = info
        self.resize(900, 620)
        self.pages = QStackedWidget()
        self.setCentralWidget(self.pages)
        self._page_names: dict[str, QWidget] = {}
        self.testimonies_page = PlaceholderTestimoniesPage()
        self.add_page("testimonies", self.testimonies_page)

        self.lock_action = QAction(self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        # In dialogs too: ui/common/global_keys.py (the session installs it) catches Ctrl+L in every window.
        self.lock_action.triggered.connect(self.lock_requested)
        self.settings_action = QAction(self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.settings_requested)
        self.erase_action = QAction(self)
        self.erase_action.triggered.connect(self.erase_requested)
        # Reachable without the menu (toolbar, Ctrl+Shift+Delete in every window); the dialog still asks for the hold.
        self.erase_action.setShortcut(QKeySequence("Ctrl+Shift+Delete"))
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.quit_requested)

        self.vault_menu = QMenu(self)
        self.vault_menu.addAction(self.lock_action)
        self.vault_menu.addAction(self.settings_action)
        self.vault_menu.addSeparator()
        self.vault_menu.addAction(self.erase_action)
        self.vault_menu.addSeparator()
        self.vault_menu.addAction(self.quit_action)
        self.menuBar().addMenu(self.vault_menu)
        self.toolbar = PlainToolBar(self)
        self.toolbar.setObjectName("main-toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.addAction(self.lock_action)
        self.toolbar.addAction(self.settings_action)
        self.toolbar.addAction(self.erase_action)
        self.addToolBar(self.toolbar)
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self.retranslate()

    def add_page(self, name: str, widget: QWidget) -> None:
        """Plug a page into the central stack under ``name``."""
        if name in self._page_names:
            raise ValueError(f"a page named {name!r} exists already")
        self._page_names[name] = widget
        self.pages.addWidget(widget)

    def show_page(self, name: str) -> None:
        self.pages.setCurrentWidget(self._page_names[name])

    def clear_content(self) -> None:
        """Ask every page to drop what it shows (models, editors) before the window goes away."""
        for widget in self._page_names.values():
            clear = getattr(widget, "clear_content", None)
            if callable(clear):
                clear()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Testimony Intake"))
        self.vault_menu.setTitle(tr("&Vault"))
        self.lock_action.setText(tr("&Lock"))
        self.lock_action.setToolTip(tr("Lock the vault now (Ctrl+L)"))
        self.settings_action.setText(tr("&Settings…"))
        self.erase_action.setText(tr("&Emergency erase…"))
        self.erase_action.setToolTip(tr("Emergency erase (Ctrl+Shift+Delete): asks you to hold a button for 3 seconds"))
        self.quit_action.setText(tr("&Quit"))
        self.toolbar.setWindowTitle(tr("Toolbar"))
        role = tr("HQ vault") if self._info.role == "hq" else tr("Field vault")
        self.status_label.setText(tr("{role} · key {fingerprint}", role=role,
                                     fingerprint=short_fingerprint(self._info.fingerprint)))

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing the window is quitting: the session locks (zeroes the key, clears the clipboard) on the way out.
        event.ignore()
        self.quit_requested.emit()
