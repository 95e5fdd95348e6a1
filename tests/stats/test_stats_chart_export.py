"""The Statistics page's chart file is an export (issue 23, finding 7): the coordinator picks a consent purpose, the
core draws the chart from the released, suppressed table through ``pipeline.run_export``, and an export-log entry is
written. The on-screen chart (internal figures, every mention) is never saved to a file.

Driven through the page's own button on a real widget (pytest-qt, offscreen) and a real vault; only the two modal Qt
dialogs (purpose choice, file name) are answered by the test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QPushButton
from pytestqt.qtbot import QtBot

from intake_app.exports import log as export_log
from intake_app.exports import stats_chart
from intake_app.records.store import RecordStore
from intake_app.stats.query import StatsResult
from intake_app.vault.vault import Vault
from tests.exports.conftest import VICTIM, make_testimony
from ui.common.db_worker import DbWorker
from ui.hq.stats_page import StatsPage
from ui.i18n import set_language

GRANT = {"value": "granted", "anonymity": "anonymised"}
REFUSED_LABEL = "Political prisoners"  # category 7: only the refusing witness's victim is in it
RELEASED_LABEL = "Overseas workers and military personnel"  # category 9: four granting witnesses


def _tid(n: int) -> str:
    return f"0190f6b8-7a1c-7d2e-9f00-{n:012d}"


@pytest.fixture
def hq(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> Iterator[tuple[StatsPage, DbWorker, Vault]]:
    set_language("en")
    vault = Vault.create(tmp_path / "hq", "pw", "hq")[0]
    store = RecordStore(vault)
    plan = [(9, {"publication": GRANT})] * 4 + [(7, {"publication": "refused"})] * 3
    for n, (category, consent) in enumerate(plan, start=1):
        doc = make_testimony(_tid(n), consent, victim={**VICTIM, "categories": [category]})
        store.add_json(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    worker = DbWorker(vault)
    widget = StatsPage(worker)
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    with qtbot.waitSignal(widget.refreshed, timeout=20000):
        widget.show()
    yield widget, worker, vault
    worker.shutdown()
    vault.lock()


def _answer_dialogs(monkeypatch: pytest.MonkeyPatch, purpose_label: str, path: Path) -> list[str]:
    asked: list[str] = []

    def get_item(_parent: Any, _title: str, _label: str, items: list[str], *_a: Any, **_k: Any) -> tuple[str, bool]:
        asked.append("purpose")
        assert purpose_label in items
        return purpose_label, True

    def get_save(*_a: Any, **_k: Any) -> tuple[str, str]:
        asked.append("file")
        return str(path), ""

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(get_save))
    return asked


def test_chart_button_writes_released_figures_through_the_pipeline(
        qtbot: QtBot, hq: tuple[StatsPage, DbWorker, Vault], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    widget, worker, vault = hq
    assert widget.result is not None and widget.result.total == 7  # on screen: internal, every mention
    on_screen = {r["label"]["en"] for r in widget.result.rows}
    assert REFUSED_LABEL in on_screen
    out = tmp_path / "chart.svg"
    asked = _answer_dialogs(monkeypatch, "Publication in a public database", out)
    chart_buttons = [b for b in widget.findChildren(QPushButton) if "chart" in b.text().lower()]
    assert len(chart_buttons) == 1  # no other way to save the internal chart
    chart_buttons[0].click()
    qtbot.waitUntil(out.exists, timeout=20000)
    qtbot.waitUntil(lambda: "export log" in widget.status.text(), timeout=20000)
    assert asked == ["purpose", "file"]
    svg = out.read_text("utf-8")
    assert svg.startswith("<svg")
    assert REFUSED_LABEL not in svg  # the refusing witnesses' mentions are not counted
    assert RELEASED_LABEL in svg and ">4</text>" in svg
    assert "denominator 4" in svg
    worker.shutdown()  # the worker owns the connection; read the log after it stopped
    [entry] = export_log.entries(vault)
    assert entry["format"] == "stats" and entry["purpose"] == "publication"
    assert entry["stats"]["kind"] == "svg" and entry["files"][0]["name"] == "chart.svg"
    assert len(entry["mentions"]) == 4 and {e["reason"] for e in entry["excluded"]} == {"refused"}


def test_a_refused_purpose_writes_nothing(
        qtbot: QtBot, hq: tuple[StatsPage, DbWorker, Vault], tmp_path: Path) -> None:
    widget, worker, vault = hq
    with qtbot.waitSignal(widget.exported, timeout=20000) as done:
        assert widget.export_chart(tmp_path / "c.svg", "publication")
    assert done.args[0]["mentions"] == 4 and done.args[0]["min_cell"] == 3
    with qtbot.waitSignal(widget.exported, timeout=20000) as refused:
        assert widget.export_chart(tmp_path / "none.svg", "wgeid")  # nobody consented to WGEID
    assert refused.args[0] is None and not (tmp_path / "none.svg").exists()
    worker.shutdown()
    assert len(export_log.entries(vault)) == 1


def test_the_chart_draws_small_cells_suppressed_and_escapes_labels() -> None:
    rows = ({"key": {"sex": "F"}, "label": {"ko": "여", "en": "<b>F&</b>"}, "count": 10, "share": 0.7},
            {"key": {"sex": "M"}, "label": {"ko": "남", "en": "M\u202e"}, "count": 2, "share": 0.2},
            {"key": {"sex": "X"}, "label": {"ko": "X", "en": "X"}, "count": 7, "share": 0.1})
    table = StatsResult("victim", ("sex",), 19, rows, 0, 0, False)
    svg = stats_chart.svg(table, 3, "t<&>", "en").decode("utf-8")
    ET.fromstring(svg)  # well-formed XML whatever the labels hold
    assert ">2</text>" not in svg and ">7</text>" not in svg  # the small cell and its complement
    assert svg.count(">suppressed</text>") == 2 and ">10</text>" in svg
    assert "<b>" not in svg and "\u202e" not in svg
