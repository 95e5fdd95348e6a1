"""One way to choose a file or folder (ui.common.path_field): Qt's own dialog, never the platform's, which could keep
a recent-files list of what was read or written outside the vault; no other module of ui/ opens a file dialog."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import REPO
from ui.common import path_field
from ui.common.path_field import PathField, choose_file, choose_files, choose_folder, choose_save_file, file_chooser
from ui.common.usb_folder import UsbFolderField


def _opens_a_file_dialog(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and node.attr.startswith("get"):
        value = node.value
        return (isinstance(value, ast.Name) and value.id == "QFileDialog") or \
            (isinstance(value, ast.Attribute) and value.attr == "QFileDialog")
    if isinstance(node, ast.Call):
        func = node.func
        return (isinstance(func, ast.Name) and func.id == "QFileDialog") or \
            (isinstance(func, ast.Attribute) and func.attr == "QFileDialog")
    return False


def test_only_path_field_opens_file_dialogs() -> None:
    offenders = sorted(
        f"{path.relative_to(REPO)}:{node.lineno}"
        for path in (REPO / "ui").rglob("*.py") if path.relative_to(REPO) != Path("ui/common/path_field.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if _opens_a_file_dialog(node))
    assert offenders == []


@pytest.mark.parametrize("code", ["QFileDialog.getSaveFileName(self)", "QtWidgets.QFileDialog.getOpenFileNames(self)",
                                  "QFileDialog(self)", "QtWidgets.QFileDialog(self, 'title')"])
def test_the_check_sees_a_static_call_and_a_constructed_dialog(code: str) -> None:
    assert any(_opens_a_file_dialog(node) for node in ast.walk(ast.parse(code)))


def _answer(pick: Callable[[QFileDialog], None], seen: list[dict[str, bool]]) -> None:
    """When the modal dialog shows (polled, whatever the machine's speed), record its options (the dialog is gone once
    the call returns) and let ``pick`` answer it."""
    def poll() -> None:
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible()]
        if not shown:
            QTimer.singleShot(20, poll)
            return
        seen.append({"own": shown[0].testOption(QFileDialog.Option.DontUseNativeDialog),
                     "dirs_only": shown[0].testOption(QFileDialog.Option.ShowDirsOnly)})
        pick(shown[0])
    QTimer.singleShot(0, poll)


def _select(target: Path) -> Callable[[QFileDialog], None]:
    def pick(dialog: QFileDialog) -> None:
        dialog.setDirectory(str(target.parent))
        dialog.selectFile(str(target))
        dialog.accept()
    return pick


@pytest.mark.parametrize("kind", ["file", "files", "folder", "save"])
def test_each_chooser_uses_qts_own_dialog_and_returns_the_choice(qtbot: QtBot, tmp_path: Path, kind: str) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    target = tmp_path / ("folder" if kind == "folder" else "key.pub")
    if kind == "folder":
        target.mkdir()
    elif kind != "save":
        target.write_text("x", encoding="utf-8")
    seen: list[dict[str, bool]] = []
    _answer(_select(target), seen)
    got: object
    if kind == "file":
        got = choose_file(parent, "t", ("Key files (*.pub)", "All files (*)"))
    elif kind == "files":
        got = choose_files(parent, "t")
    elif kind == "folder":
        got = choose_folder(parent, "t")
    else:
        got = choose_save_file(parent, "t", "key.pub")
    assert seen == [{"own": True, "dirs_only": kind == "folder"}]
    assert got == ([str(target)] if kind == "files" else str(target))


def test_cancelling_chooses_nothing(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[dict[str, bool]] = []
    _answer(QFileDialog.reject, seen)
    assert choose_file(parent, "t") == ""
    assert len(seen) == 1


@pytest.mark.parametrize("make", [lambda: PathField(file_chooser(lambda: "t", ("Key files (*.pub)",))), UsbFolderField])
def test_the_fields_browse_button_fills_its_edit_through_qts_own_dialog(
        qtbot: QtBot, tmp_path: Path, make: Callable[[], PathField]) -> None:
    field = make()
    qtbot.addWidget(field)
    folder = isinstance(field, UsbFolderField)
    target = tmp_path / ("stick" if folder else "key.pub")
    if folder:
        target.mkdir()
    else:
        target.write_text("x", encoding="utf-8")
    seen: list[dict[str, bool]] = []
    _answer(_select(target), seen)
    field.button.click()
    assert field.edit.text() == str(target)
    assert seen == [{"own": True, "dirs_only": folder}]


def test_the_dialog_objects_are_qts_own_and_the_file_one_offers_the_first_filter(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = path_field.open_file_dialog(parent, "t", ["Mine (*.a)", "All files (*)"])
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    assert dialog.fileMode() == QFileDialog.FileMode.ExistingFile
    assert dialog.selectedNameFilter() == "Mine (*.a)"
    folder = path_field.open_folder_dialog(parent, "t")
    assert folder.testOption(QFileDialog.Option.DontUseNativeDialog) and folder.testOption(QFileDialog.Option.ShowDirsOnly)
    assert folder.fileMode() == QFileDialog.FileMode.Directory
