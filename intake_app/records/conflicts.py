"""Conflicts: a record whose revision DAG has several heads (edited concurrently on two machines, or at HQ and in the
field). Nothing is overwritten: every head is kept and shown side by side until a coordinator decides, and the decision
is a merge revision whose parents are all the heads — itself in the history and the audit log.

A revision from a device other than the one that first recorded the testimony is never made current on its own: it is
listed here as a version "from another device" (``from_another_device`` in --json) until the coordinator keeps it or
keeps the owner's version. Two devices that both sent a first version of one record make it ``disputed``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from intake_app.errors import RefusedError, UsageError
from intake_app.records import derived, interchange, revisions
from intake_app.records.store import content_json, read_content, search_fields, summarise, with_entity_ids
from intake_app.vault.audit import AuditLog
from intake_app.vault.database import Transaction
from intake_app.vault.vault import Vault, utc_now


@dataclass(frozen=True)
class ConflictSide:
    revision: str
    device: str
    created_at: str
    tombstone: bool
    content: dict[str, Any] | None
    from_another_device: bool = False  # not the owner's and not HQ's: waiting for the coordinator
    current: bool = False  # the version lists and search show meanwhile


def _marks(state: revisions.RecordState) -> dict[str, Any]:
    return {"owner": state.owner, "from_another_device": len(state.waiting), "disputed": bool(state.claimants),
            "claimants": list(state.claimants)}


def list_conflicts(vault: Vault) -> list[dict[str, Any]]:
    """Records with more than one version in play, each with its marks: ``owner`` (the device that first recorded
    it), ``from_another_device`` (how many versions wait from other devices), ``disputed`` and ``claimants``."""
    rows = vault.conn.execute("SELECT id, summary, updated_at FROM records WHERE conflicted = 1 ORDER BY updated_at, id")
    out = []
    for rid, summary, updated in rows:
        state = revisions.record_state(vault.conn, str(rid))
        assert state is not None
        out.append({"id": str(rid), "heads": len(state.sides), "updated_at": str(updated),
                    "summary": json.loads(summary), **_marks(state)})
    return out


def conflict_marks(vault: Vault, record_id: str) -> dict[str, Any]:
    state = revisions.record_state(vault.conn, record_id)
    if state is None:
        raise UsageError(f"no testimony with id {record_id}")
    return _marks(state)


def show_conflict(vault: Vault, record_id: str) -> list[ConflictSide]:
    """The versions in play: the current one first, then the owner's and HQ's other heads, then those waiting from
    other devices (ordered by id within each group: never by a claimed time)."""
    state = revisions.record_state(vault.conn, record_id)
    if state is None:
        raise UsageError(f"no testimony with id {record_id}")
    if len(state.sides) < 2:
        raise UsageError(f"testimony {record_id} has no conflict")
    sides = []
    for head in state.sides:
        rev = revisions.load(vault.conn, head)
        assert rev is not None
        sides.append(ConflictSide(rev.id, rev.device, rev.created_at, rev.tombstone,
                                  None if rev.tombstone else content_json(record_id, rev.content),
                                  from_another_device=head in state.waiting, current=head == state.current))
    return sorted(sides, key=lambda s: (not s.current, s.from_another_device, s.revision))


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """JSON paths where two versions differ (for the side-by-side view)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for key in sorted(set(a) | set(b)):
            out += differences(a.get(key), b.get(key), f"{path}.{key}" if path else key)
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [path or "(whole record)"]


def resolve(vault: Vault, record_id: str, *, take: str | None = None, merged: bytes | None = None) -> str:
    """Create the merge revision: the content of head ``take`` (a prefix of its id is enough), or a merged
    interchange document. Returns the new revision id."""
    if (take is None) == (merged is None):
        raise UsageError("give either --take REVISION or --file MERGED.json")
    heads = revisions.sides(vault.conn, record_id)
    if len(heads) < 2:
        raise UsageError(f"testimony {record_id} has no conflict to resolve")
    if take is not None:
        chosen = [h for h in heads if h.startswith(take.lower())]
        if len(chosen) != 1:
            names = ", ".join(h[:12] for h in heads)
            raise UsageError(f"{take!r} names none or several of the conflicting revisions: {names}")
        rev = revisions.load(vault.conn, chosen[0])
        assert rev is not None
        content, tombstone = rev.content, rev.tombstone
    else:
        assert merged is not None
        testimony = interchange.parse_testimony(merged)
        if testimony.id not in (None, record_id):
            raise UsageError("the merged file carries another testimony's id")
        # Entities the merged file leaves without ids keep those of the head shown until now (or get new ones).
        state = revisions.record_state(vault.conn, record_id)
        assert state is not None
        current = revisions.load(vault.conn, state.current)
        assert current is not None
        base = None if current.tombstone else read_content(record_id, current.content)
        testimony = with_entity_ids(dataclasses.replace(testimony, id=record_id), record_id, base=base,
                                    salt="|".join(sorted(heads)))
        content = interchange.dumps_canonical(testimony)
        tombstone = False
    device = vault.signing_key().public_key.key_id_hex
    with Transaction(vault.conn):
        if revisions.sides(vault.conn, record_id) != sorted(heads):
            raise RefusedError("the conflict changed meanwhile; look at it again")
        now = utc_now()
        merge = revisions.Revision.make(record_id, heads, device, now, content, tombstone=tombstone)
        revisions.insert_revision(vault.conn, merge)
        # As a save does: the merge revision's content is validated as the bytes stored, and the derived indexes
        # (statistics, each revision's consent…) are told in this transaction, not left to catch up at a later read.
        parsed = {} if tombstone else {merge.id: interchange.validate(json.loads(content))}
        change = revisions.refresh_record(vault.conn, record_id, summarise, search_fields, parsed)
        derived.testimony_saved(vault.conn, record_id, change)
        AuditLog(vault.conn, device).append("resolve_conflict", now, record_id,
                                            {"revision": merge.id, "parents": list(merge.parents)})
    return merge.id
