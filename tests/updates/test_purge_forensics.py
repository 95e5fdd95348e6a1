"""What a coerced unlock shows after a purge (issue 17, "must show" 2): marker strings of purged narratives, names,
attachment names and attachment text are in no decrypted page of the database (live, free or stale WAL frames), not in
a decrypted ``sqlcipher_export`` copy, and the attachment ciphertext is gone from the vault folder. The same scans run
before the purge (the control) find every marker, and after it still find the markers of the testimony that stays.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import sqlcipher3

from intake_app.bundles.export import export_bundle
from intake_app.bundles.importer import Importer
from intake_app.records.attachments import AttachmentStore
from intake_app.records.purge import purge_acknowledged
from intake_app.records.store import RecordStore, search_fields
from intake_app.search.index import FTS_TABLES, SEARCH_SCHEMA, SearchIndex
from intake_app.search.tokens import normalize, query_expression
from intake_app.updates.field import import_update
from intake_app.updates.hq import export_updates
from intake_app.vault.blobstore import BlobStore
from tests.conftest import Runner, scan_for_marker
from tests.updates.forensics import decrypted_vault_bytes, found, plain_export
from tests.updates.helpers import add_marked, cli_ok, markers, opened, setup_pair

PURGED = ("A", "B")
KEPT = "C"


def _acknowledged_laptop(tmp: Path) -> tuple[Path, bytes, dict[str, bytes]]:
    """A laptop with A and B in bundles HQ acknowledged and C recorded later. Returns its path, data key and the
    ciphertext of every attachment blob (by tag) as it was before any purge."""
    hq_path, (laptop,), (device,) = setup_pair(tmp)
    usb = tmp / "usb"
    usb.mkdir()
    with opened(laptop) as f:
        ids = {"A": add_marked(f, "A")}
        export_bundle(f, usb)
        ids["B"] = add_marked(f, "B")
        RecordStore(f).save_draft(ids["B"], {"narrative": "irrelevant"}, None)  # a draft blocks the purge ...
        RecordStore(f).discard_draft(ids["B"])  # ... until it is discarded (or saved, which would be an edit)
        export_bundle(f, usb)
        ids[KEPT] = add_marked(f, KEPT)
        dek = bytes(f._dek)  # the test plays the attacker who coerced the passphrase
        blobs = {}
        for tag, rid in ids.items():
            (info,) = AttachmentStore(f).list_for(rid)
            blob_id = f.conn.execute("SELECT blob_id FROM attachments WHERE sha256 = ?", (info.sha256,)).fetchone()[0]
            blobs[tag] = (f.path / "blobs" / blob_id).read_bytes()
    with opened(hq_path) as hq:
        for bundle in sorted(usb.glob("*.bundle.tar")):
            assert Importer(hq).import_file(bundle).status == "imported"
        (sent,) = export_updates(hq, usb, device)
    with opened(laptop) as f:
        assert import_update(f, sent.path).acknowledged_bundles == [1, 2]
    return laptop, dek, blobs


def _scan(laptop: Path, dek: bytes, tmp: Path, name: str) -> tuple[bytes, bytes, bytes]:
    """(decrypted pages of the files at rest, a sqlcipher_export copy, every raw byte of the vault folder)."""
    pages = decrypted_vault_bytes(laptop, dek)
    with opened(laptop) as f:
        plain = plain_export(f.conn, tmp / f"{name}-plain.db")
    folder = b"".join(p.read_bytes() for p in sorted(laptop.rglob("*")) if p.is_file())
    return pages, plain, folder


def _texts(tag: str) -> list[str]:
    m = markers(tag)
    return [m["narrative"], m["hangul"], m["roman"], m["file"], m["attachment"]]


def test_coerced_unlock_after_purge_shows_nothing_of_what_was_purged(intake: Runner, tmp_path: Path) -> None:
    laptop, dek, blobs = _acknowledged_laptop(tmp_path)

    # Control: before the purge the same scans find every marker (the attachment text only inside its blob, which
    # the blob key from the decrypted database opens).
    pages, plain, folder = _scan(laptop, dek, tmp_path, "before")
    for tag in (*PURGED, KEPT):
        for text in _texts(tag)[:4]:
            assert found(pages, text), (tag, text)
            assert found(plain, text), (tag, text)
        assert all(blob[100:164] in folder for blob in blobs.values())
    with opened(laptop) as f:  # the attachment text: whoever holds the decrypted database holds every blob key
        for tag in (*PURGED, KEPT):
            for row in f.conn.execute("SELECT blob_id, blob_key FROM attachments"):
                with BlobStore(laptop / "blobs").open(str(row[0]), bytes(row[1])) as reader:
                    if markers(tag)["attachment"].encode() in reader.read(1 << 20):
                        break
            else:
                raise AssertionError(f"the attachment of {tag} is not readable before the purge")
    assert not scan_for_marker(markers("A")["narrative"], [laptop])  # at rest everything is ciphertext

    res = cli_ok(intake, laptop, "testimony", "purge", "--acknowledged")
    assert res["testimonies"] == 2

    with opened(laptop) as f:
        new_dek = bytes(f._dek)  # the purge ended by replacing the data key; the attacker coerces the new one
    assert new_dek != dek
    old_key_pages = decrypted_vault_bytes(laptop, dek)  # the old key no longer opens anything
    assert not any(found(old_key_pages, t) for tag in (*PURGED, KEPT) for t in _texts(tag))
    pages, plain, folder = _scan(laptop, new_dek, tmp_path, "after")
    for tag in PURGED:
        for text in _texts(tag):
            assert not found(pages, text), (tag, text)
            assert not found(plain, text), (tag, text)
        assert blobs[tag][100:164] not in folder and blobs[tag][-64:] not in folder
    for text in _texts(KEPT)[:4]:  # the scans still work: the testimony HQ has not received is all there
        assert found(pages, text) and found(plain, text)
    assert blobs[KEPT][100:164] in folder
    with opened(laptop) as f:
        assert len(list(BlobStore(laptop / "blobs").iter_ids())) == 1
        assert f.conn.execute("SELECT count(*) FROM purged_revisions").fetchone()[0] == 2
        assert f.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for (entry,) in f.conn.execute("SELECT entry FROM audit_log"):  # audit entries never hold content
            assert not any(found(bytes(entry), t) for tag in (*PURGED, KEPT) for t in _texts(tag))


def test_power_cut_right_after_the_purge_leaves_no_purged_page_on_disk(tmp_path: Path) -> None:
    """The files as a power cut would leave them the moment the purge returned, the vault still open: the WAL was
    checkpointed into the database file (overwriting the old pages in place) and its stale frames zeroed."""
    laptop, dek, _ = _acknowledged_laptop(tmp_path)
    snapshot = tmp_path / "snapshot"
    with opened(laptop) as f:
        assert found(decrypted_vault_bytes(laptop, dek), markers("A")["narrative"])  # control, vault open
        assert purge_acknowledged(f).count == 2
        dek = bytes(f._dek)
        snapshot.mkdir()
        for p in laptop.iterdir():
            if p.is_file():
                shutil.copy2(p, snapshot / p.name)
    pages = decrypted_vault_bytes(snapshot, dek)
    for tag in PURGED:
        for text in _texts(tag)[:4]:
            assert not found(pages, text), (tag, text)
    assert found(pages, markers(KEPT)["narrative"])


def _terms(conn: Any) -> set[str]:
    """Every term the character-pair index yields, as FTS5's own vocabulary table reads it (tombstones applied)."""
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.pair_terms USING fts5vocab(main, search_pair, 'row')")
    return {str(r[0]) for r in conn.execute("SELECT term FROM temp.pair_terms")}


