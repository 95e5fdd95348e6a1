"""The bundled Korean-capable font (NanumGothic, SIL OFL 1.1), registered at start so Hangul never renders as boxes.

A fresh machine often has no CJK font at all, and Qt then draws every Hangul syllable as a box. The application font
keeps the platform's own family first (so Latin text looks native) and lists NanumGothic after it: Qt takes each glyph
from the first family in the list that has it, so Hangul always comes from the bundled font when the system has none.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ui.resources import resource_path

BUNDLED_FAMILY = "NanumGothic"
FONT_FILES = ("NanumGothic.ttf", "NanumGothicBold.ttf")


def register_bundled_fonts() -> list[str]:
    """Add the bundled TTFs to Qt's font database; return the families they provide (empty if a file is missing)."""
    families: list[str] = []
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
        if font_id < 0:
            continue
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if family not in families:
                families.append(family)
    return families


def install_application_font(app: QApplication) -> None:
    """Register the bundled font and make it the fallback for every widget's text."""
    families = register_bundled_fonts()
    font = QFont(app.font())
    current = [f for f in font.families() if f] or [font.family()]
    fallback = [f for f in families if f not in current]
    font.setFamilies(current + fallback)
    app.setFont(font)


def monospace_font(point_size: int) -> QFont:
    """A fixed-pitch font for the recovery key (ASCII only), large enough to copy by hand."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(point_size)
    font.setBold(True)
    return font
