"""Choosing the folder a file goes to (the USB stick), the same way in every dialog that writes one: Qt's own folder
dialog (the same on every desktop, translated with the app), showing folders only."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

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


class UsbFolderField(QWidget):
    """The folder a field dialog writes to: a line edit that takes the width (``edit``, typed or filled by the
    dialog) and a Browse button after it (``button``; its text is the dialog's, with the dialog's mnemonic)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.button = QPushButton()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)
        self.button.clicked.connect(lambda: choose_usb_folder(self.window(), self.edit))
