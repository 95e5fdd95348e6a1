"""The record store on a real SQLCipher vault: revisions, history, tombstones, drafts, filters, audit, attachments."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from intake_app.errors import RefusedError, UsageError
from intake_app.records import interchange
from intake_app.records.attachments import AttachmentStore
from intake_app.records.store import RecordStore
from intake_app.vault.audit import AuditLog
from intake_app.vault.vault import Vault

GOOD = Path(__file__).resolve().parents[1] / "data" / "interchange" / "good"


def _doc(name: str = "example.json", **changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((GOOD / name).read_text(encoding="utf-8"))
    doc.pop("id", None)
    doc.update(changes)
    return doc


def _bytes(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


@pytest.fixture
def store(tmp_path: Path) -> RecordStore:
    vault, _ = Vault.create(tmp_path / "v", "pw")
    return RecordStore(vault)


def test_add_show_round_trip_changes_nothing(store: RecordStore) -> None:
    first = store.add_json(_bytes(_doc("rich.json")))
    assert first.created and first.changed
    shown = store.show(first.record_id)
    again = store.add_json(_bytes(shown))
    assert not again.changed and again.revision == first.revision
    assert len(store.history(first.record_id)) == 1
    assert store.show(first.record_id) == shown


def test_edit_adds_a_revision_with_parent(store: RecordStore) -> None:
    rid = store.add_json(_bytes(_doc())).record_id
    shown = store.show(rid)
    shown["narrative"] = "수정된 진술: 2011년 가을 온성에서 체포되었다."
    second = store.add_json(_bytes(shown))
    assert second.changed and not second.created
    hist = store.history(rid)
    assert len(hist) == 2
    assert hist[1].parents == (hist[0].revision,)
    assert hist[1].is_current and not hist[0].is_head
    assert store.show(rid)["narrative"].startswith("수정된")


def test_revision_ids_are_content_addressed(store: RecordStore) -> None:
    rid = store.add_json(_bytes(_doc())).record_id
    entry = store.history(rid)[0]
    from intake_app.records.revisions import load, revision_id

    rev = load(store.conn, entry.revision)
    assert rev is not None
    assert revision_id(rev.record_id, rev.parents, rev.device, rev.created_at, rev.content_hash, rev.tombstone) == rev.id
    assert interchange.canonical_sha256(interchange.validate(json.loads(rev.content))) == rev.content_hash


def test_delete_is_a_tombstone_and_history_remains(store: RecordStore) -> None:
    rid = store.add_json(_bytes(_doc())).record_id
    store.delete(rid)
    with pytest.raises(RefusedError, match="deleted"):
        store.show(rid)
    assert [h.tombstone for h in store.history(rid)] == [False, True]
    assert store.summaries() == []
    assert [s["id"] for s in store.summaries(include_deleted=True)] == [rid]
    assert store.search("류은별") == []
    with pytest.raises(RefusedError, match="already deleted"):
        store.delete(rid)


def test_unknown_id_is_a_usage_error(store: RecordStore) -> None:
    with pytest.raises(UsageError):
        store.show("0190f6b8-7a1c-7d2e-9f00-3c4b5a6d7e8f")


def test_filters(store: RecordStore) -> None:
    a = store.add_json(_bytes(_doc())).record_id  # categories 6, 7; interview 2024-05-02
    b_doc = _doc()
    b_doc["interview"] = {**b_doc["interview"], "date": "2019"}
    b_doc["victims"] = [{**b_doc["victims"][0], "categories": [1], "status": "deceased"}]
    b = store.add_json(_bytes(b_doc)).record_id
    assert {s["id"] for s in store.summaries(category=6)} == {a}
    assert {s["id"] for s in store.summaries(category=1)} == {b}
    assert {s["id"] for s in store.summaries(since="2020-01-01")} == {a}
    assert {s["id"] for s in store.summaries(until="2019-06-30")} == {b}  # "2019" may be any day of 2019
    assert {s["id"] for s in store.summaries(status="missing")} == {a}
    assert store.count() == 2 and store.count(category=7) == 1


def test_drafts_survive_reopen(tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "v", "pw")
    store = RecordStore(vault)
    rid = store.add_json(_bytes(_doc())).record_id
    store.save_draft(rid, {"narrative": "반쯤 쓴 문장"}, store.current_revision(rid))
    vault.lock()
    reopened = RecordStore(Vault.open(tmp_path / "v", "pw"))
    drafts = reopened.drafts()
    assert [(d[0], d[2]["narrative"]) for d in drafts] == [(rid, "반쯤 쓴 문장")]
    shown = reopened.show(rid)
    shown["narrative"] = "다 쓴 문장"
    reopened.add_json(_bytes(shown))
    assert reopened.drafts() == []  # saving the record consumes its draft


def test_search_finds_korean_and_latin(store: RecordStore) -> None:
    rid = store.add_json(_bytes(_doc())).record_id
    for query in ("보위", "보위부", "류", "Ryu Un", "burn scar", "온성군 보위부"):
        results = store.search(query)
        assert [r.record_id for r in results] == [rid], query
    assert store.search("평양") == []


def test_audit_log_records_every_action_and_verifies(store: RecordStore, tmp_path: Path) -> None:
    rid = store.add_json(_bytes(_doc())).record_id
    shown = store.show(rid)
    shown["narrative"] = "edited"
    store.add_json(_bytes(shown))
    attachments = AttachmentStore(store.vault)
    info = attachments.attach_stream(rid, io.BytesIO(b"scan bytes"), "scan.png")
    with attachments.open(info.sha256) as reader:
        assert reader.read() == b"scan bytes"
    store.delete(rid)
    log = AuditLog(store.conn, store.device)
    actions = [json.loads(e)["action"] for _, e in log.entries()]
    assert actions == ["vault_created", "create", "edit", "attach", "view_attachment", "delete"]
    report = log.verify()
    assert report.ok and report.size == 6
    # The log refuses to be rewritten.
    with pytest.raises(Exception, match="append-only"):
        store.conn.execute("UPDATE audit_log SET action = 'create' WHERE seq = 1")
    with pytest.raises(Exception, match="append-only"):
        store.conn.execute("DELETE FROM audit_log WHERE seq = 4")
    # A checkpoint taken now fails once history is rewritten behind the triggers' back.
    size, root = report.size, report.root
    store.conn.execute("DROP TRIGGER audit_log_no_update")
    store.conn.execute("UPDATE audit_log SET entry = CAST('{}' AS BLOB) WHERE seq = 2")
    bad = log.verify([(size, root)])
    assert not bad.ok and any("entry 2" in p for p in bad.problems)


def test_attachments_dedupe_and_custody(store: RecordStore, tmp_path: Path) -> None:
    rid = store.add_json(_bytes(_doc())).record_id
    attachments = AttachmentStore(store.vault)
    a = attachments.attach_stream(rid, io.BytesIO(b"same"), "a.txt")
    b = attachments.attach_stream(rid, io.BytesIO(b"same"), "\u202egnp.exe")
    assert a.sha256 == b.sha256
    assert len(list((store.vault.path / "blobs").iterdir())) == 1
    assert [x.original_name for x in attachments.list_for(rid)] == ["a.txt"]
    assert "\u202e" not in b.original_name
    out = tmp_path / "out.txt"
    attachments.extract(a.sha256, out)
    assert out.read_bytes() == b"same"
    assert [c[1] for c in attachments.custody(a.sha256)] == ["collected", "collected", "extracted"]
    with pytest.raises(UsageError):
        attachments.attach_stream("0190f6b8-7a1c-7d2e-9f00-3c4b5a6d7e8f", io.BytesIO(b"x"), "x")
