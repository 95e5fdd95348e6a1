"""Choosing vocabulary terms: a fixed list (``VocabCombo``) or free text with completion over labels and aliases
(``VocabPicker``, for places, facilities and state organs, which people name in many ways)."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QLabel, QLineEdit, QVBoxLayout, QWidget

from intake_app.records import vocabularies
from ui.i18n import tr, vocabulary_language


def _lang() -> vocabularies.Language:
    return vocabulary_language()


class FocusWheelCombo(QComboBox):
    """A combo box the mouse wheel changes only once it has focus (a click or Tab): scrolling the form over it scrolls
    the form, instead of silently turning an Abduction into a Detention (issue 29)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not self.hasFocus():
            event.ignore()  # goes on to the parent: the scroll area scrolls
            return
        super().wheelEvent(event)


class VocabCombo(FocusWheelCombo):
    """One code of a vocabulary, or none (the first, empty item)."""

    def __init__(self, vocab: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vocab = vocabularies.load(vocab)
        self.retranslate()

    def retranslate(self) -> None:
        code = self.code()
        self.blockSignals(True)
        self.clear()
        self.addItem("", None)
        for entry in self.vocab.entries:
            self.addItem(entry.label(_lang()), entry.code)
        self.blockSignals(False)
        self.set_code(code)

    def code(self) -> str | None:
        data = self.currentData()
        return str(data) if data else None

    def set_code(self, code: str | None) -> None:
        index = self.findData(code) if code else 0
        self.setCurrentIndex(max(index, 0))


class VocabPicker(QWidget):
    """Free text with completion from a vocabulary (labels in both languages and aliases); shows the term matched.

    The words typed are kept as said (``text``); ``code`` is the matched vocabulary code, or None when the text names
    no known term (a village that is not in the list is still recorded, only without a code).
    """

    changed = Signal()

    def __init__(self, vocab: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vocab = vocabularies.load(vocab)
        self.edit = QLineEdit()
        self.match = QLabel()
        self.match.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        words: list[str] = []
        for entry in self.vocab.entries:
            words += [entry.ko, entry.en, *entry.aliases]
        completer = QCompleter(QStringListModel(sorted(set(words))), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.edit.setCompleter(completer)
        self.edit.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.edit)
        layout.addWidget(self.match)
        self.setFocusProxy(self.edit)
        self._update()

    def text(self) -> str:
        return self.edit.text().strip()

    def code(self) -> str | None:
        entry = self.vocab.lookup(self.text()) if self.text() else None
        return entry.code if entry is not None else None

    def set_value(self, text: str | None, code: str | None) -> None:
        if not text and code and code in self.vocab:
            text = self.vocab.get(code).label(_lang())
        self.edit.setText(text or "")

    def _update(self) -> None:
        code = self.code()
        if code is not None:
            self.match.setText(tr("= {term}", term=self.vocab.get(code).label(_lang())))
        elif self.text():
            self.match.setText(tr("not in the list (kept as typed)"))
        else:
            self.match.setText("")
        self.changed.emit()

    def retranslate(self) -> None:
        self._update()
