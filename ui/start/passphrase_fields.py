"""Widgets shared by the screens that take secrets: a new-passphrase pair with a strength hint, and a busy line."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from ui.i18n import N_, tr
from ui.i18n.retranslating import Retranslating
from ui.start.passphrase_strength import MIN_LENGTH, Assessment, Strength, assess

_STRENGTH_TEXT = {
    Strength.TOO_SHORT: N_("Too short: use at least {min} characters."),
    Strength.NOTORIOUS: N_("This is one of the first passphrases anyone tries. Choose another."),
    Strength.WEAK: N_("Weak: add more words."),
    Strength.FAIR: N_("Fair: a few more words would make it strong."),
    Strength.STRONG: N_("Strong."),
}
_CLASS_NAMES = {
    "lower": N_("lower-case letters"),
    "upper": N_("capital letters"),
    "digit": N_("digits"),
    "symbol": N_("spaces or symbols"),
    "hangul": N_("Hangul"),
    "kana": N_("kana"),
    "kanji": N_("kanji"),
    "letter": N_("other letters"),
}


class _AltTypesNothing(QObject):
    """Drops Alt+letter key presses a line edit would type as the letter (issue 29: Alt+C typed "c" into the recovery
    key check instead of doing nothing). An access key that exists is handled as a shortcut before the key press is
    delivered, so only presses that name no access key reach this filter; AltGr (Ctrl+Alt on Windows) still types."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            modifiers = event.modifiers()
            if modifiers & Qt.KeyboardModifier.AltModifier and not modifiers & Qt.KeyboardModifier.ControlModifier \
                    and event.text().isprintable() and event.text():
                return True
        return False


_ALT_GUARD: list[_AltTypesNothing] = []


def no_alt_typing(edit: QLineEdit) -> QLineEdit:
    """Install the Alt+letter guard on ``edit`` (one shared filter object, owned by the application's lifetime)."""
    if not _ALT_GUARD:
        _ALT_GUARD.append(_AltTypesNothing())
    edit.installEventFilter(_ALT_GUARD[0])
    return edit


def secret_line_edit(accessible_name: str) -> QLineEdit:
    """A line edit for a secret: echo off, no context menu (no copy), no input-method prediction."""
    edit = no_alt_typing(QLineEdit())
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(accessible_name)
    edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    return edit


class NewPassphraseFields(Retranslating, QWidget):
    """Two echo-off fields and a live hint; ``changed`` fires on every edit, ``submitted`` on Enter in the second."""

    changed = Signal()
    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = secret_line_edit("")
        self.second = secret_line_edit("")
        self.first_label = QLabel()
        self.second_label = QLabel()
        self.first_label.setBuddy(self.first)
        self.second_label.setBuddy(self.second)
        self.strength_label = QLabel()
        self.strength_label.setWordWrap(True)
        self.match_label = QLabel()
        self.advice_label = QLabel()
        self.advice_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.first_label, self.first)
        form.addRow(self.second_label, self.second)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.strength_label)
        layout.addWidget(self.match_label)
        layout.addWidget(self.advice_label)
        self.setTabOrder(self.first, self.second)
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)
        self.first.returnPressed.connect(self.second.setFocus)
        self.second.returnPressed.connect(self.submitted)
        self.retranslate()

    def assessment(self) -> Assessment:
        return assess(self.first.text())

    def passphrase(self) -> str:
        return self.first.text()

    def is_acceptable(self) -> bool:
        """Long enough, not notorious, and typed the same twice."""
        return self.assessment().acceptable and self.first.text() == self.second.text()

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()

    def _update(self) -> None:
        text = self.first.text()
        if not text:
            self.strength_label.clear()
        else:
            a = self.assessment()
            classes = ", ".join(tr(_CLASS_NAMES[c]) for c in sorted(a.classes))
            self.strength_label.setText(
                tr("{verdict} Length: {length} characters. Uses: {classes}.",
                   verdict=tr(_STRENGTH_TEXT[a.strength], min=MIN_LENGTH), length=a.length, classes=classes)
            )
        if self.second.text() and self.second.text() != text:
            self.match_label.setText(tr("The two passphrases differ."))
        else:
            self.match_label.clear()
        self.changed.emit()

    def retranslate(self) -> None:
        self.first_label.setText(tr("New &passphrase:"))
        self.second_label.setText(tr("&Repeat it:"))
        self.first.setAccessibleName(tr("New passphrase"))
        self.second.setAccessibleName(tr("Repeat the new passphrase"))
        self.advice_label.setText(tr(
            "A long sentence only you would think of is best: for example a Korean sentence of several words. "
            "Avoid names, dates and quotations."
        ))
        self._update()



class BusyLine(QWidget):
    """An indeterminate progress bar with a caption, shown while a worker thread runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.bar)
        self.setVisible(False)

    def start(self, caption: str) -> None:
        self.caption.setText(caption)
        self.bar.setAccessibleName(caption)
        self.setVisible(True)

    def stop(self) -> None:
        self.setVisible(False)
