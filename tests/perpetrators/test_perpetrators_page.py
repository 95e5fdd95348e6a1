"""The Perpetrators page (pytest-qt, offscreen): the list from the worker, a unit's profile with the acts of three
testimonies, Korean labels, hostile text escaped; the list model alone."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from intake_app.perpetrators.registry import Registry
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from tests.perpetrators.test_profile_cli import DOCS, ONSONG
from ui.common.db_worker import DbWorker
from ui.common.fonts import install_application_font
from ui.hq.perpetrators_model import PerpetratorIdRole, PerpetratorListModel
from ui.hq.perpetrators_page import PerpetratorsPage
from ui.i18n import set_language


@pytest.fixture
def page(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> Iterator[PerpetratorsPage]:
    install_application_font(qapp)
    set_language("en")
    vault = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    store = RecordStore(vault)
    docs = [dict(d) for d in DOCS]
    docs[0] = json.loads(json.dumps(docs[0]))
    docs[0]["victims"][0]["acts"][0]["perpetrators"][0]["role"] = "<b>예심원</b><script>x</script>"
    for d in docs:
        store.add_json(json.dumps(d, ensure_ascii=False).encode())
    worker = DbWorker(vault)
    widget = PerpetratorsPage(worker)
    qtbot.addWidget(widget)
    yield widget
    worker.shutdown()
    set_language("en")
    vault.lock()


def test_list_and_unit_profile(qtbot: QtBot, page: PerpetratorsPage) -> None:
    with qtbot.waitSignal(page.refreshed, timeout=20000):
        page.show()
    kinds = {page.model.rows[i]["kind"] for i in range(page.model.rowCount())}
    assert kinds == {"person", "unit"}
    with qtbot.waitSignal(page.profile_shown, timeout=20000):
        assert page.select(ONSONG)
    assert page.profile is not None and page.profile["counts"]["testimonies"] == 3
    text = page.browser.toPlainText()
    assert "First-hand" in text and "Hearsay" in text and "Documentary" in text
    assert "Rank and unit" in text and "Partial name" in text
    with qtbot.waitSignal(page.refreshed, timeout=20000):
        set_language("ko")
        page.refresh()
    assert page.heading.text() == "가해자"
    assert "직접 경험" in page.browser.toPlainText()


def test_hostile_text_is_escaped(qtbot: QtBot, page: PerpetratorsPage) -> None:
    with qtbot.waitSignal(page.refreshed, timeout=20000):
        page.show()
    person = next(r["perpetrator"] for r in page.model.rows if r["kind"] == "person" and "arrest1" in r["perpetrator"])
    with qtbot.waitSignal(page.profile_shown, timeout=20000):
        page.select(person)
    assert "<script>" in page.browser.toPlainText()  # shown as text, not run or rendered as markup
    assert "<b>" in page.browser.toPlainText()


def test_list_model_without_a_view() -> None:
    model = PerpetratorListModel()
    model.set_rows([{"perpetrator": ONSONG, "kind": "unit", "label": {"ko": "온성", "en": "Onsong"}, "acts": 3,
                     "testimonies": 3, "entries": 4, "name": None}])
    assert model.rowCount() == 1 and model.columnCount() == 4
    assert [model.index(0, c).data() for c in range(4)] == ["Unit", "Onsong", "3", "3"]
    assert model.index(0, 0).data(PerpetratorIdRole) == ONSONG
    assert model.row_of(ONSONG) == 0 and model.row_of("x") == -1


def _ask(qtbot: QtBot, page: PerpetratorsPage, read: Any) -> Any:
    """Read the registry through the page's worker (it owns the connection), after every job queued before."""
    got: list[Any] = []
    page.worker.submit(lambda ctx: read(Registry(ctx.vault)), on_done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=20000)
    return got[0]


def test_duplicates_are_reviewed_in_the_window(qtbot: QtBot, page: PerpetratorsPage) -> None:
    """Same person / different people without the terminal (issue 28, item 15)."""
    with qtbot.waitSignal(page.refreshed, timeout=20000):
        page.show()
    review = page.open_review()
    qtbot.waitUntil(lambda: bool(review.rows), timeout=20000)
    first = review.rows[0]
    pair = {first["a"]["entry"], first["b"]["entry"]}
    assert "온성군 보위부" in review.a_label.text() and "unit:" not in review.a_label.text()
    review.reason_edit.setText("same burn scar, same rank")
    with qtbot.waitSignal(review.loaded, timeout=20000):
        review.same_button.click()
    links = {e for (e, _kind) in _ask(qtbot, page, lambda r: r.links())}
    assert pair <= links
    assert all({c["a"]["entry"], c["b"]["entry"]} != pair for c in review.rows)
    if review.rows:
        other = {review.rows[0]["a"]["entry"], review.rows[0]["b"]["entry"]}
        with qtbot.waitSignal(review.loaded, timeout=20000):
            review.different_button.click()
        assert tuple(sorted(other)) in _ask(qtbot, page, lambda r: r.distinct_pairs())
