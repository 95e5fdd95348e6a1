"""HQ's reference key: the secret behind the ``P-`` references under which persons appear in exports.

32 random bytes kept in ``vault_meta`` key ``export_reference_key`` (hex), so it is encrypted with the vault, made on
first use, and never written to any export, bundle or log. :func:`intake_app.exports.anonymity.reference` derives a
person's reference from it per purpose and anonymity level (docs/exports.md §1, "References").
"""

from __future__ import annotations

import secrets

from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault

META_KEY = "export_reference_key"


def key(vault: Vault) -> bytes:
    """The vault's reference key, created (in its own transaction unless the caller is in one) when missing."""
    row = vault.conn.execute("SELECT value FROM vault_meta WHERE key = ?", (META_KEY,)).fetchone()
    if row is not None:
        return bytes.fromhex(str(row[0]))
    fresh = secrets.token_hex(32)
    insert = "INSERT OR IGNORE INTO vault_meta (key, value) VALUES (?, ?)"
    if vault.conn.in_transaction:
        vault.conn.execute(insert, (META_KEY, fresh))
    else:
        with Transaction(vault.conn):
            vault.conn.execute(insert, (META_KEY, fresh))
    row = vault.conn.execute("SELECT value FROM vault_meta WHERE key = ?", (META_KEY,)).fetchone()
    return bytes.fromhex(str(row[0]))
