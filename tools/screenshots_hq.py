"""Screenshots of the coordinator's and the auditor's screens (called by ``python -m tools.screenshots OUTDIR``).

Builds throwaway vaults in a temporary directory: an HQ vault, laptop A (bundles 1-3, bundle 2 held back at first),
laptop B restored from a backup (a conflict), and a tampered bundle, then walks the HQ pages and auditor mode.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from intake_app.bundles.keyring import parse_device_key_file, read_key_file
from tools import demo_bundles as demo
from tools.screen_wait import Save, wait_until
from ui.common.settings_store import UiSettings
from ui.session import Session

_wait = wait_until


def _fleet(tmp: Path) -> dict[str, Path]:
    hq = demo.create_vault(tmp / "hq", "hq")
    a = demo.create_vault(tmp / "a", "field")
    b = demo.create_vault(tmp / "b", "field")
    for field in (a, b):
        demo.pin_hq(field, hq)
    demo.enrol(hq, a, "Laptop A (Seoul)")
    hq.lock()
    out: dict[str, Path] = {}
    rec_a = demo.add_testimony(a, interviewee={"pseudonym": "W-117"})
    out["a1"] = demo.export(a, tmp / "usb")
    demo.add_testimony(a, interviewee={"pseudonym": "W-118"}, narrative="두 번째 면담")
    out["a2"] = demo.export(a, tmp / "usb")
    demo.edit_testimony(a, rec_a, narrative="세 번째 면담")
    out["a3"] = demo.export(a, tmp / "usb")
    rec_b = demo.add_testimony(b, interviewee={"pseudonym": "M-204"},
                               interview={"date": "2024-06-11", "place": "Busan", "language": "ko",
                                          "interviewer": "I-07"})
    out["b1"] = demo.export(b, tmp / "usb-b")
    restored = demo.clone_vault(b, tmp / "b-restored")
    b = demo.reopen(tmp / "b")
    demo.edit_testimony(b, rec_b, narrative="2011년 가을에 온성에서 체포되었다고 합니다.")
    out["b2"] = demo.export(b, tmp / "usb-b")
    demo.edit_testimony(restored, rec_b, narrative="2011년 겨울에 회령에서 체포되었다고 합니다.")
    out["b2r"] = demo.export(restored, tmp / "usb-b-restored")
    out["tampered"] = demo.tamper_payload(out["a1"], tmp / "usb" / "tampered.bundle.tar")
    out["a_key"] = demo.write_device_key(a, tmp / "laptop-a.pub")
    out["b_key"] = demo.write_device_key(b, tmp / "laptop-b.pub")
    for v in (a, b, restored):
        v.lock()
    return out


def render_coordinator(app: QApplication, out_dir: Path, lang: str, save: Save) -> list[Path]:
    """Walk the HQ pages and auditor mode in ``lang``; one PNG per screen."""
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        files = _fleet(tmp)
        session = Session(tmp / "hq", UiSettings(language=lang), tmp / "ui-settings.json")
        session.start()
        session.gate.unlocked.emit(demo.reopen(tmp / "hq"))
        assert session.main_window is not None
        session.main_window.resize(1100, 700)

        written += _render_hq_pages(app, out_dir, lang, save, session, files)
        written.append(_render_auditor(app, out_dir / f"{lang}-auditor.png", save, session, files))
        session.shutdown()
    return written


def _render_hq_pages(app: QApplication, out_dir: Path, lang: str, save: Save, session: Session,
                     files: dict[str, Path]) -> list[Path]:
    written: list[Path] = []
    pages = session.hq_pages
    window = session.main_window
    assert pages is not None and window is not None
    pages.show("devices")
    _wait(app, lambda: len(pages.devices.rows) == 1)
    pages.devices.start_enrol(files["b_key"])
    dialog = pages.devices.enrol_dialog
    assert dialog is not None
    dialog.name_edit.setText("Laptop B (Busan)")
    dialog.heard_edit.setPlainText(parse_device_key_file(read_key_file(files["b_key"])).fingerprint())
    written.append(save(app, dialog, out_dir / f"{lang}-hq-1-enrol.png"))
    dialog.accept()
    _wait(app, lambda: len(pages.devices.rows) == 2)

    pages.show("import")
    imported: list[bool] = []
    pages.importer.finished.connect(lambda: imported.append(True))
    pages.importer.add_files([files["a1"], files["a3"], files["b1"], files["tampered"]])
    pages.importer.start_import()
    _wait(app, lambda: len(imported) == 1)
    written.append(save(app, window, out_dir / f"{lang}-hq-2-import.png"))
    pages.show("devices")
    _wait(app, lambda: any(row.status["gaps"] for row in pages.devices.rows))
    written.append(save(app, window, out_dir / f"{lang}-hq-3-devices-gap.png"))

    pages.importer.add_files([files["a2"], files["b2"], files["b2r"]])
    pages.importer.start_import()
    _wait(app, lambda: len(imported) == 2)
    pages.show("conflicts")
    _wait(app, lambda: pages.conflicts.view is not None and len(pages.conflicts.queue) == 1)
    written.append(save(app, window, out_dir / f"{lang}-hq-4-conflicts.png"))
    pages.conflicts.start_merge()
    merge = pages.conflicts.merge_dialog
    assert merge is not None
    written.append(save(app, merge, out_dir / f"{lang}-hq-5-merge.png"))
    merge.reject()

    pages.show("all-testimonies")
    _wait(app, lambda: pages.consolidated.proxy.rowCount() == 3)
    pages.consolidated.table.selectRow(0)
    _wait(app, lambda: bool(pages.consolidated.detail.browser.toPlainText()))
    written.append(save(app, window, out_dir / f"{lang}-hq-6-all-testimonies.png"))
    pages.show("hq-keys")
    _wait(app, lambda: pages.keys.keys is not None)
    written.append(save(app, window, out_dir / f"{lang}-hq-7-keys.png"))
    session.lock()
    return written


def _render_auditor(app: QApplication, path: Path, save: Save, session: Session, files: dict[str, Path]) -> Path:
    gate = session.gate
    gate.resize(900, 680)
    gate.show_auditor()
    auditor = gate.auditor_page
    auditor.clear_inputs()
    auditor.add_bundles([files["a1"], files["a3"], files["tampered"], files["b1"]])
    auditor.add_keys([files["a_key"], files["b_key"]])
    reported: list[bool] = []
    auditor.report_ready.connect(lambda: reported.append(True))
    auditor.start_verify()
    _wait(app, lambda: bool(reported))
    return save(app, gate, path)
