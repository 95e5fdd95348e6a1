"""Choosing a file or a folder, the same way everywhere in the app: Qt's own file dialog, never the platform's (the
same on every desktop, translated with the app, and it keeps no list of recent files or folders in the desktop's
settings, a trace outside the vault of what was read or written, e.g. where HQ's emergency identity was saved). Every
file dialog of ui/ is opened here (tests/ui/test_path_field.py checks that no other module opens one); ``PathField``
is the field for a path typed or chosen: a line edit that takes the width and a Browse button after it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

# Every file dialog of the app, whatever else it sets.
OWN_DIALOG = QFileDialog.Option.DontUseNativeDialog
FOLDER_OPTIONS = OWN_DIALOG | QFileDialog.Option.ShowDirsOnly

# Asks the user and fills the edit (nothing when cancelled).
Chooser = Callable[[QWidget, QLineEdit], None]


def open_file_dialog(parent: QWidget, title: str, filters: Sequence[str] = ()) -> QFileDialog:
    """The dialog choosing one existing file, as an object, for a caller that opens it with ``open()`` and acts on
    ``fileSelected``; ``filters`` are name filters such as ``"Key files (*.pub)"``, the first one selected."""
    dialog = QFileDialog(parent, title)
    dialog.setOptions(OWN_DIALOG)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    if filters:
        dialog.setNameFilters(list(filters))
    return dialog


def open_folder_dialog(parent: QWidget, title: str) -> QFileDialog:
    """The dialog choosing one folder, as an object (``open()``, ``fileSelected``)."""
    dialog = QFileDialog(parent, title)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOptions(FOLDER_OPTIONS)
    return dialog


def choose_file(parent: QWidget, title: str, filters: Sequence[str] = ()) -> str:
    """Ask in a modal dialog for one existing file; its path, or "" when cancelled. ``filters`` are name filters such
    as ``"Key files (*.pub)"``, the first one selected."""
    name, _ = QFileDialog.getOpenFileName(parent, title, "", ";;".join(filters), options=OWN_DIALOG)
    return name


def choose_files(parent: QWidget, title: str, filters: Sequence[str] = ()) -> list[str]:
    """Ask in a modal dialog for existing files; their paths (none when cancelled)."""
    names, _ = QFileDialog.getOpenFileNames(parent, title, "", ";;".join(filters), options=OWN_DIALOG)
    return list(names)


def choose_folder(parent: QWidget, title: str) -> str:
    """Ask in a modal dialog for an existing folder, showing folders only; its path, or "" when cancelled."""
    return QFileDialog.getExistingDirectory(parent, title, "", FOLDER_OPTIONS)


def choose_save_file(parent: QWidget, title: str, name: str = "", filters: Sequence[str] = ()) -> str:
    """Ask in a modal dialog where to write a file (``name`` proposed); its path, or "" when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, name, ";;".join(filters), options=OWN_DIALOG)
    return path


def file_chooser(title: Callable[[], str], filters: Sequence[str] = ()) -> Chooser:
    """A chooser for a PathField holding a file; ``title`` is read when it asks (so it follows a language switch)."""
    def choose(parent: QWidget, edit: QLineEdit) -> None:
        name = choose_file(parent, title(), filters)
        if name:
            edit.setText(name)
    return choose


class PathField(QWidget):
    """The field of a path: a line edit that takes the width (``edit``, typed or filled by ``choose``) and a Browse
    button after it (``button``; its text is the dialog's, with the dialog's mnemonic)."""

    def __init__(self, choose: Chooser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.button = QPushButton()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)
        self.button.clicked.connect(lambda: choose(self.window(), self.edit))
