"""Remove from a field laptop, beyond recovery, every testimony HQ has acknowledged (issue 17).

A testimony is *purgeable* when every one of its revisions went out in a bundle that HQ acknowledged in a signed
update (the acknowledged bundle number *and* its manifest SHA-256 equal what this laptop exported), every attachment
link and attachment of it went out in such a bundle too, it has no autosaved draft (someone is editing it: an edit
not yet saved is an edit since), and it has no unresolved conflict. "Not edited since" therefore needs no clock:
a saved edit is a new revision that is not yet in an acknowledged bundle, an unsaved one is a draft.

What goes, in ONE transaction: the record row (its list summary holds names), every revision (content), the heads and
parent links, drafts, the search entry (text and postings; the FTS5 indexes are then merged so no segment keeps the
removed tokens), attachment links, and for attachments no remaining testimony links, their row (holding the blob's
key) and custody events. ``PRAGMA secure_delete`` (set on every open) zeroes the freed pages. What is kept:
``purged_revisions`` (revision id, record id, content hash, bundle number), the ``exports`` table and the audit log
(append-only), so the bundle numbering and the log's checkpoints stay exactly as they were.

Every row *derived* from a purged testimony goes in the same transaction too: the derived indexes registered with
:mod:`intake_app.records.derived` (statistics facts and counts, perpetrator entries, the persons index, registry links,
recordings and their markers) are told to remove them. A purge refuses to run while a table of the schema is in none
of the three lists (the record store's tables below, the kept tables below, a registered index's tables).

Never purged, whatever HQ acknowledged: a testimony with a recording in progress or a recording journal not yet
recovered (``recordings.state = 'recording'``: audio is never discarded), and one with an attachment removal HQ has not
acknowledged (a removal clears the link's ``exported_in``, so it travels in the next bundle).

After the commit the blobs are overwritten and unlinked (their ids were queued in ``purge_pending_blobs`` in the same
transaction, so an interruption cannot lose track of them, and an unacknowledged blob is never touched), then the WAL is
checkpointed, its old frames (which may hold earlier page versions) overwritten and the file truncated. Last, the data
key is replaced (``Vault.rotate_data_key_in_place``: SQLCipher rekey, every slot sealed again around the new key with
the same passphrase and recovery key, the old key file overwritten in place): earlier page versions left in free disk
blocks — old WAL files SQLite deleted, pages freed before ``secure_delete`` could reach them — are ciphertext under a
key that no longer exists. A flag set in the purge's transaction makes an interrupted purge finish all of this at the
next purge (an update import with auto-purge runs one).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from crypto.fs import zero_in_place
from intake_app.errors import RefusedError, UsageError
from intake_app.records import derived
from intake_app.search.index import SearchIndex
from intake_app.vault.audit import AuditLog
from intake_app.vault.blobstore import BlobStore
from intake_app.vault.database import Connection, Transaction
from intake_app.vault.vault import BLOBS_DIR, DB_FILE, Vault, utc_now

_SCRUB_FLAG = "purge_scrub_pending"
_ROTATE_FLAG = "purge_rotation_pending"
# Tables the purge itself empties of a testimony's rows (the record store's own, and the search index's).
RECORD_TABLES = frozenset({"records", "revisions", "revision_parents", "record_heads", "drafts", "attachment_links",
                           "attachments", "custody_events"})
SEARCH_TABLE_PREFIXES = ("search_",)
# Tables kept on purpose: bundle numbering, the append-only audit log, keys and HQ state hold ids, hashes, counts.
KEPT_TABLES = frozenset({
    "purged_revisions", "purge_pending_blobs", "exports", "audit_log", "vault_meta", "signing_keys", "age_identities",
    "acknowledged_bundles", "updates_received", "updates_sent", "update_policy", "hq_chain_applied", "hq_key_changes",
    "hq_recipients", "known_revocations", "vocabulary_additions", "devices", "bundles", "device_audit", "device_leaves",
    "log_checks", "import_refusals",
    # Reference records (issue 31) come from outside archives at HQ, never from a testimony; a field vault has none.
    "reference_imports", "reference_records", "reference_versions", "reference_act_victims",
    # An archive export's listing (issue 30): mention ids and reason codes beside its audit entry, append-only as it.
    "export_listings"})
_ACKED = """SELECT a.seq FROM acknowledged_bundles a JOIN exports e
            ON e.seq = a.seq AND e.manifest_sha256 = a.manifest_sha256"""
_PURGEABLE = f"""
SELECT r.id FROM records r
WHERE r.kind = 'testimony' AND r.conflicted = 0
  AND NOT EXISTS (SELECT 1 FROM revisions v WHERE v.record_id = r.id
                  AND (v.exported_in IS NULL OR v.exported_in NOT IN ({_ACKED})))
  AND NOT EXISTS (SELECT 1 FROM drafts d WHERE d.record_id = r.id)
  AND NOT EXISTS (SELECT 1 FROM recordings g WHERE g.record_id = r.id AND g.state = 'recording')
  AND NOT EXISTS (SELECT 1 FROM attachment_links l LEFT JOIN attachments t ON t.sha256 = l.sha256
                  WHERE l.record_id = r.id
                  AND (l.exported_in IS NULL OR l.exported_in NOT IN ({_ACKED})
                       OR t.exported_in IS NULL OR t.exported_in NOT IN ({_ACKED})))
