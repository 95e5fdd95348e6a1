"""Steps taken to find a victim (``steps_taken``: date, body, what was done, the response), a small sub-form of the
victim form. HURIDOCS calls a step an intervention; the UN WGEID asks for them as element (e) of a case."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ui.field.editor.form_texts import FormTexts
from ui.field.editor.row_list import ListedRow, RowList
from ui.i18n import N_

_STEP_FIELDS = (("date", N_("Date, as said (e.g. 2012년 3월, March 2012)")),
                ("body", N_("Asked whom (ministry, Red Cross, court…)")),
                ("action", N_("What was done")), ("response", N_("Response received")))
STEP_KEYS = tuple(key for key, _ in _STEP_FIELDS)


class StepRow(ListedRow, QWidget):
    """One step: four one-line fields and a remove button; a row without "what was done" is no step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edits = {key: QLineEdit() for key, _ in _STEP_FIELDS}
        self.remove = QPushButton()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for key, msgid in _STEP_FIELDS:
            self.texts.name(self.edits[key], msgid)
            self.texts.tip(self.edits[key], msgid)
            self.edits[key].textChanged.connect(self.changed)
            layout.addWidget(self.edits[key], 1 if key in ("date",) else 2)
        self.texts.text(self.remove, N_("Remove"))
        self.texts.name(self.remove, N_("Remove this step"))
        layout.addWidget(self.remove)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self.retranslate()

    def load(self, data: dict[str, Any]) -> None:
        for key, edit in self.edits.items():
            edit.setText(str(data.get(key) or ""))

    def dump(self) -> dict[str, Any]:
        out = {key: edit.text().strip() for key, edit in self.edits.items() if edit.text().strip()}
        return out if "action" in out else {}

    def retranslate(self) -> None:
        self.texts.apply()
        for edit in self.edits.values():
            edit.setPlaceholderText(edit.toolTip())


class StepsBox(QGroupBox):
    """The list of steps with an "Add step" button."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.texts = FormTexts()
        self.row_box = QVBoxLayout()
        self._step_rows = RowList[StepRow](self.row_box, self.changed)
        self.rows = self._step_rows.rows
        self.add_button = QPushButton()
        layout = QVBoxLayout(self)
        layout.addLayout(self.row_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.texts.text(self, N_("Steps taken to find the person"))
        self.texts.text(self.add_button, N_("Add step"))
        self.add_button.clicked.connect(lambda: self.add_step().edits["date"].setFocus())  # noqa: PLW0108
        self.retranslate()

    def add_step(self, data: dict[str, Any] | None = None) -> StepRow:
        return self._step_rows.add(StepRow(), data)

    def load(self, steps: list[dict[str, Any]]) -> None:
        for step in steps:
            self.add_step(step)

    def dump(self) -> list[dict[str, Any]]:
        return [s for s in (row.dump() for row in self.rows) if s]

    def retranslate(self) -> None:
        self.texts.apply()
        for row in self.rows:
            row.retranslate()
