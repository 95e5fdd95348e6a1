"""Issue 25 §2: update numbers are counted per HQ signing key, so a key change always gets through.

A laptop compares an update's number only with the numbers of updates signed by the same HQ key; HQ numbers each
device's updates afresh under each new signing key (docs/formats/hq-update.md §6, "Numbers and key changes"). Both
tables are rebuilt with the signing key in their key. Rows HQ sent before this step are attributed to HQ's signing key
of the moment (they were all signed by a key HQ held, and numbers only ever grow under one key). Idempotent: a table
already in the new form is left alone.
"""

from intake_app.vault.database import Connection
from intake_app.vault.migrations._rebuild import rebuild_table


def _columns(conn: Connection, table: str) -> set[str]:
    return {str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")}


def upgrade(conn: Connection) -> None:
    if "hq_key_id" not in _columns(conn, "updates_sent"):
        row = conn.execute("SELECT key_id FROM signing_keys WHERE active = 1 ORDER BY created_at DESC LIMIT 1").fetchone()
        current = "" if row is None else bytes(row[0])[::-1].hex().upper()
        # hq_key_id is always written by HQ; the default serves old statements.
        rebuild_table(conn, "updates_sent", columns=("device", "hq_key_id", "seq", "sha256", "created_at", "file_name",
                      "receipts", "highest_receipt"), add={"hq_key_id": "TEXT NOT NULL DEFAULT ''"},
                      fill={"hq_key_id": current}, primary_key=("device", "hq_key_id", "seq"), order_by="device, seq")
    pk = [str(r[1]) for r in sorted(conn.execute("PRAGMA table_info(updates_received)"), key=lambda r: r[5]) if r[5]]
    if pk == ["seq"]:
        rebuild_table(conn, "updates_received", columns=("hq_key_id", "seq", "sha256", "created_at", "imported_at",
                      "summary"), primary_key=("hq_key_id", "seq"))
