"""The attachments tab: remove with a confirmation (a tombstone the core records), and after adding a file, delete
the plaintext original on request, with an honest note about flash storage (issue 13.10)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from intake_app.records import interchange
from intake_app.records.store import RecordStore
from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker
from ui.field.attachments_panel import AttachmentsPanel

WAIT_MS = 20_000
DOC = {"interview": {"date": "2024-05-02", "language": "ko", "interviewer": "I-1"}, "interviewee": {"pseudonym": "W"}}


@pytest.fixture
def panel(qtbot: QtBot, tmp_path: Path) -> Iterator[AttachmentsPanel]:
    vault, _ = Vault.create(tmp_path / "vault", "우리 집 강아지는 눈 오는 날을 좋아합니다", "field")
    record_id = RecordStore(vault).save(interchange.validate(DOC)).record_id
    worker = DbWorker(vault)
    widget = AttachmentsPanel(worker)
    qtbot.addWidget(widget)
    widget.show()
    widget.set_record(record_id)
    yield widget
    worker.shutdown()
    vault.lock()


def _custody(qtbot: QtBot, panel: AttachmentsPanel, sha256: str) -> list[str]:
    got: list[list[str]] = []
    panel._worker.submit(lambda ctx: [a for _, a, _ in ctx.attachments.custody(sha256)], on_done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=WAIT_MS)
    return got[0]


def test_attach_then_delete_the_original_and_remove_the_attachment(qtbot: QtBot, panel: AttachmentsPanel,
                                                                  tmp_path: Path) -> None:
    original = tmp_path / "usb" / "편지 스캔.txt"
    original.parent.mkdir()
    original.write_bytes("할머니가 보낸 편지\n".encode() * 1000)
    panel.attach(original)
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=WAIT_MS)
    assert panel.original_box.isVisible()
    note = panel.original_label.text()
    assert str(original) in note and "SSD" in note and "may survive" in note  # honest about flash storage
    panel.delete_original_button.click()
    qtbot.waitUntil(lambda: not original.exists(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not panel.original_box.isVisible(), timeout=WAIT_MS)
    assert "overwritten and removed" in panel.status.text()

    # Keeping it is a choice too: the file stays.
    second = tmp_path / "usb" / "photo.txt"
    second.write_bytes(b"photo bytes")
    panel.attach(second)
    qtbot.waitUntil(lambda: panel.list.count() == 2, timeout=WAIT_MS)
    panel.keep_original_button.click()
    assert second.exists() and not panel.original_box.isVisible()

    # Remove the first: asked first, Cancel is the default, then a tombstone with a custody event.
    panel.list.setCurrentRow(0)
    info = panel.infos[0]
    panel.remove_button.click()
    box = panel.confirm_box
    assert box is not None and box.isVisible()
    assert box.defaultButton().text() == "Cancel"
    box.defaultButton().click()
    assert panel.list.count() == 2
    panel.remove_button.click()
    box = panel.confirm_box
    assert box is not None
    remove = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
    remove.click()
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=WAIT_MS)
    assert info.original_name in panel.status.text() and "custody" in panel.status.text()
    assert [i.sha256 for i in panel.infos] != [info.sha256]
    assert _custody(qtbot, panel, info.sha256) == ["collected", "removed"]
