"""The coordinator's day at HQ, offscreen on real vaults: enrol two laptops (fingerprint typed), import their bundles
with one held back (a gap shows), import it (the gap goes), resolve a conflict from a restored laptop, see both
devices' testimonies in the consolidated list, revoke a device."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from intake_app.bundles.keyring import parse_device_key_file, read_key_file
from intake_app.vault.vault import Vault
from tools import demo_bundles as demo
from ui.common.settings_store import UiSettings
from ui.common.testimony_list_model import Column
from ui.hq.consolidated_page import ConsolidatedPage
from ui.hq.devices_page import COLUMNS, DevicesPage
from ui.hq.hq_pages import HqPages
from ui.hq.import_page import ImportPage
from ui.i18n import set_language
from ui.session import Session

WAIT_MS = 20_000
GAPS, FORKS, STATE = COLUMNS.index("Missing bundles"), COLUMNS.index("Forks"), COLUMNS.index("State")


@dataclass
class Fleet:
    hq_path: Path
    keys: dict[str, Path]
    bundles: dict[str, Path]


@pytest.fixture
def fleet(tmp_path: Path) -> Fleet:
    """Laptop A: bundles 1-3. Laptop B: bundle 1, then restored from a backup: two different bundles numbered 2 that
    edit the same testimony (a conflict). Plus a tampered copy of A's bundle 1."""
    hq = demo.create_vault(tmp_path / "hq", "hq")
    a = demo.create_vault(tmp_path / "a", "field")
    b = demo.create_vault(tmp_path / "b", "field")
    for field in (a, b):
        demo.pin_hq(field, hq)
    hq.lock()
    usb = tmp_path / "usb"
    bundles: dict[str, Path] = {}
    rec_a = demo.add_testimony(a, interviewee={"pseudonym": "A-1"})
    bundles["a1"] = demo.export(a, usb / "a")
    demo.edit_testimony(a, rec_a, narrative="second meeting")
    bundles["a2"] = demo.export(a, usb / "a")
    demo.edit_testimony(a, rec_a, narrative="third meeting")
    bundles["a3"] = demo.export(a, usb / "a")
    rec_b = demo.add_testimony(b, interviewee={"pseudonym": "B-1"})
    bundles["b1"] = demo.export(b, usb / "b")
    b_restored = demo.clone_vault(b, tmp_path / "b-restored")
    b = demo.reopen(tmp_path / "b")
    demo.edit_testimony(b, rec_b, narrative="told on the laptop")
    bundles["b2"] = demo.export(b, usb / "b")
    demo.edit_testimony(b_restored, rec_b, narrative="told on the restored laptop")
    bundles["b2-restored"] = demo.export(b_restored, usb / "b-restored")
    bundles["tampered"] = demo.tamper_payload(bundles["a1"], tmp_path / "tampered.bundle.tar")
    keys = {"a": demo.write_device_key(a, tmp_path / "a.pub"), "b": demo.write_device_key(b, tmp_path / "b.pub")}
    for v in (a, b, b_restored):
        v.lock()
    return Fleet(tmp_path / "hq", keys, bundles)


@pytest.fixture
def hq_session(qtbot: QtBot, fleet: Fleet, settings_path: Path) -> Iterator[Session]:
    s = Session(fleet.hq_path, UiSettings(), settings_path)
    qtbot.addWidget(s.gate)
    s.start()
    s.gate.unlocked.emit(demo.reopen(fleet.hq_path))
    yield s
    s.shutdown()


def _pages(session: Session) -> HqPages:
    assert session.hq_pages is not None
    return session.hq_pages


def _enrol(qtbot: QtBot, page: DevicesPage, key_file: Path, name: str) -> None:
    page.start_enrol(key_file)
    dialog = page.enrol_dialog
    assert dialog is not None and dialog.isVisible()
    fingerprint = parse_device_key_file(read_key_file(key_file)).fingerprint()
    QTest.keyClicks(dialog.name_edit, name)
    wrong = fingerprint[:-1] + ("1" if fingerprint[-1] != "1" else "2")
    dialog.heard_edit.setPlainText(wrong)
    assert not dialog.enrol_button.isEnabled() and "DO NOT match" in dialog.verdict.text()
    # Heard over the phone: spacing differs, digits are the same.
    dialog.heard_edit.setPlainText(fingerprint.replace(" ", "-"))
    assert dialog.enrol_button.isEnabled() and dialog.verdict.text() == "The fingerprints match."
    QTest.mouseClick(dialog.enrol_button, Qt.MouseButton.LeftButton)
    # Wait for the row itself: an earlier refresh (from the page opening) may also report in between.
    qtbot.waitUntil(lambda: page.device_row(name) >= 0, timeout=WAIT_MS)


