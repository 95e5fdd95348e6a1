"""The perpetrator list as a table model (kind, name, acts, testimonies), filled from the DB worker."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from intake_app.display import clean_text
from ui.common.rows_model import Index, RowsTableModel
from ui.i18n import N_, current_language, tr

HEADERS = (N_("Kind"), N_("Perpetrator"), N_("Acts"), N_("Testimonies"))
KIND_NAMES = {"person": N_("Person"), "unit": N_("Unit"), "facility": N_("Facility")}
PerpetratorIdRole = Qt.ItemDataRole.UserRole + 1


class PerpetratorListModel(RowsTableModel):
    HEADERS = HEADERS

    def row_of(self, perpetrator: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r["perpetrator"] == perpetrator), -1)

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
