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
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault


def _registry() -> Any | None:
    try:
        return importlib.import_module("intake_app.persons.registry")
    except ImportError:
        return None


_FACT_VICTIMS = """
SELECT r.id, m.victim FROM records r
JOIN stat_testimonies t ON t.record_id = r.id AND t.rev = r.current_rev
JOIN stat_mentions m ON m.tid = t.tid AND m.mid > 0
WHERE r.kind = 'testimony' AND r.deleted = 0 ORDER BY r.id, m.mid"""
"""Each victim of each current testimony whose statistics facts (:mod:`intake_app.stats.facts`, kept where a
revision enters) were built from its current revision, in its order: victims are numbered in their order, so
``mid`` orders them as the content does. Reads no revision."""

_UNINDEXED = """
SELECT r.id FROM records r LEFT JOIN stat_testimonies t ON t.record_id = r.id
WHERE r.kind = 'testimony' AND r.deleted = 0 AND (t.rev IS NULL OR t.rev != r.current_rev)"""
"""The current testimonies whose statistics facts are missing or were built from another revision."""

_VICTIM_IDS = """
SELECT r.id, j.key, j.type, json_type(j.value, '$.id'), json_extract(j.value, '$.id')
FROM records r JOIN revisions v ON v.id = r.current_rev, json_each(CAST(v.content AS TEXT), '$.victims') j
WHERE r.id IN ({}) ORDER BY r.id, j.key"""
"""Each victim of some current testimonies (in order), its JSON type and its id's, read by SQLite's JSON functions
without building the documents in Python."""

_IN_BATCH = 500
"""Testimonies read per :data:`_VICTIM_IDS` statement."""


def all_mentions(vault: Vault) -> list[str]:
    """Every ``TID/VID`` of the current, undeleted testimonies (then the reference persons of issue 31), in record id
    order and, within a testimony, in the order of its victims.

    A testimony's mentions are read from the statistics facts when they were built from its current revision
    (:data:`_FACT_VICTIMS`: a victim's number there follows its place in the content, and its key is the victim's
    ``id``, derived ids included); such facts are rewritten in the transaction of every save, deletion and import
    (the ``stats`` derived index; also of a conflict's resolution and a device's revocation), and facts left behind by
    any other path (a vault from before the table, or from before the ownership rule) name another revision, so facts
    naming the current revision name exactly its victims. Any other
    testimony (facts missing, stale, or with a victim without id) is read from its
    content instead: by SQL (:data:`_VICTIM_IDS`), or, if a victim is not an object or has no text id (a revision
    stored before entity ids, whose ids are derived when read), or ``victims`` is not a list, whole
    (:func:`_parsed_mentions`). Which way a testimony is read never changes its mentions
    (tests/exports/test_archive_mentions.py). The consent decision reads each mention's content itself."""
    found: list[tuple[str, list[str]]] = []
    conn = vault.conn
    # One read snapshot (or the caller's transaction): a record whose facts another connection makes stale between
    # the two queries below is then neither left out nor listed twice.
    with small_page_cache(conn), Transaction(conn, join=True, begin="BEGIN"):
        unread: list[str] = [str(r[0]) for r in conn.execute(_UNINDEXED)]
        by_record: dict[str, list[str]] = {}
        odd: set[str] = set()
        for record_id, victim in conn.execute(_FACT_VICTIMS):
            by_record.setdefault(record_id, []).append(f"{record_id}/{victim}")
            if victim.startswith("#"):  # a victim without id (never, ids are derived): read the content instead
                odd.add(record_id)
        found = [(r, m) for r, m in by_record.items() if r not in odd]
        unread.extend(odd)
        unread.sort()
        for start in range(0, len(unread), _IN_BATCH):
            found.extend(_content_mentions(vault, unread[start:start + _IN_BATCH]))
        found.sort(key=lambda item: item[0])  # a testimony is in one of the two lists, never both
        out = [mention for _, mentions in found for mention in mentions]
        # Issue 31: reference persons are considered too, so the consent decision refuses them (reference_only).
        out.extend(reference_store.reference_mentions(vault.conn))
    return out


def _content_mentions(vault: Vault, record_ids: list[str]) -> list[tuple[str, list[str]]]:
    """The mentions of each of ``record_ids`` (current testimonies) read from their current revision's content."""
    out: list[tuple[str, list[str]]] = []
    pending: list[str] = []  # the current testimony's mentions, until its last victim is seen
    current: str | None = None
    unusual = False
    query = _VICTIM_IDS.format(",".join("?" * len(record_ids)))
    for record_id, key, kind, id_type, victim_id in vault.conn.execute(query, record_ids):
        if record_id != current:
            if current is not None:
                out.append((current, _parsed_mentions(vault, current) if unusual else pending))
            pending, current, unusual = [], record_id, False
        if key.__class__ is int and kind == "object" and id_type == "text":
            if victim_id:
                pending.append(f"{record_id}/{victim_id}")
        else:
            unusual = True
    if current is not None:
        out.append((current, _parsed_mentions(vault, current) if unusual else pending))
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
