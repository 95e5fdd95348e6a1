"""HQ keys page (public key file, fingerprints, emergency identity behind an acknowledged warning) and the merged-version
editor of the conflicts page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from crypto import age
from intake_app.bundles.keyring import parse_hq_key_file
from tools import demo_bundles as demo
from ui.common.settings_store import UiSettings
from ui.hq.hq_pages import HqPages
from ui.session import Session

WAIT_MS = 20_000


@pytest.fixture
def hq_session(qtbot: QtBot, tmp_path: Path, settings_path: Path) -> Iterator[Session]:
    demo.create_vault(tmp_path / "hq", "hq").lock()
    s = Session(tmp_path / "hq", UiSettings(), settings_path)
    qtbot.addWidget(s.gate)
    s.start()
    s.gate.unlocked.emit(demo.reopen(tmp_path / "hq"))
    yield s
    s.shutdown()


def _pages(session: Session) -> HqPages:
    assert session.hq_pages is not None
    return session.hq_pages


def test_public_key_file_and_fingerprints(qtbot: QtBot, hq_session: Session, tmp_path: Path) -> None:
    keys = _pages(hq_session).keys
    qtbot.waitUntil(lambda: keys.keys is not None, timeout=WAIT_MS)
    path = tmp_path / "hq.pub"
    with qtbot.waitSignal(keys.key_file_saved, timeout=WAIT_MS):
        keys.save_key_file(path)
    parsed = parse_hq_key_file(path.read_text(encoding="utf-8"))
    fps = parsed.fingerprints()
    # The digits shown are the file's fingerprints, split over two lines for reading aloud.
    assert keys.recipient_fp.text().split() == fps["recipient"].split()
    assert keys.signing_fp.text().split() == fps["signing_key"].split()
    assert fps["recipient"] in keys.printable_html() and "AGE-SECRET-KEY" not in keys.printable_html()


def test_emergency_identity_needs_the_warning_acknowledged(qtbot: QtBot, hq_session: Session, tmp_path: Path) -> None:
    keys = _pages(hq_session).keys
    qtbot.waitUntil(lambda: keys.keys is not None, timeout=WAIT_MS)
    target = tmp_path / "identity.txt"
    assert not keys.identity_button.isEnabled()
    keys.export_identity(target)  # not acknowledged: nothing happens
    assert not target.exists()
    QTest.keyClick(keys.acknowledge, Qt.Key.Key_Space)
    assert keys.acknowledge.isChecked() and keys.identity_button.isEnabled()
    with qtbot.waitSignal(keys.identity_saved, timeout=WAIT_MS):
        keys.export_identity(target)
    assert not keys.acknowledge.isChecked()  # one export per acknowledgement
    assert target.stat().st_mode & 0o077 == 0
    identities = age.parse_identities(target.read_text(encoding="ascii"))  # stock age layout
    assert keys.keys is not None
    recipient = parse_hq_key_file(keys.keys.key_file_text).recipient
    assert [str(i.recipient) for i in identities] == [recipient]


def test_merged_version_is_validated_before_it_is_saved(qtbot: QtBot, tmp_path: Path, settings_path: Path) -> None:
    hq = demo.create_vault(tmp_path / "hq", "hq")
    field = demo.create_vault(tmp_path / "f", "field")
    demo.pin_hq(field, hq)
    demo.enrol(hq, field, "Laptop")
    hq.lock()
    record = demo.add_testimony(field)
    first = demo.export(field, tmp_path / "usb")
    copy = demo.clone_vault(field, tmp_path / "f2")
    field = demo.reopen(tmp_path / "f")
    demo.edit_testimony(field, record, narrative="one")
    demo.edit_testimony(copy, record, narrative="two")
    files = [first, demo.export(field, tmp_path / "usb"), demo.export(copy, tmp_path / "usb2")]
    field.lock()
    copy.lock()

    session = Session(tmp_path / "hq", UiSettings(), settings_path)
    qtbot.addWidget(session.gate)
    session.start()
    try:
        session.gate.unlocked.emit(demo.reopen(tmp_path / "hq"))
        pages = _pages(session)
        pages.importer.add_files(files)
        with qtbot.waitSignal(pages.importer.finished, timeout=WAIT_MS):
            pages.importer.start_import()
        conflicts = pages.conflicts
        qtbot.waitUntil(lambda: conflicts.view is not None, timeout=WAIT_MS)
        conflicts.start_merge()
        dialog = conflicts.merge_dialog
        assert dialog is not None and dialog.save_button.isEnabled()
        doc = json.loads(dialog.editor.toPlainText())
        doc["victims"][0]["sex"] = "Q"
        dialog.editor.setPlainText(json.dumps(doc, ensure_ascii=False))
        assert not dialog.validate() and "victims[0].sex" in dialog.verdict.text()
        assert not dialog.save_button.isEnabled()
        doc["victims"][0]["sex"] = "F"
        doc["narrative"] = "one and two, merged"
        dialog.editor.setPlainText(json.dumps(doc, ensure_ascii=False))
        assert dialog.validate()
        with qtbot.waitSignal(conflicts.resolved, timeout=WAIT_MS):
            QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not conflicts.queue, timeout=WAIT_MS)
        assert dialog.editor.toPlainText() == ""  # the editor's copy of the content is dropped
        session.lock()
        vault = demo.reopen(tmp_path / "hq")
        try:
            from intake_app.records.store import RecordStore

            store = RecordStore(vault)
            assert store.show(record)["narrative"] == "one and two, merged"
            assert len(store.history(record)) == 4  # created, the two concurrent edits, the merge
        finally:
            vault.lock()
    finally:
        session.shutdown()
