"""Every earlier schema version, filled with data, migrates to the latest without losing anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake_app.search.tokens import query_expression
from intake_app.vault import migrations
from intake_app.vault.database import open_encrypted
from intake_app.vault.vault import DB_FILE

KEY = bytes(range(32))


def _version_of(name: str) -> int:
    """The number of the migration module ``mNNNN_<name>`` (numbers change when branches merge, names do not)."""
    return next(int(m.name[1:5]) for m in migrations.pkgutil.iter_modules(migrations.__path__)
                if m.name[6:] == name)


# Per migration, by its module's name: rows a vault of that version could hold, and a query that must still return
# them after upgrading. One entry per migration, each written the same way (the integrator renumbers at merge).
SAMPLE_ROWS: dict[int, list[tuple[str, str, object]]] = {}
SAMPLE_ROWS[_version_of("vault_keys")] = [
    ("INSERT INTO vault_meta VALUES ('sample', '증언 sample')",
     "SELECT value FROM vault_meta WHERE key = 'sample'", "증언 sample")]
SAMPLE_ROWS[_version_of("records")] = [
    ("INSERT INTO drafts VALUES ('r-1', NULL, CAST('{\"narrative\": \"초안\"}' AS BLOB), '2026-01-01T00:00:00Z')",
     "SELECT CAST(content AS TEXT) FROM drafts WHERE record_id = 'r-1'", '{"narrative": "초안"}'),
    ("INSERT INTO audit_log (seq, at, action, subject, entry, leaf_hash) VALUES "
     "(0, 't', 'create', NULL, CAST('{}' AS BLOB), zeroblob(32))",
     "SELECT action FROM audit_log WHERE seq = 0", "create")]
SAMPLE_ROWS[_version_of("bundles")] = [
    ("INSERT INTO devices (key_id, name, public_key, enrolled_at)"
     " VALUES ('0011223344556677', '노트북', zeroblob(32), 't')",
     "SELECT name FROM devices", "노트북"),
    ("INSERT INTO bundles (manifest_sha256, bundle_id, device, seq, created_at, imported_at, log_size, log_root,"
     " counts) VALUES ('m', 'b', '0011223344556677', 1, 't', 't', 1, zeroblob(32), '{}')",
     "SELECT seq FROM bundles", 1),
    ("INSERT INTO device_leaves VALUES ('0011223344556677', 0, randomblob(32))",
     "SELECT count(*) FROM device_leaves", 1)]
SAMPLE_ROWS[_version_of("revocation_and_leaves")] = [
    ("UPDATE devices SET revoked_after_seq = 7", "SELECT revoked_after_seq FROM devices", 7),
    ("UPDATE bundles SET leaves = zeroblob(64)", "SELECT length(leaves) FROM bundles", 64)]
# Device ownership (issue 11, finding 3): links are kept per device and carry their media type.
SAMPLE_ROWS[_version_of("device_ownership")] = [
    ("INSERT INTO attachment_links (record_id, sha256, original_name, added_at, device, media_type)"
     " VALUES ('r-1', 'aa', 'scan.png', 't', 'D1', 'image/png')",
     "SELECT media_type FROM attachment_links WHERE device = 'D1'", "image/png")]
# Recordings (issue 18).
SAMPLE_ROWS[_version_of("recordings")] = [
    ("INSERT INTO recordings (id, record_id, journal_key, state, started_at, device, input_name, sample_rate,"
     " channels, bits, consent) VALUES ('0123456789abcdef0123456789abcdef', 'r-1', zeroblob(32), 'recording', 't',"
     " '0011223344556677', '내장 마이크', 48000, 1, 16, 'granted')",
     "SELECT input_name FROM recordings WHERE state = 'recording'", "내장 마이크"),
    ("INSERT INTO recording_markers VALUES ('0123456789abcdef0123456789abcdef', 1500, '중요', 't')",
     "SELECT note FROM recording_markers WHERE at_ms = 1500", "중요"),
]
# Issue 17's schema (updates and purge).
UPDATES_VERSION = _version_of("updates_and_purge")
SAMPLE_ROWS[UPDATES_VERSION] = [
    ("INSERT INTO acknowledged_bundles VALUES (1, 'm', 1, 't')", "SELECT update_seq FROM acknowledged_bundles", 1),
    ("INSERT INTO purged_revisions VALUES ('rev', 'r-1', 'h', 1, 't')", "SELECT exported_in FROM purged_revisions", 1),
    ("INSERT INTO updates_sent (device, seq, sha256, created_at, file_name, receipts, highest_receipt)"
     " VALUES ('0011223344556677', 1, 's', 't', 'f', 2, 2)",
     "SELECT receipts FROM updates_sent", 2),
]
# The person registry (issue 14).
ACT_YEARS_SQL = f"(SELECT user_version FROM pragma_user_version) < {_version_of('person_act_years')}"
SAMPLE_ROWS[_version_of("persons")] = [
    ("INSERT INTO persons (id, created_at) VALUES ('p-1', 't')", "SELECT count(*) FROM persons", 1),
    ("INSERT INTO person_links VALUES ('r-1/v1', 'p-1', 't')", "SELECT person FROM person_links", "p-1"),
    # Issue 30 (m0016): mentions indexed before the value counts existed are counted by the upgrade.
    ("INSERT INTO person_mentions (mention, record_id, features) VALUES ('r-1/v1', 'r-1',"
     " '{\"nk\": [\"name:이:yungkil\"], \"by\": [1950, 1950], \"cat\": [6], \"home\": null,"
     " \"acts\": [[\"arrest\", null, [1998, 1998], null]]}')",
     "SELECT group_concat(key || '=' || n, ' ') FROM (SELECT key, n FROM person_counts ORDER BY key)",
     "*=1 born:1950=1 cat:6=1 name:이:yungkil=1"),
    # Issue 30 (m0020): an act's year filed under the year and the next; the year before, filed by the earlier rule
    # (only a vault before that version holds it), is deleted by the upgrade.
    ("INSERT INTO person_keys (key, num) SELECT k.value, m.num FROM person_mentions m, json_each("
     "'[\"!name:이:yungkil#a1998\", \"!name:이:yungkil#a1999\", \"!name:이:yungkil#a1997\"]') k"
     f" WHERE m.mention = 'r-1/v1' AND (k.value NOT LIKE '%a1997' OR {ACT_YEARS_SQL})",
     "SELECT group_concat(key, ' ') FROM (SELECT key FROM person_keys ORDER BY key)",
     "!name:이:yungkil#a1998 !name:이:yungkil#a1999")]
# Statistics and the perpetrator registry (issue 15).
SAMPLE_ROWS[_version_of("stats_and_perpetrators")] = [
    ("INSERT INTO perpetrators VALUES ('P-1', 'person', '상위', 't')", "SELECT name FROM perpetrators", "상위"),
    ("INSERT INTO perpetrator_links VALUES ('T/V/A/P', 'person', 'P-1', 't')",
     "SELECT perpetrator FROM perpetrator_links", "P-1"),
    ("INSERT INTO stat_testimonies (record_id, rev) VALUES ('r', 'x')", "SELECT rev FROM stat_testimonies", "x"),
]
# Removed attachments (issue 11).
SAMPLE_ROWS[_version_of("attachment_removal")] = [
    ("INSERT INTO attachment_links (record_id, sha256, original_name, added_at, device, removed_at, removed_by)"
     " VALUES ('r-1', 'ab', '편지.jpg', 't', 'd', 't2', 'd')",
     "SELECT removed_at FROM attachment_links WHERE record_id = 'r-1' AND sha256 = 'ab'", "t2")]
# Issue 25: update numbers per HQ signing key; the row of version 5 is kept, and number 1 can recur under a new key.
SAMPLE_ROWS[_version_of("update_epochs")] = [
    ("INSERT INTO updates_sent (device, hq_key_id, seq, sha256, created_at, file_name, receipts, highest_receipt)"
     " VALUES ('0011223344556677', 'AABBCCDDEEFF0011', 1, 's2', 't', 'f', 3, 3)",
     "SELECT count(*) FROM updates_sent WHERE device = '0011223344556677' AND seq = 1", 2),
    ("INSERT INTO updates_received (hq_key_id, seq, sha256, created_at, imported_at, summary)"
     " VALUES ('AABBCCDDEEFF0011', 1, 's', 't', 't', '{}')", "SELECT hq_key_id FROM updates_received", "AABBCCDDEEFF0011")]

# Issue 31: reference records (numbered by its module, renumbered at merge).
SAMPLE_ROWS[_version_of("reference_records")] = [
    ("INSERT INTO reference_imports VALUES ('i-1', 'FOOTPRINTS', 'victims', 'ab', 't', 1, 1, 0, 0, 0, '{}')",
     "SELECT source FROM reference_imports", "FOOTPRINTS"),
    ("INSERT INTO reference_records VALUES ('ref-1', 'FOOTPRINTS', 'victims', 'person', 'title:홍길동', 1, '홍길동')",
     "SELECT identity FROM reference_records", "title:홍길동"),
    ("INSERT INTO reference_versions VALUES ('ref-1', 1, 'i-1', 1, '{}', 'cd', X'68', 't')",
     "SELECT original_row FROM reference_versions", b"h")]
SAMPLE_ROWS[_version_of("link_state")] = [  # issue 24: removals travel in bundles
    ("INSERT INTO attachment_links (record_id, sha256, original_name, added_at, device, state_seq)"
     " VALUES ('r-2', 'cd', 'b.jpg', 't', 'd', 3)", "SELECT state_seq FROM attachment_links WHERE record_id = 'r-2'", 3)]

# Issue 30: search answers from 4-grams; the search text of a vault indexed before is indexed again by the migration
# (what it indexes is checked in tests/search/test_search_schema.py).
SAMPLE_ROWS[_version_of("records")] += [
    ("INSERT INTO search_doc VALUES (7, 'r-1')", "SELECT doc_id FROM search_doc", "r-1"),
    ("INSERT INTO search_text VALUES (7, '{\"narrative\": \"온성군 보위부\"}')", "SELECT id FROM search_text", 7)]
SAMPLE_ROWS[_version_of("search_ngrams")] = [
    (f"INSERT INTO search_pair (rowid, body) VALUES (9, '{query_expression('보위')}')",
     f"SELECT rowid FROM search_pair WHERE search_pair MATCH '{query_expression('보위')}'", 9)]
SAMPLE_ROWS[_version_of("stats_sql")] = [  # issue 30: the facts' index by dimension, and the flag for the next query
    ("INSERT INTO stat_facts VALUES ('sex', 'F', 7, 1)", "SELECT value FROM stat_facts WHERE dim = 'sex' AND mid = 7",
     "F"),
    ("DELETE FROM vault_meta WHERE key = 'stats_sync_due'", "SELECT count(*) FROM vault_meta WHERE key = 'stats_sync_due'",
     0)]
SAMPLE_ROWS[_version_of("person_counts")] = [  # issue 30: value counts kept by triggers as mentions come and go
    ("INSERT INTO person_mentions (mention, record_id, features) VALUES ('r-2/v1', 'r-2',"
     " '{\"nk\": [\"name:이:yungkil\"], \"by\": [1950, 1951], \"cat\": [6, 7], \"home\": \"KP.x.y\","
     " \"acts\": [[\"arrest\", \"KP.x.y\", null, \"f1\"]]}')",
     "SELECT n FROM person_counts WHERE key = 'name:이:yungkil'", 1),  # r-1's count: r-2 came and went
    ("DELETE FROM person_mentions WHERE mention = 'r-2/v1'",
     "SELECT count(*) FROM person_counts WHERE key IN ('cat:7', 'place:KP.x.y', 'facility:f1')", 0)]
SAMPLE_ROWS[_version_of("revision_consent")] = [  # issue 30: each revision's consent (filled: tests/records)
    ("INSERT INTO revision_consent VALUES ('rev-1', 'r-1', 'ab', '{\"wgeid\":\"granted\"}')",
     "SELECT consent FROM revision_consent WHERE record_id = 'r-1'", '{"wgeid":"granted"}')]
SAMPLE_ROWS[_version_of("revision_consent_by_record")] = [  # issue 30: keyed by record, then revision
    ("INSERT INTO revision_consent VALUES ('rev-2', 'r-2', 'cd', '{}')",
     "SELECT group_concat(rev_id || '@' || record_id, ' ') FROM revision_consent", "rev-1@r-1 rev-2@r-2"),
    ("SELECT 1", "SELECT count(*) FROM sqlite_master WHERE name = 'revision_consent_by_record'", 0),
    ("SELECT 1", "SELECT group_concat(name, ',') FROM pragma_index_info('sqlite_autoindex_revision_consent_1')",
     "record_id,rev_id")]
SAMPLE_ROWS[_version_of("person_act_years")] = [  # issue 30: rows of the earlier rule's act years are gone (above)
    ("SELECT 1", "SELECT count(*) FROM person_keys WHERE key GLOB '*#a1997*'", 0)]
SAMPLE_ROWS[_version_of("export_listings")] = [  # issue 30: an archive export's listing beside its audit entry
    ("INSERT INTO export_listings VALUES ('e-1', 0, X'5b5d0a')", "SELECT data FROM export_listings WHERE export = 'e-1'",
     b"[]\n")]


def _build_at(path: Path, version: int) -> None:
    conn = open_encrypted(path, KEY, create=True)
    migrations.migrate(conn, None, target=version)
    for v in range(1, version + 1):
        for stmt, _, _ in SAMPLE_ROWS.get(v, []):
            conn.execute(stmt)
    conn.close()


@pytest.mark.parametrize("version", range(1, migrations.LATEST + 1))
def test_upgrade_from_every_version(tmp_path: Path, version: int) -> None:
    db = tmp_path / DB_FILE
    _build_at(db, version)
    conn = open_encrypted(db, KEY)
    before = migrations.migrate(conn, db)
    assert before == version
    assert migrations.current_version(conn) == migrations.LATEST
    for v in range(1, version + 1):
        for _, query, expected in SAMPLE_ROWS[v]:
            assert conn.execute(query).fetchone()[0] == expected
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    # The backup taken before migrating is removed once every step committed (issue 11: they used to pile up).
    assert not list(tmp_path.glob(f"{DB_FILE}.pre-v*.bak"))


def test_every_version_has_sample_rows() -> None:
    # A new migration must come with rows that exercise it in the test above.
    assert set(SAMPLE_ROWS) == set(range(1, migrations.LATEST + 1))


def test_v4_backfills_each_bundles_leaves_from_the_device_log(tmp_path: Path) -> None:
    db = tmp_path / DB_FILE
    _build_at(db, _version_of("bundles"))
    conn = open_encrypted(db, KEY)
    leaf = conn.execute("SELECT leaf FROM device_leaves").fetchone()[0]
    migrations.migrate(conn, db)
    assert conn.execute("SELECT leaves FROM bundles").fetchone()[0] == leaf
    conn.close()


def test_updates_schema_adds_empty_tables_and_keeps_the_audit_triggers(tmp_path: Path) -> None:
    db = tmp_path / DB_FILE
    _build_at(db, UPDATES_VERSION - 1)
    conn = open_encrypted(db, KEY)
    migrations.migrate(conn, db)
    for table in ("updates_sent", "hq_key_changes", "update_policy", "vocabulary_additions", "updates_received",
                  "acknowledged_bundles", "known_revocations", "hq_chain_applied", "purged_revisions",
                  "purge_pending_blobs"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    with pytest.raises(Exception, match="append-only"):
        conn.execute("DELETE FROM audit_log")
    conn.close()


def test_revision_consent_rekeyed_by_record_keeps_every_row(tmp_path: Path) -> None:
    """Issue 30, fourth pass: the consent rows of a vault written before are kept, each once, keyed by (record,
    revision) and stored in that order; the index by record, which the key now serves, is gone."""
    db = tmp_path / DB_FILE
    version = _version_of("revision_consent_by_record")
    _build_at(db, version - 1)
    conn = open_encrypted(db, KEY)
    rows = [(f"rev-{i:02d}", f"r-{(i * 7) % 5}", f"{i:064x}", f'{{"wgeid":"granted","n":{i}}}') for i in range(20)]
    conn.executemany("INSERT INTO revision_consent VALUES (?, ?, ?, ?)", rows)
    before = sorted(tuple(r) for r in conn.execute("SELECT * FROM revision_consent"))
    migrations.migrate(conn, db)
    after = [tuple(r) for r in conn.execute("SELECT * FROM revision_consent")]  # a full scan: the key's order
    assert sorted(after) == before and len(after) == 21  # the sample row of migration 17 and these
    assert [(r[1], r[0]) for r in after] == sorted((r[1], r[0]) for r in after)
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'revision_consent_by_record'").fetchone()[0] == 0
    plan = " ".join(str(r[3]) for r in conn.execute("EXPLAIN QUERY PLAN SELECT consent FROM revision_consent"
                                                    " WHERE record_id = 'r-1' AND rev_id = 'rev-01'"))
    assert "PRIMARY KEY (record_id=? AND rev_id=?)" in plan
    with pytest.raises(Exception, match="UNIQUE"):  # still one row per (record, revision)
        conn.execute("INSERT INTO revision_consent VALUES ('rev-01', 'r-2', 'ab', '{}')")
    conn.close()
