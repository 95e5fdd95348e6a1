"""The bundled NanumGothic is registered and really carries Hangul glyphs, so Korean never renders as boxes."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QRawFont
from PySide6.QtWidgets import QApplication

from ui.common.fonts import BUNDLED_FAMILY, FONT_FILES, JAPANESE_FAMILY, register_bundled_fonts
from ui.resources import resource_path

HANGUL_SAMPLE = "잠금 해제 복구 키 암호 문구 보관함"


def test_font_files_and_licence_are_shipped() -> None:
    for name in FONT_FILES:
        assert resource_path("fonts", name).stat().st_size > 1_000_000
    assert "SIL OPEN FONT LICENSE" in resource_path("fonts", "OFL.txt").read_text(encoding="utf-8")


def test_bundled_family_is_registered(app_with_font: QApplication) -> None:
    assert BUNDLED_FAMILY in register_bundled_fonts()
    assert BUNDLED_FAMILY in QFontDatabase.families()
    assert BUNDLED_FAMILY in app_with_font.font().families()


def test_bundled_font_has_hangul_glyphs(app_with_font: QApplication) -> None:
    font = QFont(BUNDLED_FAMILY, 12)
    metrics = QFontMetrics(font)
    raw = QRawFont.fromFont(font)
    assert raw.isValid()
    assert raw.familyName() == BUNDLED_FAMILY
    from_file = QRawFont(str(resource_path("fonts", "NanumGothic.ttf")), 12)
    assert from_file.isValid()
    for ch in HANGUL_SAMPLE.replace(" ", ""):
        assert metrics.inFontUcs4(ord(ch)), ch
        # The uint (UCS-4) overload: PySide6's str overload goes through a 16-bit QChar and misreports Hangul.
        assert raw.supportsCharacter(ord(ch)), ch
        assert from_file.supportsCharacter(ord(ch)), ch
    # A character outside the font is reported missing, so the checks above can fail.
    assert not raw.supportsCharacter(0x1F600)


def test_resource_path_refuses_escapes() -> None:
    for bad in ("..", "/etc/passwd", "a/../../b", ""):
        with pytest.raises(ValueError):
            resource_path("fonts", bad)


def _japanese_characters() -> set[str]:
    import polib

    from ui.i18n.catalogs import po_path

    text = "".join(e.msgstr + "".join(e.msgstr_plural.values()) for e in polib.pofile(str(po_path("ja"))))
    return {ch for ch in text if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
            or "\uff00" <= ch <= "\uffef"}


def test_bundled_japanese_font_draws_every_kana_and_kanji_of_the_japanese_catalogue() -> None:
    # From the file itself: this machine may have a system CJK font that would hide a gap in the bundled one.
    raw = QRawFont(str(resource_path("fonts", "NotoSansJP-Regular.otf")), 12)
    assert raw.isValid() and raw.familyName() == JAPANESE_FAMILY
    needed = _japanese_characters()
    assert len(needed) > 300, "the Japanese catalogue looks empty"
    missing = sorted(ch for ch in needed if not raw.supportsCharacter(ord(ch)))
    assert not missing, missing
    for ch in "ぁゔヴ々〆𠮟":  # small kana, vu, iteration marks; 𠮟 is the jōyō kanji outside JIS X 0208
        assert raw.supportsCharacter(ord(ch)), ch
    assert not raw.supportsCharacter(ord("한"))  # Hangul stays NanumGothic's: the subset kept Japanese only
    assert resource_path("fonts", "NotoSansJP-Regular.otf").stat().st_size < 5_000_000
    assert "SIL OPEN FONT LICENSE" in resource_path("fonts", "OFL-NotoSansCJK.txt").read_text(encoding="utf-8")


def test_japanese_font_comes_first_in_japanese_only(app_with_font: QApplication) -> None:
    from ui.i18n import set_language

    def bundled_order() -> list[str]:
        return [f for f in app_with_font.font().families() if f in (BUNDLED_FAMILY, JAPANESE_FAMILY)]

    set_language("ja")
    assert bundled_order() == [JAPANESE_FAMILY, BUNDLED_FAMILY]
    set_language("ko")
    assert bundled_order()[-1] == BUNDLED_FAMILY or bundled_order() == [BUNDLED_FAMILY, JAPANESE_FAMILY]
    set_language("en")
    assert bundled_order()[-1] == BUNDLED_FAMILY or bundled_order() == [BUNDLED_FAMILY, JAPANESE_FAMILY]


def _drawing_families(app: QApplication, text: str) -> set[str]:
    """The families Qt really draws ``text`` with in the application font (one per glyph run)."""
    from PySide6.QtGui import QTextLayout

    layout = QTextLayout(text, QFont(app.font()))
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return {run.rawFont().familyName() for run in layout.glyphRuns()}


@pytest.mark.skipif(__import__("intake_app.resources", fromlist=["x"]).noto_cjk_path("Regular") is None,
                    reason="no Noto Sans CJK collection here (the packaged app carries one)")
def test_one_cjk_family_in_the_languages_locale_draws_hangul_and_japanese_only_kanji(app_with_font: QApplication) -> None:
    """Issue 29: 証 県 壌 撃 (Japanese forms NanumGothic lacks) came from the Japanese font, bolder than the Hangul
    around them. Now a Korean screen draws Hangul, hanja and those kanji with Noto Sans CJK KR, a Japanese one with
    Noto Sans CJK JP."""
    from ui.common.fonts import KOREAN_CJK_FAMILY
    from ui.i18n import set_language

    text = "평양 証明 함경북도 県 壌 撃 보위부 漢字"
    set_language("ko")
    assert _drawing_families(app_with_font, text) == {KOREAN_CJK_FAMILY}
    set_language("en")
    assert _drawing_families(app_with_font, text) == {KOREAN_CJK_FAMILY}
    set_language("ja")
    assert _drawing_families(app_with_font, "証明書 平壌 攻撃 県庁 ひらがな カタカナ") == {JAPANESE_FAMILY}
