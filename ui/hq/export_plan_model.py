"""What an export will let leave, as a table model (no view needed to test it): one row per mention considered,
whether consent includes it, why, and the anonymity applied. Fed with ``Release.summary()`` (plain data)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from intake_app.display import clean_text
from ui.i18n import N_, tr

COLUMNS = (N_("Mention"), N_("Leaves?"), N_("Why"), N_("Anonymity"))
_Index = QModelIndex | QPersistentModelIndex


class ExportPlanModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[str, bool, str, str]] = []

    def set_summary(self, summary: dict[str, Any] | None) -> None:
        self.beginResetModel()
        rows: list[tuple[str, bool, str, str]] = []
        if summary:
            conditional = {str(c["mention"]) for c in summary.get("conditions", [])}
            for item in summary.get("included", []):
                reason = "conditional_accepted" if str(item["mention"]) in conditional else "granted"
                rows.append((str(item["mention"]), True, reason, str(item.get("anonymity", ""))))
            for item in summary.get("excluded", []):
                rows.append((str(item["mention"]), False, str(item.get("reason", "")), ""))
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return tr(COLUMNS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        mention, leaves, reason, level = self._rows[index.row()]
        column = index.column()
        if column == 0:
            return clean_text(mention)
        if column == 1:
            return tr("Included") if leaves else tr("Excluded")
        if column == 2:
            return tr(REASON_TEXT[reason]) if reason in REASON_TEXT else clean_text(reason)
        return tr(LEVEL_TEXT[level]) if level in LEVEL_TEXT else clean_text(level)

    def counts(self) -> tuple[int, int]:
        included = sum(1 for row in self._rows if row[1])
        return included, len(self._rows) - included


REASON_TEXT = {
    "granted": N_("consent granted"),
    "conditional_accepted": N_("consent with conditions, acknowledged"),
    "conditional": N_("consent with conditions not yet acknowledged"),
    "refused": N_("consent refused"),
    "withdrawn": N_("consent withdrawn"),
    "withdrawn_earlier": N_("consent withdrawn in an earlier version"),
    "not_asked": N_("consent not asked"),
    "versions_disagree": N_("unresolved versions disagree"),
    "deleted": N_("testimony deleted"),
    "unknown_testimony": N_("no such testimony"),
    "unknown_victim": N_("victim no longer in the testimony"),
    "disputed": N_("versions in dispute: resolve the conflict first"),
    "unreadable": N_("current version cannot be read"),
    "reference_only": N_("reference record of an outside archive: never leaves"),  # issue 31
}
LEVEL_TEXT = {"anonymised": N_("Anonymised"), "pseudonym": N_("Pseudonym"), "initials": N_("Initials"),
              "full_name": N_("Full name")}
