"""Pinning the headquarters key on a field vault: pick HQ's public key file, compare its fingerprints, pin it.

Used twice: as the last step of the first-run wizard (``HqPinPanel`` with a direct pin function, the vault is still
the wizard's) and from the main window's menu to add a key later, e.g. HQ's backup key (``HqPinDialog``, pinning on
the DB worker). Pinning needs an explicit "the fingerprints match" confirmation: the fingerprint compared by phone or
on paper is what stops a courier or an attacker from swapping in their own key.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_app.bundles.keyring import HqKeys, parse_hq_key_file, read_key_file
from intake_app.errors import IntakeError
from ui.common.db_worker import DbWorker
from ui.common.fonts import monospace_font
from ui.common.path_field import PathField, choose_file
from ui.i18n import tr
from ui.i18n.retranslating import Retranslating

# Returns True when the key is pinned on return, False when the result comes later (``show_pinned``).
PinFunction = Callable[[HqKeys, str], bool]


class HqPinPanel(Retranslating, QWidget):
    """Choose the file, see its fingerprints, confirm they match, name it, pin."""

    pinned = Signal()
    changed = Signal()

    def __init__(self, pin: PinFunction | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pin = pin
        self.keys: HqKeys | None = None
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.path_field = PathField(lambda _parent, _edit: self.browse())
        self.path_edit, self.browse_button = self.path_field.edit, self.path_field.button
        self.fingerprints = QLabel()
        self.fingerprints.setFont(monospace_font(13))
        self.fingerprints.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.match_box = QCheckBox()
        self.name_edit = QLineEdit("HQ")
        self.pin_button = QPushButton()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.file_label = QLabel()
        self.file_label.setBuddy(self.path_edit)
        self.name_label = QLabel()
        self.name_label.setBuddy(self.name_edit)
        form = QFormLayout()
        form.addRow(self.file_label, self.path_field)
        form.addRow(self.name_label, self.name_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.fingerprints)
        layout.addWidget(self.match_box)
        layout.addWidget(self.pin_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.path_edit.editingFinished.connect(lambda: self.load_file(Path(self.path_edit.text().strip())))
        self.match_box.toggled.connect(self._update)
        self.name_edit.textChanged.connect(self._update)
        self.pin_button.clicked.connect(self.pin)
        self.retranslate()

    def browse(self) -> None:
        path = choose_file(self, tr("Headquarters public key file"))
        if path:
            self.path_edit.setText(path)
            self.load_file(Path(path))

    def load_file(self, path: Path) -> bool:
        """Read and parse the key file; show its fingerprints or why it was refused."""
        self.keys = None
        self.match_box.setChecked(False)
        self.fingerprints.clear()
        if not str(path) or str(path) == ".":
            self._update()
            return False
        try:
            self.keys = parse_hq_key_file(read_key_file(path))
        except IntakeError as exc:
            self.message.setText(tr("This file cannot be used: {detail}", detail=str(exc)))
            self._update()
            return False
        fps = self.keys.fingerprints()
        lines = [tr("Encryption key: {fingerprint}", fingerprint=fps["recipient"])]
        if "signing_key" in fps:
            lines.append(tr("Signing key: {fingerprint}", fingerprint=fps["signing_key"]))
        self.fingerprints.setText("\n".join(lines))
        self.fingerprints.setAccessibleName(tr("Fingerprints to compare"))
        self.message.setText(tr("Compare these fingerprints with the ones headquarters gave you by phone or on paper."))
        self._update()
        return True

    def _update(self) -> None:
        self.pin_button.setEnabled(self.keys is not None and self.match_box.isChecked()
                                   and bool(self.name_edit.text().strip()) and self._pin is not None)
        self.changed.emit()

    def set_pin_function(self, pin: PinFunction | None) -> None:
        self._pin = pin
        self._update()

    def pin(self) -> None:
        if self.keys is None or self._pin is None or not self.pin_button.isEnabled():
            return
        try:
            done = self._pin(self.keys, self.name_edit.text().strip())
        except IntakeError as exc:
            self.message.setText(tr("The key was not pinned: {detail}", detail=str(exc)))
            return
        if done:
            self.show_pinned()

    def show_pinned(self) -> None:
        self.message.setText(tr("The headquarters key is pinned. Bundles will be encrypted to it."))
        self.pin_button.setEnabled(False)
        self.pinned.emit()

    def retranslate(self) -> None:
        self.intro.setText(tr(
            "Bundles are encrypted to headquarters' key. Choose the key file headquarters gave you (for example on a "
            "USB stick), then check its fingerprints with headquarters before pinning it. You can also do this later "
            "from the Testimonies menu."))
        self.file_label.setText(tr("&Key file:"))
        self.name_label.setText(tr("&Name:"))
        self.browse_button.setText(tr("&Browse…"))
        self.match_box.setText(tr("The fingerprints &match what headquarters gave me"))
        self.pin_button.setText(tr("&Pin this key"))
        self.path_edit.setAccessibleName(tr("Key file"))
        self.name_edit.setAccessibleName(tr("Name"))



class HqPinDialog(QDialog):
    """The panel as a dialog on an unlocked vault; the pin runs on the DB worker."""

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.setWindowTitle(tr("Headquarters key"))
        self.panel = HqPinPanel(self._pin_on_worker)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(buttons)
        self.resize(640, 380)

    def _pin_on_worker(self, keys: HqKeys, name: str) -> bool:
        self._worker.submit(lambda ctx: ctx.keyring.pin_recipient(keys, name),
                            on_done=lambda added: self._done(bool(added)),
                            on_error=lambda exc: self.panel.message.setText(
                                tr("The key was not pinned: {detail}", detail=str(exc))))
        self.panel.pin_button.setEnabled(False)
        return False

    def _done(self, added: bool) -> None:
        if added:
            self.panel.show_pinned()
        else:
            self.panel.message.setText(tr("This key was pinned already."))
