"""Choosing the folder a file goes to (the USB stick), the same way in every dialog that writes one: Qt's own folder
dialog (ui.common.path_field says why), showing folders only."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from ui.common.path_field import PathField, choose_folder
from ui.i18n import tr


def choose_usb_folder(parent: QWidget, edit: QLineEdit) -> None:
    """Ask in a modal dialog; the choice fills ``edit``."""
    path = choose_folder(parent, tr("Choose the folder (e.g. the USB stick)"))
    if path:
        edit.setText(path)


class UsbFolderField(PathField):
    """The folder a field dialog writes to, chosen with ``choose_usb_folder``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(choose_usb_folder, parent)
