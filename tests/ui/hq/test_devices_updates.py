"""HQ devices page (issue 17): per device, the last update sent and the bundles it acknowledged."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import Importer
from intake_app.updates.hq import export_updates
from tests.updates.helpers import add_marked, opened, setup_pair
from ui.common.settings_store import UiSettings
from ui.hq.devices_page import COLUMNS
from ui.session import Session

WAIT_MS = 20_000
SENT, ACKED = COLUMNS.index("Last update sent"), COLUMNS.index("Bundles acknowledged")


def test_devices_page_shows_last_update_sent_and_bundles_acknowledged(qtbot: QtBot, tmp_path: Path,
                                                                      settings_path: Path) -> None:
    hq_path, (one, two), (id_one, id_two) = setup_pair(tmp_path, fields=2)
    codes = {}
    for path, key_id in ((one, id_one), (two, id_two)):
        with opened(path) as f:
            codes[key_id] = " ".join(f.info().fingerprint.split()[:2])  # what that laptop's status bar shows
    usb = tmp_path / "usb"
    usb.mkdir()
    bundles = []
    with opened(one) as f:
        for tag in ("A", "B"):
            add_marked(f, tag, with_attachment=False)
            bundles.append(export_bundle(f, usb).path)
    with opened(hq_path) as hq:
        for b in bundles:
            assert Importer(hq).import_file(b).status == "imported"
        (sent,) = export_updates(hq, usb, id_one)
    session = Session(hq_path, UiSettings(), settings_path)
    qtbot.addWidget(session.gate)
    session.start()
    try:
        session.gate.unlocked.emit(opened(hq_path))
        pages = session.hq_pages
        assert pages is not None
        page = pages.devices
        page.refresh()
        qtbot.waitUntil(lambda: page.device_row("laptop-1") >= 0 and page.device_row("laptop-2") >= 0,
                        timeout=WAIT_MS)

        def cell(name: str, column: int) -> str:
            item = page.table.item(page.device_row(name), column)
            assert item is not None
            return item.text()

        assert cell("laptop-1", SENT).startswith("1 on ") and sent.path.name.endswith("000001.update.tar")
        assert cell("laptop-1", ACKED) == "2 (up to 2)"
        assert (cell("laptop-2", SENT), cell("laptop-2", ACKED)) == ("none yet", "—")

        # Write the next updates from the page, into a folder chosen in its (real, non-native) file dialog.
        out = tmp_path / "stick"
        out.mkdir()
        QTest.mouseClick(page.updates_button, Qt.MouseButton.LeftButton)
        fd = page.folder_dialog
        assert fd is not None
        qtbot.waitUntil(fd.isVisible, timeout=WAIT_MS)
        assert fd.testOption(QFileDialog.Option.DontUseNativeDialog) and fd.testOption(QFileDialog.Option.ShowDirsOnly)
        assert fd.fileMode() == QFileDialog.FileMode.Directory  # ui.common.path_field's folder dialog, as the field's
        fd.setDirectory(str(out))
        fd.selectFile(str(out))
        fd.accept()
        qtbot.waitUntil(lambda: "Wrote 2 update files" in page.message.text(), timeout=WAIT_MS)
        names = sorted(f"intake-update-{codes[d].replace(' ', '-')}-{d}-{n:06d}.update.tar"
                       for d, n in ((id_one, 2), (id_two, 1)))
        assert sorted(p.name for p in out.iterdir()) == names
        assert all(n in page.message.text() for n in names) and all(c in page.message.text() for c in codes.values())
        qtbot.waitUntil(lambda: cell("laptop-2", SENT).startswith("1 on "), timeout=WAIT_MS)
        assert cell("laptop-1", SENT).startswith("2 on ") and cell("laptop-2", ACKED) == "none"
    finally:
        session.shutdown()
