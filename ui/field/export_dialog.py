"""Export: what will go, where (a folder, e.g. a USB stick), progress, and the bundle's name, number and fingerprint.

The summary and the export both run on the DB worker; the export reports progress and can be cancelled (the core
removes the partial file and rolls back). The result names the bundle file, its sequence number (HQ checks that none
is missing) and the fingerprint of this laptop's signing key, to read out when the courier hands the stick over.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_app.bundles.export import ExportResult, export_bundle
from intake_app.bundles.keyring import recipient_fingerprint
from ui.common.db_worker import DbWorker, Job, JobContext
from ui.common.fonts import monospace_font
from ui.common.usb_folder import UsbFolderField
from ui.i18n import tr, trn


def pending_summary(ctx: JobContext) -> dict[str, Any]:
    """What the next bundle carries: changes and files not yet exported, and the pinned HQ keys."""
    conn = ctx.vault.conn

    def count(table: str) -> int:
        return int(conn.execute(f"SELECT count(*) FROM {table} WHERE exported_in IS NULL").fetchone()[0])  # noqa: S608

    return {"revisions": count("revisions"), "attachments": count("attachments"), "audit": count("audit_log"),
            "records": ctx.records.count(),
            "recipients": [(name, recipient_fingerprint(r)) for r, name, _ in ctx.keyring.recipients()]}


class ExportDialog(QDialog):
    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._job: Job | None = None
        self.result_info: ExportResult | None = None
        self.setWindowTitle(tr("Export bundle"))
        self.resize(620, 420)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.folder = UsbFolderField()
        self.folder_edit, self.browse_button = self.folder.edit, self.folder.button
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setFont(monospace_font(14))
        self.export_button = QPushButton()
        self.close_button = QPushButton()
        self.folder_label = QLabel()
        self.folder_label.setBuddy(self.folder_edit)
        form = QFormLayout()
        form.addRow(self.folder_label, self.folder)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.result_label)
        layout.addWidget(self.fingerprint_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.folder_edit.textChanged.connect(self._update)
        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self.reject)
        self._recipients = 0
        self._new_items = 0  # testimony versions and files not yet in a bundle; audit entries alone are no reason
        self.retranslate()
        self.refresh_summary()

    def refresh_summary(self) -> None:
        """Count again what the next bundle would carry (on open, and after every export)."""
        self._new_items = 0
        self.summary.setText(tr("Counting what will go…"))
        self._update()
        self._worker.submit(pending_summary, on_done=self._summarised,
                            on_error=lambda exc: self.summary.setText(str(exc)))

    def _summarised(self, result: object) -> None:
        assert isinstance(result, dict)
        self._recipients = len(result["recipients"])
        self._new_items = int(result["revisions"]) + int(result["attachments"])
        if self._new_items == 0:
            self.summary.setText(tr("Nothing new to send: every testimony version and attached file is already in a "
                                    "bundle."))
            self._update()
            return
        counts = (trn("{count} new or changed testimony version", "{count} new or changed testimony versions",
                      result["revisions"], count=result["revisions"]),
                  trn("{count} attached file", "{count} attached files", result["attachments"],
                      count=result["attachments"]),
                  trn("{count} audit-log entry", "{count} audit-log entries", result["audit"], count=result["audit"]))
        lines = [tr("This bundle will carry:") + "\n" + "\n".join(f"  • {line}" for line in counts),
                 trn("The vault holds {count} testimony.", "The vault holds {count} testimonies.", result["records"],
                     count=result["records"])]
        if result["recipients"]:
            lines.append(tr("Encrypted to: {names}", names=", ".join(
                f"{name} ({fp})" for name, fp in result["recipients"])))
        else:
            lines.append(tr("No headquarters key is pinned yet: add it from the Testimonies menu first."))
        self.summary.setText("\n\n".join(lines))
        self._update()

    def _update(self) -> None:
        folder = self.folder_edit.text().strip()
        self.export_button.setEnabled(self._job is None and self._recipients > 0 and self._new_items > 0
                                      and bool(folder) and Path(folder).is_dir())

    def start_export(self) -> None:
        if not self.export_button.isEnabled():  # a shortcut or a second press must not get past the checks
            return
        folder = Path(self.folder_edit.text().strip())
        self.progress.setValue(0)
        self.progress.show()
        self.result_label.setText(tr("Writing the bundle…"))
        self.fingerprint_label.clear()

        def job(ctx: JobContext) -> ExportResult:
            return export_bundle(ctx.vault, folder, progress=ctx.progress)

        self._job = self._worker.submit(job, on_done=self._exported, on_error=self._failed,
                                        on_progress=self._progressed)
        self._update()

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setValue(min(1000, done * 1000 // total))

    def _exported(self, result: object) -> None:
        assert isinstance(result, ExportResult)
        self._job = None
        self.result_info = result
        self.progress.setValue(1000)
        self.result_label.setText(tr(
            "Bundle written: {name}\nSequence number: {seq}\nSize: {size} bytes. Fingerprint of this laptop's key:",
            name=result.path.name, seq=result.seq, size=result.size))
        self.fingerprint_label.setText(result.fingerprint)
        self.fingerprint_label.setAccessibleName(tr("Signing key fingerprint"))
        self.close_button.setFocus()
        self.refresh_summary()  # what was just sent is no longer pending: the old summary would invite an empty bundle

    def _failed(self, exc: BaseException) -> None:
        self._job = None
        self.progress.hide()
        self.result_label.setText(tr("The bundle was not written: {detail}", detail=str(exc)))
        self._update()

    def reject(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
        super().reject()

    def retranslate(self) -> None:
        self.folder_label.setText(tr("&Folder:"))
        self.folder_edit.setAccessibleName(tr("Folder to write the bundle to"))
        self.browse_button.setText(tr("&Browse…"))
        self.export_button.setText(tr("&Export"))
        self.close_button.setText(tr("Close"))
        self.progress.setAccessibleName(tr("Progress"))
