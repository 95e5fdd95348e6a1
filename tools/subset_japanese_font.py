"""Make the bundled Japanese font: Noto Sans CJK JP cut down to what Japanese text needs (developer tool, run once).

``python -m tools.subset_japanese_font /usr/share/fonts/opentype/noto`` (Debian package fonts-noto-cjk; needs
``pip install fonttools``) writes ``ui/resources/fonts/NotoSansJP-Regular.otf``. The full Noto Sans CJK face
has 65,535 glyphs for Chinese, Japanese and Korean (~16 MB per weight); the app needs Japanese only, and Hangul comes
from the bundled NanumGothic. Kept: ASCII and Latin-1, general and CJK punctuation, hiragana, katakana, half- and
full-width forms, and every kanji of JIS X 0213 (levels 1–4: all jōyō, jinmeiyō and the place-name kanji, 11,233
characters), enumerated with Python's ``euc_jis_2004`` codec so the list needs no data file. Glyph shapes are the
Japanese ones (the JP face of the collection), which differ from the Korean and Chinese forms of the same code points.
The font is under the SIL Open Font License 1.1 (``OFL-NotoSansCJK.txt``), which allows subsetting and has no Reserved
Font Name for Noto.
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parents[1] / "ui" / "resources" / "fonts"
# Regular only: Qt emboldens it for bold text (headings), and a second weight would add as much again to the build.
FACES = {"Regular": "NotoSansCJK-Regular.ttc"}
JP_INDEX = 0  # "Noto Sans CJK JP" is the first face of each collection
RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2190, 0x21FF), (0x2460, 0x24FF), (0x25A0, 0x25FF),
          (0x3000, 0x30FF), (0x31F0, 0x31FF), (0xFF00, 0xFFEF))


def jis_x_0213() -> set[int]:
    """Every character of JIS X 0213 planes 1 and 2, through the EUC-JIS-2004 codec."""
    found: set[int] = set()
    for lead in range(0xA1, 0xFF):
        for trail in range(0xA1, 0xFF):
            for raw in (bytes((lead, trail)), bytes((0x8F, lead, trail))):
                try:
                    text = raw.decode("euc_jis_2004")
                except UnicodeDecodeError:
                    continue
                found.update(ord(ch) for ch in text)
    return found


def codepoints() -> set[int]:
    wanted = jis_x_0213()
    for first, last in RANGES:
        wanted.update(range(first, last + 1))
    return wanted


def main(argv: list[str]) -> int:
    from fontTools import subset  # noqa: PLC0415 (a developer dependency, not the app's)
    from fontTools.ttLib import TTCollection  # noqa: PLC0415

    if len(argv) != 1:
        print("usage: python -m tools.subset_japanese_font DIR_WITH_NOTO_SANS_CJK_TTC", file=sys.stderr)
        return 2
    unicodes = sorted(codepoints())
    for weight, name in FACES.items():
        font = TTCollection(str(Path(argv[0]) / name)).fonts[JP_INDEX]
        options = subset.Options()
        # Kerning and vertical forms only: fontTools' default set keeps "locl", whose lookups reach the Korean and
        # Chinese glyph variants of the collection (30,000 glyphs, 8 MB); "*" pulls in every jp78/expert alternate.
        options.layout_features = ["kern", "palt", "halt", "vert", "vrt2"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        out = OUT_DIR / f"NotoSansJP-{weight}.otf"
        font.save(str(out))
        print(f"{out.name}: {len(font.getGlyphOrder())} glyphs, {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
