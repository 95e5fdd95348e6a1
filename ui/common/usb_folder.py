"""Choosing the folder a file goes to (the USB stick), the same way in every dialog that writes one: Qt's own folder
dialog (the same on every desktop, translated with the app), showing folders only."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QLineEdit, QWidget

from ui.i18n import tr

FOLDER_OPTIONS = QFileDialog.Option.DontUseNativeDialog | QFileDialog.Option.ShowDirsOnly


def choose_usb_folder(parent: QWidget, edit: QLineEdit) -> None:
    """Ask in a modal dialog; the choice fills ``edit``."""
    path = QFileDialog.getExistingDirectory(parent, tr("Choose the folder (e.g. the USB stick)"), "", FOLDER_OPTIONS)
    if path:
        edit.setText(path)


def usb_folder_dialog(parent: QWidget, title: str) -> QFileDialog:
    """The same dialog as an object, for a caller that opens it with ``open()`` and acts on ``fileSelected``."""
    dialog = QFileDialog(parent, title)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOptions(FOLDER_OPTIONS)
    return dialog
