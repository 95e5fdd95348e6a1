"""One act (arrest, repatriation, transfer...): its type, the date as said, the place, and the perpetrators.

Perpetrators are often known only by rank and unit ("a 상위 of the 온성군 보위부"): the name is optional, and each row
takes an organ from the vocabulary, a unit and a rank. Keys this form does not edit (``follows``, ``source``...)
are kept as they were.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from intake_app.records.ids import uuid7
from ui.field.editor.date_field import UncertainDateField
from ui.field.editor.row_list import ListedRow, RowList
from ui.field.editor.vocab_picker import VocabCombo, VocabPicker
from ui.i18n import N_

_ACT_KEYS = ("id", "type", "date", "date_text", "date_lunar", "place", "place_code", "facility", "description",
             "perpetrators")
_PERPETRATOR_KEYS = ("id", "name", "organ", "unit", "rank")


def _put(out: dict[str, Any], key: str, value: str | None) -> None:
    if value and value.strip():
        out[key] = value.strip()


class PerpetratorRow(ListedRow, QWidget):
    """Name (optional), state organ, unit, rank: any of them may be all that is known."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entity_id = uuid7()  # kept across saves, like the victim's (see VictimForm)
        self.name = QLineEdit()
        self.organ = VocabPicker("organs")
        self.unit = QLineEdit()
        self.rank = VocabPicker("ranks")
        self.remove = QPushButton()
        for widget, msgid in ((self.name, N_("Perpetrator name (if known)")), (self.organ.edit, N_("State organ")),
                              (self.unit, N_("Unit")), (self.rank.edit, N_("Rank"))):
            self.texts.name(widget, msgid)
            if isinstance(widget, QLineEdit):
                self.texts.tip(widget, msgid)
        self.texts.text(self.remove, N_("Remove"))
        self.texts.name(self.remove, N_("Remove this perpetrator"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for part in (self.name, self.organ, self.unit, self.rank, self.remove):
            layout.addWidget(part)
        for edit in (self.name, self.unit):
            edit.textChanged.connect(self.changed)
        self.organ.changed.connect(self.changed)
        self.rank.changed.connect(self.changed)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self.retranslate()

    def load(self, data: dict[str, Any]) -> None:
        self._original = dict(data)
        if isinstance(data.get("id"), str):
            self.entity_id = data["id"]
        self.name.setText(str(data.get("name") or ""))
        self.organ.set_value(None, data.get("organ"))
        self.unit.setText(str(data.get("unit") or ""))
        self.rank.set_value(data.get("rank"), None)

    def dump(self) -> dict[str, Any]:
        out = {k: v for k, v in self._original.items() if k not in _PERPETRATOR_KEYS}
        _put(out, "name", self.name.text())
        # The organ is a vocabulary code; words that match no organ go into the unit's description instead.
        if self.organ.code():
            out["organ"] = self.organ.code()
        elif self.organ.text():
            out["description"] = " ".join(p for p in (out.get("description"), self.organ.text()) if p)
        _put(out, "unit", self.unit.text())
        _put(out, "rank", self.rank.text())
        if out:
            out["id"] = self.entity_id
        return out

    def retranslate(self) -> None:
        self.texts.apply()
        self.name.setPlaceholderText(self.name.toolTip())
        self.unit.setPlaceholderText(self.unit.toolTip())
        self.organ.retranslate()
        self.rank.retranslate()
        # The two vocabulary boxes are named by placeholder too (issue 29: they showed an empty, unlabelled box).
        self.organ.edit.setPlaceholderText(self.organ.edit.toolTip())
        self.rank.edit.setPlaceholderText(self.rank.edit.toolTip())


class ActForm(ListedRow, QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entity_id = uuid7()  # kept across saves, like the victim's (see VictimForm)
        self.type = VocabCombo("act_types")
        self.date = UncertainDateField()
        self.place = VocabPicker("places")
        self.facility = QLineEdit()
        self.description = QLineEdit()
        self.perpetrator_box = QVBoxLayout()
        self._perpetrator_rows = RowList[PerpetratorRow](self.perpetrator_box, self.changed)
        self.perpetrators = self._perpetrator_rows.rows
        self.add_perpetrator_button = QPushButton()
        self.remove_button = QPushButton()
        form = QFormLayout()
        rows: tuple[tuple[str, QWidget], ...] = (
            (N_("What ha&ppened:"), self.type), (N_("&When (as said):"), self.date), (N_("Wh&ere:"), self.place),
            (N_("&Facility:"), self.facility), (N_("Detai&ls:"), self.description))
        for msgid, widget in rows:
            form.addRow(self.texts.label(msgid, widget, required=widget is self.type), widget)
        # interchange key → (label, widget), for naming a refused field (ui/field/editor/save_problems.py)
        self.fields: dict[str, tuple[str, QWidget]] = {
            "type": rows[0], "date": rows[1], "date_text": rows[1], "place": rows[2], "place_code": rows[2],
            "facility": rows[3], "description": rows[4]}
        self.texts.name(self.date.edit, N_("When (as said)"))
        self.texts.name(self.place.edit, N_("Where"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(self.perpetrator_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_perpetrator_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout.addLayout(buttons)
        self.texts.text(self, N_("Act"))
        self.texts.text(self.add_perpetrator_button, N_("Add perpetrator"))
        self.texts.text(self.remove_button, N_("Remove act"))
        self.type.currentIndexChanged.connect(self.changed)
        self.date.changed.connect(self.changed)
        self.place.changed.connect(self.changed)
        self.facility.textChanged.connect(self.changed)
        self.description.textChanged.connect(self.changed)
        self.add_perpetrator_button.clicked.connect(lambda: self.add_perpetrator().name.setFocus())  # noqa: PLW0108
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        self.retranslate()

    def add_perpetrator(self, data: dict[str, Any] | None = None) -> PerpetratorRow:
        return self._perpetrator_rows.add(PerpetratorRow(), data)

    def load(self, data: dict[str, Any]) -> None:
        self._original = dict(data)
        if isinstance(data.get("id"), str):
            self.entity_id = data["id"]
        self.type.set_code(data.get("type"))
        self.date.set_value(data.get("date"), data.get("date_text"))
        self.place.set_value(data.get("place"), data.get("place_code"))
        self.facility.setText(str(data.get("facility") or ""))
        self.description.setText(str(data.get("description") or ""))
        for perpetrator in data.get("perpetrators") or []:
            self.add_perpetrator(perpetrator)

    def dump(self) -> dict[str, Any]:
        out = {k: v for k, v in self._original.items() if k not in _ACT_KEYS}
        _put(out, "type", self.type.code())
        self.date.dump_into(out, "date", "date_text", "date_lunar")
        _put(out, "place", self.place.text())
        _put(out, "place_code", self.place.code())
        _put(out, "facility", self.facility.text())
        _put(out, "description", self.description.text())
        perpetrators = [p for p in (row.dump() for row in self.perpetrators) if p]
        if perpetrators:
            out["perpetrators"] = perpetrators
        if out:
            out["id"] = self.entity_id
        return out

    def retranslate(self) -> None:
        self.texts.apply()
        self.type.retranslate()
        self.date.retranslate()
        self.place.retranslate()
        for row in self.perpetrators:
            row.retranslate()
