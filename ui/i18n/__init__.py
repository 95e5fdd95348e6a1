"""Translation of every user-visible string: ``tr("Unlock {name}", name=x)``, ``trn(one, many, n, count=n)``.

Catalogues are gettext ``.po`` files in ``ui/i18n/locale/`` keyed by the English text (``ui/i18n/catalogs.py`` loads
them); ``ui/README.md`` says how to add a string or a language. Placeholders are named (``{name}``) so a translation
can reorder them. ``tests/ui/test_ui_i18n.py`` fails when a ``tr``/``N_``/``trn`` literal in ``ui/`` lacks a
translation in a shipped language, or has different placeholders or mnemonics there. Qt's own strings (context menus
of text fields, file dialogs) come from the ``qtbase_*.qm`` shipped with PySide6.

Switching language at run time sends ``QEvent.LanguageChange`` to every top-level widget; Qt forwards it to all
children, and each screen re-reads its texts in ``retranslate()``, called by the ``Retranslating`` mixin
(``ui/i18n/retranslating.py``).
"""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Literal

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from ui.i18n.catalogs import LANGUAGES, PSEUDO, translations

SUPPORTED = tuple(LANGUAGES)
SYSTEM = "system"

_state: dict[str, str] = {"lang": "en"}
_qt_translator: list[QTranslator] = []
# Called with (app, lang) before widgets are retranslated; ui.common.fonts registers one (ui.i18n imports no ui.common).
LANGUAGE_HOOKS: list[Callable[[QApplication, str], None]] = []


def tr(msgid: str, **params: object) -> str:
    """Translate ``msgid`` into the current language and fill its ``{named}`` placeholders."""
    text = translations(_state["lang"]).gettext(msgid)
    return text.format_map(params) if params else text


def trn(singular: str, plural: str, n: int, **params: object) -> str:
    """Translate a message whose form depends on the number ``n`` (gettext ``ngettext``), then fill placeholders.

    English has two forms ("1 testimony", "2 testimonies"); Korean and Japanese one; other languages more, chosen by
    the ``Plural-Forms`` rule of their catalogue. The number itself is a placeholder like any other (``count=n``).
    """
    text = translations(_state["lang"]).ngettext(singular, plural, n)
    return text.format_map(params) if params else text


def N_(msgid: str) -> str:
    """Mark a string for translation where it is defined; call ``tr`` on it where it is shown."""
    return msgid


def placeholders(text: str) -> set[str]:
    """The named placeholders in a catalogue string (used by the completeness test)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


# Language names are shown in their own language, never translated, so anyone can find theirs.
LANGUAGE_CHOICES: tuple[tuple[str, str | None], ...] = (
    ("system", None), *((code, lang.native_name) for code, lang in LANGUAGES.items() if lang.in_chooser))


def language_combo_items() -> list[tuple[str, str]]:
    """(setting value, label) for a language chooser."""
    return [(value, label if label is not None else tr("System default")) for value, label in LANGUAGE_CHOICES]


def current_language() -> str:
    return _state["lang"]


def vocabulary_language() -> Literal["ko", "en", "ja"]:
    """The language vocabulary labels are shown in: the UI's, English for any language without labels."""
    lang = _state["lang"]
    return "ko" if lang == "ko" else "ja" if lang == "ja" else "en"


def system_language(locale: QLocale | None = None) -> str:
    """The system locale's language when it is Korean, Japanese or English (the C locale of a bare system counts as
    English); Korean for any other, the language of the organisation (issue 29: a wizard in English for a Korean
    interviewer whose laptop was set up in another language)."""
    language = (locale or QLocale.system()).language()
    if language == QLocale.Language.Korean:
        return "ko"
    if language == QLocale.Language.Japanese:
        return "ja"
    if language in (QLocale.Language.English, QLocale.Language.C, QLocale.Language.AnyLanguage):
        return "en"
    return "ko"


def shown_language_choice(setting: str) -> str:
    """What a language box shows: the setting when it is the language on screen, else the language on screen."""
    return setting if setting in SUPPORTED and setting == current_language() else current_language()


def resolve_language(choice: str) -> str:
    """Map a setting (``"system"``, ``"ko"``, ``"en"``, ``"ja"``, ``"pseudo"``) to a supported language."""
    return choice if choice in SUPPORTED else system_language()


def set_language(lang: str) -> None:
    """Switch the whole application to ``lang`` now, retranslating every existing widget."""
    if lang not in SUPPORTED:
        raise ValueError(f"unsupported language {lang!r}")
    _state["lang"] = lang
    QLocale.setDefault(QLocale(LANGUAGES[lang].qt_locale or "en_US"))
    app = QCoreApplication.instance()
    if app is None:
        return
    _install_qt_translator(app, lang)
    if isinstance(app, QApplication):
        for hook in LANGUAGE_HOOKS:  # e.g. the font fallback order (Japanese kanji from the Japanese font)
            hook(app, lang)
        for widget in app.topLevelWidgets():
            QCoreApplication.sendEvent(widget, QEvent(QEvent.Type.LanguageChange))


def _install_qt_translator(app: QCoreApplication, lang: str) -> None:
    while _qt_translator:
        app.removeTranslator(_qt_translator.pop())
    if lang in ("en", PSEUDO):
        return
    translator = QTranslator(app)
    if translator.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
        _qt_translator.append(translator)
