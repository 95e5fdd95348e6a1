"""Removing an attachment is a tombstone with a custody event, on a real vault (issue 13.10)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from intake_app.errors import UsageError
from intake_app.records import interchange
from intake_app.records.attachments import AttachmentStore
from intake_app.records.store import RecordStore
from intake_app.vault.audit import AuditLog
from intake_app.vault.vault import Vault

DOC = {"interview": {"date": "2024-05-02", "language": "ko", "interviewer": "I-1"}, "interviewee": {"pseudonym": "W"}}


def test_removal_is_a_tombstone_with_custody_and_audit_and_changes_nothing_on_bad_input(tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "v", "pw")
    store = RecordStore(vault)
    rid = store.save(interchange.validate(DOC)).record_id
    other = store.save(interchange.validate(DOC)).record_id
    attachments = AttachmentStore(vault)
    kept = attachments.attach_stream(rid, io.BytesIO(b"kept letter"), "kept.png")
    gone = attachments.attach_stream(rid, io.BytesIO(b"wrong scan"), "wrong.png")
    blobs_before = sorted(p.name for p in (vault.path / "blobs").rglob("*") if p.is_file())

    attachments.remove(rid, gone.sha256)

    assert [i.sha256 for i in attachments.list_for(rid)] == [kept.sha256]
    assert [i.sha256 for i in attachments.list_for(rid, include_removed=True)] == [kept.sha256, gone.sha256]
    row = vault.conn.execute("SELECT removed_at, removed_by FROM attachment_links WHERE sha256 = ?",
                             (gone.sha256,)).fetchone()
    assert row[0] is not None and row[1] == attachments.device
    assert [action for _, action, _ in attachments.custody(gone.sha256)] == ["collected", "removed"]
    entries = [json.loads(e) for _, e in AuditLog(vault.conn, attachments.device).entries()]
    assert entries[-1]["action"] == "remove_attachment"
    assert sorted(p.name for p in (vault.path / "blobs").rglob("*") if p.is_file()) == blobs_before  # nothing destroyed
    with attachments.open(gone.sha256) as reader:  # the evidence is still readable, its custody continues
        assert reader.read() == b"wrong scan"

    log_size = len(list(AuditLog(vault.conn, attachments.device).entries()))
    for record, sha, match in ((rid, gone.sha256, "removed .* already"), (other, kept.sha256, "not attached"),
                               (rid, "NOT-A-HASH", "SHA-256"), ("no-such-record", kept.sha256, "no testimony")):
        with pytest.raises(UsageError, match=match):
            attachments.remove(record, sha)
    assert len(list(AuditLog(vault.conn, attachments.device).entries())) == log_size  # refusals change nothing
    assert [i.sha256 for i in attachments.list_for(rid)] == [kept.sha256]

    attachments.attach_stream(rid, io.BytesIO(b"wrong scan"), "wrong.png")  # attached again: live again
    assert [i.sha256 for i in attachments.list_for(rid)] == [kept.sha256, gone.sha256]
    vault.lock()


def test_nothing_is_attached_to_an_unknown_or_deleted_testimony(tmp_path: Path) -> None:
    """The one rule (records.attachments.require_live_record) the recorder shares: refused, and nothing is written."""
    vault, _ = Vault.create(tmp_path / "v", "pw")
    store = RecordStore(vault)
    rid = store.save(interchange.validate(DOC)).record_id
    store.delete(rid)
    attachments = AttachmentStore(vault)
    for record, match in (("no-such-record", "no testimony with id no-such-record"), (rid, f"testimony {rid} was "
                                                                                             "deleted")):
        with pytest.raises(UsageError, match=match):
            attachments.attach_stream(record, io.BytesIO(b"a scan"), "scan.png")
    assert vault.conn.execute("SELECT count(*) FROM attachment_links").fetchone()[0] == 0
    assert not [p for p in (vault.path / "blobs").rglob("*") if p.is_file()]
    vault.lock()
