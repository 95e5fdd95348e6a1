"""The testimony list as a lazy table model: pages of summaries fetched on the DB worker as the view scrolls.

``rowCount`` is what has been loaded; ``canFetchMore``/``fetchMore`` ask the worker for the next page of
``RecordStore.summaries``. Sorting and filtering happen in the database (a 20,000-record vault is never loaded whole):
the interview date and the last change sort both ways (ascending is read as the descending order from the far end),
the other columns keep the current order. Filters: category, interview-date range (an uncertain date matches when it
can fall in the range), victim status.

The device and interviewer columns exist on every vault; a field vault hides them by default (they are the same on
every row there), HQ's consolidated view shows them (``default_hidden_columns``).

Every reset bumps a generation number and cancels the jobs in flight, so a page that arrives after the filters changed
is dropped rather than mixed in. ``clear()`` (on lock) drops every row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from intake_app.records import vocabularies
from ui.common.db_worker import DbWorker, Job, JobContext
from ui.i18n import N_, tr, vocabulary_language

PAGE_SIZE = 200
Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    DATE = 0
    INTERVIEWEE = 1
    VICTIMS = 2
    CATEGORIES = 3
    STATUS = 4
    UPDATED = 5
    DEVICE = 6
    INTERVIEWER = 7


HEADERS = {
    Column.DATE: N_("Interview date"),
    Column.INTERVIEWEE: N_("Interviewee"),
    Column.VICTIMS: N_("Victims"),
    Column.CATEGORIES: N_("Categories"),
    Column.STATUS: N_("Status"),
    Column.UPDATED: N_("Last changed"),
    Column.DEVICE: N_("Device"),
    Column.INTERVIEWER: N_("Interviewer"),
}

# Column → (core order, whether that order is descending).
_SORTS = {Column.DATE: ("date", True), Column.UPDATED: ("updated", True)}

RecordIdRole = Qt.ItemDataRole.UserRole + 1


def default_hidden_columns(role: str) -> set[Column]:
    """Columns a view hides at first: on a field vault every row has the same device and interviewer."""
    return set() if role == "hq" else {Column.DEVICE, Column.INTERVIEWER}


@dataclass(frozen=True)
class Filters:
    """What the list shows; ``None`` means no restriction. Dates are ISO ``YYYY-MM-DD``."""

    category: int | None = None
    since: str | None = None
    until: str | None = None
    status: str | None = None
    device: str | None = None
    interviewer: str | None = None

    def query(self) -> dict[str, Any]:
        return {"category": self.category, "since": self.since, "until": self.until, "status": self.status,
                "device": self.device, "interviewer": self.interviewer}


def _vocab_label(vocab: str, code: object) -> str:
    try:
        return vocabularies.label(vocab, str(code), vocabulary_language())
    except vocabularies.VocabularyError:
        return str(code)


class TestimonyListModel(QAbstractTableModel):
    """Lazy, sortable, filterable testimony summaries. Lives on the GUI thread; reads through the DB worker."""

    __test__ = False  # not a pytest test class despite the name
    loaded = Signal()  # a page arrived (or the total changed)
    failed = Signal(str)

    def __init__(self, worker: DbWorker, parent: QObject | None = None, page_size: int = PAGE_SIZE) -> None:
        super().__init__(parent)
        self._worker = worker
        self._page_size = page_size
        self._rows: list[dict[str, Any]] = []
        self._total = 0
        self._filters = Filters()
        self._sort_column = Column.DATE
        self._sort_order = Qt.SortOrder.DescendingOrder
        self._generation = 0
        self._jobs: list[Job] = []
        self._fetching = False

    # ---- state
    @property
    def total(self) -> int:
        """How many records match the filters (known after the first page arrives)."""
        return self._total

    @property
    def filters(self) -> Filters:
        return self._filters

    def is_busy(self) -> bool:
        return self._fetching

    def set_filters(self, filters: Filters) -> None:
        self._filters = filters
        self.refresh()

    def update_filters(self, **changes: Any) -> None:
        self.set_filters(replace(self._filters, **changes))

    def refresh(self) -> None:
        """Drop the loaded rows and load the first page again (after a save, an import or a filter change)."""
        self._reset_rows()
        self._fetch_page(0, with_count=True)

    def clear(self) -> None:
        """Forget every row (on lock); nothing is fetched until ``refresh``."""
        self._reset_rows()
        self._total = 0

    def _reset_rows(self) -> None:
        self._generation += 1
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        self._fetching = False
        self.beginResetModel()
        self._rows = []
        self.endResetModel()

    # ---- lazy loading
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        if self.canFetchMore(parent):
            self._fetch_page(len(self._rows), with_count=False)

    def _fetch_page(self, start: int, with_count: bool) -> None:
        generation = self._generation
        filters = self._filters.query()
        order, descending = _SORTS.get(self._sort_column, ("date", True))
        want_descending = self._sort_order == Qt.SortOrder.DescendingOrder
        reverse = descending != want_descending
        limit = self._page_size

        def job(ctx: JobContext) -> tuple[int, list[dict[str, Any]]]:
            total = ctx.records.count(**filters) if with_count else -1
            if not reverse:
                return total, ctx.records.summaries(**filters, order=order, limit=limit, offset=start)
            # Ascending = the descending order read from the far end, a page at a time.
            known = total if total >= 0 else ctx.records.count(**filters)
            end = known - start
            first = max(0, end - limit)
            page = ctx.records.summaries(**filters, order=order, limit=end - first, offset=first)
            page.reverse()
            return total, page

        self._fetching = True
        self._jobs.append(self._worker.submit(
            job, on_done=lambda result: self._page_arrived(generation, result),
            on_error=lambda exc: self._page_failed(generation, exc)))

    def _page_arrived(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self._jobs = [j for j in self._jobs if not j.done]
        assert isinstance(result, tuple)
        total, page = result
        if total >= 0:
            self._total = total
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()
        self.loaded.emit()

    def _page_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self.failed.emit(str(exc))

    # ---- Qt model API
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(
                Column):
            return tr(HEADERS[Column(section)])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == RecordIdRole:
            return row.get("id")
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.display_text(row, Column(index.column()))
        return None

    @staticmethod
    def display_text(row: dict[str, Any], column: Column) -> str:
        """The text shown for ``row`` in ``column`` (vocabulary codes as labels in the current language)."""
        if column == Column.DATE:
            return str(row.get("interview_date") or "")
        if column == Column.INTERVIEWEE:
            return str(row.get("interviewee") or "")
        if column == Column.VICTIMS:
            return ", ".join(name if name else tr("(unnamed)") for name in row.get("victims") or [])
        if column == Column.CATEGORIES:
            return ", ".join(str(c) for c in row.get("categories") or [])
        if column == Column.STATUS:
            return ", ".join(_vocab_label("whereabouts_status", s) for s in row.get("statuses") or [])
        if column == Column.UPDATED:
            return str(row.get("updated_at") or "")[:16].replace("T", " ")
        if column == Column.DEVICE:
            # The laptop that recorded the testimony, as the device filter means it (not HQ after a decision).
            return str(row.get("first_device") or row.get("device") or "")[:16]
        return str(row.get("interviewer") or "")

    def record_id(self, row: int) -> str | None:
        if 0 <= row < len(self._rows):
            value = self._rows[row].get("id")
            return str(value) if value else None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in the database by interview date or last change; other columns are not sortable (no-op)."""
        if column not in _SORTS:
            return
        self._sort_column = Column(column)
        self._sort_order = order
        self.refresh()

    def is_sortable(self, column: int) -> bool:
        return column in _SORTS
