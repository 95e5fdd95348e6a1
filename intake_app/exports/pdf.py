"""PDF documents drawn by the Qt-free core with reportlab, with a CJK font subset embedded (pdf_fonts.py).

Text is real text (TrueType subset embedded, with its ToUnicode map), so ``pdftotext`` extracts it and a reader can
search and copy it. Output is deterministic for the same input (reportlab's invariant mode: fixed dates and ids), so
the SHA-256 recorded in the audit log identifies the content. Every string from the vault is XML-escaped before it
reaches reportlab's paragraph markup: a name such as ``<b>`` is text, never markup.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from intake_app.exports import pdf_fonts


def _styles(font: str, bold: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=14)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=15, leading=20, spaceAfter=6),
        "h": ParagraphStyle("h", parent=base, fontName=bold, fontSize=11.5, leading=16, spaceBefore=8,
                            spaceAfter=3),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=bold, fontSize=9, leading=12),
    }


def text(value: object) -> str:
    """Escape a value for paragraph markup (the only way vault text enters a PDF). Invisible format characters
    (zero-width space, soft hyphen, …: Unicode category Cf) draw nothing and no font has a glyph for them, so they are
    left out rather than refusing the export (pdf_fonts.MissingGlyphs is for characters that would show)."""
    return escape(pdf_fonts.visible(str(value)), {'"': "&quot;"})


_Build = Callable[[dict[str, ParagraphStyle]], list[Flowable]]


def _fields(rows: Sequence[tuple[str, str]], styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    cell = styles["cell"]
    table = Table([[Paragraph(text(k), cell), Paragraph(text(v), cell)] for k, v in rows],
                  colWidths=[50 * mm, 120 * mm])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eeeeee")),
    ]))
    return [table, Spacer(1, 3 * mm)]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
           styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    cell = styles["cell"]
    data = [[Paragraph(text(h), styles["cell_bold"]) for h in header]]
    data += [[Paragraph(text(v), cell) for v in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ]))
    return [table, Spacer(1, 3 * mm)]


@dataclass
class Document:
    """A simple flowing document: headings, paragraphs, label/value tables and bullet lists.

    Content is collected first and laid out in :meth:`render`, once every character is known: the embedded font is
    a subset of exactly those characters (:mod:`intake_app.exports.pdf_fonts`).
    """

    title: str
    _parts: list[_Build] = field(default_factory=list)
    _texts: list[str] = field(default_factory=list)

    def _add(self, texts: Sequence[str], build: _Build) -> None:
        self._texts.extend(str(t) for t in texts)
        self._parts.append(build)

    def heading(self, value: str) -> None:
        self._add([value], lambda st: [Paragraph(text(value), st["h"])])

    def para(self, value: str, style: str = "body") -> None:
        self._add([value], lambda st: [Paragraph(text(value), st[style])])

    def bullets(self, items: Sequence[str]) -> None:
        items = list(items)
        self._add(["• ", *items], lambda st: [Paragraph("• " + text(i), st["body"]) for i in items])

    def fields(self, rows: Sequence[tuple[str, str]]) -> None:
        """A two-column table of label and value."""
        rows = list(rows)
        if rows:
            self._add([v for r in rows for v in r], lambda st: _fields(rows, st))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        header, rows = list(header), [list(r) for r in rows]
        self._add([*header, *(v for r in rows for v in r)], lambda st: _table(header, rows, widths, st))

    def texts(self) -> list[str]:
        """Every string the document draws (the footer excepted), in order: what a rendering test compares."""
        return [self.title, *self._texts]

    def render(self, footer: str = "") -> bytes:
        """The PDF bytes, built in memory (never a temp file)."""
        font, bold = pdf_fonts.register_for([*self.texts(), footer, "—0123456789 "])
        styles = _styles(font, bold)
        story: list[Flowable] = [Paragraph(text(self.title), styles["title"])]
        for build in self._parts:
            story.extend(build(styles))
        buffer = io.BytesIO()

        def on_page(canvas: object, doc: object) -> None:
            canvas.saveState()  # type: ignore[attr-defined]
            canvas.setFont(font, 7.5)  # type: ignore[attr-defined]
            page = canvas.getPageNumber()  # type: ignore[attr-defined]
            canvas.drawString(18 * mm, 10 * mm, f"{footer}  —  {page}")  # type: ignore[attr-defined]
            canvas.restoreState()  # type: ignore[attr-defined]

        doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                                bottomMargin=18 * mm, title=self.title, author="", subject="", creator="Testimony Intake",
                                invariant=True)
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
        return buffer.getvalue()
