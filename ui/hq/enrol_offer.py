"""On the import page: a bundle from a device HQ has not enrolled is refused, and this banner offers to enrol it.

The device's key file is looked for next to the bundle (the laptop's "Give HQ this laptop's key" writes
``device-<key id>.pub`` to the same USB stick), else the coordinator picks it. It must be the key that signed the
bundle; then the usual fingerprint check (``EnrolDialog``: the interviewer reads the fingerprint aloud, HQ types it)
decides, and only a match enrols. The refused bundles are then imported again.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from crypto.signing import PublicKey
from intake_app.bundles.keyring import parse_device_key_file, read_key_file
from intake_app.display import clean_text
from intake_app.errors import IntakeError
from ui.common.db_worker import DbWorker
from ui.common.path_field import choose_file
from ui.hq.devices_page import EnrolDialog
from ui.i18n import tr
from ui.i18n.retranslating import Retranslating

UNKNOWN_DEVICE = re.compile(r"signed by an unknown device key ([0-9A-F]{16})\b")
MAX_KEY_FILES = 64  # a USB stick's folder: look at a bounded number of .pub files


def unknown_device(reason: str | None) -> str | None:
    """The key id of an unenrolled device in an import refusal, or None."""
    match = UNKNOWN_DEVICE.search(reason or "")
    return match.group(1) if match else None


def find_key_file(folder: Path, key_id: str) -> tuple[Path, PublicKey] | None:
    """A device key file in ``folder`` for ``key_id``: first by its usual name, then any ``*.pub`` that parses."""
    try:
        candidates = sorted(folder.glob("*.pub"))[:MAX_KEY_FILES]
    except OSError:
        return None
    usual = folder / f"device-{key_id}.pub"
    candidates.sort(key=lambda p: p != usual)
    for path in candidates:
        try:
            key = parse_device_key_file(read_key_file(path))
        except IntakeError:
            continue
        if key.key_id_hex == key_id:
            return path, key
    return None


class EnrolOffer(Retranslating, QFrame):
    """Hidden until ``offer()``; ``enrolled(paths)`` after a device was enrolled, with its bundles to import again."""

    enrolled = Signal(list)

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.key_id: str | None = None
        self.bundles: list[Path] = []
        self.dialog: EnrolDialog | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.button = QPushButton()
        self.button.clicked.connect(lambda: self.start())  # noqa: PLW0108 - clicked(bool) must not reach key_file
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def offer(self, refused: list[tuple[Path, str]]) -> None:
        """``refused``: (bundle, key id) of bundles refused for an unknown device; the first device is offered."""
        if not refused:
            self.withdraw()
            return
        self.key_id = refused[0][1]
        self.bundles = [path for path, key_id in refused if key_id == self.key_id]
        self.retranslate()
        self.show()

    def withdraw(self) -> None:
        self.key_id, self.bundles = None, []
        self.hide()

    def start(self, key_file: Path | None = None) -> None:
        """Find (or ask for) the device's key file, check it signed the bundles, open the fingerprint check."""
        if self.key_id is None or not self.bundles:
            return
        found = find_key_file(self.bundles[0].parent, self.key_id) if key_file is None else None
        if found is None:
            if key_file is None:
                name = choose_file(self, tr("Choose the device's public key file"),
                                   (tr("Public key files (*.pub);;All files (*)"),))
                if not name:
                    return
                key_file = Path(name)
            try:
                key = parse_device_key_file(read_key_file(key_file))
            except IntakeError:
                self.label.setText(tr("The key file {file} is not a device public key file.",
                                      file=clean_text(key_file.name)))
                return
            if key.key_id_hex != self.key_id:
                self.label.setText(tr("That key file is for device {other}, not for {key_id}, which signed the "
                                      "bundle. Choose the right file.", other=key.key_id_hex, key_id=self.key_id))
                return
            found = (key_file, key)
        path, key = found
        self.dialog = EnrolDialog(key, clean_text(path.name), self)
        self.dialog.accepted.connect(self._accepted)
        self.dialog.open()

    def _accepted(self) -> None:
        dialog = self.dialog
        if dialog is None or not dialog.fingerprint_matches():  # checked again: only a match enrols
            return
        key, name, bundles = dialog.key, dialog.device_name(), list(self.bundles)
        self.worker.submit(lambda ctx: ctx.keyring.enrol(key, name), lambda _: self._enrolled(bundles),
                           lambda exc: self.label.setText(clean_text(str(exc))))

    def _enrolled(self, bundles: list[Path]) -> None:
        self.withdraw()
        self.enrolled.emit(bundles)

    def clear_content(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.withdraw()

    def retranslate(self) -> None:
        self.button.setText(tr("&Enrol this device…"))
        if self.key_id is not None:
            self.label.setText(tr(
                "Refused because device {key_id} is not enrolled. If it is one of ours: enrol it (its key file is "
                "looked for next to the bundle; compare the fingerprint with the interviewer by phone), and its "
                "bundles are imported again.", key_id=self.key_id))
