"""The export dialog shows words, never codes or a literal "&" (issue 28, item 15)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.hq.export_dialog import ExportDialog
from ui.i18n import set_language


def test_labels_languages_and_purposes_are_words(qtbot: QtBot, tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "hq", "pw", "hq")
    worker = DbWorker(vault)
    try:
        for lang in ("en", "ko"):
            set_language(lang)
            dialog = ExportDialog(worker, "uwazi")
            qtbot.addWidget(dialog)
            labels = [w for w in dialog.findChildren(QLabel) if "&" in w.text()]
            assert labels and all(w.buddy() is not None for w in labels)  # "&" is an access key, never shown
            assert [dialog.language.itemText(i) for i in range(dialog.language.count())] == [
                "English", "Français", "Español"]
            purposes = [(dialog.purpose.itemText(i), dialog.purpose.itemData(i)) for i in range(dialog.purpose.count())]
            assert purposes and all(text and text != code for text, code in purposes), purposes
    finally:
        set_language("en")
        worker.shutdown()
        vault.lock()
