"""Choosing the folder a file goes to (the USB stick), the same way in every field dialog that writes one."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QLineEdit, QWidget

from ui.i18n import tr


def choose_usb_folder(parent: QWidget, edit: QLineEdit) -> None:
    """Qt's own folder dialog (the same on every desktop, translated with the app); the choice fills ``edit``."""
    path = QFileDialog.getExistingDirectory(parent, tr("Choose the folder (e.g. the USB stick)"), "",
                                            QFileDialog.Option.DontUseNativeDialog | QFileDialog.Option.ShowDirsOnly)
    if path:
        edit.setText(path)
