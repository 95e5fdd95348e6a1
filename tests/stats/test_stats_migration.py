"""A vault from before the fact table: migrating creates it empty, and the first query fills it from the records."""

from __future__ import annotations

import json
from pathlib import Path

from intake_app.records.store import RecordStore
from intake_app.stats import query
from intake_app.vault import migrations
from intake_app.vault.migrations import m0006_stats_and_perpetrators as stats_migration
from intake_app.vault.vault import Vault
from tests.stats import generator
from tests.stats.expected import expected

VERSION = int(stats_migration.__name__.rsplit(".", 1)[1][1:5])


def test_old_vault_gets_its_facts_on_first_query(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path / "v", "pw", "hq")[0]
    store = RecordStore(vault)
    corpus = []
    device = vault.signing_key().public_key.key_id_hex
    for t in generator.corpus(seed=5, n=25):
        rid = store.add_json(json.dumps(t.doc, ensure_ascii=False).encode()).record_id
        corpus.append((t, device, [f"{rid}/{v['id']}" for v in store.show(rid).get("victims", [])]))
    # Turn it into a vault of the version before: the tables this step adds did not exist.
    conn = vault.conn
    for table in ("perp_entries", "stat_facts", "stat_mentions", "stat_testimonies", "perpetrator_links",
                  "perpetrator_distinct", "perpetrators"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute(f"PRAGMA user_version = {VERSION - 1}")
    vault.lock()
    vault = Vault.open(tmp_path / "v", "pw")
    assert migrations.current_version(vault.conn) == migrations.LATEST
    assert vault.conn.execute("SELECT count(*) FROM stat_facts").fetchone()[0] == 0
    got = query.run(vault.conn, ["organ"])
    want = expected(corpus, "victim", ["organ"])
    assert got.total == want["total"] > 0
    assert {r["key"]["organ"]: r["count"] for r in got.rows} == {k[0]: n for k, n in want["rows"].items()}
    assert vault.conn.execute("SELECT count(*) FROM stat_testimonies").fetchone()[0] == 25


def test_edit_and_delete_keep_facts_current(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path / "v", "pw", "hq")[0]
    store = RecordStore(vault)
    doc = {"interview": {"date": "2024", "language": "ko", "interviewer": "I-01"},
           "interviewee": {"pseudonym": "W-1"},
           "victims": [{"id": "v1", "sex": "F", "acts": [{"type": "arrest", "date": "1998",
                                                          "perpetrators": [{"unit": "온성군 보위부"}]}]}]}
    rid = store.add_json(json.dumps(doc).encode()).record_id
    assert [(r["key"]["organ"], r["count"]) for r in query.run(vault.conn, ["organ"]).rows] == [("MSS", 1)]
    doc["id"] = rid
    doc["victims"][0]["acts"][0]["perpetrators"] = [{"organ": "BORDER_GUARD"}]
    store.add_json(json.dumps(doc).encode())
    assert [r["key"]["organ"] for r in query.run(vault.conn, ["organ"]).rows] == ["BORDER_GUARD"]
    store.delete(rid)
    result = query.run(vault.conn, ["organ"])
    assert result.total == 0 and result.rows == ()
