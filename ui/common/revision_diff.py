"""A readable comparison of testimony versions, used by the interviewer's history and the HQ conflicts page.

Rows are the fields of :func:`intake_app.records.revision_diff.compare`, named by the editor's form labels and grouped
by victim, act and perpetrator ("Victim 1 › Act 2 › What happened"); codes are shown as vocabulary labels, dates as
understood ("2011년 가을 (대략)"), yes/no as words, free text cleaned (no raw JSON, no escaped ``\\n``). Rows where the
versions differ are highlighted, bold, and say "changed" in words, so the highlight does not rely on colour alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QCheckBox, QHeaderView, QTableView, QVBoxLayout, QWidget

from intake_app.display import clean_text
from intake_app.records import dates, vocabularies
from intake_app.records.revision_diff import DiffRow, Leaf, compare
from ui.i18n import N_, current_language, tr, vocabulary_language
from ui.i18n.retranslating import Retranslating

CHANGED = QColor("#fff0b3")
_MNEMONIC = re.compile(r"\(&[^)]\)")
ChangedRole = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex

# (object, key) → the form's label (the same message ids as the editor, so the words are the ones the user typed in).
_LABELS: dict[tuple[str, str], str] = {
    ("testimony", "narrative"): N_("Narrative"), ("testimony", "notes"): N_("Notes"),
    ("testimony", "id"): N_("Testimony id"),
    ("interview", "date"): N_("Interview &date:"), ("interview", "place"): N_("&Place:"),
    ("interview", "language"): N_("&Language:"), ("interview", "interviewer"): N_("&Interviewer:"),
    ("interview", "interpreter"): N_("Inte&rpreter:"), ("interview", "mode"): N_("&Mode:"),
    ("interviewee", "pseudonym"): N_("Interviewee &pseudonym:"),
    ("interviewee", "relation"): N_("&Relation to the victim:"),
    ("victim", "sex"): N_("&Sex:"), ("victim", "birth"): N_("Born (as understood)"),
    ("victim", "birth_text"): N_("&Born (as said):"), ("victim", "birth_lunar"): N_("Born (lunar calendar)"),
    ("victim", "status"): N_("S&tatus now:"), ("victim", "notes"): N_("N&otes:"),
    ("victim", "categories"): N_("Categories"), ("victim", "group"): N_("A group of people"),
    ("victim", "group_size"): N_("Group size"), ("victim", "origin"): N_("Home place"),
    ("victim", "origin_place"): N_("Home place (from the list)"), ("victim", "reasons"): N_("Reasons"),
    ("victim", "id"): N_("Local id"),
    ("victim", "nationality"): N_("Nationality:"), ("victim", "occupation"): N_("Occupation:"),
    ("victim", "identity_document"): N_("Identity document (kind and number):"),
    ("name", "hangul"): N_("Name in Hangul"), ("name", "hanja"): N_("Name in Hanja"),
    ("name", "roman"): N_("Romanised name"), ("name", "system"): N_("Romanisation system"),
    ("name", "type"): N_("Kind of name"),
    ("act", "type"): N_("What &happened:"), ("act", "date"): N_("When (as understood)"),
    ("act", "date_text"): N_("&When (as said):"), ("act", "date_lunar"): N_("When (lunar calendar)"),
    ("act", "place"): N_("Wh&ere:"), ("act", "place_code"): N_("Where (from the list)"),
    ("act", "facility"): N_("&Facility:"), ("act", "facility_code"): N_("Facility (from the list)"),
    ("act", "facility_type"): N_("Kind of facility"), ("act", "follows"): N_("Follows act"),
    ("act", "whereabouts"): N_("Whereabouts after this"), ("act", "source"): N_("Source"),
    ("act", "source_note"): N_("Source note"), ("act", "description"): N_("&Details:"), ("act", "id"): N_("Local id"),
    ("perpetrator", "name"): N_("Perpetrator name (if known)"), ("perpetrator", "organ"): N_("State organ"),
    ("perpetrator", "unit"): N_("Unit"), ("perpetrator", "rank"): N_("Rank"), ("perpetrator", "role"): N_("Role"),
    ("perpetrator", "description"): N_("&Details:"), ("perpetrator", "identification"): N_("Identified by"),
    ("perpetrator", "foreign_actor"): N_("Foreign actor"),
}
_SECTIONS = {"victim": N_("Victim {number}"), "name": N_("Name {number}"), "act": N_("Act {number}"),
             "perpetrator": N_("Perpetrator {number}")}


def _lang() -> vocabularies.Language:
    return vocabulary_language()


def plain_label(text: str) -> str:
    """A translated form label without its mnemonic ("&Mode:", "면담 방식(&M):") and colon."""
    return _MNEMONIC.sub("", text).replace("&", "").rstrip(":").strip()


def _plain(key: tuple[str, str]) -> str:
    return plain_label(tr(_LABELS[key]))


def field_label(leaf: Leaf) -> str:
    """"Victim 1 › Act 2 › What happened": the section steps, then the form's label of the field."""
    parts = [tr(_SECTIONS[obj], number=i + 1) for obj, i in leaf.section if obj in _SECTIONS]
    if leaf.obj == "consent":
        entry = vocabularies.load("consent_purposes").entries
        names = {e.code: e.label(_lang()) for e in entry}
        parts.append(tr("Consent: {purpose}", purpose=clean_text(names.get(leaf.key, leaf.key))))
    else:
        known = (leaf.obj, leaf.key) in _LABELS
        parts.append(_plain((leaf.obj, leaf.key)) if known else clean_text(leaf.key))
    return " › ".join(parts)


