"""HQ "All testimonies" has the field list's search (snippets), filters and sorting, and an interviewer filter
(issue 13.9), from the same widget the interviewer's list uses."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from intake_app.records import interchange
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.common.search_results import SnippetHtmlRole
from ui.common.testimony_browser import TestimonyBrowser
from ui.common.testimony_list_model import Column
from ui.hq.consolidated_page import ConsolidatedPage

WAIT_MS = 20_000


def _doc(interviewer: str, date: str, narrative: str, category: int) -> dict[str, object]:
    return {"interview": {"date": date, "language": "ko", "interviewer": interviewer},
            "interviewee": {"pseudonym": f"W-{interviewer}-{date}"}, "narrative": narrative,
            "victims": [{"names": [{"hangul": "김철"}], "categories": [category]}]}


def test_search_filters_sorting_and_interviewer_filter_at_hq(qtbot: QtBot, tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "hq", "우리 집 강아지는 눈 오는 날을 좋아합니다", "hq")
    store = RecordStore(vault)
    for doc in (_doc("I-1", "2024-01-05", "청진역 앞에서 헤어졌습니다", 2),
                _doc("I-2", "2024-03-09", "회령에서 잡혔습니다", 3),
                _doc("I-2", "2023-11-20", "청진에서 일했습니다", 2)):
        store.save(interchange.validate(doc))
    worker = DbWorker(vault)
    page = ConsolidatedPage(worker)
    qtbot.addWidget(page)
    page.show()
    assert isinstance(page.browser, TestimonyBrowser)  # the shared widget, not a copy
    page.refresh()
    page.refresh_devices()
    qtbot.waitUntil(lambda: page.model.total == 3 and page.interviewer_combo.count() == 3, timeout=WAIT_MS)
    assert page.count_label.text() == "3 testimonies."

    # Search: results with highlighted snippets replace the list.
    page.browser.search_edit.setText("청진")
    qtbot.waitUntil(lambda: page.browser.views.currentWidget() is page.browser.results, timeout=WAIT_MS)
    model = page.browser.search_model
    assert model.rowCount() == 2 and "<b>청진</b>" in str(model.data(model.index(0, 0), SnippetHtmlRole))
    assert page.count_label.text() == "2 testimonies match."
    page.browser.search_edit.clear()
    assert page.browser.views.currentWidget() is page.table

    # The interviewer filter, then a category filter on top.
    with qtbot.waitSignal(page.model.loaded, timeout=WAIT_MS):
        page.interviewer_combo.setCurrentIndex(page.interviewer_combo.findData("I-2"))
        page.interviewer_combo.activated.emit(page.interviewer_combo.currentIndex())
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=WAIT_MS)
    assert set(page.column_texts(Column.INTERVIEWER)) == {"I-2"}
    category = page.browser.category
    with qtbot.waitSignal(page.model.loaded, timeout=WAIT_MS):
        category.setCurrentIndex(category.findData(3))
        category.activated.emit(category.currentIndex())
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=WAIT_MS)
    page.filter_interviewer(None)
    category.setCurrentIndex(0)
    with qtbot.waitSignal(page.model.loaded, timeout=WAIT_MS):
        category.activated.emit(0)
    qtbot.waitUntil(lambda: page.model.total == 3, timeout=WAIT_MS)

    # Sorting by the header, oldest interview first.
    with qtbot.waitSignal(page.model.loaded, timeout=WAIT_MS):
        page.table.sortByColumn(int(Column.DATE), Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 3, timeout=WAIT_MS)
    dates = page.column_texts(Column.DATE)
    assert dates == sorted(dates) and dates[0].startswith("2023")
    worker.shutdown()
    vault.lock()
