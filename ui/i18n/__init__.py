"""Translation of every user-visible string: ``tr("Unlock {name}", name=x)`` with named placeholders.

The mechanism is a catalogue per language (``ui/i18n/catalog_ko.py``) keyed by the English text, chosen over Qt .ts/.qm
files because it needs no build step, is checked by a plain unit test (every ``tr``/``N_`` literal in ``ui/`` has a
Korean entry with the same placeholders), and keeps translators working in one readable Python file. Qt's own strings
(context menus of text fields) come from the ``qtbase_*.qm`` shipped with PySide6.

Switching language at run time sends ``QEvent.LanguageChange`` to every top-level widget; Qt forwards it to all
children, and each screen re-reads its texts in ``changeEvent``.
"""

from __future__ import annotations

import string

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from ui.i18n.catalog_ko import KO

SUPPORTED = ("en", "ko")
SYSTEM = "system"
_CATALOGS: dict[str, dict[str, str]] = {"ko": KO}

_state: dict[str, str] = {"lang": "en"}
_qt_translator: list[QTranslator] = []


def tr(msgid: str, **params: object) -> str:
    """Translate ``msgid`` into the current language and fill its ``{named}`` placeholders."""
    text = _CATALOGS.get(_state["lang"], {}).get(msgid, msgid)
    return text.format_map(params) if params else text


def N_(msgid: str) -> str:
    """Mark a string for translation where it is defined; call ``tr`` on it where it is shown."""
    return msgid


def placeholders(text: str) -> set[str]:
    """The named placeholders in a catalogue string (used by the completeness test)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


# Language names are shown in their own language, never translated, so anyone can find theirs.
LANGUAGE_CHOICES: tuple[tuple[str, str | None], ...] = (("system", None), ("ko", "한국어"), ("en", "English"))


def language_combo_items() -> list[tuple[str, str]]:
    """(setting value, label) for a language chooser."""
    return [(value, label if label is not None else tr("System default")) for value, label in LANGUAGE_CHOICES]


def current_language() -> str:
    return _state["lang"]


def system_language() -> str:
    """Korean when the system locale is Korean, English otherwise."""
    return "ko" if QLocale.system().language() == QLocale.Language.Korean else "en"


def resolve_language(choice: str) -> str:
    """Map a setting (``"system"``, ``"ko"``, ``"en"``) to a supported language."""
    return choice if choice in SUPPORTED else system_language()


def set_language(lang: str) -> None:
    """Switch the whole application to ``lang`` now, retranslating every existing widget."""
    if lang not in SUPPORTED:
        raise ValueError(f"unsupported language {lang!r}")
    _state["lang"] = lang
    QLocale.setDefault(QLocale(QLocale.Language.Korean if lang == "ko" else QLocale.Language.English))
    app = QCoreApplication.instance()
    if app is None:
        return
    _install_qt_translator(app, lang)
    if isinstance(app, QApplication):
        for widget in app.topLevelWidgets():
            QCoreApplication.sendEvent(widget, QEvent(QEvent.Type.LanguageChange))


def _install_qt_translator(app: QCoreApplication, lang: str) -> None:
    while _qt_translator:
        app.removeTranslator(_qt_translator.pop())
    if lang == "en":
        return
    translator = QTranslator(app)
    if translator.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
        _qt_translator.append(translator)
