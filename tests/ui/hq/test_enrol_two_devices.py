"""Two unknown laptops' bundles imported at once (issue 28, item 14): each refused bundle keeps its row and its own
enrol offer; enrolling one device imports its bundles again and leaves the other's row and offer as they were."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tools import demo_bundles as demo
from ui.common.db_worker import DbWorker
from ui.hq.import_page import ImportPage

WAIT_MS = 20_000


def test_each_refused_device_keeps_its_row_and_its_offer(qtbot: QtBot, tmp_path: Path) -> None:
    hq = demo.create_vault(tmp_path / "hq", "hq")
    bundles, keys = [], []
    for name in ("a", "b"):
        field = demo.create_vault(tmp_path / name, "field")
        demo.pin_hq(field, hq)
        demo.add_testimony(field)
        stick = tmp_path / f"usb-{name}"
        bundles.append(demo.export(field, stick))
        key = field.signing_key().public_key
        demo.write_device_key(field, stick / f"device-{key.key_id_hex}.pub")
        keys.append(key)
        field.lock()
    worker = DbWorker(hq)
    page = ImportPage(worker)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.finished, timeout=WAIT_MS):
        page.add_files(bundles)
        page.start_import()
    assert [r.outcome.status for r in page.rows] == ["refused", "refused"]
    offers = page.enrol_offers
    assert [o.key_id for o in offers] == [k.key_id_hex for k in keys]
    assert all(o.isVisible() for o in offers) and [o.bundles for o in offers] == [[b] for b in bundles]
    assert "0 imported, 0 already imported, 2 refused." in page.status.text()
    first, second = offers
    first.button.click()  # the key file is found next to the bundle
    dialog = first.dialog
    assert dialog is not None and dialog.key == keys[0]
    dialog.name_edit.setText("Laptop A")
    dialog.heard_edit.setPlainText(keys[0].fingerprint())
    with qtbot.waitSignal(page.finished, timeout=WAIT_MS):
        dialog.enrol_button.click()
    assert [r.outcome.status for r in page.rows] == ["imported", "refused"]
    assert page.table.rowCount() == 2
    assert "1 imported, 0 already imported, 1 refused." in page.status.text()
    assert page.enrol_offers == [second] and second.isVisible() and second.key_id == keys[1].key_id_hex
    assert not first.isVisible()
    worker.shutdown()
    hq.lock()
