"""The bold heading at the top of a coordinator page, and the fingerprint layout every key screen shares."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel


def heading_label() -> QLabel:
    """A label in a larger bold font, for a page's title."""
    label = QLabel()
    font = QFont(label.font())
    font.setPointSize(font.pointSize() + 4)
    font.setBold(True)
    label.setFont(font)
    return label


def two_line_fingerprint(fingerprint: str) -> str:
    """Digit groups split over two lines, so they can be read aloud half by half."""
    groups = fingerprint.split()
    half = (len(groups) + 1) // 2
    return " ".join(groups[:half]) + "\n" + " ".join(groups[half:])


def fingerprint_digits(text: str) -> str:
    """Only the digits of a typed or heard fingerprint (spaces, dashes and line breaks do not count)."""
    return "".join(ch for ch in text if ch.isascii() and ch.isdigit())
