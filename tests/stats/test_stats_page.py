"""The Statistics page (pytest-qt, offscreen): counts come from the DB worker and match the core; unit switch,
filters, CSV and SVG export for a purpose; the chart draws Hangul labels in the bundled font; the table model alone."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCharts import QBarCategoryAxis
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from intake_app.records.store import RecordStore
from intake_app.stats import query
from intake_app.vault.vault import Vault
from tests.stats import generator
from ui.common.db_worker import DbWorker
from ui.common.fonts import install_application_font
from ui.hq.stats_model import StatsTableModel
from ui.hq.stats_page import StatsPage
from ui.i18n import set_language


@pytest.fixture
def page(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> Iterator[tuple[StatsPage, Vault]]:
    install_application_font(qapp)
    set_language("en")
    vault = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    store = RecordStore(vault)
    for t in generator.corpus(seed=3, n=40):
        store.add_json(json.dumps(t.doc, ensure_ascii=False).encode())
    worker = DbWorker(vault)
    widget = StatsPage(worker)
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    yield widget, vault
    worker.shutdown()
    set_language("en")
    vault.lock()


def _wait(qtbot: QtBot, widget: StatsPage, action: object) -> None:
    with qtbot.waitSignal(widget.refreshed, timeout=20000):
        action()  # type: ignore[operator]


def test_page_shows_what_the_core_counts_off_the_gui_thread(qtbot: QtBot, page: tuple[StatsPage, Vault]) -> None:
    widget, _vault = page
    threads: list[int] = []
    original = query.run

    def spy(*args: object, **kwargs: object) -> query.StatsResult:
        threads.append(threading.get_ident())
        return original(*args, **kwargs)  # type: ignore[arg-type]

    query_run = query.run
    query.run = spy  # type: ignore[assignment]
    try:
        _wait(qtbot, widget, widget.show)
        _wait(qtbot, widget, lambda: widget.set_choice(dim="organ"))
    finally:
        query.run = query_run  # type: ignore[assignment]
    assert threads and threading.get_ident() not in threads
    assert widget.result is not None
    # The worker owns the connection while the page is open; compare after it answered.
    expected = {r["key"]["organ"]: r["count"] for r in widget.result.rows}
    assert widget.model.rowCount() == len(widget.result.rows) + 2  # plus unknown and spanning rows
    shown = {widget.model.index(i, 1).data() for i in range(len(widget.result.rows))}
    assert shown == {f"{n:,}" for n in expected.values()}
    _wait(qtbot, widget, lambda: widget.set_choice(unit="testimony"))
    assert widget.state()["unit"] == "testimony" and widget.result.unit == "testimony"
    _wait(qtbot, widget, lambda: widget.add_filter("sex", "F"))
    assert widget.result.where == (("sex", "F"),)
    assert "sex" in widget.filters_label.text().lower()


def test_exports_and_korean_chart_labels(qtbot: QtBot, page: tuple[StatsPage, Vault], tmp_path: Path) -> None:
    widget, _ = page
    _wait(qtbot, widget, widget.show)
    _wait(qtbot, widget, lambda: widget.set_choice(dim="organ"))
    csv_path, svg = tmp_path / "t.csv", tmp_path / "c.svg"
    # A CSV leaves HQ: it is an export for a consent purpose (issue 23), written by the pipeline on the DB worker.
    with qtbot.waitSignal(widget.exported, timeout=20000) as blocker:
        assert widget.export_csv(csv_path, "perpetrator_profiling")
    summary = blocker.args[0]
    assert summary["purpose"] == "perpetrator_profiling" and summary["excluded"] > 0 and summary["mentions"] > 0
    assert csv_path.read_text("utf-8").splitlines()[0] == (
        "organ,label_ko,label_en,count,share,denominator,unit,suppressed")
    with qtbot.waitSignal(widget.exported, timeout=20000) as refused:
        assert widget.export_csv(tmp_path / "none.csv", "wgeid")  # no generated testimony consented to wgeid
    assert refused.args[0] is None and not (tmp_path / "none.csv").exists()
    # The chart file is an export too (tests/stats/test_stats_chart_export.py): released figures, drawn by the core.
    with qtbot.waitSignal(widget.exported, timeout=20000) as chart:
        assert widget.export_chart(svg, "perpetrator_profiling")
    assert chart.args[0] is not None and svg.read_bytes().startswith(b"<svg")
    with qtbot.waitSignal(widget.refreshed, timeout=20000):
        set_language("ko")
        widget.refresh()
    axes = [a for a in widget.bar_view.chart().axes() if isinstance(a, QBarCategoryAxis)]
    labels = axes[0].categories()
    assert "국가보위성" in labels
    font = axes[0].labelsFont()
    assert any(f in QApplication.font().families() for f in font.families())
    assert widget.heading.text() == "통계"


def test_table_model_without_a_view() -> None:
    model = StatsTableModel()
    assert model.rowCount() == 0
    result = query.StatsResult("victim", ("sex",), 10, ({"key": {"sex": "F"}, "label": {"ko": "여", "en": "Female"},
                                                        "count": 4, "share": 0.4},), 6, 2, False)
    model.set_result(result)
    assert model.rowCount() == 3 and model.columnCount() == 4
    assert [model.index(0, c).data() for c in range(4)] == ["Female", "4", "40.0%", "10 victims"]
    assert model.index(1, 1).data() == "6" and model.index(2, 1).data() == "2"
    assert model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) is not None


def test_two_dimensions_as_on_the_command_line(qtbot: QtBot, page: tuple[StatsPage, Vault]) -> None:
    """The page takes the second dimension ``intake stats --by DIM,DIM2`` takes (issue 28, item 15)."""
    widget, _ = page
    _wait(qtbot, widget, widget.show)
    _wait(qtbot, widget, lambda: widget.set_choice(dim="organ", dim2="sex"))
    assert widget.state()["dim2"] == "sex" and widget.result is not None
    assert widget.result.by == ("organ", "sex")
    assert all(set(r["key"]) == {"organ", "sex"} for r in widget.result.rows)
    assert " · " in widget.model.index(0, 0).data()
    _wait(qtbot, widget, lambda: widget.set_choice(dim2=""))
    assert widget.result.by == ("organ",)
