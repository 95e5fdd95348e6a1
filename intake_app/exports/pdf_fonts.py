"""The PDF font: a subset of Noto Sans CJK (Korean face) holding exactly the characters of one document.

Noto Sans CJK covers Hangul, kana, and the CJK Unified Ideographs (with extension A and the compatibility block) used
in Korean, Japanese, Simplified and Traditional Chinese, and Latin; NanumGothic, embedded before, lacks most Simplified
Chinese (丹东 printed as "丹 "). Its outlines are PostScript (CFF), which reportlab cannot embed, so the characters a
document uses are subset with fontTools and their outlines converted to TrueType quadratics (cu2qu, error at most one
font unit) in memory; reportlab then embeds that font as a subset with its ToUnicode map, so ``pdftotext`` gives the
text back. The result is deterministic: the same characters give the same font bytes (timestamps kept from the source).

The font file is looked up in the program's fonts directory first (``ui/resources/fonts/NotoSansCJK-Regular.ttc`` and
``-Bold.ttc``, copied there by the packaging), then where Debian's ``fonts-noto-cjk`` installs it. A document holding
a character no available font can draw is refused with :class:`MissingGlyphs`: a silently dropped character in a case
sent to the UN is worse than no case.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont as ToolsFont
from fontTools.ttLib import newTable
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from intake_app.errors import RefusedError
from intake_app.resources import noto_cjk_path

KOREAN_FACE = 1  # index of "Noto Sans CJK KR" in the collection (0 JP, 1 KR, 2 SC, 3 TC, 4 HK)
_MAX_ERROR = 1.0
# Characters never drawn: line breaks and the like are layout, not glyphs.
_LAYOUT = frozenset("\n\r\t")


class MissingGlyphs(RefusedError):
    """The document holds characters that no available font can draw."""


def _find(weight: str) -> Path | None:
    return noto_cjk_path(weight)


@lru_cache(maxsize=2)
def _cmap(path: Path) -> frozenset[int]:
    font = ToolsFont(str(path), fontNumber=KOREAN_FACE, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def _to_truetype(font: ToolsFont) -> None:
    """Replace the CFF outlines of ``font`` by TrueType quadratic outlines (in place)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, _MAX_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        advance, _ = hmtx[name]
        hmtx[name] = advance, getattr(glyph, "xMin", 0)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font.sfntVersion = "\x00\x01\x00\x00"


def _subset_bytes(path: Path, chars: str, ps_name: str) -> bytes:
    font = ToolsFont(str(path), fontNumber=KOREAN_FACE, recalcTimestamp=False, recalcBBoxes=True)
    try:
        # reportlab draws plain cmap glyphs (no shaping, horizontal only): the layout and vertical tables are
        # dropped unread, which is most of the time a subset takes.
        for table in ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea", "vmtx", "VORG", "DSIG"):
            if table in font:
                del font[table]
        options = subset.Options()
        options.layout_features = []  # no shaping in reportlab: plain cmap glyphs only
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.hinting = False
        options.desubroutinize = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted({ord(c) for c in chars}))
        subsetter.subset(font)
        _to_truetype(font)
        # reportlab files a font face under its PostScript name, process-wide: each subset gets its own.
        for record in font["name"].names:
            if record.nameID == 6:
                record.string = ps_name
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()
    finally:
        font.close()


def visible(value: str) -> str:
    """``value`` without invisible format characters (Unicode category Cf), which no font draws."""
    return "".join(c for c in value if unicodedata.category(c) != "Cf")


def _needed(texts: Iterable[str]) -> str:
    return "".join(sorted({c for t in texts for c in visible(t) if c not in _LAYOUT} | {" "}))


def register_for(texts: Iterable[str]) -> tuple[str, str]:
    """Register (once per character set) regular and bold fonts able to draw every character of ``texts``; returns
    their reportlab names. Raises :class:`MissingGlyphs` naming the characters no font holds."""
    chars = _needed(texts)
    names = []
    for weight in ("Regular", "Bold"):
        path = _find(weight) or _find("Regular")
        if path is None:
            raise MissingGlyphs("the PDF font (Noto Sans CJK) is not installed with the program")
        missing = sorted({c for c in chars if ord(c) not in _cmap(path)})
        if missing:
            shown = " ".join(f"{c} (U+{ord(c):04X})" for c in missing[:20])
            raise MissingGlyphs(f"the PDF font cannot draw these characters: {shown}")
        name = f"NotoSansCJKkr-{weight}-{hashlib.sha256(chars.encode('utf-8')).hexdigest()[:16]}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, io.BytesIO(_subset_bytes(path, chars, name))))
        names.append(name)
    return names[0], names[1]
