"""Korean for the few strings of Qt's own file dialog that PySide6's ``qtbase_ko.qm`` lacks.

The widget-based QFileDialog (used everywhere: ``DontUseNativeDialog``, and the only one on most Linux desktops) labels
its fields "&Look in:" and "Files of &type:", with mnemonics, while ``qtbase_ko.qm`` translates only the forms without
them; the file-type column says "Folder"/"File" from a context the catalogue does not cover. So the Korean window
showed "Look in:" and "Files of type:" in English. This translator answers for exactly those strings, in Korean only,
and defers to every other translator (a null answer means "not mine"). Installed once per application.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from ui.i18n import current_language

# (context, source) → Korean, in the words qtbase_ko uses for the same labels without mnemonics.
KO_QT: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "찾는 위치(&L):",
    ("QFileDialog", "Files of &type:"): "파일 형식(&T):",
    ("QFileDialog", "Cancel"): "취소",
    ("QFileDialog", "Computer"): "컴퓨터",
    ("QAbstractFileIconProvider", "Folder"): "폴더",
    ("QAbstractFileIconProvider", "File"): "파일",
    ("QAbstractFileIconProvider", "Drive"): "드라이브",
    ("QAbstractFileIconProvider", "Computer"): "컴퓨터",
}


class QtFallbackTranslator(QTranslator):
    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        # None becomes a null QString, which Qt reads as "no translation here"; an empty string would be taken as
        # the translation and blank every label.
        if current_language() != "ko":
            return None
        return KO_QT.get((context, source))

    def isEmpty(self) -> bool:
        return False


_installed: list[QtFallbackTranslator] = []


def install_qt_fallbacks() -> None:
    """Install the fallback translator on the running application (once)."""
    app = QCoreApplication.instance()
    if app is None or _installed:
        return
    translator = QtFallbackTranslator(app)
    app.installTranslator(translator)
    _installed.append(translator)
