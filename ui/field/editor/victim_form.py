"""One victim: several names (hangul, hanja, romanisation), sex, birth, the ten categories, status, and acts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_app.records import vocabularies
from intake_app.records.ids import uuid7
from ui.field.editor.act_form import ActForm
from ui.field.editor.date_field import UncertainDateField
from ui.field.editor.form_fields import WgeidFormFields
from ui.field.editor.row_list import ListedRow, RowList
from ui.field.editor.steps_form import StepsBox
from ui.field.editor.vocab_picker import VocabCombo, _lang
from ui.i18n import N_, tr

_VICTIM_KEYS = ("id", "names", "sex", "birth", "birth_text", "birth_lunar", "categories", "status", "acts", "notes")
_NAME_FIELDS = ("hangul", "hanja", "roman")


class NameRow(ListedRow, QWidget):
    """One written form of the name; the three parts are optional but a row needs one of them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edits = {key: QLineEdit() for key in _NAME_FIELDS}
        self.remove = QPushButton()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for key, msgid in zip(_NAME_FIELDS, (N_("Name in Hangul"), N_("Name in Hanja"), N_("Romanised name")),
                              strict=True):
            self.texts.name(self.edits[key], msgid)
            self.texts.tip(self.edits[key], msgid)
            self.edits[key].textChanged.connect(self.changed)
            layout.addWidget(self.edits[key])
        self.texts.text(self.remove, N_("Remove"))
        self.texts.name(self.remove, N_("Remove this name"))
        layout.addWidget(self.remove)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self.retranslate()

    def load(self, data: dict[str, Any]) -> None:
        self._original = dict(data)
        for key, edit in self.edits.items():
            edit.setText(str(data.get(key) or ""))

    def dump(self) -> dict[str, Any]:
        out = {k: v for k, v in self._original.items() if k not in _NAME_FIELDS}
        for key, edit in self.edits.items():
            if edit.text().strip():
                out[key] = edit.text().strip()
        return out if any(key in out for key in _NAME_FIELDS) else {}

    def retranslate(self) -> None:
        self.texts.apply()
        for edit in self.edits.values():
            edit.setPlaceholderText(edit.toolTip())


