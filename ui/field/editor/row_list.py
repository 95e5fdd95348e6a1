"""Sub-forms repeated in a layout (a victim's names and acts, an act's perpetrators, the steps taken): each added and
removed the same way, and every addition or removal reported through the owner's ``changed`` signal."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import QBoxLayout, QWidget

from ui.common.disposal import discard
from ui.field.editor.form_texts import FormTexts

Row = TypeVar("Row", bound=QWidget)


class ListedRow:
    """Mix in before the Qt widget class of a row a :class:`RowList` holds: the two signals the list connects, the
    row's :class:`FormTexts`, and the data it was loaded with (``_original``: the keys it does not edit are written
    back as they were)."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)  # type: ignore[call-arg]  # the Qt widget class after this mixin in the MRO
        self.texts = FormTexts()
        self._original: dict[str, Any] = {}


class RowList(Generic[Row]):
    """The rows of one kind in ``box``. A row has the signals ``changed`` and ``remove_requested(row)``."""

    def __init__(self, box: QBoxLayout, changed: SignalInstance) -> None:
        self.rows: list[Row] = []
        self._box = box
        self._changed = changed

    def add(self, row: Row, data: dict[str, Any] | None = None) -> Row:
        """Load ``data`` into ``row`` (when given), then show it below the others."""
        widget: Any = row  # the row classes declare the two signals; QWidget does not
        if data:
            widget.load(data)
        widget.changed.connect(self._changed)
        widget.remove_requested.connect(self.remove)
        self.rows.append(row)
        self._box.addWidget(row)
        self._changed.emit()
        return row

    def remove(self, row: object) -> None:
        if isinstance(row, QWidget) and row in self.rows:
            self.rows.remove(row)
            discard(row)
            self._changed.emit()
