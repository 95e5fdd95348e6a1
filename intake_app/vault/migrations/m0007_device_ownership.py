"""Schema 7: who may change a testimony (issue 11, finding 3).

- Attachment links are kept per device: the key becomes (record, file, device) and each link carries the media type
  its device gave, so one device's link can no longer overwrite the name, times, device or media type another device
  wrote (NULL media type: the attachment's own, as before).
- Every record's derived row is recomputed under the new rule: the current version is chosen by who wrote it (the
  device that first recorded the testimony, or HQ), never by the time a revision claims; versions from other devices
  wait in the conflicts queue. Link metadata another device already overwrote before this version is not recoverable
  from the vault (it was replaced in place); the devices' next bundles do not resend it.
- Rewritten-log detection becomes incremental (finding 6): ``log_checks`` keeps, per device, whether each checkpoint
  extends the one before it in (size, root) order, computed once at import instead of comparing every pair of bundles
  on every import and every ``bundle status``; filled here for the bundles already imported.
"""

from intake_app.vault.database import Connection
from intake_app.vault.migrations._rebuild import rebuild_table

STATEMENTS = (
    """CREATE TABLE log_checks (
         device TEXT NOT NULL,
         lo_size INTEGER NOT NULL,
         lo_root BLOB NOT NULL,
         hi_size INTEGER NOT NULL,
         hi_root BLOB NOT NULL,
         consistent INTEGER NOT NULL,
         PRIMARY KEY (device, lo_size, lo_root, hi_size, hi_root)
       ) STRICT""",
    "CREATE INDEX bundles_by_log ON bundles (device, log_size, log_root)",
)


# The derived rows are recomputed by the layers that own the rules (the vault layer may not import them): the records
# layer when a RecordStore is next made (records.revisions.recompute_pending), the bundles layer when a device's
# status is next read or a bundle imported (bundles.log_status). Each removes its key once done.
PENDING = ("pending:records_by_owner", "pending:log_checks")


def upgrade(conn: Connection) -> None:
    # NULL media type: the attachment's own, as before.
    rebuild_table(conn, "attachment_links", columns=("record_id", "sha256", "original_name", "captured_at", "added_at",
                  "device", "exported_in", "media_type"), add={"media_type": "TEXT"},
                  primary_key=("record_id", "sha256", "device"))
    for statement in STATEMENTS:
        conn.execute(statement)
    # Only where there is something to recompute: a vault created now (every migration runs on its empty schema) would
    # otherwise keep the records key until its first RecordStore, and an HQ vault filled by imports alone (the
    # importer makes none) then recomputed every record's derived rows in the middle of a coordinator's first command.
    holds = {"pending:records_by_owner": "SELECT 1 FROM revisions LIMIT 1",
             "pending:log_checks": "SELECT 1 FROM bundles LIMIT 1"}
    conn.executemany("INSERT OR REPLACE INTO vault_meta (key, value) VALUES (?, '1')",
                     [(k,) for k in PENDING if conn.execute(holds[k]).fetchone()])
