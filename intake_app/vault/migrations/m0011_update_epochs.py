"""Issue 25 §2: update numbers are counted per HQ signing key, so a key change always gets through.

A laptop compares an update's number only with the numbers of updates signed by the same HQ key; HQ numbers each
device's updates afresh under each new signing key (docs/formats/hq-update.md §6, "Numbers and key changes"). Both
tables are rebuilt with the signing key in their key. Rows HQ sent before this step are attributed to HQ's signing key
of the moment (they were all signed by a key HQ held, and numbers only ever grow under one key). Idempotent: a table
already in the new form is left alone.
"""

from intake_app.vault.database import Connection


def _columns(conn: Connection, table: str) -> set[str]:
    return {str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")}


def upgrade(conn: Connection) -> None:
    if "hq_key_id" not in _columns(conn, "updates_sent"):
        row = conn.execute("SELECT key_id FROM signing_keys WHERE active = 1 ORDER BY created_at DESC LIMIT 1").fetchone()
        current = "" if row is None else bytes(row[0])[::-1].hex().upper()
        conn.execute(
            """CREATE TABLE updates_sent_new (
                 device TEXT NOT NULL,
                 hq_key_id TEXT NOT NULL DEFAULT '',  -- always written by HQ; the default serves old statements
                 seq INTEGER NOT NULL,
                 sha256 TEXT NOT NULL,
                 created_at TEXT NOT NULL,
                 file_name TEXT NOT NULL,
                 receipts INTEGER NOT NULL,
                 highest_receipt INTEGER NOT NULL,
                 PRIMARY KEY (device, hq_key_id, seq)
               ) STRICT""")
        conn.execute("INSERT INTO updates_sent_new (device, hq_key_id, seq, sha256, created_at, file_name, receipts,"
                     " highest_receipt) SELECT device, ?, seq, sha256, created_at, file_name, receipts,"
                     " highest_receipt FROM updates_sent ORDER BY device, seq", (current,))
        conn.execute("DROP TABLE updates_sent")
        conn.execute("ALTER TABLE updates_sent_new RENAME TO updates_sent")
    pk = [str(r[1]) for r in sorted(conn.execute("PRAGMA table_info(updates_received)"), key=lambda r: r[5]) if r[5]]
    if pk == ["seq"]:
        conn.execute(
            """CREATE TABLE updates_received_new (
                 hq_key_id TEXT NOT NULL,
                 seq INTEGER NOT NULL,
                 sha256 TEXT NOT NULL,
                 created_at TEXT NOT NULL,
                 imported_at TEXT NOT NULL,
                 summary TEXT NOT NULL,
                 PRIMARY KEY (hq_key_id, seq)
               ) STRICT""")
        conn.execute("INSERT INTO updates_received_new (hq_key_id, seq, sha256, created_at, imported_at, summary)"
                     " SELECT hq_key_id, seq, sha256, created_at, imported_at, summary FROM updates_received"
                     " ORDER BY rowid")
        conn.execute("DROP TABLE updates_received")
        conn.execute("ALTER TABLE updates_received_new RENAME TO updates_received")
