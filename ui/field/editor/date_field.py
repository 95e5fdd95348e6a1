"""The uncertain-date field: people say "2011년 가을쯤", "주체87년", "around 1998"; the field shows how it was understood.

The words as said are kept (``date_text``); the EDTF value understood from them (``intake_app.dates.interpret``)
is what lists, filters and reports use. Text that is not understood is kept as said, with no EDTF value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from intake_app.records import dates
from ui.i18n import current_language, tr


def _explanation(found: dates.Interpretation) -> str:
    """Korean or English as the core writes it; in any other language (Japanese) the value and its bounds as
    numbers, never an English month name inside a Japanese screen (issue 29)."""
    lang = current_language()
    if lang == "ko":
        return found.explanation_ko
    if lang == "en":
        return found.explanation_en
    low, high = found.date.lower, found.date.upper
    lower = "…" if low == dt.date.min else low.isoformat()
    upper = "…" if high == dt.date.max else high.isoformat()
    return f"{found.edtf}  ({lower} 〜 {upper})"


class UncertainDateField(QWidget):
    """A line for the date as said, and a line saying how it was understood."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # What the date may be relative to (an act date: the victim's birth and the interview date), as EDTF or None.
        self.context: Callable[[], dict[str, str | None]] | None = None
        self.edit = QLineEdit()
        self.understood = QLabel()
        self.understood.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.edit)
        layout.addWidget(self.understood)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._update)
        self._update()

    def text(self) -> str:
        return self.edit.text().strip()

    def interpretation(self) -> dates.Interpretation | None:
        if not self.text():
            return None
        if self.context is not None:
            try:
                return dates.interpret(self.text(), **self.context())
            except dates.DateError:
                pass  # an interview date with an open end: understood without that context
        return dates.interpret(self.text())

    def edtf(self) -> str | None:
        found = self.interpretation()
        return found.edtf if found is not None else None

    def set_value(self, edtf: str | None, said: str | None) -> None:
        self.edit.setText(said or edtf or "")

    def dump_into(self, out: dict[str, object], date_key: str, text_key: str | None,
                  lunar_key: str | None = None) -> None:
        """Write ``date_key`` (EDTF), when the words differ from it ``text_key`` (as said), and ``lunar_key`` when
        the date was said in the lunar calendar, into ``out``."""
        found = self.interpretation()
        edtf = found.edtf if found is not None else None
        if edtf is not None:
            out[date_key] = edtf
        if lunar_key is not None and found is not None and found.lunar:
            out[lunar_key] = True
        if text_key is not None and self.text() and self.text() != edtf:
            out[text_key] = self.text()
        elif text_key is None and edtf is None and self.text():
            out[date_key] = self.text()  # a required EDTF key: left as typed, so validation names it

    def refresh(self) -> None:
        """Show the explanation again (the context changed), without reporting an edit."""
        self._show()

    def _update(self) -> None:
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        found = self.interpretation()
        if found is not None:
            explanation = _explanation(found)
            self.understood.setText(tr("Understood as: {explanation}", explanation=explanation))
        elif self.text():
            self.understood.setText(tr("Not understood; kept as said."))
        else:
            self.understood.setText(tr("e.g. 2011년 가을쯤, 주체87년, around 1998"))
        self.understood.setAccessibleName(self.understood.text())

    def retranslate(self) -> None:
        self._update()
