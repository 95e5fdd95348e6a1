"""The coordinator's pages in the main window of an HQ vault: menu, toolbar and how the pages refresh each other.

A field vault never gets these pages; an HQ vault gets them next to the shell's own. After an import the devices,
conflicts and consolidated list reload (new bundles change gaps, conflicts and rows); after a conflict is resolved the
list reloads too. Every page does its database work through the session's one DB worker.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from ui.common.db_worker import DbWorker
from ui.common.main_window import MainWindow
from ui.hq.archive_import_dialog import ArchiveImportDialog
from ui.hq.conflicts_page import ConflictsPage
from ui.hq.consolidated_page import ConsolidatedPage
from ui.hq.devices_page import DevicesPage
from ui.hq.export_dialog import ExportDialog, shown_perpetrator, shown_person
from ui.hq.hq_setup import HqSetupPage
from ui.hq.import_page import ImportPage
from ui.hq.organisation_page import OrganisationPage
from ui.hq.perpetrators_page import PerpetratorsPage
from ui.hq.persons_page import PersonsPage
from ui.hq.stats_page import StatsPage
from ui.i18n import N_, tr

# Page name in the main window → (menu text, shortcut): Ctrl and the page's place in the menu, like browser tabs.
PAGES: dict[str, tuple[str, str]] = {
    "all-testimonies": (N_("&All testimonies"), "Ctrl+1"),
    "import": (N_("&Import bundles"), "Ctrl+2"),
    "conflicts": (N_("&Conflicts"), "Ctrl+3"),
    "devices": (N_("&Devices"), "Ctrl+4"),
    "hq-keys": (N_("HQ &keys"), "Ctrl+5"),
    "persons": (N_("&Persons"), "Ctrl+6"),
    "statistics": (N_("&Statistics"), "Ctrl+7"),
    "perpetrators": (N_("Pe&rpetrators"), "Ctrl+8"),
    "organisation": (N_("&Organisation (WGEID submitter)"), "Ctrl+9"),
}


class HqPages(QObject):
    """The coordinator's pages of one unlocked session, and their menu."""

    def __init__(self, window: MainWindow, worker: DbWorker) -> None:
        super().__init__(window)
        self.window = window
        self.consolidated = ConsolidatedPage(worker)
        self.importer = ImportPage(worker)
        self.conflicts = ConflictsPage(worker)
        self.devices = DevicesPage(worker)
        self.keys = HqSetupPage(worker)
        self.persons = PersonsPage(worker)
        self.statistics = StatsPage(worker)
        self.perpetrators = PerpetratorsPage(worker)
        self.organisation = OrganisationPage(worker)
        pages = {"all-testimonies": self.consolidated, "import": self.importer, "conflicts": self.conflicts,
                 "devices": self.devices, "hq-keys": self.keys, "persons": self.persons,
                 "statistics": self.statistics, "perpetrators": self.perpetrators, "organisation": self.organisation}
        self.menu = QMenu(window)
        self.actions: dict[str, QAction] = {}
        for name, page in pages.items():
            window.add_page(name, page)
            action = QAction(window)
            action.setShortcut(QKeySequence(PAGES[name][1]))
            action.triggered.connect(lambda _checked=False, n=name: self.show(n))
            self.menu.addAction(action)
            self.actions[name] = action
        # Exports (issue 16): WGEID case, sanctions dossier, Uwazi; consent is decided in the core.
        self.menu.addSeparator()
        self.export_action = QAction(window)
        self.export_action.triggered.connect(lambda _checked=False: self.open_export())
        self.menu.addAction(self.export_action)
        self.wgeid_action = QAction(window)
        self.wgeid_action.triggered.connect(lambda _checked=False: self.open_export("wgeid", shown_person(self.persons)))
        self.menu.addAction(self.wgeid_action)
        self.dossier_action = QAction(window)
        self.dossier_action.triggered.connect(
            lambda _checked=False: self.open_export("dossier", shown_perpetrator(self.perpetrators)))
        self.menu.addAction(self.dossier_action)
        # Issue 31: outside archives (Uwazi exports) as reference records; the dialog shows the dry run first.
        self.archive_action = QAction(window)
        self.archive_action.triggered.connect(lambda _checked=False: self.open_archive_import())
        self.menu.addAction(self.archive_action)
        self._worker = worker
        window.menuBar().addMenu(self.menu)
        window.toolbar.addSeparator()
        for name in ("all-testimonies", "import", "conflicts", "devices", "persons", "statistics", "perpetrators"):
            window.toolbar.addAction(self.actions[name])
        self.importer.imported.connect(self.refresh_all)
        self.conflicts.resolved.connect(self.consolidated.refresh)
        self.conflicts.resolved.connect(self.statistics.mark_stale)
        self.conflicts.resolved.connect(self.perpetrators.mark_stale)
        self.devices.changed.connect(self.consolidated.refresh_devices)
        # The menu is not a page: follow language switches through the window's events.
        window.installEventFilter(self)
        self.retranslate()
        self.refresh_all()
        self.show("all-testimonies")

    def open_export(self, fmt: str = "wgeid", subject: str = "") -> ExportDialog:
        dialog = ExportDialog(self._worker, fmt, subject, self.window)
        dialog.show()
        return dialog

    def open_archive_import(self) -> ArchiveImportDialog:
        dialog = ArchiveImportDialog(self._worker, self.window)
        dialog.imported.connect(lambda _doc: self.refresh_all())
        dialog.show()
        return dialog

    def show(self, name: str) -> None:
        self.window.show_page(name)

    def refresh_all(self) -> None:
        self.devices.refresh()
        self.conflicts.refresh()
        self.keys.refresh()
        self.organisation.refresh()
        self.consolidated.refresh()
        self.consolidated.refresh_devices()
        self.persons.refresh()
        self.statistics.mark_stale()
        self.perpetrators.mark_stale()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return super().eventFilter(watched, event)

    def retranslate(self) -> None:
        self.menu.setTitle(tr("&Coordinator"))
        for name, action in self.actions.items():
            action.setText(tr(PAGES[name][0]))
        self.export_action.setText(tr("E&xport (WGEID, dossier, Uwazi)…"))
        self.wgeid_action.setText(tr("UN &WGEID case of the person shown…"))
        self.dossier_action.setText(tr("Sa&nctions dossier of the perpetrator shown…"))
        self.archive_action.setText(tr("Import an arc&hive…"))


def install_hq_pages(window: MainWindow, worker: DbWorker) -> HqPages:
    """Add the coordinator's pages and menu to ``window`` (an HQ vault's main window)."""
    return HqPages(window, worker)
