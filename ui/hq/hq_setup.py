"""HQ: this headquarters' keys — the public key file for the field laptops, and the emergency identity.

The public key file is safe to share; its two fingerprints (the encryption recipient and the signing key) are shown in
digit groups to read over the phone or print, so each interviewer can check the file they pinned came from here.

The emergency identity is HQ's SECRET decryption key in age's format: with it, stock ``age`` decrypts every bundle even
if this program or this vault is lost. Exporting it is behind a warning that must be acknowledged; the secret is read
and written by the DB worker straight to the chosen file (0600, atomically), never shown or held by a widget.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crypto.atomic_file import write_atomic
from ui.common.db_worker import DbWorker, JobContext
from ui.common.fonts import monospace_font
from ui.common.page_heading import heading_label, two_line_fingerprint
from ui.common.path_field import choose_save_file
from ui.common.refusal_reasons import translate_reason
from ui.i18n import tr
from ui.i18n.retranslating import Retranslating


@dataclass(frozen=True)
class HqKeysView:
    key_file_text: str
    recipient_fingerprint: str
    signing_fingerprint: str


def load_keys(ctx: JobContext) -> HqKeysView:
    ring = ctx.keyring
    fps = ring.own_hq_keys().fingerprints()
    return HqKeysView(ring.export_public(), fps["recipient"], fps["signing_key"])


def write_identity(ctx: JobContext, path: Path) -> Path:
    """Write the secret identity file (runs on the DB worker; the text never reaches the GUI thread)."""
    write_atomic(path, ctx.keyring.identity().identity_file().encode("ascii"))
    return path


class HqSetupPage(Retranslating, QWidget):
    """``key_file_saved(path)`` / ``identity_saved(path)`` after writing (for tests)."""

    key_file_saved = Signal(object)
    identity_saved = Signal(object)
    loaded = Signal()

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.keys: HqKeysView | None = None
        self.heading = heading_label()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.recipient_caption = QLabel()
        self.signing_caption = QLabel()
        self.recipient_fp = QLabel()
        self.signing_fp = QLabel()
        for label in (self.recipient_fp, self.signing_fp):
            label.setFont(monospace_font(15))
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self._choose_key_file)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self._print)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self._make_emergency_box()
        self._lay_out()
        self.retranslate()
        self._update_buttons()

    def _make_emergency_box(self) -> None:
        self.emergency_box = QGroupBox()
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b00020;")
        self.acknowledge = QCheckBox()
        self.acknowledge.toggled.connect(self._update_buttons)
        self.identity_button = QPushButton()
        self.identity_button.clicked.connect(self._choose_identity_file)
        box = QVBoxLayout(self.emergency_box)
        box.addWidget(self.warning)
        box.addWidget(self.acknowledge)
        box_row = QHBoxLayout()
        box_row.addStretch(1)
        box_row.addWidget(self.identity_button)
        box.addLayout(box_row)

    def _lay_out(self) -> None:
        grid = QGridLayout()
        grid.addWidget(self.recipient_caption, 0, 0)
        grid.addWidget(self.recipient_fp, 1, 0)
        grid.addWidget(self.signing_caption, 0, 1)
        grid.addWidget(self.signing_fp, 1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.emergency_box)

    def refresh(self) -> None:
        self.worker.submit(load_keys, self._show_keys, self._show_error)

    def _show_keys(self, keys: HqKeysView) -> None:
        self.keys = keys
        self.recipient_fp.setText(two_line_fingerprint(keys.recipient_fingerprint))
        self.signing_fp.setText(two_line_fingerprint(keys.signing_fingerprint))
        self._update_buttons()
        self.loaded.emit()

    def _show_error(self, exc: BaseException) -> None:
        self.message.setText(translate_reason(str(exc)))

    # ---- public key file
    def save_key_file(self, path: Path) -> None:
        """Write the public key file (safe to share) to ``path``."""
        if self.keys is None:
            return
        try:
            write_atomic(path, self.keys.key_file_text.encode("utf-8"))
        except OSError as exc:
            self.message.setText(tr("The file could not be written: {error}", error=exc.strerror or ""))
            return
        self.message.setText(tr("Saved. Give this file to the field laptops, then read the fingerprints to each "
                                "interviewer so they can compare."))
        self.key_file_saved.emit(path)

    def _choose_key_file(self) -> None:
        name = choose_save_file(self, tr("Save the HQ public key file"), "hq.pub",
                                (tr("Public key files (*.pub);;All files (*)"),))
        if name:
            self.save_key_file(Path(name))

    def printable_html(self) -> str:
        """What the Print button prints: the fingerprints in large digits and the key file itself."""
        if self.keys is None:
            return ""
        return (f"<h2>{escape(tr('Headquarters public keys'))}</h2>"
                f"<p>{escape(tr('Encryption key (recipient) fingerprint:'))}</p>"
                f"<p style='font-size:18pt; font-family:monospace'>{escape(self.keys.recipient_fingerprint)}</p>"
                f"<p>{escape(tr('Signing key fingerprint:'))}</p>"
                f"<p style='font-size:18pt; font-family:monospace'>{escape(self.keys.signing_fingerprint)}</p>"
                f"<pre>{escape(self.keys.key_file_text)}</pre>")

    def _print(self) -> None:
        if self.keys is None:
            return
        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        document = QTextDocument()
        document.setHtml(self.printable_html())
        document.print_(printer)

    # ---- emergency identity
    def export_identity(self, path: Path) -> None:
        """Write the secret identity to ``path`` on the DB worker; only after the warning was acknowledged."""
        if not self.acknowledge.isChecked():
            return
        # One export per acknowledgement: the next one needs the box ticked again.
        self.acknowledge.setChecked(False)
        self.worker.submit(lambda ctx: write_identity(ctx, path), self._identity_written, self._identity_failed)

    def _identity_written(self, path: Path) -> None:
        self.message.setText(tr("The emergency identity was written. Move it offline now (paper or an encrypted "
                                "stick kept in a safe) and delete it from this computer."))
        self.identity_saved.emit(path)

    def _identity_failed(self, exc: BaseException) -> None:
        error = exc.strerror if isinstance(exc, OSError) else str(exc)
        self.message.setText(tr("The file could not be written: {error}", error=error or ""))

    def _choose_identity_file(self) -> None:
        if not self.acknowledge.isChecked():
            return
        name = choose_save_file(self, tr("Save the emergency identity (SECRET)"), "hq-identity.txt")
        if name:
            self.export_identity(Path(name))

    # ---- look
    def _update_buttons(self) -> None:
        have = self.keys is not None
        self.save_button.setEnabled(have)
        self.print_button.setEnabled(have)
        self.identity_button.setEnabled(self.acknowledge.isChecked())

    def clear_content(self) -> None:
        self.acknowledge.setChecked(False)
        self.message.clear()

    def retranslate(self) -> None:
        self.heading.setText(tr("Headquarters keys"))
        self.intro.setText(tr("Every field laptop needs this headquarters' public key file, to encrypt bundles for "
                              "HQ and to recognise it. The file is safe to share. Read both fingerprints to each "
                              "interviewer by phone, or give them a printed copy, so they can check the file they "
                              "received came from here."))
        self.recipient_caption.setText(tr("Encryption key (recipient) fingerprint:"))
        self.signing_caption.setText(tr("Signing key fingerprint:"))
        self.save_button.setText(tr("&Save public key file…"))
        self.print_button.setText(tr("&Print…"))
        self.emergency_box.setTitle(tr("Emergency identity (secret)"))
        self.warning.setText(tr("The emergency identity is this headquarters' SECRET decryption key. Anyone who has "
                                "it can read every bundle ever sent to HQ. Export it only to keep an offline copy "
                                "(printed, or on an encrypted stick in a safe) so that bundles can still be "
                                "decrypted with the standard age tool if this vault is lost. Never copy it to a "
                                "field laptop or send it by e-mail."))
        self.acknowledge.setText(tr("I understand: this file can decrypt every testimony sent to HQ."))
        self.identity_button.setText(tr("E&xport emergency identity…"))
