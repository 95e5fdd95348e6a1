"""Schema 5: HQ → field updates (issue 17) and purging what HQ acknowledged.

HQ side: the updates sent per device, the chain of HQ key changes, the policy and vocabulary additions to send.
Field side: the updates received, the bundles HQ acknowledged, revocations HQ announced, the key-change links applied,
the policy minimums in force, and what a purge keeps of a removed testimony (ids, hashes, bundle numbers — never
content), plus the blob files a purge has still to overwrite if it was interrupted after its commit.
"""

from intake_app.vault.database import Connection

STATEMENTS = (
    # ---- HQ
    """CREATE TABLE updates_sent (
         device TEXT NOT NULL,
         seq INTEGER NOT NULL,
         sha256 TEXT NOT NULL,
         created_at TEXT NOT NULL,
         file_name TEXT NOT NULL,
         receipts INTEGER NOT NULL,
         highest_receipt INTEGER NOT NULL,
         PRIMARY KEY (device, seq)
       ) STRICT""",
    # One link per HQ key change, in chain order; `change` is the exact canonical JSON that `signature` signs.
    """CREATE TABLE hq_key_changes (
         idx INTEGER PRIMARY KEY,
         change BLOB NOT NULL,
         signature TEXT NOT NULL,
         created_at TEXT NOT NULL
       ) STRICT""",
    # ---- both: policy (HQ: to send; field: in force) and vocabulary additions (HQ: to send; field: received)
    "CREATE TABLE update_policy (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT",
    """CREATE TABLE vocabulary_additions (
         vocabulary TEXT NOT NULL,
         code TEXT NOT NULL,
         entry TEXT NOT NULL,
         added_at TEXT NOT NULL,
         PRIMARY KEY (vocabulary, code)
       ) STRICT""",
    # ---- field
    """CREATE TABLE updates_received (
         seq INTEGER PRIMARY KEY,
         sha256 TEXT NOT NULL,
         hq_key_id TEXT NOT NULL,
         created_at TEXT NOT NULL,
         imported_at TEXT NOT NULL,
         summary TEXT NOT NULL
       ) STRICT""",
    """CREATE TABLE acknowledged_bundles (
         seq INTEGER PRIMARY KEY,
         manifest_sha256 TEXT NOT NULL,
         update_seq INTEGER NOT NULL,
         acknowledged_at TEXT NOT NULL
       ) STRICT""",
    """CREATE TABLE known_revocations (
         key_id TEXT PRIMARY KEY,
         public_key TEXT NOT NULL,
         revoked_at TEXT NOT NULL,
         accept_up_to INTEGER NOT NULL,
         update_seq INTEGER NOT NULL
       ) STRICT""",
    "CREATE TABLE hq_chain_applied (sha256 TEXT PRIMARY KEY, idx INTEGER NOT NULL, update_seq INTEGER NOT NULL) STRICT",
    # What a purge keeps of each removed revision: what the sequence and the audit log refer to, never content.
    """CREATE TABLE purged_revisions (
         id TEXT PRIMARY KEY,
         record_id TEXT NOT NULL,
         content_hash TEXT NOT NULL,
         exported_in INTEGER NOT NULL,
         purged_at TEXT NOT NULL
       ) STRICT""",
    "CREATE INDEX purged_by_record ON purged_revisions (record_id)",
    # Blob files whose keys a committed purge dropped and that are still to be overwritten and unlinked.
    "CREATE TABLE purge_pending_blobs (blob_id TEXT PRIMARY KEY) STRICT",
)


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
