"""Auditor mode, reached from the start screen with no vault: a valid and a tampered bundle, the report as JSON and text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from intake_app.vault.vault import vault_exists
from tools import demo_bundles as demo
from ui.auditor.auditor_mode import AuditorMode
from ui.i18n import set_language
from ui.session import Session

WAIT_MS = 20_000


@pytest.fixture
def bundles(tmp_path: Path) -> dict[str, Path]:
    """Two bundles from one field vault, a tampered copy of the second, the device key file and a stranger's key."""
    hq = demo.create_vault(tmp_path / "hq", "hq")
    field = demo.create_vault(tmp_path / "field", "field")
    demo.pin_hq(field, hq)
    record = demo.add_testimony(field)
    first = demo.export(field, tmp_path / "usb")
    demo.edit_testimony(field, record, narrative="second visit")
    second = demo.export(field, tmp_path / "usb")
    demo.edit_testimony(field, record, narrative="third visit")
    third = demo.export(field, tmp_path / "usb")
    stranger = demo.create_vault(tmp_path / "stranger", "field")
    out = {"first": first, "second": second, "third": third,
           "tampered": demo.tamper_payload(second, tmp_path / "tampered.bundle.tar"),
           "key": demo.write_device_key(field, tmp_path / "device.pub"),
           "stranger_key": demo.write_device_key(stranger, tmp_path / "stranger.pub")}
    for v in (hq, field, stranger):
        v.lock()
    return out


def _rows(page: AuditorMode) -> dict[str, QTreeWidgetItem]:
    """The report's top-level rows by file name."""
    rows = {}
    for i in range(page.results.topLevelItemCount()):
        item = page.results.topLevelItem(i)
        assert item is not None
        rows[item.text(1)] = item
    return rows


def _verify(qtbot: QtBot, page: AuditorMode) -> None:
    assert page.verify_button.isEnabled()
    with qtbot.waitSignal(page.report_ready, timeout=WAIT_MS):
        QTest.keyClick(page.verify_button, Qt.Key.Key_Space)
    assert not page.is_busy()


def test_auditor_flow_from_the_start_screen_valid_and_tampered(qtbot: QtBot, session: Session, tmp_path: Path,
                                                               vault_path: Path, bundles: dict[str, Path]) -> None:
    gate = session.gate
    QTest.keyClick(gate.auditor_button, Qt.Key.Key_Space)
    page = gate.auditor_page
    assert isinstance(page, AuditorMode) and gate.stack.currentWidget() is page
    assert not page.verify_button.isEnabled()  # nothing chosen yet
    page.add_bundles([bundles["first"], bundles["tampered"]])
    page.add_keys([bundles["key"]])
    assert not page.save_json_button.isEnabled()
    _verify(qtbot, page)

    report = page.report
    assert report is not None and not report.valid
    by_file = {r.file: r for r in report.results}
    good, bad = by_file[bundles["first"].name], by_file["tampered.bundle.tar"]
    assert good.valid and good.seq == 1 and good.sequence == "first"
    assert all(status == "ok" for status in good.steps.values())
    assert not bad.valid and bad.steps["signature"] == "failed" and bad.steps["sequence"] == "not-checked"
    assert bad.reason is not None and "signature does not match" in bad.reason
    shown = _rows(page)
    assert shown[good.file].text(0) == "VALID"
    assert shown[bad.file].text(0) == "INVALID"
    assert "altered" in shown[bad.file].text(2)
    assert page.summary.text() == "1 of 2 bundles valid"

    json_path, text_path = tmp_path / "report.json", tmp_path / "report.txt"
    page.save_report(json_path, "json")
    page.save_report(text_path, "text")
    doc = json.loads(json_path.read_text(encoding="utf-8"))
    assert doc["format"] == "testimony-intake-audit-report/1" and doc["valid"] is False
    assert {r["file"]: r["valid"] for r in doc["results"]} == {good.file: True, bad.file: False}
    assert doc["trusted_keys"][0]["key_id"] == good.device
    text = text_path.read_text(encoding="utf-8")
    assert f"VALID  {good.file}" in text and f"INVALID  {bad.file}" in text
    assert "The signature does not match the file" in text
    assert json_path.stat().st_mode & 0o077 == 0  # written private, like every file the app writes

    # In Korean the report and the table say the same in Korean.
    set_language("ko")
    rows = _rows(page)
    assert rows[bad.file].text(0) == "무효" and "변경되었거나" in rows[bad.file].text(2)
    assert rows[good.file].text(0) == "유효"
    page.save_report(text_path, "text")
    assert "번들 검증 보고서" in text_path.read_text(encoding="utf-8")
    set_language("en")

    QTest.keyClick(page.back_button, Qt.Key.Key_Space)
    assert gate.stack.currentWidget() is not page
    assert not vault_exists(vault_path)  # auditor mode never needed or made a vault


def test_state_folder_remembers_earlier_bundles(qtbot: QtBot, tmp_path: Path, bundles: dict[str, Path]) -> None:
    page = AuditorMode()
    qtbot.addWidget(page)
    state = tmp_path / "state"
    page.add_keys([bundles["key"]])
    page.set_state_folder(state)
    page.add_bundles([bundles["first"]])
    _verify(qtbot, page)
    assert page.report is not None and [r.sequence for r in page.report.results] == ["first"]
    # A later run: bundle 1 again is a replay, bundle 2 follows it (whatever order they were picked in).
    page.clear_inputs()
    page.add_keys([bundles["key"]])
    page.set_state_folder(state)
    page.add_bundles([bundles["second"], bundles["first"]])
    _verify(qtbot, page)
    assert page.report is not None and page.report.valid
    assert {r.seq: r.sequence for r in page.report.results} == {1: "replay", 2: "next"}


def test_gap_within_the_set_and_an_untrusted_key(qtbot: QtBot, bundles: dict[str, Path]) -> None:
    page = AuditorMode()
    qtbot.addWidget(page)
    page.add_keys([bundles["key"]])
    page.add_bundles([bundles["third"], bundles["first"]])  # bundle 2 held back
    _verify(qtbot, page)
    assert page.report is not None
    results = {r.seq: r for r in page.report.results}
    assert results[1].valid and not results[3].valid and results[3].sequence == "gap"
    shown = _rows(page)[bundles["third"].name].text(2).replace("\n", " ")  # wrapped to the column
    assert shown == "Bundles 2 to 2 from this device are missing: verify them first."
    page.clear_inputs()
    page.add_keys([bundles["stranger_key"]])
    page.add_bundles([bundles["first"]])
    _verify(qtbot, page)
    result = page.report.results[0]
    assert not result.valid and "not among the trusted device keys" in (result.reason or "")


def test_a_bad_key_file_is_reported_not_raised(qtbot: QtBot, tmp_path: Path, bundles: dict[str, Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    page = AuditorMode()
    qtbot.addWidget(page)
    bogus = tmp_path / "bogus.pub"
    bogus.write_text("not a key\n", encoding="utf-8")
    page.add_keys([bogus])
    page.add_bundles([bundles["first"]])
    _verify(qtbot, page)
    assert page.report is None
    assert shown == ["The key file bogus.pub is not a device public key file."]
