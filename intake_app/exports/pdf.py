"""PDF documents drawn by the Qt-free core with reportlab, with the bundled Hangul font embedded.

Text is real text (TrueType subset embedded, with its ToUnicode map), so ``pdftotext`` extracts it and a reader can
search and copy it. Output is deterministic for the same input (reportlab's invariant mode: fixed dates and ids), so
the SHA-256 recorded in the audit log identifies the content. Every string from the vault is XML-escaped before it
reaches reportlab's paragraph markup: a name such as ``<b>`` is text, never markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from intake_app.resources import font_path

FONT, FONT_BOLD = "NanumGothic", "NanumGothic-Bold"
_registered = False


def _register_fonts() -> None:
    global _registered  # noqa: PLW0603 - reportlab's font registry is process-wide; register once
    if _registered:
        return
    pdfmetrics.registerFont(TTFont(FONT, str(font_path("NanumGothic.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(font_path("NanumGothicBold.ttf"))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    _registered = True


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=15, leading=20, spaceAfter=6),
        "h": ParagraphStyle("h", parent=base, fontName=FONT_BOLD, fontSize=11.5, leading=16, spaceBefore=8,
                            spaceAfter=3),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
    }


def text(value: object) -> str:
    """Escape a value for paragraph markup (the only way vault text enters a PDF)."""
    return escape(str(value), {'"': "&quot;"})


@dataclass
class Document:
    """A simple flowing document: headings, paragraphs, label/value tables and bullet lists."""

    title: str
    story: list[Flowable] = field(default_factory=list)

    def __post_init__(self) -> None:
        _register_fonts()
        self.styles = _styles()
        self.story.append(Paragraph(text(self.title), self.styles["title"]))

    def heading(self, value: str) -> None:
        self.story.append(Paragraph(text(value), self.styles["h"]))

    def para(self, value: str, style: str = "body") -> None:
        self.story.append(Paragraph(text(value), self.styles[style]))

    def bullets(self, items: Sequence[str]) -> None:
        for item in items:
            self.story.append(Paragraph("• " + text(item), self.styles["body"]))

    def fields(self, rows: Sequence[tuple[str, str]]) -> None:
        """A two-column table of label and value."""
        if not rows:
            return
        cell = self.styles["cell"]
        data = [[Paragraph(text(k), cell), Paragraph(text(v), cell)] for k, v in rows]
        table = Table(data, colWidths=[50 * mm, 120 * mm])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eeeeee")),
        ]))
        self.story.append(table)
        self.story.append(Spacer(1, 3 * mm))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        cell = self.styles["cell"]
        data = [[Paragraph("<b>" + text(h) + "</b>", cell) for h in header]]
        data += [[Paragraph(text(v), cell) for v in row] for row in rows]
        table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ]))
        self.story.append(table)
        self.story.append(Spacer(1, 3 * mm))

    def render(self, footer: str = "") -> bytes:
        """The PDF bytes, built in memory (never a temp file)."""
        buffer = io.BytesIO()

        def on_page(canvas: object, doc: object) -> None:
            canvas.saveState()  # type: ignore[attr-defined]
            canvas.setFont(FONT, 7.5)  # type: ignore[attr-defined]
            page = canvas.getPageNumber()  # type: ignore[attr-defined]
            canvas.drawString(18 * mm, 10 * mm, f"{footer}  —  {page}")  # type: ignore[attr-defined]
            canvas.restoreState()  # type: ignore[attr-defined]

        doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                                bottomMargin=18 * mm, title=self.title, author="", subject="", creator="Testimony Intake",
                                invariant=True)
        doc.build(list(self.story), onFirstPage=on_page, onLaterPages=on_page)
        return buffer.getvalue()
