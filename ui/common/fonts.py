"""The bundled fonts, registered at start so Hangul and kana never render as boxes.

NanumGothic (SIL OFL 1.1) carries Hangul; NotoSansJP (Noto Sans CJK JP cut down to Japanese by
``tools/subset_japanese_font.py``, SIL OFL 1.1) carries kana and the kanji in their Japanese shapes. A fresh machine
often has no CJK font at all, and Qt then draws every such character as a box. The application font keeps the
platform's own family first (so Latin text looks native) and lists the bundled families after it: Qt takes each glyph
from the first family in the list that has it. Their order follows the language: NanumGothic also has kana and the
KS X 1001 hanja, so in Japanese the Japanese font comes first (Japanese kanji shapes, matching kana), and in Korean
and English NanumGothic does (Korean hanja shapes; Hangul is only in NanumGothic either way).

One CJK family, in the language's locale, where it exists: the Noto Sans CJK collections the PDF exports use
(``intake_app.resources.noto_cjk_path``: the packaged copy, else Debian's fonts-noto-cjk) hold every CJK character in
each of five locale faces. When they are there, "Noto Sans CJK KR" comes first in Korean and English and "Noto Sans
CJK JP" in Japanese, so Hangul, hanja, kana and the Japanese-only kanji (証 県 壌 撃) of one screen come from one
design and weight in that locale's glyph shapes. Without them, NanumGothic lacks those kanji and Qt takes them from
the Japanese subset, whose strokes are heavier: a Korean screen then shows them bolder than the Hangul around them
(issue 29). The bundled families stay behind as the fallback.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ui.i18n import LANGUAGE_HOOKS, current_language
from ui.resources import resource_path

BUNDLED_FAMILY = "NanumGothic"
JAPANESE_FAMILY = "Noto Sans CJK JP"
KOREAN_CJK_FAMILY = "Noto Sans CJK KR"
CJK_FACE_FAMILIES = ("Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK HK")
FONT_FILES = ("NanumGothic.ttf", "NanumGothicBold.ttf", "NotoSansJP-Regular.otf")
_families: dict[str, list[str]] = {"platform": [], "bundled": []}


def register_bundled_fonts() -> list[str]:
    """Add the bundled fonts to Qt's font database; return the families they provide (empty if a file is missing)."""
    families: list[str] = []
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
        if font_id < 0:
            continue
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if family not in families:
                families.append(family)
    return families


def register_cjk_collection() -> list[str]:
    """Make the Noto Sans CJK families known to Qt (from the collections' files unless the system has them already);
    return the locale families available, empty when neither the program nor the system has the collection."""
    from intake_app.resources import noto_cjk_path  # noqa: PLC0415 - a file lookup only

    known = set(QFontDatabase.families())
    if KOREAN_CJK_FAMILY not in known:
        for weight in ("Regular", "Bold"):
            path = noto_cjk_path(weight)
            if path is not None:
                QFontDatabase.addApplicationFont(str(path))
        known = set(QFontDatabase.families())
    return [f for f in CJK_FACE_FAMILIES if f in known] if KOREAN_CJK_FAMILY in known else []


def fallback_order(lang: str, bundled: list[str]) -> list[str]:
    """The bundled families in the order ``lang`` wants them after the platform's own: with the Noto Sans CJK
    collection, its face for the language first (one family for every CJK character of the screen)."""
    if KOREAN_CJK_FAMILY in bundled:
        first = [JAPANESE_FAMILY if lang == "ja" else KOREAN_CJK_FAMILY]
        order = [*first, JAPANESE_FAMILY if lang != "ja" else KOREAN_CJK_FAMILY, BUNDLED_FAMILY]
        return [f for f in order if f in bundled] + [f for f in bundled if f not in order]
    first_family = JAPANESE_FAMILY if lang == "ja" else BUNDLED_FAMILY
    return sorted(bundled, key=lambda family: family != first_family)


def apply_language_font(app: QApplication, lang: str) -> None:
    """Put the bundled families after the platform's, in the order the language needs."""
    if not _families["bundled"]:
        return
    font = QFont(app.font())
    font.setFamilies([*_families["platform"], *fallback_order(lang, _families["bundled"])])
    app.setFont(font)


def install_application_font(app: QApplication) -> None:
    """Register the bundled fonts and make them the fallback for every widget's text, in the current language's order."""
    families = register_bundled_fonts()
    families += [f for f in register_cjk_collection() if f not in families and f in (JAPANESE_FAMILY, KOREAN_CJK_FAMILY)]
    font = QFont(app.font())
    current = [f for f in font.families() if f and f not in families] or [font.family()]
    _families["platform"], _families["bundled"] = current, [f for f in families if f not in current]
    if apply_language_font not in LANGUAGE_HOOKS:
        LANGUAGE_HOOKS.append(apply_language_font)
    apply_language_font(app, current_language())


def monospace_font(point_size: int) -> QFont:
    """A fixed-pitch font for the recovery key (ASCII only), large enough to copy by hand."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(point_size)
    font.setBold(True)
    return font