def _import(qtbot: QtBot, page: ImportPage, files: list[Path]) -> dict[str, tuple[str, str]]:
    page.add_files(files)
    with qtbot.waitSignal(page.finished, timeout=WAIT_MS):
        QTest.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    shown = {}
    for r in range(page.table.rowCount()):
        cells = [page.table.item(r, c) for c in range(page.table.columnCount())]
        assert all(c is not None for c in cells)
        shown[cells[0].text()] = (cells[3].text(), cells[4].text())  # type: ignore[union-attr]
    return shown


def _shows_only(listing: ConsolidatedPage, pseudonym: str) -> bool:
    return listing.column_texts(Column.INTERVIEWEE) == [pseudonym]


def _cell(page: DevicesPage, name: str, column: int) -> str:
    item = page.table.item(page.device_row(name), column)
    assert item is not None
    return item.text()


def test_enrol_import_gap_conflict_consolidated(qtbot: QtBot, hq_session: Session, fleet: Fleet) -> None:
    pages = _pages(hq_session)
    devices, importer, conflicts, listing = pages.devices, pages.importer, pages.conflicts, pages.consolidated
    window = hq_session.main_window
    assert window is not None and window.pages.currentWidget() is listing

    pages.actions["devices"].trigger()
    assert window.pages.currentWidget() is devices
    _enrol(qtbot, devices, fleet.keys["a"], "Laptop A")
    _enrol(qtbot, devices, fleet.keys["b"], "Laptop B")

    # A's bundle 2 is held back; a tampered bundle is refused with the reason in plain words.
    b = fleet.bundles
    pages.actions["import"].trigger()
    with qtbot.waitSignal(devices.refreshed, timeout=WAIT_MS):
        shown = _import(qtbot, importer, [b["a1"], b["a3"], b["b1"], b["tampered"]])
    assert shown[b["a1"].name][0] == "Imported" and shown[b["b1"].name][0] == "Imported"
    assert shown[b["a3"].name][0] == "Imported" and "Bundles missing from this device: 2." in shown[b["a3"].name][1]
    assert shown["tampered.bundle.tar"] == (
        "Refused", "The signature does not match the file: the bundle was altered, or signed by another key.")
    assert importer.status.text() == "3 imported, 0 already imported, 1 refused."
    qtbot.waitUntil(lambda: _cell(devices, "Laptop A", GAPS) == "2", timeout=WAIT_MS)
    assert _cell(devices, "Laptop B", GAPS) == "—"

    # The held-back bundle arrives (with B's two bundles numbered 2, and A's bundle 1 again).
    with qtbot.waitSignal(conflicts.loaded, timeout=WAIT_MS):
        shown = _import(qtbot, importer, [b["a2"], b["b2"], b["b2-restored"], b["a1"]])
    assert shown[b["a2"].name][0] == "Imported"
    assert shown[b["a1"].name] == ("Already imported", "Nothing new: this bundle was imported before.")
    assert "FORK" in shown[b["b2-restored"].name][1]
    qtbot.waitUntil(lambda: _cell(devices, "Laptop A", GAPS) == "—", timeout=WAIT_MS)
    assert _cell(devices, "Laptop B", FORKS) == "2"

    # The conflict: both versions side by side, the narrative highlighted; keep the first.
    pages.actions["conflicts"].trigger()

    def only_b_conflicted() -> bool:
        # While A's bundle 2 was missing, A's record had two unrelated heads too; with it, only B's conflict stays.
        view = conflicts.view
        return len(conflicts.queue) == 1 and view is not None and all(
            (side.content or {}).get("interviewee", {}).get("pseudonym") == "B-1" for side in view.sides)

    qtbot.waitUntil(only_b_conflicted, timeout=WAIT_MS)
    assert len(conflicts.queue) == 1 and conflicts.view is not None and len(conflicts.view.sides) == 2
    assert "narrative" in conflicts.diff_paths()
    model = conflicts.comparison.model  # field labels as the form shows them, not JSON paths
    rows = {model.text(r, 0): r for r in range(model.rowCount())}
    assert "narrative" not in rows and "interviewee.pseudonym" not in rows
    narrative = [model.text(rows["Narrative"], c) for c in (2, 3)]
    assert sorted(narrative) == ["told on the laptop", "told on the restored laptop"]
    assert model.text(rows["Narrative"], 1) == "changed"
    highlighted = model.data(model.index(rows["Narrative"], 2), Qt.ItemDataRole.BackgroundRole)
    plain = model.data(model.index(rows["Interviewee pseudonym"], 2), Qt.ItemDataRole.BackgroundRole)
    assert highlighted is not None and plain is None
    kept = narrative[0]
    with qtbot.waitSignal(conflicts.resolved, timeout=WAIT_MS):
        QTest.mouseClick(conflicts.keep_buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not conflicts.queue, timeout=WAIT_MS)
    assert conflicts.empty_label.text() == "No conflicts: every testimony has one current version."
    # Nothing to compare: no empty queue and no table whose only header reads "1".
    assert not conflicts.splitter.isVisibleTo(conflicts) and conflicts.comparison.model.columnCount() == 0

    # The consolidated list: both devices' testimonies, with device names; the device filter keeps one.
    pages.actions["all-testimonies"].trigger()
    qtbot.waitUntil(lambda: listing.model.total == 2 and listing.proxy.rowCount() == 2, timeout=WAIT_MS)
    # The device column names the laptop that recorded each testimony, even after HQ decided B's conflict.
    qtbot.waitUntil(lambda: sorted(listing.column_texts(Column.DEVICE)) == ["Laptop A", "Laptop B"],
                    timeout=WAIT_MS)
    assert sorted(listing.column_texts(Column.INTERVIEWEE)) == ["A-1", "B-1"]
    assert not listing.table.isColumnHidden(int(Column.DEVICE))
    for device, pseudonym in (("b", "B-1"), ("a", "A-1")):
        listing.filter_device(parse_device_key_file(read_key_file(fleet.keys[device])).key_id_hex)
        qtbot.waitUntil(partial(_shows_only, listing, pseudonym), timeout=WAIT_MS)
    assert listing.device_combo.currentText() == "Laptop A"

    # The decision is a revision: the kept narrative is the record's content now.
    hq_session.lock()
    vault = demo.reopen(fleet.hq_path)
    try:
        from intake_app.records.store import RecordStore

        narratives = sorted(str(RecordStore(vault).show(s["id"])["narrative"]) for s in RecordStore(vault).summaries())
        assert kept in narratives and "third meeting" in narratives
    finally:
        vault.lock()


