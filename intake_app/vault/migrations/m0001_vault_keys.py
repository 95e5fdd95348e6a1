"""Schema 1: vault metadata and the vault's own keys (device signing key; HQ's age identity)."""

from intake_app.vault.database import Connection


def upgrade(conn: Connection) -> None:
    conn.execute("CREATE TABLE vault_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT")
    conn.execute(
        """CREATE TABLE signing_keys (
             key_id BLOB PRIMARY KEY CHECK (length(key_id) = 8),
             seed BLOB NOT NULL CHECK (length(seed) = 32),
             created_at TEXT NOT NULL,
             active INTEGER NOT NULL DEFAULT 1
           ) STRICT"""
    )
    conn.execute(
        """CREATE TABLE age_identities (
             id INTEGER PRIMARY KEY,
             secret BLOB NOT NULL CHECK (length(secret) = 32),
             created_at TEXT NOT NULL
           ) STRICT"""
    )
