"""Auditor mode tells same-named copies apart by folder, and cuts nothing off (issue 13.8)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from tools import demo_bundles as demo
from ui.auditor.auditor_mode import AuditorMode
from ui.auditor.auditor_report import result_explanation
from ui.session import Session

WAIT_MS = 20_000


def test_same_name_good_and_tampered_copies_show_their_folders_full_reasons_and_no_ellipsis(
        qtbot: QtBot, session: Session, tmp_path: Path) -> None:
    hq = demo.create_vault(tmp_path / "hq", "hq")
    field = demo.create_vault(tmp_path / "field", "field")
    demo.pin_hq(field, hq)
    demo.add_testimony(field)
    good = demo.export(field, tmp_path / "usb-a")
    (tmp_path / "usb-b").mkdir()
    bad = demo.tamper_payload(good, tmp_path / "usb-b" / good.name)  # the same file name, another folder
    key = demo.write_device_key(field, tmp_path / "device.pub")
    for v in (hq, field):
        v.lock()

    gate = session.gate
    gate.show_auditor()  # at the window's default size
    page = gate.auditor_page
    assert isinstance(page, AuditorMode)
    page.add_bundles([good, bad])
    page.add_keys([key])
    listed = [page.bundle_list.item(i).text() for i in range(page.bundle_list.count())]
    assert str(good.parent) in listed[0] and str(bad.parent) in listed[1]
    with qtbot.waitSignal(page.report_ready, timeout=WAIT_MS):
        page.start_verify()
    assert page.report is not None
    rows = [page.results.topLevelItem(i) for i in range(page.results.topLevelItemCount())]
    by_folder = {row.text(3).replace("\n", ""): row for row in rows if row is not None}
    assert set(by_folder) == {str(good.parent), str(bad.parent)}
    assert by_folder[str(good.parent)].text(1) == by_folder[str(bad.parent)].text(1) == good.name
    assert by_folder[str(bad.parent)].text(0) == "INVALID" and by_folder[str(good.parent)].text(0) == "VALID"
    metrics = QFontMetrics(page.results.font())
    for result in page.report.results:
        row = by_folder[result.folder]
        full = result_explanation(result)
        assert full in row.toolTip(2) and result.folder in row.toolTip(0)
        assert row.text(2).replace("\n", " ") == full.replace("\n", " ")  # wrapped, never shortened
        for column in (2, 3):
            assert page.results.columnWidth(column) >= 140
            for line in row.text(column).split("\n"):
                assert metrics.horizontalAdvance(line) <= page.results.columnWidth(column)
            assert "…" not in row.text(column)
