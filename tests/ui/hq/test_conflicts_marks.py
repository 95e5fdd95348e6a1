"""The HQ conflicts page marks a version waiting from another device (issue 11, finding 3), with a real HQ vault and
bundles from two enrolled laptops, one of which forged a revision of the other's testimony. The testimony has a legacy
(UUIDv7) id: since issue 25 a device-bound id makes HQ refuse another device's first version outright."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from intake_app.bundles.importer import Importer
from intake_app.records.ids import uuid7
from intake_app.records.store import RecordStore
from tests.bundles.test_bundles_cli import setup
from tests.bundles.test_device_ownership import FUTURE, export, forge
from tests.bundles.test_merge_properties import add, open_vault
from ui.common.db_worker import DbWorker
from ui.hq.conflicts_page import ConflictsPage

WAIT_MS = 20_000


def test_waiting_version_is_marked_in_the_queue_and_its_column(qtbot: QtBot, tmp_path: Path) -> None:
    hq_path, (b_path, a_path), _ = setup(tmp_path, fields=2)
    b = open_vault(b_path)
    rid = add(b, id=uuid7(), narrative="B's account")  # a legacy id: another device can still send a root
    doc = RecordStore(b).show(rid)
    bundles = [export(b, tmp_path / "u-b")]
    b.lock()
    a = open_vault(a_path)
    forged = forge(a, rid, [], FUTURE, {**doc, "narrative": "A's version"})
    bundles.append(export(a, tmp_path / "u-a"))
    a.lock()
    hq = open_vault(hq_path)
    assert [Importer(hq).import_file(p).status for p in bundles] == ["imported", "imported"]
    worker = DbWorker(hq)
    page = ConflictsPage(worker)
    qtbot.addWidget(page)
    try:
        with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
            page.refresh()
        qtbot.waitUntil(lambda: page.view is not None, timeout=WAIT_MS)
        assert page.queue_list.count() == 1
        assert "1 from another device" in page.queue_list.item(0).text()
        assert page.view is not None
        model = page.comparison.model
        headers = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]
        titles = [t for t in headers if t.startswith("Version")]
        by_revision = dict(zip((s.revision for s in page.view.sides), titles, strict=True))
        assert "from another device" in by_revision[forged]
        assert all("from another device" not in t for r, t in by_revision.items() if r != forged)
        assert "shown now" in titles[0]
    finally:
        worker.shutdown()
        hq.lock()


def test_the_page_keeps_together_after_the_last_conflict_is_resolved(qtbot: QtBot, tmp_path: Path) -> None:
    hq_path, (b_path, a_path), _ = setup(tmp_path, fields=2)
    b = open_vault(b_path)
    rid = add(b, id=uuid7(), narrative="B's account")  # a legacy id: another device can still send a root
    doc = RecordStore(b).show(rid)
    bundles = [export(b, tmp_path / "u-b")]
    b.lock()
    a = open_vault(a_path)
    forge(a, rid, [], FUTURE, {**doc, "narrative": "A's version"})
    bundles.append(export(a, tmp_path / "u-a"))
    a.lock()
    hq = open_vault(hq_path)
    for p in bundles:
        Importer(hq).import_file(p)
    worker = DbWorker(hq)
    page = ConflictsPage(worker)
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    try:
        page.refresh()
        qtbot.waitUntil(lambda: page.view is not None and bool(page.keep_buttons), timeout=WAIT_MS)
        with qtbot.waitSignal(page.resolved, timeout=WAIT_MS):
            page.keep_buttons[0].click()
        qtbot.waitUntil(lambda: not page.queue and page.view is None, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "No conflicts" in page.empty_label.text(), timeout=WAIT_MS)
        assert not page.splitter.isVisible() and page.filler.isVisible()
        # The labels stay together under the heading, not spread down the page.
        assert page.message.geometry().bottom() < page.height() // 3
    finally:
        worker.shutdown()
        hq.lock()