ORDER BY r.id"""  # noqa: S608 - constant SQL


@dataclass(frozen=True)
class PurgeResult:
    """What a purge removed (or, with ``dry_run``, would remove): counts and ids only."""

    records: tuple[str, ...]
    revisions: int
    attachments: int
    acknowledged_bundles: tuple[int, ...]
    dry_run: bool

    @property
    def count(self) -> int:
        return len(self.records)


def acknowledged_bundles(conn: Connection) -> tuple[int, ...]:
    """Bundle numbers HQ acknowledged whose manifest hash is the one this laptop exported."""
    return tuple(int(r[0]) for r in conn.execute(_ACKED + " ORDER BY a.seq"))


def purgeable(conn: Connection) -> list[str]:
    """Ids of the testimonies a purge would remove now."""
    return [str(r[0]) for r in conn.execute(_PURGEABLE)]


def uncovered_tables(conn: Connection) -> list[str]:
    """Tables of the schema that nothing cleans or keeps on purpose (a purge refuses while there is one)."""
    covered = RECORD_TABLES | KEPT_TABLES | derived.owned_tables()
    names = [str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return sorted(n for n in names if n not in covered and not n.startswith(SEARCH_TABLE_PREFIXES)
                  and not n.startswith("sqlite_"))


def _plan(conn: Connection, ids: list[str]) -> tuple[int, list[tuple[str, str]]]:
    """(revision count, [(sha256, blob_id)] of the attachments no remaining testimony links) for ``ids``."""
    if not ids:
        return 0, []
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS purge_ids (id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM purge_ids")
    conn.executemany("INSERT INTO purge_ids (id) VALUES (?)", [(i,) for i in ids])
    revs = int(conn.execute("SELECT count(*) FROM revisions WHERE record_id IN (SELECT id FROM purge_ids)")
               .fetchone()[0])
    blobs = [(str(s), str(b)) for s, b in conn.execute(
        """SELECT a.sha256, a.blob_id FROM attachments a
           WHERE EXISTS (SELECT 1 FROM attachment_links l WHERE l.sha256 = a.sha256
                         AND l.record_id IN (SELECT id FROM purge_ids))
             AND NOT EXISTS (SELECT 1 FROM attachment_links l WHERE l.sha256 = a.sha256
                             AND l.record_id NOT IN (SELECT id FROM purge_ids))
           ORDER BY a.sha256""")]
    return revs, blobs


def purge_acknowledged(vault: Vault, *, dry_run: bool = False, rotate_data_key: bool = True) -> PurgeResult:
    """Remove every purgeable testimony (see the module docstring); with ``dry_run`` only count them.

    ``rotate_data_key=False`` exists for the forensics test's control only: it shows what the rotation protects."""
    if vault.role != "field":
        raise UsageError("only a field vault purges what HQ has received")
    conn = vault.conn
    uncovered = uncovered_tables(conn)
    if uncovered:
        raise RefusedError(f"purge does not know what to do with the table(s) {', '.join(uncovered)}; nothing was"
                           " removed (a derived index is not registered: intake_app.wiring.install)")
    if rotate_data_key and not dry_run and purgeable(conn):
        missing = vault.rotation_blockers()
        if missing:
            raise RefusedError(f"after a purge the data key is replaced, and this vault does not know the key of slot(s)"
                               f" {', '.join(missing)}: give the recovery key once (intake testimony purge --acknowledged"
                               " --recovery-key-file FILE). Nothing was removed.")
    if dry_run:
        ids = purgeable(conn)
        revs, blobs = _plan(conn, ids)
        conn.execute("DROP TABLE IF EXISTS temp.purge_ids")
        return PurgeResult(tuple(ids), revs, len(blobs), acknowledged_bundles(conn), True)
    audit = AuditLog(conn, vault.signing_key().public_key.key_id_hex)
    with Transaction(conn):
        ids = purgeable(conn)
        revs, blobs = _plan(conn, ids)
        acked = acknowledged_bundles(conn)
        if ids:
            _remove_rows(conn, ids, blobs)
            audit.append("purge", utc_now(), None, {"testimonies": len(ids), "revisions": revs,
                                                   "attachments": len(blobs), "acknowledged_bundles": list(acked)})
            flags = [_SCRUB_FLAG, _ROTATE_FLAG] if rotate_data_key else [_SCRUB_FLAG]
            conn.executemany("INSERT INTO vault_meta (key, value) VALUES (?, '1') ON CONFLICT (key) DO NOTHING",
                             [(f,) for f in flags])
        conn.execute("DROP TABLE IF EXISTS temp.purge_ids")
    finish_pending(vault)
    return PurgeResult(tuple(ids), revs, len(blobs), acked, False)


