"""The one shape of the read-only table models: ``rows`` held as given, column titles translated from ``HEADERS``.

Subclasses set ``HEADERS`` (message ids marked with ``N_``) and write ``data()``; the DB worker builds the rows.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ui.i18n import tr

Index = QModelIndex | QPersistentModelIndex


class RowsTableModel(QAbstractTableModel):
    """A flat table of ``rows`` with the translated column titles ``HEADERS``."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(self.HEADERS[section])
        return None