def _index_size(conn: Any) -> int:
    return sum(int(conn.execute(f"SELECT coalesce(sum(length(block)), 0) FROM {t}_data").fetchone()[0])
               for t in FTS_TABLES)


def _reference_index_size(fields: dict[str, str], doc_id: str) -> int:
    """The index of that one testimony alone, built in a fresh in-memory database: what a merged index holds."""
    conn = sqlcipher3.connect(":memory:")
    for statement in SEARCH_SCHEMA:
        conn.execute(statement)
    SearchIndex(conn).upsert(doc_id, fields)
    for table in FTS_TABLES:
        conn.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
    return _index_size(conn)


def test_search_postings_of_purged_testimonies_are_merged_away(tmp_path: Path) -> None:
    """A contentless FTS5 delete leaves the document's tokens in the old segments (only a tombstone is written); the
    purge merges the segments, so the token of a character pair only the purged testimonies contained is gone from the
    index."""
    laptop, _, _ = _acknowledged_laptop(tmp_path)
    tokens = {tag: query_expression(normalize(f"{tag}q")).strip('"') for tag in ("A", "B", "C")}
    with opened(laptop) as f:
        before = _terms(f.conn)
        size_before = _index_size(f.conn)
        assert all(tok in before for tok in tokens.values())  # control
        assert purge_acknowledged(f).count == 2
        after = _terms(f.conn)
        size_after = _index_size(f.conn)
        assert tokens["A"] not in after and tokens["B"] not in after
        assert tokens["C"] in after
        kept = RecordStore(f).summaries()[0]["id"]
        assert [r.record_id for r in RecordStore(f).search(markers("C")["roman"])] == [kept]
        assert RecordStore(f).search(markers("A")["roman"]) == []
        # The removed documents' postings are gone from the segments, not only tombstoned: the index is now the
        # size of one holding the kept testimony alone (control: before, it was far larger).
        content = f.conn.execute("SELECT content FROM revisions WHERE record_id = ?", (kept,)).fetchone()[0]
        reference = _reference_index_size(search_fields(bytes(content)), kept)
        assert size_before > 2 * reference
        assert size_after <= reference * 1.25, (size_after, reference)
