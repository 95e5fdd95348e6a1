"""Giving HQ the laptop's key without a terminal, and enrolling an unknown device from the import page (issue 13.6)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from intake_app.bundles.keyring import parse_device_key_file, read_key_file
from tools import demo_bundles as demo
from ui.common.db_worker import DbWorker
from ui.field.give_key_dialog import GiveKeyDialog
from ui.hq.import_page import ImportPage

WAIT_MS = 20_000


def _device_names(qtbot: QtBot, worker: DbWorker) -> list[str]:
    """Read through the worker (it owns the connection), after every job queued before."""
    got: list[list[str]] = []
    worker.submit(lambda ctx: [d.name for d in ctx.keyring.devices()], on_done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=WAIT_MS)
    return got[0]


def test_the_laptop_writes_its_key_and_hq_enrols_it_from_a_refused_import(qtbot: QtBot, tmp_path: Path) -> None:
    hq = demo.create_vault(tmp_path / "hq", "hq")
    field = demo.create_vault(tmp_path / "field", "field")
    demo.pin_hq(field, hq)
    demo.add_testimony(field)
    usb = tmp_path / "usb"
    bundle = demo.export(field, usb)
    own = field.signing_key().public_key

    # The laptop: write the key file to the stick, the fingerprint shown in two lines of four groups.
    field_worker = DbWorker(field)
    give = GiveKeyDialog(field_worker)
    qtbot.addWidget(give)
    give.show()
    qtbot.waitUntil(lambda: give.key is not None, timeout=WAIT_MS)
    shown = give.fingerprint_label.text()
    assert shown.split() == own.fingerprint().split() and shown.count("\n") == 1
    assert give.fingerprint_label.font().pointSize() >= 20
    assert not give.write_button.isEnabled()
    give.folder_edit.setText(str(usb))
    give.write_button.click()
    assert give.written == usb / f"device-{own.key_id_hex}.pub"
    assert parse_device_key_file(read_key_file(give.written)) == own
    give.write()  # again: the same key, nothing refused
    assert "not written" not in give.message.text()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / give.written.name).write_text("someone else's file", encoding="utf-8")
    give.folder_edit.setText(str(tmp_path / "other"))
    give.write()
    assert "not written" in give.message.text()  # a different file of that name is not overwritten
    assert (tmp_path / "other" / give.written.name).read_text(encoding="utf-8") == "someone else's file"
    field_worker.shutdown()
    field.lock()

    # HQ: the bundle is refused (unknown device) and the page offers to enrol it.
    hq_worker = DbWorker(hq)
    page = ImportPage(hq_worker)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.finished, timeout=WAIT_MS):
        page.add_files([bundle])
        page.start_import()
    assert page.rows[0].outcome.status == "refused"
    offer = page.enrol_offer
    assert offer.isVisible() and own.key_id_hex in offer.label.text()
    offer.button.click()  # the key file is found next to the bundle
    dialog = offer.dialog
    assert dialog is not None and dialog.isVisible() and dialog.key == own
    dialog.name_edit.setText("Laptop C")
    wrong = own.fingerprint()[:-1] + ("1" if own.fingerprint()[-1] != "1" else "2")
    dialog.heard_edit.setPlainText(wrong)
    assert not dialog.enrol_button.isEnabled() and "DO NOT match" in dialog.verdict.text()
    dialog.accept()  # even forced, a mismatch enrols nothing
    assert _device_names(qtbot, hq_worker) == []
    dialog.heard_edit.setPlainText(own.fingerprint())
    assert dialog.enrol_button.isEnabled()
    with qtbot.waitSignal(page.finished, timeout=WAIT_MS):
        dialog.enrol_button.click()
    assert [r.outcome.status for r in page.rows] == ["imported"]
    assert not offer.isVisible()
    assert _device_names(qtbot, hq_worker) == ["Laptop C"]
    hq_worker.shutdown()
    hq.lock()
