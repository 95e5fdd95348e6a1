"""Export entries in the vault's audit log, and ``intake export log``.

An external export is an ``export`` audit entry whose subject is the export id and whose detail says the format,
the purpose(s), the mentions released and excluded (ids and reason codes only), the anonymity applied, whether
conditions were acknowledged, each file's SHA-256 (and the plaintext's when encrypted) and who asked. The entry's own
``at`` and ``device`` say when and on which vault. Bundle exports use the same action without a ``format``. An
export of the whole archive records its mentions in a listing beside the entry (:mod:`intake_app.exports.listing`):
:func:`entries` reads them back, checked against the entry, so every entry has the same keys whichever way it was
written; a listing that does not match its entry raises :class:`~intake_app.exports.listing.ListingError`.
"""

from __future__ import annotations

import json
from typing import Any

from intake_app.exports import listing
from intake_app.vault.audit import AuditLog
from intake_app.vault.vault import Vault

FORMATS = ("wgeid", "uwazi", "dossier", "stats")


def entries(vault: Vault) -> list[dict[str, Any]]:
    """Every external export recorded in this vault's audit log, oldest first."""
    log = AuditLog(vault.conn, vault.signing_key().public_key.key_id_hex)
    out: list[dict[str, Any]] = []
    for seq, raw in log.entries():
        entry = json.loads(raw)
        detail = entry.get("detail") or {}
        if entry.get("action") != "export" or detail.get("format") not in FORMATS:
            continue
        item = {"seq": seq, "export": entry.get("subject"), "at": entry.get("at"), "device": entry.get("device"),
                **detail}
        if "listing" in detail:  # an archive export: its mentions are in its listing (intake_app/exports/listing.py)
            item.update(listing.expand(vault.conn, str(entry.get("subject")), detail["listing"]))
        out.append(item)
    return out
