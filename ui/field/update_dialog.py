"""Import an update from headquarters (a file on the USB stick), and the setting to purge after each import.

The file is chosen in the app's own non-native QFileDialog (the platform dialog could remember the folder in its own
settings). Checking and applying run on the DB worker (``intake_app.updates.field.import_update``); a refused file
changes nothing and the reason is shown. What changed is listed, with the fingerprint of any new HQ signing key to
compare with headquarters by phone.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_app.display import clean_text
from intake_app.updates.field import ImportedUpdate, auto_purge_enabled, import_update, set_auto_purge, this_device
from ui.common.db_worker import DbWorker, Job, JobContext
from ui.common.path_field import PathField, open_file_dialog
from ui.common.refusal_reasons import translate_reason
from ui.i18n import tr


def describe(result: ImportedUpdate) -> str:
    """The lines shown after an import, in the user's language (key ids and codes cleaned: they come from a file)."""
    acked = ", ".join(map(str, result.acknowledged_bundles)) or tr("none")
    lines = [tr("Update {seq} from headquarters was imported.", seq=result.sequence),
             tr("Bundles headquarters has received intact: {bundles}", bundles=acked)]
    if result.receipt_warnings:
        lines.append(tr("Warning: headquarters holds {count} bundles signed with this laptop's key that this laptop "
                        "did not make. Tell headquarters.", count=len(result.receipt_warnings)))
    for change in result.key_changes:
        if change["signing_key"]:
            lines.append(tr("New headquarters signing key; compare its fingerprint with headquarters: {fp}",
                            fp=clean_text(change["signing_key"])))
        if change["add_recipient"]:
            lines.append(tr("New headquarters key to encrypt to; fingerprint: {fp}", fp=clean_text(change["add_recipient"])))
        if change["retire_recipient"]:
            lines.append(tr("A headquarters key was retired; fingerprint: {fp}", fp=clean_text(change["retire_recipient"])))
    if result.revocations:
        lines.append(tr("Devices revoked by headquarters: {ids}", ids=clean_text(", ".join(result.revocations))))
    if result.vocabulary_added:
        lines.append(tr("New vocabulary entries: {count}", count=len(result.vocabulary_added)))
    if result.unlock_limit_set is not None:
        lines.append(tr("Headquarters requires a failed-unlock limit: this laptop now erases itself after {n} wrong "
                        "passphrases in a row.", n=result.unlock_limit_set))
    if result.duress_required_missing:
        lines.append(tr("Headquarters requires a duress passphrase and none is set. Choose one now: Vault menu, "
                        "Unlock protection…"))
    if result.purged is not None:
        lines.append(tr("Removed {count} testimonies that headquarters has received.",
                        count=result.purged["testimonies"]))
    return "\n".join(lines)


class UpdateImportDialog(QDialog):
    """Choose an update file, import it, show what changed; ``imported`` fires after a successful import."""

    imported = Signal(object)

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._job: Job | None = None
        self.file_dialog: QFileDialog | None = None
        self.result_info: ImportedUpdate | None = None
        self.resize(640, 380)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.device: dict[str, str] | None = None  # this laptop's key digits and id, as HQ names its update files
        self.device_label = QLabel()
        self.device_label.setWordWrap(True)
        self.device_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_field = PathField(lambda _parent, _edit: self.browse())
        self.file_edit, self.browse_button = self.file_field.edit, self.file_field.button
        self.import_button = QPushButton()
        self.close_button = QPushButton()
        self.auto_purge = QCheckBox()
        self.auto_purge.setEnabled(False)  # until the vault's setting has been read
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.device_label)
        layout.addWidget(self.file_field)
        layout.addWidget(self.auto_purge)
        layout.addWidget(self.result_label, 1)
        layout.addLayout(buttons)
        self.file_edit.textChanged.connect(self._update)
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self.reject)
        self.auto_purge.toggled.connect(self._auto_purge_toggled)
        self.retranslate()
        self._update()
        worker.submit(lambda ctx: auto_purge_enabled(ctx.vault.conn), on_done=self._auto_purge_read)
        worker.submit(lambda ctx: this_device(ctx.vault), on_done=self._device_read)

    def _device_read(self, device: object) -> None:
        assert isinstance(device, dict)
        self.device = device
        self.retranslate()

    def _auto_purge_read(self, enabled: object) -> None:
        self.auto_purge.blockSignals(True)
        self.auto_purge.setChecked(bool(enabled))
        self.auto_purge.blockSignals(False)
        self.auto_purge.setEnabled(True)

    def _auto_purge_toggled(self, checked: bool) -> None:
        self._worker.submit(lambda ctx: set_auto_purge(ctx.vault, checked))

    def browse(self) -> None:
        """Open the app's non-native file dialog; the choice arrives in ``_chosen``."""
        filters = [tr("Headquarters updates (*.update.tar)"), tr("All files (*)")]
        if self.device is not None:  # this laptop's own files first: found by the key digits it shows
            filters.insert(0, tr("Updates for this laptop ({pattern})", pattern=self.device["update_file_pattern"]))
        dialog = open_file_dialog(self, tr("Choose the update file from headquarters"), filters)
        dialog.fileSelected.connect(self._chosen)
        self.file_dialog = dialog
        dialog.open()

    def _chosen(self, path: str) -> None:
        if path:
            self.file_edit.setText(path)

    def _update(self) -> None:
        text = self.file_edit.text().strip()
        self.import_button.setEnabled(self._job is None and bool(text) and Path(text).is_file())

    def start_import(self) -> None:
        if not self.import_button.isEnabled():
            return
        path = Path(self.file_edit.text().strip())
        self.result_label.setText(tr("Checking the update…"))

        def job(ctx: JobContext) -> ImportedUpdate:
            return import_update(ctx.vault, path)

        self._job = self._worker.submit(job, on_done=self._imported, on_error=self._failed)
        self._update()

    def _imported(self, result: object) -> None:
        assert isinstance(result, ImportedUpdate)
        self._job = None
        self.result_info = result
        self.result_label.setText(describe(result))
        self._update()
        self.imported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._job = None
        self.result_label.setText(tr("The update was refused and nothing was changed: {detail}",
                                     detail=translate_reason(str(exc))))
        self._update()

    def reject(self) -> None:
        if self.file_dialog is not None:
            self.file_dialog.reject()
        super().reject()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Import an update from headquarters"))
        self.intro.setText(tr("Headquarters sends an update file saying which bundles arrived intact, with any new "
                              "headquarters keys, revoked devices, vocabulary and rules. Choose the file (e.g. on the "
                              "USB stick). It is checked against the headquarters key pinned on this laptop."))
        if self.device is not None:
            self.device_label.setText(tr("This laptop's key: {code} (device id {id}). Its update files are named "
                                         "{pattern}", code=self.device["device_code"], id=self.device["device"],
                                         pattern=self.device["update_file_pattern"]))
        self.file_edit.setAccessibleName(tr("Update file"))
        self.browse_button.setText(tr("&Browse…"))
        self.import_button.setText(tr("&Import"))
        self.close_button.setText(tr("Close"))
        self.auto_purge.setText(tr("After each update, remove what headquarters has received"))
