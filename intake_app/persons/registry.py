"""HQ's person registry: persons are sets of mentions, linked and unlinked by the coordinator.

A person has an id (UUIDv7), optionally a preferred name (Hangul and romanised) chosen by the coordinator, and its
mentions. Every decision (link, unlink, "not the same person", preferred name) is a row in the registry's tables and
an audit-log entry (device, time, reason) in the same transaction; no testimony is ever changed. A mention never
linked is a person of one mention, whose person key is the mention id itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from intake_app.consolidation.decisions import clean_name, clean_reason, unknown
from intake_app.errors import RefusedError, UsageError
from intake_app.persons.candidates import refresh_index
from intake_app.persons.mentions import find_mention, split_mention
from intake_app.records.derived import delete_keyed_by_record
from intake_app.records.ids import is_uuid, uuid7
from intake_app.vault.audit import AuditLog
from intake_app.vault.database import Connection, Transaction
from intake_app.vault.vault import Vault, utc_now

MAX_NAME = 200


def _audit(vault: Vault) -> AuditLog:
    return AuditLog(vault.conn, vault.signing_key().public_key.key_id_hex)


def _reason(reason: str | None, required: bool = False) -> str | None:
    return clean_reason(reason, required_for="these are not the same person" if required else None)


def _link_of(vault: Vault, mention: str) -> str | None:
    row = vault.conn.execute("SELECT person FROM person_links WHERE mention = ?", (mention,)).fetchone()
    return None if row is None else str(row[0])


def _person_exists(vault: Vault, pid: str) -> bool:
    return vault.conn.execute("SELECT 1 FROM persons WHERE id = ?", (pid,)).fetchone() is not None


def link(vault: Vault, mentions: Sequence[str], *, person: str | None = None, reason: str | None = None) -> str:
    """Put ``mentions`` into one person and return its id.

    With ``person``, they join that person (moving out of any other). Without it they join the one person some of
    them already belong to, or a new person; mentions of two different persons need ``person`` to say which.
    Linking a pair once marked "not the same person" lifts that decision (the audit entry says so).
    """
    reason = _reason(reason)
    unique = list(dict.fromkeys(mentions))
    if person is None and len(unique) < 2:
        raise UsageError("give at least two mentions, or --person PID to add one mention to a person")
    for mention in unique:
        find_mention(vault, mention)
    if person is not None and not _person_exists(vault, person):
        raise unknown("person", person)
    with Transaction(vault.conn):
        current = {m: _link_of(vault, m) for m in unique}
        held = sorted({p for p in current.values() if p is not None})
        if person is None and len(held) > 1:
            raise RefusedError(f"these mentions belong to {len(held)} different persons ({', '.join(held)}); "
                               "give --person PID to say which person they join")
        target = person or (held[0] if held else None)
        now = utc_now()
        if target is None:
            target = uuid7()
            vault.conn.execute("INSERT INTO persons (id, created_at) VALUES (?, ?)", (target, now))
        moved = {m: p for m, p in current.items() if p is not None and p != target}
        added = [m for m, p in current.items() if p != target]
        if not added:
            raise RefusedError(f"these mentions are already person {target}")
        vault.conn.executemany(
            "INSERT INTO person_links (mention, person, linked_at) VALUES (?, ?, ?) ON CONFLICT (mention)"
            " DO UPDATE SET person = excluded.person, linked_at = excluded.linked_at",
            [(m, target, now) for m in added])
        lifted = _lift_distinct(vault, [m for m in unique], target)
        detail: dict[str, Any] = {"mentions": added, "reason": reason}
        if moved:
            detail["moved_from"] = moved
        if lifted:
            detail["lifted_distinct"] = lifted
        _audit(vault).append("person_link", now, target, detail)
    return target


def _lift_distinct(vault: Vault, mentions: list[str], target: str) -> list[list[str]]:
    members = [str(r[0]) for r in vault.conn.execute("SELECT mention FROM person_links WHERE person = ?", (target,))]
    pairs = [sorted((a, b)) for a in mentions for b in members if a != b]
    lifted = []
    for a, b in {tuple(p) for p in pairs}:
        if vault.conn.execute("DELETE FROM person_distinct WHERE a = ? AND b = ?", (a, b)).rowcount:
            lifted.append([a, b])
    return sorted(lifted)


def unlink(vault: Vault, mention: str, *, reason: str | None = None) -> str:
    """Take ``mention`` out of its person (it becomes a person of one mention again); returns the person it left."""
    reason = _reason(reason)
    split_mention(mention)
    with Transaction(vault.conn):
        person = _link_of(vault, mention)
        if person is None:
            raise RefusedError(f"mention {mention} is not linked to any person")
        vault.conn.execute("DELETE FROM person_links WHERE mention = ?", (mention,))
        _audit(vault).append("person_unlink", utc_now(), person, {"mentions": [mention], "reason": reason})
    return person


def distinct(vault: Vault, a: str, b: str, *, reason: str) -> None:
    """Record that mentions ``a`` and ``b`` are not the same person: the pair is never proposed again."""
    why = _reason(reason, required=True)
    if a == b:
        raise UsageError("give two different mentions")
    find_mention(vault, a)
    find_mention(vault, b)
    first, second = sorted((a, b))
    with Transaction(vault.conn):
        pa, pb = _link_of(vault, first), _link_of(vault, second)
        if pa is not None and pa == pb:
            raise RefusedError(f"both mentions are person {pa}; unlink one of them first")
        now = utc_now()
        vault.conn.execute("INSERT INTO person_distinct (a, b, reason, decided_at) VALUES (?, ?, ?, ?)"
                           " ON CONFLICT (a, b) DO UPDATE SET reason = excluded.reason, decided_at = excluded.decided_at",
                           (first, second, why, now))
        _audit(vault).append("person_distinct", now, None, {"mentions": [first, second], "reason": why})


def set_preferred_name(vault: Vault, person: str, *, hangul: str | None, roman: str | None,
                       reason: str | None = None) -> None:
    """The coordinator's choice of the person's name (either part may be cleared with None)."""
    if not _person_exists(vault, person):
        raise unknown("person", person, "link its mentions first")
    clean = [clean_name(value, limit=MAX_NAME) for value in (hangul, roman)]
    with Transaction(vault.conn):
        vault.conn.execute("UPDATE persons SET preferred_hangul = ?, preferred_roman = ? WHERE id = ?",
                           (clean[0], clean[1], person))
        _audit(vault).append("person_name", utc_now(), person, {"reason": _reason(reason)})


def preferred_name(vault: Vault, person: str) -> dict[str, str | None] | None:
    """``{"hangul": ..., "roman": ...}`` chosen by the coordinator for ``person``, or None if none was chosen."""
    row = vault.conn.execute("SELECT preferred_hangul, preferred_roman FROM persons WHERE id = ?", (person,)).fetchone()
    if row is None or (row[0] is None and row[1] is None):
        return None
    return {"hangul": row[0], "roman": row[1]}


def _existing_mentions(vault: Vault) -> list[str]:
    refresh_index(vault)
    return [str(r[0]) for r in vault.conn.execute("SELECT mention FROM person_mentions ORDER BY mention")]


def person_map(vault: Vault) -> dict[str, str]:
    """Every mention of every current testimony → its person key: the PID if linked, else the mention id itself."""
    links = {str(m): str(p) for m, p in vault.conn.execute("SELECT mention, person FROM person_links")}
    return {m: links.get(m, m) for m in _existing_mentions(vault)}


def mentions_of(vault: Vault, person: str) -> list[str]:
    """The current mentions of ``person`` (a PID, or a mention id: its person's mentions); usage error if unknown."""
    if is_uuid(person) and _person_exists(vault, person):
        refresh_index(vault)
        rows = vault.conn.execute("""SELECT l.mention FROM person_links l JOIN person_mentions m ON m.mention = l.mention
                                     WHERE l.person = ? ORDER BY l.mention""", (person,))
        return [str(r[0]) for r in rows]
    if "/" in person:
        find_mention(vault, person)
        linked = _link_of(vault, person)
        return mentions_of(vault, linked) if linked is not None else [person]
    raise unknown("person", person, "a person id, or a mention TESTIMONY_ID/VICTIM_ID")



REGISTRY_TABLES = ("persons", "person_links", "person_distinct")


def remove_testimonies(conn: Connection, record_ids: Sequence[str]) -> None:
    """Purge: the links and "not the same" decisions naming these testimonies' mentions, and every person left
    with no link (its preferred names came from them), in the caller's transaction."""
    linked = {str(r[0]) for r in conn.execute("SELECT DISTINCT person FROM person_links")}
    delete_keyed_by_record(conn, "person_links", ("mention",), record_ids)
    delete_keyed_by_record(conn, "person_distinct", ("a", "b"), record_ids)
    left = {str(r[0]) for r in conn.execute("SELECT DISTINCT person FROM person_links")}
    conn.executemany("DELETE FROM persons WHERE id = ?", [(p,) for p in sorted(linked - left)])
