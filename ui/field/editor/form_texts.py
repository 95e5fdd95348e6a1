"""Labels of the editor forms, kept as N_()-marked message ids and re-read on a language change.

A field gets its label and an accessible name of the same words (without the mnemonic), so a screen reader announces
each field by the label the sighted user sees.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QWidget

from ui.i18n import tr


def required_label(text: str) -> str:
    """ "&Interviewer:" → "&Interviewer *:": the star before the colon, as the legend "* required" explains."""
    return text[:-1] + " *:" if text.endswith(":") else text + " *"


class FormTexts:
    """(widget, message id) pairs: ``apply()`` sets every text in the current language."""

    def __init__(self) -> None:
        self._labels: list[tuple[QLabel | QAbstractButton | QGroupBox, str]] = []
        self._names: list[tuple[QWidget, str]] = []
        self._tips: list[tuple[QWidget, str]] = []
        self._required: set[int] = set()

    def label(self, msgid: str, buddy: QWidget | None = None, required: bool = False) -> QLabel:
        """A new label for ``buddy``; the buddy's accessible name follows the label. A required field's label
        carries " *" and the buddy's accessible description says "Required"."""
        label = QLabel()
        self._labels.append((label, msgid))
        if required:
            self._required.add(id(label))
        if buddy is not None:
            label.setBuddy(buddy)
            self._names.append((buddy, msgid))
            if required:
                self._required.add(id(buddy))
        return label

    def text(self, widget: QLabel | QAbstractButton | QGroupBox, msgid: str) -> None:
        self._labels.append((widget, msgid))

    def name(self, widget: QWidget, msgid: str) -> None:
        self._names.append((widget, msgid))

    def tip(self, widget: QWidget, msgid: str) -> None:
        self._tips.append((widget, msgid))

    def apply(self) -> None:
        for label_pair in self._labels:
            widget = label_pair[0]
            text = tr(label_pair[1])
            if id(widget) in self._required:
                text = required_label(text)
            if isinstance(widget, QGroupBox):
                widget.setTitle(text)
            else:
                widget.setText(text)
        for pair in self._names:
            pair[0].setAccessibleName(tr(pair[1]).replace("&", "").rstrip(":"))
            if id(pair[0]) in self._required:
                pair[0].setAccessibleDescription(tr("Required"))
        for pair in self._tips:
            pair[0].setToolTip(tr(pair[1]))
