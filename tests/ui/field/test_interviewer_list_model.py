"""The testimony list model, tested without a view: row counts, lazy pages, sorting both ways, filters, clear."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.common.testimony_list_model import Column, Filters, RecordIdRole, TestimonyListModel, default_hidden_columns
from ui.i18n import set_language

PASSPHRASE = "correct horse battery staple 2024"
COUNT = 23


def make_testimony(i: int) -> dict[str, Any]:
    """Interviews on distinct days of 2020 (i-th day), categories alternating 6/7, every third victim released."""
    month, day = 1 + i // 28, 1 + i % 28
    return {
        "interview": {"date": f"2020-{month:02d}-{day:02d}", "language": "ko", "interviewer": f"I-{i % 2}"},
        "interviewee": {"pseudonym": f"W-{i:03d}"},
        "narrative": f"증언 {i}",
        "victims": [{"names": [{"hangul": f"김{i}"}], "categories": [6 if i % 2 else 7],
                     "status": "released" if i % 3 == 0 else "missing"}],
    }


@pytest.fixture
def model(qtbot: QtBot, vault_path: Path) -> Iterator[TestimonyListModel]:
    vault, _ = Vault.create(vault_path, PASSPHRASE, "field")
    store = RecordStore(vault)
    for i in range(COUNT):
        store.add_json(json.dumps(make_testimony(i)).encode())
    worker = DbWorker(vault)
    m = TestimonyListModel(worker, page_size=10)
    yield m
    worker.shutdown()
    vault.lock()


def _load(qtbot: QtBot, model: TestimonyListModel) -> None:
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.refresh()


def _column(model: TestimonyListModel, column: Column) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def _fetch_all(qtbot: QtBot, model: TestimonyListModel) -> None:
    while model.canFetchMore(QModelIndex()):
        with qtbot.waitSignal(model.loaded, timeout=10_000):
            model.fetchMore(QModelIndex())


def test_rows_arrive_a_page_at_a_time(qtbot: QtBot, model: TestimonyListModel) -> None:
    assert model.rowCount() == 0 and model.columnCount() == len(Column)
    _load(qtbot, model)
    assert model.total == COUNT and model.rowCount() == 10
    assert model.canFetchMore(QModelIndex())
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 20
    _fetch_all(qtbot, model)
    assert model.rowCount() == COUNT and not model.canFetchMore(QModelIndex())
    assert len(set(_column(model, Column.INTERVIEWEE))) == COUNT
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Interview date"
    assert model.data(model.index(0, 0), RecordIdRole) == model.record_id(0)


def test_sorted_by_date_both_ways_across_pages(qtbot: QtBot, model: TestimonyListModel) -> None:
    _load(qtbot, model)
    _fetch_all(qtbot, model)
    descending = _column(model, Column.DATE)
    assert descending == sorted(descending, reverse=True)
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.sort(Column.DATE, Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == 10
    _fetch_all(qtbot, model)
    assert _column(model, Column.DATE) == sorted(descending)
    model.sort(Column.VICTIMS)  # not sortable in the database: ignored, nothing reloads
    assert model.rowCount() == COUNT and not model.is_sortable(Column.VICTIMS)


def test_filters_by_category_status_and_date_range(qtbot: QtBot, model: TestimonyListModel) -> None:
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.set_filters(Filters(category=6))
    assert model.total == sum(1 for i in range(COUNT) if i % 2)
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.update_filters(status="released")
    expected = [i for i in range(COUNT) if i % 2 and i % 3 == 0]
    assert model.total == len(expected) == model.rowCount()
    assert sorted(_column(model, Column.INTERVIEWEE)) == [f"W-{i:03d}" for i in expected]
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.set_filters(Filters(since="2020-01-05", until="2020-01-09"))
    assert sorted(_column(model, Column.DATE)) == [f"2020-01-{d:02d}" for d in range(5, 10)]


def test_status_is_shown_as_a_label_in_the_current_language(qtbot: QtBot, model: TestimonyListModel) -> None:
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.set_filters(Filters(status="missing"))
    assert set(_column(model, Column.STATUS)) == {"Missing (still disappeared)"}
    set_language("ko")
    assert set(_column(model, Column.STATUS)) == {"행방불명"}
    assert model.headerData(Column.VICTIMS, Qt.Orientation.Horizontal) == "피해자"


def test_stale_pages_are_dropped_and_clear_empties(qtbot: QtBot, model: TestimonyListModel) -> None:
    model.refresh()
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.set_filters(Filters(category=7))  # the first refresh's page arrives for an older generation
    assert model.total == sum(1 for i in range(COUNT) if i % 2 == 0)
    assert all(text == "7" for text in _column(model, Column.CATEGORIES))
    model.clear()
    assert model.rowCount() == 0 and model.total == 0 and not model.canFetchMore(QModelIndex())


def test_device_and_interviewer_hidden_by_default_only_on_field_vaults() -> None:
    assert default_hidden_columns("field") == {Column.DEVICE, Column.INTERVIEWER}
    assert default_hidden_columns("hq") == set()
