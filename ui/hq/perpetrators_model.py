"""The perpetrator list as a table model (kind, name, acts, testimonies), filled from the DB worker."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from intake_app.display import clean_text
from ui.i18n import N_, current_language, tr

Index = QModelIndex | QPersistentModelIndex
HEADERS = (N_("Kind"), N_("Perpetrator"), N_("Acts"), N_("Testimonies"))
KIND_NAMES = {"person": N_("Person"), "unit": N_("Unit"), "facility": N_("Facility")}
PerpetratorIdRole = Qt.ItemDataRole.UserRole + 1


class PerpetratorListModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row_of(self, perpetrator: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r["perpetrator"] == perpetrator), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == PerpetratorIdRole:
            return row["perpetrator"]
        if role == Qt.ItemDataRole.DisplayRole:
            lang = "ko" if current_language() == "ko" else "en"
            return (tr(KIND_NAMES[row["kind"]]), clean_text(row["label"][lang]), str(row["acts"]),
                    str(row["testimonies"]))[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return clean_text(row["perpetrator"])
        return None
