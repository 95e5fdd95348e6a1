"""Qt's own file dialog speaks Korean in the Korean UI (issue 13.11: "Look in:", "Files of type:" were English)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from ui.i18n import set_language
from ui.session import Session


def _labels(qtbot: QtBot) -> list[str]:
    dialog = QFileDialog()
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
    kinds = (QFileDialog.DialogLabel.LookIn, QFileDialog.DialogLabel.FileName, QFileDialog.DialogLabel.FileType)
    assert sorted(labels) == sorted(dialog.labelText(kind) for kind in kinds)
    return labels


def test_file_dialog_labels_are_korean_and_english_stays_english(qtbot: QtBot, session: Session) -> None:
    assert "&Look in:" in _labels(qtbot) and "Files of &type:" in _labels(qtbot)  # English: Qt's own words
    set_language("ko")
    labels = _labels(qtbot)
    assert len(labels) == 3
    for text in labels:
        assert any("\uac00" <= ch <= "\ud7a3" for ch in text), labels
        assert "Look in" not in text and "Files of" not in text