def _remove_rows(conn: Connection, ids: list[str], blobs: list[tuple[str, str]]) -> None:
    now = utc_now()
    conn.execute("""INSERT OR IGNORE INTO purged_revisions (id, record_id, content_hash, exported_in, purged_at)
                    SELECT id, record_id, content_hash, exported_in, ? FROM revisions
                    WHERE record_id IN (SELECT id FROM purge_ids)""", (now,))
    conn.execute("""DELETE FROM revision_parents WHERE child IN
                    (SELECT id FROM revisions WHERE record_id IN (SELECT id FROM purge_ids))""")
    for table, column in (("revisions", "record_id"), ("record_heads", "record_id"), ("drafts", "record_id"),
                          ("attachment_links", "record_id"), ("records", "id")):
        conn.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM purge_ids)")  # noqa: S608 - constants
    derived.testimonies_removed(conn, ids)
    index = SearchIndex(conn)
    for record_id in ids:
        index.remove(record_id)
    for sha, blob_id in blobs:
        conn.execute("INSERT OR IGNORE INTO purge_pending_blobs (blob_id) VALUES (?)", (blob_id,))
        conn.execute("DELETE FROM attachments WHERE sha256 = ?", (sha,))
        conn.execute("DELETE FROM custody_events WHERE sha256 = ?", (sha,))
    index.merge_segments()


def finish_pending(vault: Vault) -> None:
    """Overwrite and unlink the blobs a committed purge queued, then scrub the WAL. Safe to run at any time."""
    conn = vault.conn
    store = BlobStore(vault.path / BLOBS_DIR)
    pending = [str(b) for (b,) in conn.execute("SELECT blob_id FROM purge_pending_blobs ORDER BY blob_id")]
    if pending:
        # Rows go only once every file is destroyed: an interruption leaves them queued, and destroying is idempotent.
        store.destroy_many(pending)
        with Transaction(conn):
            conn.executemany("DELETE FROM purge_pending_blobs WHERE blob_id = ?", [(b,) for b in pending])
    # When another reader held an old snapshot the flag stays, and the next purge scrubs.
    if (conn.execute("SELECT 1 FROM vault_meta WHERE key = ?", (_SCRUB_FLAG,)).fetchone()
            and scrub_wal(conn, vault.path / DB_FILE)):
        with Transaction(conn):
            conn.execute("DELETE FROM vault_meta WHERE key = ?", (_SCRUB_FLAG,))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if conn.execute("SELECT 1 FROM vault_meta WHERE key = ?", (_ROTATE_FLAG,)).fetchone():
        vault.rotate_data_key_in_place()
        with Transaction(vault.conn):
            vault.conn.execute("DELETE FROM vault_meta WHERE key = ?", (_ROTATE_FLAG,))
        vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()


def scrub_wal(conn: Connection, db_path: Path) -> bool:
    """Copy every WAL frame into the database, overwrite the WAL file's old frames with zeros and truncate it.

    The WAL keeps earlier versions of pages (encrypted under the data key, so readable by whoever learns the
    passphrase) until it is reset; truncating alone would leave those bytes in free blocks. Only done when the
    checkpoint copied every frame (no other reader holds an old snapshot); then a reader reads the database file
    alone, a crash finds no valid WAL header and an empty log, and the next writer starts a new WAL. Returns whether the
    WAL was scrubbed.
    """
    busy, log_frames, done = conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
    wal = db_path.with_name(db_path.name + "-wal")
    if busy or log_frames != done:
        return False
    if not wal.is_file():
        return True  # no WAL file at all: nothing stale to overwrite
    zero_in_place(wal)
    with contextlib.suppress(Exception):
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return True


def purged_summary(conn: Connection) -> dict[str, int]:
    """Counts of what purges removed so far (from what they keep: ids, hashes, bundle numbers)."""
    row = conn.execute("SELECT count(DISTINCT record_id), count(*) FROM purged_revisions").fetchone()
    return {"testimonies": int(row[0]), "revisions": int(row[1])}
