"""The mouse wheel never changes a choice in the editor unless that box has focus (issue 29, item 2).

Every combo box, spin box and date box of every form (interview, consent, victim, act, perpetrator, step) is found
by type after one of each repeating row was added, so a box added later without the guard fails here too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget
from pytestqt.qtbot import QtBot

from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.field.editor import TestimonyEditor

PASSPHRASE = "우리 집 강아지는 눈 오는 날을 좋아합니다"


@pytest.fixture
def editor(qtbot: QtBot, tmp_path: Path) -> Iterator[TestimonyEditor]:
    vault, _ = Vault.create(tmp_path / "vault", PASSPHRASE, "field")
    worker = DbWorker(vault)
    widget = TestimonyEditor(worker, autosave_ms=60_000)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    widget.new_testimony()
    yield widget
    widget.autosave.stop()
    worker.shutdown()
    vault.lock()


def _wheel(widget: QWidget, notches: int) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(QPoint(int(centre.x()), int(centre.y())))), QPoint(0, 0),
                        QPoint(0, -120 * notches), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def _value(widget: QWidget) -> object:
    if isinstance(widget, QComboBox):
        return widget.currentIndex()
    assert isinstance(widget, QAbstractSpinBox)
    return widget.text()


def _every_box(editor: TestimonyEditor) -> list[QWidget]:
    victim = editor.victims[0] if editor.victims else editor.add_victim()
    act = victim.add_act()
    act.add_perpetrator()
    for name in ("add_step",):
        for child in editor.findChildren(QWidget):
            if hasattr(child, name) and callable(getattr(child, name)) and child is not editor:
                getattr(child, name)()
    boxes: list[QWidget] = [*editor.findChildren(QComboBox), *editor.findChildren(QAbstractSpinBox)]
    return [b for b in boxes if b.isEnabled() and (not isinstance(b, QComboBox) or b.count() > 1)]


def test_the_wheel_over_an_unfocused_box_changes_nothing(qtbot: QtBot, editor: TestimonyEditor) -> None:
    boxes = _every_box(editor)
    kinds = {type(b).__name__ for b in boxes}
    assert len(boxes) >= 8 and "VocabCombo" in kinds  # act type, sex, status, consent answers, mode, relation …
    editor.narrative.setFocus()
    for box in boxes:
        assert box.focusPolicy() == Qt.FocusPolicy.StrongFocus, box.objectName() or type(box).__name__
        before = _value(box)
        _wheel(box, 2)
        _wheel(box, -1)
        assert _value(box) == before, f"the wheel changed an unfocused {type(box).__name__} {box.accessibleName()!r}"


def test_with_focus_the_wheel_still_chooses(qtbot: QtBot, editor: TestimonyEditor) -> None:
    act_type = editor.add_victim().add_act().type
    editor.activateWindow()
    act_type.setFocus()
    qtbot.waitUntil(act_type.hasFocus, timeout=20_000)
    before = act_type.currentIndex()
    _wheel(act_type, 1)
    assert act_type.currentIndex() != before
