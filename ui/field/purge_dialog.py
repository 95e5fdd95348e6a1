""""Remove what HQ has received": shows how many testimonies headquarters acknowledged first, then removes them.

The count comes from a dry run of the core's purge (``intake_app.records.purge``) on the DB worker; the removal is the
same call without ``dry_run``. Nothing is removed that headquarters has not acknowledged in a signed update, or that
was edited since (a newer version or an open draft keeps a testimony).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from intake_app.display import clean_text
from intake_app.records.purge import PurgeResult, purge_acknowledged
from ui.common.db_worker import DbWorker, Job, JobContext
from ui.i18n import tr


def _bundles(result: PurgeResult) -> str:
    return ", ".join(map(str, result.acknowledged_bundles)) or tr("none")


class PurgeDialog(QDialog):
    """``purged`` fires with the result once testimonies were removed."""

    purged = Signal(object)

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._job: Job | None = None
        self.planned: PurgeResult | None = None
        self.removed: PurgeResult | None = None
        self.resize(560, 280)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.remove_button = QPushButton()
        self.close_button = QPushButton()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.result_label, 1)
        layout.addLayout(buttons)
        self.remove_button.clicked.connect(self.start_purge)
        self.close_button.clicked.connect(self.reject)
        self.retranslate()
        self.count()

    def count(self) -> None:
        """Ask the core how many testimonies would go (a dry run), before offering to remove them."""
        self.planned = None
        self.summary.setText(tr("Counting what headquarters has received…"))
        self._update()
        self._worker.submit(lambda ctx: purge_acknowledged(ctx.vault, dry_run=True), on_done=self._counted,
                            on_error=self._failed)

    def _counted(self, result: object) -> None:
        assert isinstance(result, PurgeResult)
        self.planned = result
        if result.count == 0:
            self.summary.setText(tr("Nothing to remove: no testimony on this laptop is in a bundle headquarters has "
                                    "acknowledged, or each was changed since. Bundles acknowledged: {bundles}",
                                    bundles=_bundles(result)))
        else:
            self.summary.setText(tr(
                "Headquarters has received {count} testimonies ({attachments} attached files) in bundles {bundles}. "
                "Removing them deletes them from this laptop beyond recovery, even for someone who later learns the "
                "passphrase; headquarters keeps them.", count=result.count, attachments=result.attachments,
                bundles=_bundles(result)))
        self._update()

    def _update(self) -> None:
        n = 0 if self.planned is None else self.planned.count
        self.remove_button.setEnabled(self._job is None and n > 0)
        self.remove_button.setText(tr("&Remove {count} testimonies", count=n) if n else tr("&Remove"))

    def start_purge(self) -> None:
        if not self.remove_button.isEnabled():
            return
        self.result_label.setText(tr("Removing…"))

        def job(ctx: JobContext) -> PurgeResult:
            return purge_acknowledged(ctx.vault)

        self._job = self._worker.submit(job, on_done=self._purged, on_error=self._failed)
        self._update()

    def _purged(self, result: object) -> None:
        assert isinstance(result, PurgeResult)
        self._job = None
        self.removed = result
        self.result_label.setText(tr("Removed {count} testimonies.", count=result.count))
        self.purged.emit(result)
        self.count()

    def _failed(self, exc: BaseException) -> None:
        self._job = None
        self.result_label.setText(tr("Nothing was removed: {detail}", detail=clean_text(str(exc))))
        self._update()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Remove what headquarters has received"))
        self.close_button.setText(tr("Close"))
        self._update()