class VictimForm(ListedRow, QGroupBox):
    # Gives the interview date (EDTF or None) that act dates such as "작년 겨울" count from; set by the editor page.
    interview_date_source: Callable[[], str | None] | None = None

    def __init__(self, parent: QWidget | None = None) -> None:  # noqa: PLR0915 - widget assembly
        super().__init__(parent)
        # Minted now so that saving twice (or editing after a save) never gives this victim a new id.
        self.entity_id = uuid7()
        self.name_box = QVBoxLayout()
        self._name_rows = RowList[NameRow](self.name_box, self.changed)
        self.names = self._name_rows.rows
        self.add_name_button = QPushButton()
        self.sex = VocabCombo("sex")
        self.birth = UncertainDateField()
        self.status = VocabCombo("whereabouts_status")
        self.notes = QLineEdit()
        self.categories: dict[int, QCheckBox] = {}
        self.category_box = QGroupBox()
        grid = QGridLayout(self.category_box)
        for i, entry in enumerate(vocabularies.load("victim_categories").entries):
            box = QCheckBox()
            box.toggled.connect(self.changed)
            self.categories[int(entry.code)] = box
            grid.addWidget(box, i // 2, i % 2)
        self.act_box = QVBoxLayout()
        self._act_rows = RowList[ActForm](self.act_box, self.changed)
        self.acts = self._act_rows.rows
        self.steps = StepsBox()
        self.form_fields = WgeidFormFields()
        self.add_act_button = QPushButton()
        self.remove_button = QPushButton()
        form = QFormLayout()
        rows: tuple[tuple[str, QWidget], ...] = ((N_("Se&x:"), self.sex), (N_("&Born (as said):"), self.birth),
                                                 (N_("Stat&us now:"), self.status), (N_("N&otes:"), self.notes))
        for msgid, widget in rows:
            form.addRow(self.texts.label(msgid, widget), widget)
        # interchange key → (label, widget), for naming a refused field (ui/field/editor/save_problems.py)
        self.fields: dict[str, tuple[str, QWidget]] = {
            "sex": rows[0], "birth": rows[1], "birth_text": rows[1], "status": rows[2], "notes": rows[3],
            "categories": (N_("Categories"), self.category_box), **self.form_fields.fields}
        self.texts.name(self.birth.edit, N_("Born (as said)"))
        names_row = QHBoxLayout()
        names_row.addStretch(1)
        names_row.addWidget(self.add_name_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_act_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.name_box)
        layout.addLayout(names_row)
        layout.addLayout(form)
        layout.addWidget(self.category_box)
        layout.addWidget(self.form_fields)
        layout.addLayout(self.act_box)
        layout.addWidget(self.steps)
        layout.addLayout(buttons)
        self.texts.text(self.add_name_button, N_("Add another name"))
        self.texts.text(self.add_act_button, N_("Add &act"))
        self.texts.text(self.remove_button, N_("Remove victim"))
        self.texts.text(self.category_box, N_("Categories"))
        self.sex.currentIndexChanged.connect(self.changed)
        self.status.currentIndexChanged.connect(self.changed)
        self.birth.changed.connect(self._birth_changed)
        self.notes.textChanged.connect(self.changed)
        self.steps.changed.connect(self.changed)
        self.form_fields.changed.connect(self.changed)
        self.add_name_button.clicked.connect(lambda: self.add_name().edits["hangul"].setFocus())  # noqa: PLW0108
        self.add_act_button.clicked.connect(lambda: self.add_act().type.setFocus())  # noqa: PLW0108
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        self.retranslate()

    def add_name(self, data: dict[str, Any] | None = None) -> NameRow:
        return self._name_rows.add(NameRow(), data)

    def _birth_changed(self) -> None:
        for act in self.acts:  # "스무 살 때" depends on the birth date
            act.date.refresh()
        self.changed.emit()

    def add_act(self, data: dict[str, Any] | None = None) -> ActForm:
        act = ActForm()
        act.date.context = lambda: {"birth": self.birth.edtf(), "interview_date": (
            self.interview_date_source() if self.interview_date_source is not None else None)}
        return self._act_rows.add(act, data)

    def load(self, data: dict[str, Any]) -> None:
        self._original = dict(data)
        if isinstance(data.get("id"), str):
            self.entity_id = data["id"]
        for name in data.get("names") or []:
            self.add_name(name)
        if not self.names:
            self.add_name()
        self.sex.set_code(data.get("sex"))
        self.birth.set_value(data.get("birth"), data.get("birth_text"))
        self.status.set_code(data.get("status"))
        self.notes.setText(str(data.get("notes") or ""))
        for code, box in self.categories.items():
            box.setChecked(code in (data.get("categories") or []))
        for act in data.get("acts") or []:
            self.add_act(act)
        self.steps.load(data.get("steps_taken") or [])
        self.form_fields.load(data)

    def dump(self) -> dict[str, Any]:
        out = {k: v for k, v in self._original.items() if k not in _VICTIM_KEYS}
        names = [n for n in (row.dump() for row in self.names) if n]
        if names:
            out["names"] = names
        if self.sex.code():
            out["sex"] = self.sex.code()
        self.birth.dump_into(out, "birth", "birth_text", "birth_lunar")
        if self.status.code():
            out["status"] = self.status.code()
        if self.notes.text().strip():
            out["notes"] = self.notes.text().strip()
        categories = sorted(code for code, box in self.categories.items() if box.isChecked())
        if categories:
            out["categories"] = categories
        acts = [a for a in (act.dump() for act in self.acts) if a]
        if acts:
            out["acts"] = acts
        if steps := self.steps.dump():
            out["steps_taken"] = steps
        self.form_fields.dump_into(out)
        if out:  # an untouched empty form is no victim at all
            out["id"] = self.entity_id
        return out

    def set_number(self, number: int) -> None:
        self.setTitle(tr("Victim {number}", number=number))

    def retranslate(self) -> None:
        self.texts.apply()
        for code, box in self.categories.items():
            entry = vocabularies.load("victim_categories").get(str(code))
            box.setText(f"{code}. {entry.label(_lang())}")
        for widget in (self.sex, self.status, self.birth, self.steps, self.form_fields):
            widget.retranslate()
        for row in self.names:
            row.retranslate()
        for act in self.acts:
            act.retranslate()
