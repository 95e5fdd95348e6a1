"""HQ: every testimony from every device in one list: the interviewer's search (snippets), filters and sorting, plus
device and interviewer columns and filters.

Built on part 1's lazy ``TestimonyListModel`` (pages fetched on the DB worker) and ``TestimonyDetail``; a proxy shows
the enrolled device's name instead of its key id. The device column names who changed the testimony last (a device,
or headquarters after a decision here); the device filter keeps the testimonies a device first recorded.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QIdentityProxyModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from intake_app.display import clean_text
from ui.common.db_worker import DbWorker, JobContext
from ui.common.page_heading import heading_label
from ui.common.testimony_browser import TestimonyBrowser
from ui.common.testimony_detail import TestimonyDetail
from ui.common.testimony_list_model import Column
from ui.i18n import tr
from ui.i18n.retranslating import Retranslating

ALL_DEVICES = ""


def load_device_names(ctx: JobContext) -> tuple[str, list[tuple[str, str]]]:
    """HQ's own key id, and (key id, name) of every enrolled device, revoked ones too (their testimonies stay)."""
    ring = ctx.keyring
    return ring.signing_key.public_key.key_id_hex, [(d.key_id, d.name) for d in ring.devices()]


class DeviceNameProxy(QIdentityProxyModel):
    """Shows an enrolled device's name in the device column (the key id in its tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names: dict[str, str] = {}

    def set_names(self, names: dict[str, str]) -> None:
        self.names = names
        if self.rowCount():
            self.dataChanged.emit(self.index(0, int(Column.DEVICE)),
                                  self.index(self.rowCount() - 1, int(Column.DEVICE)))

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().data(index, role)
        if (index.column() == int(Column.DEVICE) and role == Qt.ItemDataRole.DisplayRole
                and isinstance(value, str) and value in self.names):
            return clean_text(self.names[value])
        return value


class ConsolidatedPage(Retranslating, QWidget):
    """The HQ list; ``devices_loaded`` when the filter's device list arrived (for tests)."""

    devices_loaded = Signal()

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        # The interviewer's search, filters, snippets and sorting (ui/common/testimony_browser.py), plus HQ's own
        # device and interviewer filters.
        self.browser = TestimonyBrowser(worker)
        self.model = self.browser.model
        self.proxy = DeviceNameProxy(self)
        self.browser.show_through(self.proxy)
        self.table, self.count_label = self.browser.table, self.browser.count_label
        self.heading = heading_label()
        self.device_label = QLabel()
        self.device_combo = QComboBox()
        self.device_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.device_combo.activated.connect(self._device_chosen)
        self.interviewer_label = QLabel()
        self.interviewer_combo = QComboBox()
        self.interviewer_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.interviewer_combo.activated.connect(self._interviewer_chosen)
        self.browser.add_filter(self.device_label, self.device_combo)
        self.browser.add_filter(self.interviewer_label, self.interviewer_combo)
        self.detail = TestimonyDetail(worker)
        # Part 1's editor and history are not wired into the HQ window yet: no buttons that would do nothing.
        self.detail.edit_button.setVisible(False)
        self.detail.history_button.setVisible(False)
        self.browser.record_selected.connect(self.detail.show_record)
        self.model.loaded.connect(self.table.resizeColumnsToContents)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.browser.views)
        splitter.addWidget(self.detail)
        splitter.setSizes([360, 240])
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.browser)
        layout.addWidget(self.count_label)
        layout.addWidget(splitter, 1)
        self._devices: list[tuple[str, str]] = []
        self._interviewers: list[str] = []
        self._own_key = ""
        self.retranslate()

    # ---- data
    def refresh(self) -> None:
        self.model.refresh()
        self.worker.submit(lambda ctx: ctx.records.interviewers(), self._show_interviewers)

    def refresh_devices(self) -> None:
        self.worker.submit(load_device_names, self._show_devices)

    def _show_interviewers(self, interviewers: list[str]) -> None:
        self._interviewers = interviewers
        self._fill_interviewers()

    def _fill_interviewers(self) -> None:
        current = self.model.filters.interviewer or ""
        self.interviewer_combo.clear()
        self.interviewer_combo.addItem(tr("All interviewers"), "")
        for code in self._interviewers:
            self.interviewer_combo.addItem(clean_text(code), code)
        self.interviewer_combo.setCurrentIndex(max(self.interviewer_combo.findData(current), 0))

    def filter_interviewer(self, code: str | None) -> None:
        """Show only the testimonies taken by interviewer ``code`` (None: all)."""
        self.model.update_filters(interviewer=code or None)
        self.interviewer_combo.setCurrentIndex(max(self.interviewer_combo.findData(code or ""), 0))

    def _interviewer_chosen(self, index: int) -> None:
        self.filter_interviewer(str(self.interviewer_combo.itemData(index) or "") or None)

    def _show_devices(self, loaded: tuple[str, list[tuple[str, str]]]) -> None:
        self._own_key, self._devices = loaded
        self._set_names()
        self._fill_devices()
        self.table.resizeColumnsToContents()
        self.devices_loaded.emit()

    def _set_names(self) -> None:
        # The device column names the laptop that recorded each testimony; HQ's own key appears for records made here.
        names = dict(self._devices)
        if self._own_key:
            names[self._own_key] = tr("Headquarters")
        self.proxy.set_names(names)

    def _fill_devices(self) -> None:
        current = self.model.filters.device or ALL_DEVICES
        self.device_combo.clear()
        self.device_combo.addItem(tr("All devices"), ALL_DEVICES)
        for key_id, name in self._devices:
            self.device_combo.addItem(clean_text(name), key_id)
        self.device_combo.setCurrentIndex(max(self.device_combo.findData(current), 0))

    def filter_device(self, key_id: str | None) -> None:
        """Show only the testimonies first recorded on ``key_id`` (None: all devices)."""
        self.model.update_filters(device=key_id or None)
        self.device_combo.setCurrentIndex(max(self.device_combo.findData(key_id or ALL_DEVICES), 0))

    def _device_chosen(self, index: int) -> None:
        self.filter_device(str(self.device_combo.itemData(index) or "") or None)

    def column_texts(self, column: Column) -> list[str]:
        """What the view shows in ``column`` for the loaded rows (for tests and screenshots)."""
        return [str(self.proxy.index(r, int(column)).data()) for r in range(self.proxy.rowCount())]

    # ---- look
    def clear_content(self) -> None:
        self.browser.clear_content()
        self.detail.clear_content()

    def retranslate(self) -> None:
        self.heading.setText(tr("All testimonies"))
        self.device_label.setText(tr("Dev&ice:"))
        self.interviewer_label.setText(tr("I&nterviewer:"))
        self._set_names()
        self._fill_devices()
        self._fill_interviewers()