def test_revoke_needs_a_reason_and_shows_in_korean(qtbot: QtBot, hq_session: Session, fleet: Fleet) -> None:
    devices = _pages(hq_session).devices
    _enrol(qtbot, devices, fleet.keys["a"], "Laptop A")
    devices.table.selectRow(devices.device_row("Laptop A"))
    assert devices.revoke_button.isEnabled()
    devices.start_revoke()
    dialog = devices.revoke_dialog
    assert dialog is not None and not dialog.revoke_button.isEnabled()  # no reason, no revocation
    QTest.keyClicks(dialog.reason_edit, "laptop lost at the border")
    QTest.mouseClick(dialog.revoke_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "laptop lost at the border" in _cell(devices, "Laptop A", STATE), timeout=WAIT_MS)
    devices.table.selectRow(devices.device_row("Laptop A"))
    assert not devices.revoke_button.isEnabled()
    set_language("ko")
    assert _cell(devices, "Laptop A", STATE).endswith("에 폐기됨: laptop lost at the border")
    assert devices.heading.text() == "기기"


def test_a_key_file_that_is_not_a_device_key_is_refused(qtbot: QtBot, hq_session: Session, tmp_path: Path) -> None:
    devices = _pages(hq_session).devices
    bogus = tmp_path / "hq.pub"
    bogus.write_text("recipient age1notreally\n", encoding="utf-8")
    devices.start_enrol(bogus)
    assert devices.enrol_dialog is None
    assert devices.message.text() == "The key file hq.pub is not a device public key file."


def test_field_vaults_get_no_coordinator_pages(qtbot: QtBot, session: Session, existing_vault: str,
                                               vault_path: Path, passphrase: str) -> None:
    session.gate.unlocked.emit(Vault.open(vault_path, passphrase))
    assert session.unlocked and session.hq_pages is None
