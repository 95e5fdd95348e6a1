"""Which mentions an export considers: the mentions of one person, or every mention in the vault.

Uses the person registry (``intake_app.persons``) when it is present; a mention that was never linked is its own
person, and a mention id (``TESTIMONY_ID/VICTIM_ID``) is accepted wherever a person is. Only ids are read here; the
content of a mention is read by :func:`intake_app.exports.consent.decide` alone.
"""

from __future__ import annotations

import importlib
from typing import Any

from intake_app.archive import store as reference_store
from intake_app.errors import UsageError
from intake_app.exports.batched import small_page_cache
from intake_app.records.store import content_json
from intake_app.vault.vault import Vault


def _registry() -> Any | None:
    try:
        return importlib.import_module("intake_app.persons.registry")
    except ImportError:
        return None


_VICTIM_IDS = """
SELECT r.id, j.key, j.type, json_type(j.value, '$.id'), json_extract(j.value, '$.id')
FROM records r JOIN revisions v ON v.id = r.current_rev, json_each(CAST(v.content AS TEXT), '$.victims') j
WHERE r.kind = 'testimony' AND r.deleted = 0 ORDER BY r.id, j.key"""
"""Each victim of each current testimony (in order), its JSON type and its id's, read by SQLite's JSON functions
without building the documents in Python."""


def all_mentions(vault: Vault) -> list[str]:
    """Every ``TID/VID`` of the current, undeleted testimonies (then the reference persons of issue 31).

    A victim's mention is its testimony's id and the victim's ``id``, read by SQL (:data:`_VICTIM_IDS`). A testimony
    with a victim that is not an object or has no text id (a revision stored before entity ids, whose ids are
    derived when read), or whose ``victims`` is not a list, is read as before instead, whole
    (:func:`_parsed_mentions`), in its place in the order."""
    out: list[str] = []
    with small_page_cache(vault.conn):  # every current revision is read once: no use keeping their pages
        pending: list[str] = []  # the current testimony's mentions, until its last victim is seen
        current: str | None = None
        unusual = False
        for record_id, key, kind, id_type, victim_id in vault.conn.execute(_VICTIM_IDS):
            if record_id != current:
                out.extend(_parsed_mentions(vault, current) if unusual and current is not None else pending)
                pending, current, unusual = [], record_id, False
            if key.__class__ is int and kind == "object" and id_type == "text":
                if victim_id:
                    pending.append(f"{record_id}/{victim_id}")
            else:
                unusual = True
        if current is not None:
            out.extend(_parsed_mentions(vault, current) if unusual else pending)
    # Issue 31: reference persons are considered too, so the consent decision refuses them (reference_only).
    out.extend(reference_store.reference_mentions(vault.conn))
    return out


def _parsed_mentions(vault: Vault, record_id: str) -> list[str]:
    """The mentions of one current testimony from its content as the records layer gives it (legacy revisions get
    their derived ids)."""
    row = vault.conn.execute("SELECT v.content FROM records r JOIN revisions v ON v.id = r.current_rev"
                             " WHERE r.id = ?", (record_id,)).fetchone()
    doc = content_json(record_id, bytes(row[0]))
    return [f"{record_id}/{v['id']}" for v in doc.get("victims", []) if isinstance(v, dict) and v.get("id")]


def person_map(vault: Vault) -> dict[str, str]:
    """mention → person key for every mention (an unlinked mention is its own person)."""
    registry = _registry()
    mentions = all_mentions(vault)
    if registry is None:
        return {m: m for m in mentions}
    mapped: dict[str, str] = dict(registry.person_map(vault))
    return {m: str(mapped.get(m, m)) for m in mentions}


def mentions_of(vault: Vault, person: str) -> list[str]:
    """The mentions of ``person`` (a person id of the registry, or a mention id); refuses an unknown one."""
    registry = _registry()
    if registry is not None:
        return sorted(str(m) for m in registry.mentions_of(vault, person))
    mapping = person_map(vault)
    found = sorted(m for m, p in mapping.items() if p == person)
    if not found and person in mapping:
        found = sorted(m for m, p in mapping.items() if p == mapping[person])
    if not found:
        raise UsageError(f"no person or mention {person!r} in this vault")
    return found


def perpetrator_entries(vault: Vault, perpetrator: str) -> list[str]:
    """Without the perpetrator registry: the entry ``TID/VID/AID/PID`` itself, or every entry whose unit is written
    ``perpetrator`` (ids only)."""
    out: list[str] = []
    wanted = " ".join(perpetrator.split()).casefold()
    rows = vault.conn.execute("SELECT r.id, v.content FROM records r JOIN revisions v ON v.id = r.current_rev"
                              " WHERE r.kind = 'testimony' AND r.deleted = 0 ORDER BY r.id")
    for record_id, content in rows:
        doc = content_json(str(record_id), bytes(content))
        for v in doc.get("victims", []):
            for a in v.get("acts", []):
                for p in a.get("perpetrators", []):
                    entry = f"{record_id}/{v.get('id')}/{a.get('id')}/{p.get('id')}"
                    unit = " ".join(str(p.get("unit", "")).split()).casefold()
                    if entry == perpetrator or (unit and unit == wanted):
                        out.append(entry)
    return out
