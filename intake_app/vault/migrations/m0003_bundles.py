"""Schema 3: key exchange and bundles — pinned HQ recipients and export history (field), enrolled devices, imported
bundles, devices' audit logs and refused imports (HQ)."""

from intake_app.vault.database import Connection

STATEMENTS = (
    """CREATE TABLE hq_recipients (
         recipient TEXT PRIMARY KEY,
         name TEXT NOT NULL,
         signing_key TEXT,
         added_at TEXT NOT NULL
       ) STRICT""",
    """CREATE TABLE exports (
         seq INTEGER PRIMARY KEY,
         bundle_id TEXT NOT NULL UNIQUE,
         manifest_sha256 TEXT NOT NULL,
         created_at TEXT NOT NULL,
         log_size INTEGER NOT NULL,
         log_root BLOB NOT NULL,
         file_name TEXT NOT NULL,
         counts TEXT NOT NULL
       ) STRICT""",
    """CREATE TABLE devices (
         key_id TEXT PRIMARY KEY,
         name TEXT NOT NULL,
         public_key BLOB NOT NULL CHECK (length(public_key) = 32),
         enrolled_at TEXT NOT NULL,
         revoked_at TEXT,
         revocation_reason TEXT
       ) STRICT""",
    """CREATE TABLE bundles (
         manifest_sha256 TEXT PRIMARY KEY,
         bundle_id TEXT NOT NULL,
         device TEXT NOT NULL,
         seq INTEGER NOT NULL,
         previous_manifest_sha256 TEXT,
         created_at TEXT NOT NULL,
         imported_at TEXT NOT NULL,
         log_size INTEGER NOT NULL,
         log_root BLOB NOT NULL,
         log_fork INTEGER NOT NULL DEFAULT 0,
         counts TEXT NOT NULL
       ) STRICT""",
    "CREATE INDEX bundles_by_device ON bundles (device, seq)",
    """CREATE TABLE device_leaves (
         device TEXT NOT NULL,
         idx INTEGER NOT NULL,
         leaf BLOB NOT NULL CHECK (length(leaf) = 32),
         PRIMARY KEY (device, idx)
       ) STRICT""",
    """CREATE TABLE device_audit (
         device TEXT NOT NULL,
         leaf BLOB NOT NULL,
         seq INTEGER NOT NULL,
         entry BLOB NOT NULL,
         PRIMARY KEY (device, leaf)
       ) STRICT""",
    """CREATE TABLE import_refusals (
         id INTEGER PRIMARY KEY,
         at TEXT NOT NULL,
         file_name TEXT NOT NULL,
         file_sha256 TEXT,
         device TEXT,
         reason TEXT NOT NULL
       ) STRICT""",
)


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
