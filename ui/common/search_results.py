"""Instant search: a debounced query runs on the DB worker; results show a snippet with the matches highlighted.

Typing restarts a short timer; when it fires, the previous search job is cancelled and a new one submitted, so the
GUI thread never runs a query and a slow old query never overwrites a newer answer. Snippets are untrusted text
(they come from testimonies, possibly imported): they are cleaned of control/bidi characters and HTML-escaped before
the matches are wrapped in ``<b>``.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from intake_app.display import clean_text
from intake_app.records.store import SearchResult
from ui.common.db_worker import DbWorker, Job, JobContext
from ui.i18n import tr

DEBOUNCE_MS = 250
RESULT_LIMIT = 100
Index = QModelIndex | QPersistentModelIndex
SnippetHtmlRole = Qt.ItemDataRole.UserRole + 2
RecordIdRole = Qt.ItemDataRole.UserRole + 1


def highlight_html(snippet: str, highlights: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> str:
    """The snippet as HTML: cleaned, escaped, each (start, end) range in ``<b>``; bad ranges are ignored."""
    text = clean_text(snippet)
    out: list[str] = []
    pos = 0
    for start, end in sorted(highlights):
        if start < pos or end <= start or end > len(text):
            continue
        out.append(html.escape(text[pos:start]))
        out.append("<b>" + html.escape(text[start:end]) + "</b>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", " ")


class SearchResultsModel(QAbstractListModel):
    """The results of the latest search; the display role is plain text, ``SnippetHtmlRole`` the highlighted one."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._results: list[SearchResult] = []

    def set_results(self, results: list[SearchResult]) -> None:
        self.beginResetModel()
        self._results = list(results)
        self.endResetModel()

    def clear(self) -> None:
        self.set_results([])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._results)

    def result(self, row: int) -> SearchResult:
        return self._results[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._results):
            return None
        hit = self._results[index.row()]
        heading = self._heading(hit)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{heading} — {clean_text(hit.snippet)}"
        if role == SnippetHtmlRole:
            return f"<span>{html.escape(heading)}</span><br>{highlight_html(hit.snippet, hit.highlights)}"
        if role == RecordIdRole:
            return hit.record_id
        return None

    @staticmethod
    def _heading(hit: SearchResult) -> str:
        summary = hit.summary
        return clean_text(" · ".join(str(part) for part in (summary.get("interview_date"), summary.get("interviewee"))
                                     if part))


class SnippetDelegate(QStyledItemDelegate):
    """Paints ``SnippetHtmlRole`` as rich text (two lines: date · pseudonym, then the snippet)."""

    def _document(self, option: QStyleOptionViewItem, index: Index) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(str(index.data(SnippetHtmlRole) or ""))
        doc.setTextWidth(max(100, option.rect.width()))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        doc = self._document(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, option.rect.width(), option.rect.height()))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        doc = self._document(option, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 4)


class SearchController(QObject):
    """Debounces the query text, runs the search on the DB worker, fills the model with the newest answer only."""

    started = Signal()
    finished = Signal(int)  # how many matches in all
    failed = Signal(str)

    def __init__(self, worker: DbWorker, model: SearchResultsModel, parent: QObject | None = None,
                 debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self._worker = worker
        self.model = model
        self._query = ""
        self._job: Job | None = None
        self.total = 0
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(debounce_ms)
        self.timer.timeout.connect(self._run)

    def set_query(self, text: str) -> None:
        """Called on every keystroke; the search runs once typing pauses."""
        self._query = text.strip()
        self.timer.start()

    def query(self) -> str:
        return self._query

    def is_busy(self) -> bool:
        return self.timer.isActive() or (self._job is not None and not self._job.done and not self._job.cancelled)

    def _run(self) -> None:
        if self._job is not None:
            self._job.cancel()
        query = self._query
        if not query:
            self._job = None
            self.total = 0
            self.model.clear()
            self.finished.emit(0)
            return

        def job(ctx: JobContext) -> tuple[int, list[SearchResult]]:
            results = ctx.records.search(query, limit=RESULT_LIMIT)
            ctx.check_cancelled()
            return ctx.records.search_count(query), results

        self.started.emit()
        self._job = self._worker.submit(job, on_done=self._done, on_error=self._failed)

    def _done(self, result: object) -> None:
        assert isinstance(result, tuple)
        self.total, results = result
        self.model.set_results(results)
        self.finished.emit(self.total)

    def _failed(self, exc: BaseException) -> None:
        self.model.clear()
        self.failed.emit(tr("The search failed: {detail}", detail=str(exc)))

    def clear(self) -> None:
        self.timer.stop()
        if self._job is not None:
            self._job.cancel()
        self._job = None
        self._query = ""
        self.model.clear()