def _code(vocab: str, value: Any) -> str:
    code = str(value)
    vocabulary = vocabularies.load(vocab)
    return vocabulary.get(code).label(_lang()) if code in vocabulary else clean_text(code)


def _date(value: Any) -> str:
    text = clean_text(str(value))
    try:
        found = dates.interpret(str(value))
    except (dates.DateError, ValueError, AttributeError):
        return text
    if found is None:
        return text
    explanation = found.explanation_ko if current_language() == "ko" else found.explanation_en
    return text if explanation == text else f"{clean_text(explanation)} ({text})"


def value_text(leaf: Leaf, value: Any) -> str:
    """A field's value as a person reads it; "—" where the version has none."""
    if value is None:
        return "—"
    spec = leaf.spec
    if leaf.obj == "consent":
        decision = value if isinstance(value, dict) else {"value": value}
        parts = [_code("consent_values", decision.get("value"))]
        if decision.get("anonymity"):
            parts.append(_code("anonymity_levels", decision["anonymity"]))
        if decision.get("conditions"):
            parts.append(clean_text(str(decision["conditions"]), keep_newlines=True))
        return " · ".join(parts)
    if spec is None:
        return clean_text(str(value), keep_newlines=True)
    if spec.kind == "code" and spec.vocab:
        return _code(spec.vocab, value)
    if spec.kind in ("codes", "categories") and spec.vocab and isinstance(value, list):
        shown = [_code(spec.vocab, v) for v in value]
        if spec.kind == "categories":
            shown = [f"{v}. {label}" for v, label in zip(value, shown, strict=True)]
        return ", ".join(shown)
    if spec.kind == "edtf":
        return _date(value)
    if spec.kind == "bool":
        return tr("Yes") if value else tr("No")
    if spec.kind == "language":
        return {"ko": "한국어", "en": "English", "ja": "日本語"}.get(str(value), clean_text(str(value)))
    return clean_text(str(value), keep_newlines=True)


class RevisionDiffModel(QAbstractTableModel):
    """Columns: field, "changed", then one per version. ``set_versions(titles, contents)``; ``rows`` holds the diff."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.titles: list[str] = []
        self.rows: list[DiffRow] = []

    def set_versions(self, titles: Sequence[str], contents: Sequence[dict[str, Any] | None]) -> None:
        self.beginResetModel()
        self.titles = [clean_text(t, keep_newlines=True) for t in titles]  # titles may have several lines
        self.rows = compare(list(contents))
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self.titles, self.rows = [], []
        self.endResetModel()

    def retranslate(self) -> None:
        """Labels and values are worded at display time: ask the views to read them again."""
        if self.rows and self.titles:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)

    def changed_rows(self) -> list[int]:
        return [i for i, row in enumerate(self.rows) if row.changed]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default argument
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default argument
        return 0 if parent.isValid() or not self.titles else 2 + len(self.titles)

    def text(self, row: int, column: int) -> str:
        diff = self.rows[row]
        if column == 0:
            return field_label(diff.leaf)
        if column == 1:
            return tr("changed") if diff.changed else ""
        return value_text(diff.leaf, diff.values[column - 2])

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        changed = self.rows[index.row()].changed
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.BackgroundRole and changed:
            return QBrush(CHANGED)
        if role == Qt.ItemDataRole.ForegroundRole and changed:
            return QBrush(QColor("#000000"))  # readable on the highlight whatever the theme
        if role == Qt.ItemDataRole.FontRole and changed:
            font = QFont()
            font.setBold(True)
            return font
        if role == ChangedRole:
            return changed
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return tr("Field")
        if section == 1:
            return tr("Change")
        return self.titles[section - 2] if 0 <= section - 2 < len(self.titles) else None


class _ChangedOnly(QSortFilterProxyModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.only_changed = False

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if not self.only_changed:
            return True
        model = self.sourceModel()
        return bool(model.data(model.index(source_row, 0, source_parent), ChangedRole))


class RevisionDiffView(Retranslating, QWidget):
    """The comparison table and a "Show only what changed" switch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RevisionDiffModel(self)
        self.proxy = _ChangedOnly(self)
        self.proxy.setSourceModel(self.model)
        self.only_changed = QCheckBox()
        self.only_changed.toggled.connect(self._filter)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.only_changed)
        layout.addWidget(self.table, 1)
        self.model.modelReset.connect(self._resize)
        self.retranslate()

    def set_versions(self, titles: Sequence[str], contents: Sequence[dict[str, Any] | None]) -> None:
        self.model.set_versions(titles, contents)

    def clear(self) -> None:
        self.model.clear()

    def _filter(self, on: bool) -> None:
        self.proxy.only_changed = on
        self.proxy.invalidate()
        self._resize()

    def _resize(self) -> None:
        header = self.table.horizontalHeader()
        columns = self.model.columnCount()
        if columns:
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(0, 230)
            self.table.setColumnWidth(1, 70)
            width = max(160, (self.table.viewport().width() - 300) // max(1, columns - 2))
            for column in range(2, columns):
                self.table.setColumnWidth(column, width)
        self.table.resizeRowsToContents()

    def retranslate(self) -> None:
        self.only_changed.setText(tr("Show only what &changed"))
        self.table.setAccessibleName(tr("Comparison of versions"))
        self.model.retranslate()
