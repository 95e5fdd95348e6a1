"""Schema 5: HQ's person registry, a layer above the testimonies (issue 14).

A person is a set of mentions (``TESTIMONY_ID/VICTIM_ID``); links and "not the same person" decisions are rows here and
entries in the audit log, never changes to a testimony. ``person_keys`` is a derived blocking index (name keys of every
mention), rebuilt from the testimonies when their current revisions change; it holds no decision.
"""

from intake_app.vault.database import Connection


def upgrade(conn: Connection) -> None:
    conn.execute("""CREATE TABLE persons (
        id TEXT PRIMARY KEY, created_at TEXT NOT NULL, preferred_hangul TEXT, preferred_roman TEXT)""")
    conn.execute("""CREATE TABLE person_links (
        mention TEXT PRIMARY KEY, person TEXT NOT NULL REFERENCES persons (id), linked_at TEXT NOT NULL)""")
    conn.execute("CREATE INDEX person_links_person ON person_links (person)")
    conn.execute("""CREATE TABLE person_distinct (
        a TEXT NOT NULL, b TEXT NOT NULL, reason TEXT NOT NULL, decided_at TEXT NOT NULL, PRIMARY KEY (a, b),
        CHECK (a < b))""")
    # Derived: one row per (record, current revision) indexed, and one per name key of each mention.
    conn.execute("CREATE TABLE person_indexed (record_id TEXT PRIMARY KEY, rev TEXT NOT NULL)")
    conn.execute("""CREATE TABLE person_mentions (
        num INTEGER PRIMARY KEY, mention TEXT NOT NULL UNIQUE, record_id TEXT NOT NULL, features TEXT NOT NULL)""")
    conn.execute("CREATE INDEX person_mentions_record ON person_mentions (record_id)")
    conn.execute("CREATE TABLE person_keys (key TEXT NOT NULL, num INTEGER NOT NULL)")
    conn.execute("CREATE INDEX person_keys_key ON person_keys (key, num)")
    conn.execute("CREATE INDEX person_keys_num ON person_keys (num)")
