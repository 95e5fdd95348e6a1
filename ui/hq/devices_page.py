"""HQ: the enrolled devices (interviewer laptops), enrolment with a fingerprint comparison, and revocation.

Enrolment reads a device public key file (a minisign public key, at most 16 KiB), then asks the coordinator to type the
fingerprint the interviewer reads from their own laptop (by phone or from paper). Only when the typed digits equal the
file's fingerprint (compared in constant time) can the device be enrolled: a key file swapped on the way is caught
here, before any of its bundles is trusted. Per device the table shows the last bundle, gaps, forks and when it was
last seen, derived from the imported bundles. All database work goes through the session's DB worker.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crypto.signing import PublicKey
from intake_app.bundles.importer import device_status
from intake_app.bundles.keyring import Device, parse_device_key_file, read_key_file
from intake_app.display import clean_text
from intake_app.errors import IntakeError
from intake_app.updates.hq import export_updates, update_status
from ui.common.db_worker import DbWorker, JobContext
from ui.common.fonts import monospace_font
from ui.common.page_heading import fingerprint_digits, heading_label
from ui.common.path_field import choose_file, open_folder_dialog
from ui.common.refusal_reasons import translate_reason
from ui.i18n import N_, tr
from ui.i18n.retranslating import Retranslating

COLUMNS = (N_("Name"), N_("Key id"), N_("Fingerprint"), N_("Enrolled"), N_("State"), N_("Last bundle"),
           N_("Missing bundles"), N_("Forks"), N_("Last seen"), N_("Last update sent"), N_("Bundles acknowledged"))
_WARN = QColor("#b00020")


@dataclass(frozen=True)
class DeviceRow:
    device: Device
    status: dict[str, Any]


def load_devices(ctx: JobContext) -> list[DeviceRow]:
    """Every enrolled device with its bundle bookkeeping (runs on the DB worker)."""
    conn = ctx.vault.conn
    return [DeviceRow(d, device_status(conn, d.key_id) | update_status(conn, d.key_id)) for d in ctx.keyring.devices()]


def _numbers(values: list[int]) -> str:
    return ", ".join(str(v) for v in values)


def _update_sent(status: dict[str, Any]) -> str:
    sent = status.get("last_update_sent")
    if not sent:
        return tr("none yet")
    return tr("{seq} on {when}", seq=sent["seq"], when=str(sent["created_at"])[:16].replace("T", " "))


def _acknowledged(status: dict[str, Any]) -> str:
    """What the last update told the laptop HQ holds: how many bundles, up to which number."""
    if not status.get("last_update_sent"):
        return "—"
    if not status["bundles_acknowledged"]:
        return tr("none")
    return tr("{count} (up to {seq})", count=status["bundles_acknowledged"], seq=status["highest_bundle_acknowledged"])


class EnrolDialog(QDialog):
    """Name the device and type the fingerprint the interviewer reads; ``Enrol`` only when they match."""

    def __init__(self, key: PublicKey, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self._file_name = file_name
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.key_id_label = QLabel(key.key_id_hex)
        self.key_id_label.setFont(monospace_font(12))
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(80)
        self.heard_edit = QPlainTextEdit()
        self.heard_edit.setFont(monospace_font(14))
        self.heard_edit.setTabChangesFocus(True)
        self.heard_edit.setFixedHeight(self.heard_edit.fontMetrics().lineSpacing() * 3 + 12)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.enrol_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.key_id_caption, self.name_caption, self.heard_caption = QLabel(), QLabel(), QLabel()
        self.name_caption.setBuddy(self.name_edit)
        self.heard_caption.setBuddy(self.heard_edit)
        self.form = QFormLayout()
        self.form.addRow(self.key_id_caption, self.key_id_label)
        self.form.addRow(self.name_caption, self.name_edit)
        self.form.addRow(self.heard_caption, self.heard_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addLayout(self.form)
        layout.addWidget(self.verdict)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self.name_edit.textChanged.connect(self._check)
        self.heard_edit.textChanged.connect(self._check)
        self.retranslate()
        self._check()

    def fingerprint_matches(self) -> bool:
        heard = fingerprint_digits(self.heard_edit.toPlainText())
        expected = fingerprint_digits(self.key.fingerprint())
        return hmac.compare_digest(heard.encode("ascii"), expected.encode("ascii"))

    def device_name(self) -> str:
        return clean_text(self.name_edit.text()).strip()

    def _check(self) -> None:
        heard = fingerprint_digits(self.heard_edit.toPlainText())
        expected_len = len(fingerprint_digits(self.key.fingerprint()))
        matches = self.fingerprint_matches()
        if matches:
            self.verdict.setText(tr("The fingerprints match."))
            self.verdict.setStyleSheet("color: #1b6e20;")
        elif len(heard) >= expected_len:
            self.verdict.setText(tr("The fingerprints DO NOT match. Do not enrol this key: the file may have been "
                                    "swapped on its way. Ask for the key file again."))
            self.verdict.setStyleSheet("color: #b00020; font-weight: bold;")
        else:
            self.verdict.setText(tr("{count} of {total} digits typed.", count=len(heard), total=expected_len))
            self.verdict.setStyleSheet("")
        self.enrol_button.setEnabled(matches and bool(self.device_name()))

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Enrol a device"))
        self.explain.setText(tr(
            "Key file {file}. Ask the interviewer to read out the fingerprint of their laptop's key, by phone or from "
            "paper, and type it below. The device can be enrolled only when the fingerprints match.",
            file=self._file_name))
        self.key_id_caption.setText(tr("Key id:"))
        self.name_caption.setText(tr("Device &name:"))
        self.heard_caption.setText(tr("&Fingerprint heard:"))
        self.name_edit.setPlaceholderText(tr("e.g. Laptop 3 (Seoul team)"))
        self.enrol_button.setText(tr("&Enrol"))
        self.cancel_button.setText(tr("Cancel"))


class RevokeDialog(QDialog):
    """A reason is required: it is kept with the revocation and shown whenever a later bundle is refused."""

    def __init__(self, device_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._device_name = device_name
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(500)
        self.buttons = QDialogButtonBox()
        self.revoke_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.buttons)
        self.reason_edit.textChanged.connect(self._check)
        self.retranslate()
        self._check()

    def reason(self) -> str:
        return clean_text(self.reason_edit.text()).strip()

    def _check(self) -> None:
        self.revoke_button.setEnabled(bool(self.reason()))

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Revoke a device"))
        self.explain.setText(tr(
            "Revoke {name}? Bundles it made after now will be refused; bundles made before stay valid. Give the "
            "reason (e.g. laptop lost, seized, retired).", name=self._device_name))
        self.reason_edit.setPlaceholderText(tr("Reason"))
        self.revoke_button.setText(tr("&Revoke"))
        self.cancel_button.setText(tr("Cancel"))


class DevicesPage(Retranslating, QWidget):
    """The device registry. ``changed`` after an enrolment or revocation; ``refresh()`` after imports."""

    changed = Signal()
    refreshed = Signal()

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.rows: list[DeviceRow] = []
        self.enrol_dialog: EnrolDialog | None = None
        self.revoke_dialog: RevokeDialog | None = None
        self.heading = heading_label()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.enrol_button = QPushButton()
        self.enrol_button.clicked.connect(self._choose_key_file)
        self.revoke_button = QPushButton()
        self.revoke_button.clicked.connect(self.start_revoke)
        self.updates_button = QPushButton()
        self.updates_button.clicked.connect(self.choose_update_folder)
        self.folder_dialog: QFileDialog | None = None
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.enrol_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        buttons.addWidget(self.updates_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.retranslate()
        self._update_buttons()

    # ---- loading
    def refresh(self) -> None:
        self.worker.submit(load_devices, self._show_rows, self._show_error)

    def _show_rows(self, rows: list[DeviceRow]) -> None:
        self.rows = rows
        self._fill_table()
        self.refreshed.emit()

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            d, s = row.device, row.status
            state = tr("active") if d.revoked_at is None else tr(
                "revoked on {when}: {reason}", when=d.revoked_at[:10], reason=d.revocation_reason or "")
            cells = [d.name, d.key_id, d.fingerprint, d.enrolled_at[:16].replace("T", " "), state,
                     str(s["last_seq"]) if s["last_seq"] else tr("none yet"),
                     _numbers(s["gaps"]) or "—", _numbers(sorted(set(s["forks"]) | set(s["log_forks"]))) or "—",
                     (s["last_seen"] or "")[:16].replace("T", " ") or tr("never"), _update_sent(s),
                     _acknowledged(s)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(clean_text(text))
                if (c == 6 and s["gaps"]) or (c == 7 and (s["forks"] or s["log_forks"])) or (
                        c == 4 and d.revoked_at is not None):
                    item.setForeground(QBrush(_WARN))
                self.table.setItem(r, c, item)
        self._update_buttons()

    def device_row(self, name: str) -> int:
        """The table row showing the device called ``name`` (for tests and screenshots), or -1."""
        return next((i for i, row in enumerate(self.rows) if row.device.name == name), -1)

    def _show_error(self, exc: BaseException) -> None:
        self.message.setText(translate_reason(str(exc)))

    # ---- enrolment
    def _choose_key_file(self) -> None:
        name = choose_file(self, tr("Choose the device's public key file"),
                           (tr("Public key files (*.pub);;All files (*)"),))
        if name:
            self.start_enrol(Path(name))

    def start_enrol(self, path: Path) -> None:
        """Read the key file (small, bounded) and open the fingerprint comparison dialog."""
        try:
            key = parse_device_key_file(read_key_file(path))
        except IntakeError:
            self.message.setText(tr("The key file {file} is not a device public key file.", file=clean_text(path.name)))
            return
        self.enrol_dialog = EnrolDialog(key, clean_text(path.name), self)
        self.enrol_dialog.accepted.connect(self._enrol_accepted)
        self.enrol_dialog.open()

    def _enrol_accepted(self) -> None:
        dialog = self.enrol_dialog
        if dialog is None or not dialog.fingerprint_matches():
            return
        key, name = dialog.key, dialog.device_name()
        self.worker.submit(lambda ctx: ctx.keyring.enrol(key, name), self._enrolled, self._show_error)

    def _enrolled(self, new: bool) -> None:
        self.message.setText(tr("The device is enrolled.") if new else tr("This device was already enrolled."))
        self.changed.emit()
        self.refresh()

    # ---- revocation
    def selected(self) -> DeviceRow | None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        return self.rows[rows.pop()] if len(rows) == 1 else None

    def start_revoke(self) -> None:
        row = self.selected()
        if row is None or row.device.revoked_at is not None:
            return
        self.revoke_dialog = RevokeDialog(clean_text(row.device.name), self)
        key_id = row.device.key_id
        self.revoke_dialog.accepted.connect(lambda: self._revoke_accepted(key_id))
        self.revoke_dialog.open()

    def _revoke_accepted(self, key_id: str) -> None:
        dialog = self.revoke_dialog
        if dialog is None or not dialog.reason():
            return
        reason = dialog.reason()
        self.worker.submit(lambda ctx: ctx.keyring.revoke(key_id, reason), self._revoked, self._show_error)

    def _revoked(self, _device: object) -> None:
        self.message.setText(tr("The device is revoked."))
        self.changed.emit()
        self.refresh()

    # ---- updates for the laptops (issue 17)
    def choose_update_folder(self) -> None:
        """Ask for the folder (e.g. the USB stick) in the app's non-native dialog, then write the updates there."""
        dialog = open_folder_dialog(self, tr("Choose the folder for the update files (e.g. the USB stick)"))
        dialog.fileSelected.connect(lambda folder: self.write_updates(Path(folder)) if folder else None)
        self.folder_dialog = dialog
        dialog.open()

    def write_updates(self, folder: Path) -> None:
        """One signed update per enrolled, unrevoked laptop: receipts, key changes, revocations, vocabulary, policy."""
        self.message.setText(tr("Writing the updates…"))
        self.worker.submit(lambda ctx: export_updates(ctx.vault, folder), self._updates_written, self._show_error)

    def _updates_written(self, sent: object) -> None:
        assert isinstance(sent, list)
        names = "\n".join(f"{s.path.name}  ({s.device_code})" for s in sent)
        self.message.setText(tr("Wrote {count} update files. Give each laptop its own file: the name starts with the "
                                "key digits the laptop shows in its status bar and update dialog.", count=len(sent))
                             + ("\n" + names if names else ""))
        self.refresh()

    # ---- look
    def _update_buttons(self) -> None:
        row = self.selected()
        self.revoke_button.setEnabled(row is not None and row.device.revoked_at is None)

    def clear_content(self) -> None:
        for dialog in (self.enrol_dialog, self.revoke_dialog, self.folder_dialog):
            if dialog is not None:
                dialog.reject()
        self.rows = []
        self.table.setRowCount(0)
        self.message.clear()

    def retranslate(self) -> None:
        self.heading.setText(tr("Devices"))
        self.intro.setText(tr("The interviewer laptops whose bundles this headquarters accepts. Missing bundles and "
                              "forks (a restored or cloned laptop) are shown in red."))
        self.enrol_button.setText(tr("&Enrol a device…"))
        self.revoke_button.setText(tr("&Revoke…"))
        self.updates_button.setText(tr("&Write updates for the laptops…"))
        self.table.setHorizontalHeaderLabels([tr(COLUMNS[i]) for i in range(len(COLUMNS))])
        self._fill_table()
