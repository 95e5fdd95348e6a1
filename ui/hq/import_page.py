"""HQ: import bundles from a USB stick — several files or a whole folder — each verified and imported on the DB worker.

Bundles are imported one after another (the worker runs jobs in order), with a progress bar per bundle and one for the
set. The result table says per bundle: imported (with what it brought), already imported (a replay changes nothing),
or refused with the reason in plain words; the core's warnings (missing bundles, forks, conflicts to resolve) follow.
The GUI thread only receives results and rate-limited progress, so a set of large bundles never freezes the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intake_app.bundles.importer import Importer, ImportOutcome
from intake_app.display import clean_text
from ui.auditor.auditor_mode import bundles_in_folder
from ui.common.db_worker import DbWorker, Job, JobContext
from ui.common.disposal import discard
from ui.common.page_heading import heading_label
from ui.common.path_field import choose_files, choose_folder
from ui.common.refusal_reasons import translate_reason
from ui.hq.enrol_offer import EnrolOffer, unknown_device
from ui.i18n import N_, tr, trn
from ui.i18n.retranslating import Retranslating

COLUMNS = (N_("File"), N_("Device"), N_("Bundle"), N_("Result"), N_("Details"))
STATUS_TEXT = {"imported": N_("Imported"), "already_imported": N_("Already imported"), "refused": N_("Refused")}
_COLOURS = {"imported": QColor("#1b6e20"), "already_imported": QColor("#555555"), "refused": QColor("#b00020")}


@dataclass(frozen=True)
class ImportRow:
    """What the table shows for one bundle (the outcome, or the failure of a file that could not be read)."""

    file: str
    outcome: ImportOutcome


def import_one(ctx: JobContext, path: Path) -> ImportOutcome:
    """Verify and import one bundle (runs on the DB worker); refusals come back as outcomes, not exceptions."""
    return Importer(ctx.vault).import_file(path, progress=ctx.progress)


class ImportPage(Retranslating, QWidget):
    """``imported`` after a set is done (devices, conflicts and the list refresh); ``finished`` for tests."""

    imported = Signal()
    finished = Signal()

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.pending: list[Path] = []
        self.rows: list[ImportRow] = []
        self._jobs: list[Job] = []
        self._done = 0
        self._total = 0
        self.heading = heading_label()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.pending_list = QListWidget()
        self.pending_list.setMaximumHeight(110)
        self.add_files_button = QPushButton()
        self.add_files_button.clicked.connect(self._choose_files)
        self.add_folder_button = QPushButton()
        self.add_folder_button.clicked.connect(self._choose_folder)
        self.clear_button = QPushButton()
        self.clear_button.clicked.connect(self.clear_pending)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.start_import)
        self.status = QLabel()
        self.bundle_progress = QProgressBar()
        self.set_progress = QProgressBar()
        for bar in (self.bundle_progress, self.set_progress):
            bar.setVisible(False)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        # A bundle from an unenrolled device: offer to enrol it (after the fingerprint check), then import again.
        # One offer per unknown device, each with its own bundles; the other rows stay as they are.
        self.enrol_offers: list[EnrolOffer] = []
        self.offer_box = QVBoxLayout()
        self._lay_out()
        self.retranslate()
        self._update_buttons()

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_files_button)
        buttons.addWidget(self.add_folder_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        progress = QHBoxLayout()
        progress.addWidget(self.status, 1)
        progress.addWidget(self.bundle_progress)
        progress.addWidget(self.set_progress)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addWidget(self.pending_list)
        layout.addLayout(buttons)
        layout.addLayout(progress)
        layout.addLayout(self.offer_box)
        layout.addWidget(self.table, 1)

    # ---- choosing
    def add_files(self, paths: list[Path]) -> None:
        for path in paths:
            if path not in self.pending:
                self.pending.append(path)
                self.pending_list.addItem(clean_text(path.name))
        self._update_buttons()

    def clear_pending(self) -> None:
        self.pending.clear()
        self.pending_list.clear()
        self._update_buttons()

    def _choose_files(self) -> None:
        files = choose_files(self, tr("Choose bundle files"), (tr("Bundles (*.bundle.tar);;All files (*)"),))
        self.add_files([Path(f) for f in files])

    def _choose_folder(self) -> None:
        folder = choose_folder(self, tr("Choose a folder of bundles"))
        if folder:
            self.add_files(bundles_in_folder(Path(folder)))

    # ---- importing
    def is_busy(self) -> bool:
        return bool(self._jobs)

    @property
    def enrol_offer(self) -> EnrolOffer | None:
        """The first device offered for enrolment (None when none is)."""
        return next((o for o in self.enrol_offers if o.key_id is not None), None)

    def start_import(self, *, keep_rows: bool = False) -> None:
        """Queue every chosen bundle on the DB worker, in the order chosen (the merged state does not depend on it).

        ``keep_rows``: an import again after an enrolment keeps the table; each bundle's row is replaced by its new
        outcome and the other rows (another device still refused) stay with their offers."""
        if self.is_busy() or not self.pending:
            return
        paths, self.pending = list(self.pending), []
        self.pending_list.clear()
        if not keep_rows:
            self.rows = []
            self.table.setRowCount(0)
        self._done = 0
        self.set_progress.setRange(0, len(paths))
        self.set_progress.setValue(0)
        self.bundle_progress.setRange(0, 0)
        for bar in (self.bundle_progress, self.set_progress):
            bar.setVisible(True)
        self._total = len(paths)
        self._show_status()
        for path in paths:
            self._jobs.append(self.worker.submit(partial(import_one, path=path), partial(self._one_done, path),
                                                 partial(self._one_failed, path), self._on_progress))
        self._update_buttons()

    def _import_again(self, bundles: list[Path]) -> None:
        self.add_files(bundles)
        self.start_import(keep_rows=True)

    def _on_progress(self, done: int, total: int) -> None:
        # Byte counts can exceed a C int: show per mille.
        self.bundle_progress.setRange(0, 1000)
        self.bundle_progress.setValue(int(done * 1000 / total) if total else 0)

    def _one_done(self, path: Path, outcome: object) -> None:
        assert isinstance(outcome, ImportOutcome)
        self._add_row(ImportRow(clean_text(path.name), outcome))

    def _one_failed(self, path: Path, exc: BaseException) -> None:
        self._add_row(ImportRow(clean_text(path.name), ImportOutcome(str(path), "refused", reason=str(exc))))

    def _add_row(self, row: ImportRow) -> None:
        index = next((i for i, r in enumerate(self.rows) if r.outcome.file == row.outcome.file), None)
        if index is None:
            self.rows.append(row)
            index = len(self.rows) - 1
            self.table.setRowCount(len(self.rows))
        else:
            self.rows[index] = row
        self._fill_row(index)
        self._done += 1
        self.set_progress.setValue(self._done)
        self.bundle_progress.setRange(0, 0)
        self._show_status()
        if self._done >= self._total:
            self._jobs = []
            for bar in (self.bundle_progress, self.set_progress):
                bar.setVisible(False)
            self._update_buttons()
            self._offer_enrolment()
            self.imported.emit()
            self.finished.emit()

    def _offer_enrolment(self) -> None:
        """One offer per device whose bundles were refused as unknown, in the order of the rows."""
        refused: dict[str, list[tuple[Path, str]]] = {}
        for r in self.rows:
            if (key_id := unknown_device(r.outcome.reason)) is not None:
                refused.setdefault(key_id, []).append((Path(r.outcome.file), key_id))
        keep = {o.key_id: o for o in self.enrol_offers if o.key_id in refused}
        for offer in self.enrol_offers:
            if offer.key_id not in keep or keep[offer.key_id] is not offer:
                offer.clear_content()
                discard(offer)
        self.enrol_offers = []
        for key_id, bundles in refused.items():
            kept = keep.get(key_id)
            if kept is None:
                kept = EnrolOffer(self.worker)
                kept.enrolled.connect(self._import_again)
            self.offer_box.addWidget(kept)
            kept.offer(bundles)
            self.enrol_offers.append(kept)

    def _show_status(self) -> None:
        if self.is_busy() and self._done < self._total:
            self.status.setText(tr("Importing bundle {n} of {total}…", n=self._done + 1, total=self._total))
            return
        counts = {status: sum(r.outcome.status == status for r in self.rows) for status in STATUS_TEXT}
        self.status.setText(tr("{imported} imported, {already} already imported, {refused} refused.",
                               imported=counts["imported"], already=counts["already_imported"],
                               refused=counts["refused"]))

    def details(self, outcome: ImportOutcome) -> str:
        """The last column: what an import brought, or why it was refused, then the warnings — all translated."""
        if outcome.status == "refused":
            lines = [translate_reason(outcome.reason or "")]
        elif outcome.status == "already_imported":
            lines = [tr("Nothing new: this bundle was imported before.")]
        else:
            revisions = int(outcome.counts.get("new_revisions", 0))
            attachments = int(outcome.counts.get("attachments", 0))
            lines = [trn("{count} new revision.", "{count} new revisions.", revisions, count=revisions) + " "
                     + trn("{count} attachment.", "{count} attachments.", attachments, count=attachments)]
        lines += [translate_reason(w) for w in outcome.warnings]
        return "\n".join(lines)

    def _fill_row(self, index: int) -> None:
        if self.table.rowCount() <= index:
            self.table.setRowCount(index + 1)
        row = self.rows[index]
        o = row.outcome
        device = o.device_name or o.device or "—"
        cells = [row.file, clean_text(device), str(o.seq) if o.seq is not None else "—",
                 tr(STATUS_TEXT[o.status]), self.details(o)]
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c == 3:
                item.setForeground(QBrush(_COLOURS[o.status]))
            self.table.setItem(index, c, item)
        self.table.resizeRowToContents(index)

    # ---- look
    def _update_buttons(self) -> None:
        busy = self.is_busy()
        self.import_button.setEnabled(bool(self.pending) and not busy)
        for button in (self.add_files_button, self.add_folder_button, self.clear_button):
            button.setEnabled(not busy)

    def clear_content(self) -> None:
        for job in self._jobs:
            job.cancel()
        self._jobs = []
        self.rows = []
        self.table.setRowCount(0)
        self.clear_pending()
        for offer in self.enrol_offers:
            offer.clear_content()
            discard(offer)
        self.enrol_offers = []

    def retranslate(self) -> None:
        self.heading.setText(tr("Import bundles"))
        self.intro.setText(tr("Choose the bundle files from the USB stick, or its whole folder. Each bundle is "
                              "verified completely before anything is imported; a bundle that fails changes "
                              "nothing."))
        self.add_files_button.setText(tr("Add b&undles…"))
        self.add_folder_button.setText(tr("Add a &folder…"))
        self.clear_button.setText(tr("Cl&ear"))
        self.import_button.setText(tr("&Import"))
        self.table.setHorizontalHeaderLabels([tr(COLUMNS[i]) for i in range(len(COLUMNS))])
        for index in range(len(self.rows)):
            self._fill_row(index)
        if self.rows or self.is_busy():
            self._show_status()
