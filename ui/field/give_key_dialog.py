""""Give HQ this laptop's key": write the laptop's public key file to a folder (a USB stick) and show the fingerprint
in large groups, to read aloud over the phone while HQ types it.

The file is the same as ``intake keys export`` writes (a minisign public key file, nothing secret), named
``device-<key id>.pub`` so HQ's import page can find it next to the bundles. An existing file of that name is kept
when it holds the same key and refused otherwise (a file from another laptop must not be overwritten unseen).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crypto.atomic_file import write_atomic
from intake_app.display import clean_text
from intake_app.errors import UsageError
from ui.common.db_worker import DbWorker, JobContext
from ui.common.fonts import monospace_font
from ui.common.usb_folder import UsbFolderField
from ui.i18n import tr
from ui.i18n.retranslating import Retranslating


@dataclasses.dataclass(frozen=True)
class KeyFile:
    text: str
    key_id: str
    fingerprint: str


def key_file_name(key_id: str) -> str:
    return f"device-{key_id}.pub"


def read_own_key(ctx: JobContext) -> KeyFile:
    ring = ctx.keyring
    public = ring.signing_key.public_key
    return KeyFile(ring.export_public(), public.key_id_hex, public.fingerprint())


def write_key_file(folder: Path, key: KeyFile) -> Path:
    """Write ``key`` into ``folder``; an identical file is left as it is, a different one refused."""
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    path = folder / key_file_name(key.key_id)
    data = key.text.encode("utf-8")
    if path.exists():
        try:
            same = path.stat().st_size == len(data) and path.read_bytes() == data
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
        if not same:
            raise UsageError(f"{path.name} exists already and holds another key")
        return path
    write_atomic(path, data)
    return path


def fingerprint_lines(fingerprint: str) -> str:
    """Eight groups of five digits in two lines of four, to read aloud one group at a time."""
    groups = fingerprint.split()
    return "\n".join("   ".join(groups[i:i + 4]) for i in range(0, len(groups), 4))


class GiveKeyDialog(Retranslating, QDialog):
    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.key: KeyFile | None = None
        self.written: Path | None = None
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.folder_label = QLabel()
        self.folder = UsbFolderField()
        self.folder_edit, self.browse_button = self.folder.edit, self.folder.button
        self.folder_label.setBuddy(self.folder_edit)
        self.write_button = QPushButton()
        self.write_button.setDefault(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.read_aloud = QLabel()
        self.read_aloud.setWordWrap(True)
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setFont(monospace_font(22))
        big = QFont(self.fingerprint_label.font())
        big.setBold(True)
        self.fingerprint_label.setFont(big)
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.fingerprint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.write_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(folder_row)
        layout.addWidget(self.message)
        layout.addWidget(self.read_aloud)
        layout.addWidget(self.fingerprint_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)
        self.write_button.clicked.connect(self.write)
        self.folder_edit.textChanged.connect(self._update)
        self.retranslate()
        self._update()
        worker.submit(read_own_key, on_done=self._key_read,
                      on_error=lambda exc: self.message.setText(clean_text(str(exc))))

    def _key_read(self, key: object) -> None:
        assert isinstance(key, KeyFile)
        self.key = key
        self.fingerprint_label.setText(fingerprint_lines(key.fingerprint))
        self.fingerprint_label.setAccessibleName(tr("Fingerprint {fingerprint}", fingerprint=key.fingerprint))
        self._update()

    def _update(self) -> None:
        folder = self.folder_edit.text().strip()
        self.write_button.setEnabled(self.key is not None and bool(folder) and Path(folder).is_dir())

    def write(self) -> None:
        if self.key is None or not self.write_button.isEnabled():
            return
        try:
            self.written = write_key_file(Path(self.folder_edit.text().strip()), self.key)
        except (UsageError, OSError) as exc:
            self.message.setText(tr("The key file was not written: {detail}", detail=clean_text(str(exc))))
            self.message.setStyleSheet("color: #b00020;")
            return
        self.message.setStyleSheet("")
        self.message.setText(tr("Written: {file}. Give this file to HQ with the bundles.",
                                file=clean_text(str(self.written))))

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Give HQ this laptop's key"))
        self.intro.setText(tr(
            "HQ needs this laptop's public key to accept its bundles. Write the key file to the USB stick, then "
            "call HQ and read the fingerprint below aloud, group by group, while they type it. The file holds "
            "nothing secret."))
        self.folder_label.setText(tr("&Folder:"))
        self.browse_button.setText(tr("&Browse…"))
        self.write_button.setText(tr("&Write key file"))
        self.read_aloud.setText(tr("Fingerprint to read aloud:"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
