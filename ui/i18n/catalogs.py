"""The shipped languages and their gettext catalogues (``ui/i18n/locale/<lang>.po``), compiled in memory at load.

The ``.po`` files are the source of truth: translators edit them in Poedit, Weblate or any gettext tool, and nothing
generated is committed beside them. At first use a catalogue is parsed with polib and compiled to the ``.mo`` form in
memory, which the standard library's ``gettext.GNUTranslations`` then serves, plural rules (``Plural-Forms``) included.
Fuzzy and empty entries are left out by the compilation, so an unfinished translation shows English, never a guess.
English needs no catalogue (the message ids are English); the pseudo-locale is made from English at load time.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polib

from ui.i18n.pseudo import pseudo_localise

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
TEMPLATE = LOCALE_DIR / "messages.pot"
PSEUDO = "pseudo"


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str  # shown in the chooser in its own language, never translated
    qt_locale: str  # QLocale name for dates and numbers; "" for the pseudo-locale (English rules)
    # ui/ folders whose screens this language does not translate (they show English); empty = the whole UI.
    untranslated_areas: tuple[str, ...] = ()
    in_chooser: bool = True


LANGUAGES: dict[str, Language] = {
    "ko": Language("ko", "한국어", "ko_KR"),
    "en": Language("en", "English", "en_US"),
    # Japanese covers the interviewer's screens, the first-run wizard, unlock and recovery (families of Japanese
    # abductees and returnees from Japan are interviewed in Japanese); HQ and auditor screens stay English.
    "ja": Language("ja", "日本語", "ja_JP", untranslated_areas=("hq", "auditor")),
    PSEUDO: Language(PSEUDO, "Pseudo-locale", "", in_chooser=False),
}
CATALOGUED = ("ko", "ja")  # the languages with a .po file


def po_path(lang: str) -> Path:
    return LOCALE_DIR / f"{lang}.po"


class _PseudoTranslations(gettext.NullTranslations):
    """English through ``pseudo_localise``; English plural rule."""

    def gettext(self, message: str) -> str:
        return pseudo_localise(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo_localise(msgid1 if n == 1 else msgid2)


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English and unknown languages: the identity)."""
    if lang == PSEUDO:
        return _PseudoTranslations()
    if lang not in CATALOGUED:
        return gettext.NullTranslations()
    compiled = polib.pofile(str(po_path(lang)), encoding="utf-8").to_binary()
    return gettext.GNUTranslations(io.BytesIO(compiled))
