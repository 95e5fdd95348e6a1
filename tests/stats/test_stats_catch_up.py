"""The query's catch-up (issue 30): the full staleness check runs only after a testimony record changed, by any path.

Triggers on ``records`` (migration ``m0015_stats_sql``) set the ``vault_meta`` flag ``stats_sync_due``; a query runs
``facts.sync`` while it is set and clears it in the same transaction. These tests change a record's current revision
behind the record store's back (as a resolved conflict does: no facts refresh) and check that the next query counts
the new revision; they also check the migration from the version before.
"""

from __future__ import annotations

import json
from pathlib import Path

from intake_app.records.store import RecordStore
from intake_app.stats import query
from intake_app.vault import migrations
from intake_app.vault.vault import Vault

DOC = {"interview": {"date": "2024", "language": "ko", "interviewer": "I-01"}, "interviewee": {"pseudonym": "W-1"},
       "victims": [{"id": "v1", "sex": "F", "acts": [{"type": "arrest", "date": "1998",
                                                      "perpetrators": [{"unit": "온성군 보위부"}]}]}]}


def _due(vault: Vault) -> bool:
    return vault.conn.execute("SELECT 1 FROM vault_meta WHERE key = ?", (query.SYNC_DUE,)).fetchone() is not None


def _organs(vault: Vault) -> list[str]:
    return [r["key"]["organ"] for r in query.run(vault.conn, ["organ", "sex"]).rows]


def test_a_revision_made_current_by_another_path_is_counted(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path / "v", "pw", "hq")[0]
    store = RecordStore(vault)
    saved = store.add_json(json.dumps(DOC).encode())
    first = saved.revision
    assert _due(vault)  # a testimony was added
    assert _organs(vault) == ["MSS"]
    assert not _due(vault)  # the query made the full check and cleared the flag
    doc = dict(DOC, id=saved.record_id)
    doc["victims"] = [dict(DOC["victims"][0], acts=[{"type": "arrest", "date": "1998",
                                                     "perpetrators": [{"organ": "BORDER_GUARD"}]}])]
    store.add_json(json.dumps(doc).encode())
    assert _due(vault)
    store.add_json(json.dumps(DOC).encode())  # another, the flag already set
    doc["interviewee"] = {"pseudonym": "W-2"}
    store.add_json(json.dumps(doc).encode())  # the first changed again: the store's upsert of records, flag set
    assert _due(vault)
    assert _organs(vault) == ["MSS", "BORDER_GUARD"]
    # The first revision made current again without the record store (as a conflict's resolution may): the facts
    # are stale, and only the catch-up can notice.
    vault.conn.execute("UPDATE records SET current_rev = ? WHERE id = ?", (first, saved.record_id))
    assert _due(vault)
    assert _organs(vault) == ["MSS"]
    assert query.run(vault.conn, ["organ"], "victim", [("sex", "F")]).total == 2
    vault.lock()


def test_without_the_flag_the_check_is_skipped_and_a_query_writes_nothing(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path / "v", "pw", "hq")[0]
    RecordStore(vault).add_json(json.dumps(DOC).encode())
    assert _organs(vault) == ["MSS"]
    changes = vault.conn.total_changes
    assert _organs(vault) == ["MSS"]
    assert vault.conn.total_changes == changes
    # Facts made stale behind the triggers' back (not a path the program has): nothing notices, as designed.
    vault.conn.execute("UPDATE stat_testimonies SET rev = 'other'")
    changes = vault.conn.total_changes
    assert _organs(vault) == ["MSS"] and not _due(vault)
    assert vault.conn.total_changes == changes  # no full check ran (it would have rebuilt the record)
    vault.lock()


def test_upgrade_swaps_the_index_and_sets_the_flag(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path / "v", "pw", "hq")[0]
    RecordStore(vault).add_json(json.dumps(DOC).encode())
    assert _organs(vault) == ["MSS"]
    conn = vault.conn
    version = next(int(m.name[1:5]) for m in migrations.pkgutil.iter_modules(migrations.__path__)
                   if m.name[6:] == "stats_sql")
    # The vault as the version before left it: the old index, no triggers, no flag.
    conn.execute("DROP INDEX stat_facts_by_dim_mention")
    conn.execute("CREATE INDEX IF NOT EXISTS stat_facts_by_mention ON stat_facts (mid, dim)")
    conn.execute("DROP TRIGGER stats_sync_due_on_insert")
    conn.execute("DROP TRIGGER stats_sync_due_on_update")
    conn.execute(f"PRAGMA user_version = {version - 1}")
    conn.execute("UPDATE records SET updated_at = 'later'")  # a change the old schema made without a flag
    vault.lock()
    vault = Vault.open(tmp_path / "v", "pw")
    names = {str(r[0]) for r in vault.conn.execute("SELECT name FROM sqlite_master WHERE tbl_name IN"
                                                   " ('stat_facts', 'records')")}
    assert {"stat_facts_by_dim_mention", "stats_sync_due_on_insert", "stats_sync_due_on_update"} <= names
    assert "stat_facts_by_mention" not in names
    assert _due(vault)
    assert _organs(vault) == ["MSS"] and not _due(vault)
    vault.lock()
