"""HQ settings that exports need: the submitting organisation (WGEID element (f)), kept in the vault.

Stored as one JSON value under ``vault_meta`` key ``export_organisation``, so it is encrypted with the vault and
travels with it; no migration is needed. Setting it is an audit entry (ids only: which keys changed).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from intake_app.errors import UsageError
from intake_app.vault.audit import AuditLog
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault, utc_now

META_KEY = "export_organisation"
_MAX = 512


@dataclass(frozen=True)
class Organisation:
    """Who submits: name, a contact for follow-up, and whether the WG is asked to keep the source confidential."""

    name: str | None = None
    contact: str | None = None
    confidential: bool = True

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _line(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > _MAX or any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in value):
        raise UsageError(f"{what}: expected one line of at most {_MAX} characters")
    return value.strip() or None


def load(vault: Vault) -> Organisation:
    row = vault.conn.execute("SELECT value FROM vault_meta WHERE key = ?", (META_KEY,)).fetchone()
    if row is None:
        return Organisation()
    try:
        raw = json.loads(row[0])
        return Organisation(_line(raw.get("name"), "name"), _line(raw.get("contact"), "contact"),
                            bool(raw.get("confidential", True)))
    except (ValueError, AttributeError):
        raise UsageError("the stored export organisation setting is unreadable; set it again") from None


def save(vault: Vault, *, name: str | None = None, contact: str | None = None,
         confidential: bool | None = None) -> Organisation:
    """Change the given fields (None leaves a field as it is) and record that it changed."""
    current = load(vault)
    new = Organisation(_line(name, "name") if name is not None else current.name,
                       _line(contact, "contact") if contact is not None else current.contact,
                       current.confidential if confidential is None else confidential)
    changed = sorted(k for k in ("name", "contact", "confidential") if getattr(new, k) != getattr(current, k))
    with Transaction(vault.conn):
        vault.conn.execute("INSERT INTO vault_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
                           " value = excluded.value", (META_KEY, json.dumps(new.to_json(), ensure_ascii=False)))
        if changed:
            AuditLog(vault.conn, vault.signing_key().public_key.key_id_hex).append(
                "edit", utc_now(), META_KEY, {"setting": META_KEY, "changed": changed})
    return new
