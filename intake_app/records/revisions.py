"""Revisions and the per-record DAG.

A revision is content-addressed: its id is the SHA-256 of a canonical envelope naming the record, the sorted parent ids,
the device, the time, whether it is a tombstone and the SHA-256 of its content. The same revision reaching HQ through
two bundles is one row; a record's state (heads, current revision, conflict) is a pure function of its set of
revisions, which is what makes the merged HQ state independent of the order bundles arrive in.

Which version is current is never decided by the time a revision claims (a sender writes its own ``at``). The device
that first recorded a testimony owns it; a revision from any other device is never made current on its own, whatever
its parents or its time: it waits, marked, for the coordinator (see :class:`RecordState`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from crypto.canonical import canonical as canonical  # noqa: PLC0414 - the one definition, re-exported
from crypto.signing import PublicKey, SigningKey
from intake_app.records import ids
from intake_app.records.derived import Change
from intake_app.records.interchange_model import Testimony
from intake_app.records.stored import read_content, with_ids
from intake_app.search.index import HeldWrites, SearchIndex
from intake_app.vault.database import Connection, Transaction

KIND_TESTIMONY = "testimony"



@dataclass(frozen=True)
class Revision:
    id: str
    record_id: str
    parents: tuple[str, ...]
    device: str
    created_at: str
    content_hash: str
    tombstone: bool
    content: bytes

    @staticmethod
    def make(record_id: str, parents: tuple[str, ...] | list[str], device: str, created_at: str, content: bytes,
             tombstone: bool = False) -> Revision:
        content_hash = hashlib.sha256(content).hexdigest()
        ordered = tuple(sorted(set(parents)))
        return Revision(revision_id(record_id, ordered, device, created_at, content_hash, tombstone), record_id,
                        ordered, device, created_at, content_hash, tombstone, content)

    def envelope(self) -> dict[str, Any]:
        return envelope(self.record_id, self.parents, self.device, self.created_at, self.content_hash, self.tombstone)


def envelope(record_id: str, parents: tuple[str, ...], device: str, created_at: str, content_hash: str,
             tombstone: bool) -> dict[str, Any]:
    return {
        "kind": KIND_TESTIMONY,
        "record": record_id,
        "parents": sorted(parents),
        "device": device,
        "at": created_at,
        "content_sha256": content_hash,
        "tombstone": tombstone,
    }


def revision_id(record_id: str, parents: tuple[str, ...], device: str, created_at: str, content_hash: str,
                tombstone: bool) -> str:
    return hashlib.sha256(canonical(envelope(record_id, parents, device, created_at, content_hash, tombstone))).hexdigest()


def next_local_seq(conn: Connection) -> int:
    """The ``local_seq`` the next stored revision gets (revisions are numbered in the order this vault stored them)."""
    return int(conn.execute("SELECT coalesce(max(local_seq), 0) + 1 FROM revisions").fetchone()[0])


def insert_revision(conn: Connection, rev: Revision, seq: int | None = None) -> bool:
    """Store ``rev`` if new; return False when it was already there (an idempotent no-op). ``seq``: its
    ``local_seq`` when the caller numbers a run of revisions itself (:func:`next_local_seq`, then one more for each
    revision stored); a number already in use raises (``local_seq`` is unique), it is never overwritten."""
    if seq is None:
        if conn.execute("SELECT 1 FROM revisions WHERE id = ?", (rev.id,)).fetchone():
            return False
        seq = next_local_seq(conn)
    stored = conn.execute(
        "INSERT INTO revisions (id, record_id, parents, device, created_at, content_hash, tombstone, content, local_seq)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        (rev.id, rev.record_id, json.dumps(list(rev.parents)), rev.device, rev.created_at, rev.content_hash,
         int(rev.tombstone), rev.content, seq),
    ).rowcount
    if stored == 0:
        return False
    conn.executemany("INSERT OR IGNORE INTO revision_parents (child, parent) VALUES (?, ?)",
                     [(rev.id, p) for p in rev.parents])
    return True


def heads(conn: Connection, record_id: str) -> list[str]:
    """Revisions of the record that no other revision of it names as a parent."""
    rows = conn.execute(
        """SELECT r.id FROM revisions r WHERE r.record_id = ?
           AND NOT EXISTS (SELECT 1 FROM revision_parents p JOIN revisions c ON c.id = p.child
                           WHERE p.parent = r.id AND c.record_id = r.record_id)
           ORDER BY r.id""",
        (record_id,),
    )
    return [str(r[0]) for r in rows]


def load(conn: Connection, rev_id: str) -> Revision | None:
    row = conn.execute(
        "SELECT id, record_id, parents, device, created_at, content_hash, tombstone, content FROM revisions WHERE id = ?",
        (rev_id,),
    ).fetchone()
    if row is None:
        return None
    return Revision(str(row[0]), str(row[1]), tuple(json.loads(row[2])), str(row[3]), str(row[4]), str(row[5]),
                    bool(row[6]), bytes(row[7]))


# ---- which version is current: decided by the DAG and by who wrote what, never by a time the sender claims -------
@dataclass(frozen=True)
class RecordState:
    """How a record's revisions are read (docs/bundle-format.md §6, "Who may change a testimony").

    ``owner`` is the device that first recorded the testimony: the device of its root revisions (those without
    parents). ``claimants`` lists every device that sent a root when there are several (a dispute; the owner is then
    picked by HQ's own enrolment records, see :func:`choose_owner`). Revisions by the owner and by this vault itself
    are trusted; so is every revision a trusted one names as an ancestor. ``accepted_heads`` are the heads of the
    trusted part, ``waiting`` the heads of everything else: revisions from another device, held for the coordinator.
    """

    owner: str
    claimants: tuple[str, ...]
    current: str
    accepted_heads: tuple[str, ...]
    waiting: tuple[str, ...]
    accepted: frozenset[str]

    @property
    def sides(self) -> list[str]:
        """Every version a coordinator decides between (one when there is nothing to decide)."""
        return sorted(set(self.accepted_heads) | set(self.waiting))


def own_devices(conn: Connection) -> set[str]:
    """Key ids (minisign form) of every signing key this vault has had: its own revisions are always trusted."""
    return {bytes(r[0])[::-1].hex().upper() for r in conn.execute("SELECT key_id FROM signing_keys")}


@dataclass(frozen=True)
class DeviceKeys:
    """The public keys :func:`record_state` reads for every record: this vault's own key ids, and the registry's
    devices with this vault's own public keys (seeds are used only to derive those and never kept). A job reading
    many records in one transaction (an import, the consent decision) loads them once; the devices table and the
    signing keys do not change inside it."""

    own: frozenset[str]
    public: tuple[PublicKey, ...]

    @staticmethod
    def load(conn: Connection) -> DeviceKeys:
        keys = [PublicKey(bytes.fromhex(str(k))[::-1], bytes(pk))
                for k, pk in conn.execute("SELECT key_id, public_key FROM devices")]
        keys += [SigningKey(bytes(seed), bytes(kid)).public_key
                 for seed, kid in conn.execute("SELECT seed, key_id FROM signing_keys")]
        return DeviceKeys(frozenset(own_devices(conn)), tuple(keys))

    @functools.cached_property
    def prefixes(self) -> tuple[tuple[str, Any], ...]:
        """Each key's id with its hashed part of a record id's commitment (:func:`ids.commitment_prefix`)."""
        return tuple((k.key_id_hex, ids.commitment_prefix(k)) for k in self.public)


def bound_devices(conn: Connection, record_id: str, keys: DeviceKeys | None = None) -> list[str]:
    """Key ids of the registry's devices and of this vault's own signing keys that the device-bound id commits to."""
    return sorted(set(ids.bound_among(record_id, (keys or DeviceKeys.load(conn)).prefixes)))


def choose_owner(conn: Connection, candidates: list[str], own: set[str]) -> str:
    """The owner among the devices that sent root revisions. This vault itself if it is one of them; the only one if
    there is one. Several devices each starting the same record id cannot happen honestly (one laptop makes the id),
    and nothing a sender writes tells the real first apart from a copy, so the tie is broken by what HQ itself
    recorded: a device that is not revoked before a revoked one, then the one enrolled at HQ first, then the lower
    key id. The record stays in the conflicts queue, marked, until the coordinator decides."""
    mine = sorted(c for c in candidates if c in own)
    if mine:
        return mine[0]
    if len(candidates) == 1:
        return candidates[0]
    rank = {str(k): (r is not None, str(e), str(k))
            for k, e, r in conn.execute("SELECT key_id, enrolled_at, revoked_at FROM devices")}
    return min(candidates, key=lambda d: rank.get(d, (True, "\uffff", d)))


def record_state(conn: Connection, record_id: str, keys: DeviceKeys | None = None) -> RecordState | None:
    """Derive the record's state from its set of revisions alone (so it is the same whatever the import order).
    ``keys``: the vault's device keys, when the caller reads many records (loaded here otherwise)."""
    rows = conn.execute("SELECT id, parents, device FROM revisions WHERE record_id = ?", (record_id,)).fetchall()
    return state_of(conn, record_id, rows, keys)


def state_of(conn: Connection, record_id: str, rows: list[Any], keys: DeviceKeys | None) -> RecordState | None:
    """:func:`record_state` from rows the caller already read: every revision of the record, each starting with its
    (id, parents, device) columns."""
    if not rows:
        return None
    parents = {str(r[0]): tuple(p for p in json.loads(r[1])) for r in rows}
    device = {str(r[0]): str(r[2]) for r in rows}
    present = {rid: tuple(p for p in ps if p in parents) for rid, ps in parents.items()}
    own = set(keys.own) if keys is not None else own_devices(conn)
    if ids.is_device_bound(record_id):
        # The id names its creator: the owner is whichever device of HQ's registry (or this vault) it commits to,
        # whatever revisions have arrived. Several only by a 48-bit collision: then HQ's registry orders them.
        candidates = bound_devices(conn, record_id, keys)
    else:
        # Legacy (UUIDv7) ids: roots decide the owner; without any root here yet (its bundle is missing), the
        # earliest revisions present do.
        bases = [rid for rid, ps in parents.items() if not ps] or [rid for rid, ps in present.items() if not ps]
        candidates = sorted({device[b] for b in bases}) or sorted(set(device.values()))
    owner = choose_owner(conn, candidates, own) if candidates else ""
    trusted = {owner} | own
    accepted: set[str] = set()
    stack = [rid for rid, d in device.items() if d in trusted]
    while stack:
        rid = stack.pop()
        if rid not in accepted:
            accepted.add(rid)
            stack.extend(present[rid])
    named = {p for ps in present.values() for p in ps}
    named_by_accepted = {p for rid in accepted for p in present[rid]}
    accepted_heads = tuple(sorted(rid for rid in accepted if rid not in named_by_accepted))
    waiting = tuple(sorted(rid for rid in parents if rid not in named and rid not in accepted))
    depth = _depths(present)
    # Among concurrent trusted heads: the coordinator's own decision first, then the longest history, then the id.
    # With nothing trusted here yet (the owner's bundles are missing), a waiting version is shown, marked: see
    # RecordState.untrusted; it never takes the record from its owner, whose first version wins when it arrives.
    current = min(accepted_heads or waiting, key=lambda h: (device[h] not in own, -depth[h], h))
    return RecordState(owner, tuple(candidates) if len(candidates) > 1 else (), current, accepted_heads, waiting,
                       frozenset(accepted))


def current_and_sides(conn: Connection, record_id: str, rows: list[Any],
                      keys: DeviceKeys | None) -> tuple[str, list[str]] | None:
    """``(state.current, state.sides)`` of :func:`state_of` for the same rows: what a reader of the current version
    needs (the consent decision), without working out the owner when it cannot matter.

    When every revision of the record comes from one device, the owner does not change the result: that device is
    either trusted (every revision is accepted, the accepted heads are the heads, nothing waits) or not (nothing is
    accepted, the heads wait); either way the versions in play are the heads and the current one is the deepest head
    (then the lowest id), this vault's own or not alike. Only then is the owner (the device-bound id's commitment to
    each enrolled key, HQ's registry) skipped; any other record goes through :func:`state_of`. Tested equal to it
    over random histories (tests/records/test_current_and_sides.py)."""
    if not rows:
        return None
    devices = {str(r[2]) for r in rows}
    if len(devices) > 1:
        state = state_of(conn, record_id, rows, keys)
        assert state is not None
        return state.current, state.sides
    parents = {str(r[0]): tuple(p for p in json.loads(r[1])) for r in rows}
    if len(parents) == 1:
        ((only, named_parents),) = parents.items()
        if only not in named_parents:  # one revision (its parents are not here): the only head
            return only, [only]
    present = {rid: tuple(p for p in ps if p in parents) for rid, ps in parents.items()}
    named = {p for ps in present.values() for p in ps}
    heads = sorted(rid for rid in parents if rid not in named)
    depth = _depths(present)
    return min(heads, key=lambda h: (-depth[h], h)), heads


def _depths(present: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Generation number of each revision (1 + the deepest parent present), iteratively: histories can be long."""
    depth: dict[str, int] = {}
    for start in present:
        stack = [start]
        while stack:
            rid = stack[-1]
            if rid in depth:
                stack.pop()
                continue
            todo = [p for p in present[rid] if p not in depth]
            if todo:
                stack.extend(todo)
                continue
            depth[rid] = 1 + max((depth[p] for p in present[rid]), default=0)
            stack.pop()
    return depth


def sides(conn: Connection, record_id: str) -> list[str]:
    """The versions in play: the trusted heads and the waiting ones (what a new local revision must name as parents,
    and what a coordinator resolves between). Empty for an unknown record."""
    state = record_state(conn, record_id)
    return state.sides if state is not None else []


Summarise = Callable[[Testimony], dict[str, Any]]
SearchFields = Callable[[bytes], dict[str, str]]


def refresh_record(conn: Connection, record_id: str, summarise: Summarise, search_fields: SearchFields,
                   parsed: Mapping[str, Testimony] | None = None, keys: DeviceKeys | None = None,
                   held: HeldWrites | None = None) -> Change | None:
    """Recompute a record's derived row (versions in play, current revision, conflict flag, list summary, search
    entry) from its revisions. Called after every local save and every import, inside the same transaction.

    ``parsed`` maps revision ids to the testimony their content was validated into where it entered (a save, an
    import): the current revision is then not read back. Any other current revision is loaded from storage with its
    integrity check (:func:`intake_app.records.stored.read_content`). Returns the change to publish to the derived
    indexes (:func:`intake_app.records.derived.testimony_saved`): the current revision and its testimony, and every
    revision of the record that ``parsed`` holds (``Change.entered``). ``held``: the search entry's write is held there
    for the caller to apply after its other writes (:class:`~intake_app.search.index.HeldWrites`), not made now."""
    rows = conn.execute("SELECT id, parents, device, created_at, content_hash FROM revisions WHERE record_id = ?",
                        (record_id,)).fetchall()
    state = state_of(conn, record_id, rows, keys)
    if state is None:
        return None
    current = load(conn, state.current)
    assert current is not None
    conn.execute("DELETE FROM record_heads WHERE record_id = ?", (record_id,))
    conn.executemany("INSERT INTO record_heads (record_id, rev_id) VALUES (?, ?)",
                     [(record_id, h) for h in state.sides])
    # Shown times come from trusted revisions only: another device's claimed time changes nothing here.
    created = min(str(r[3]) for r in rows if r[0] in state.accepted or not state.accepted)
    # Nothing trusted yet (a device-bound record whose owner's versions have not arrived): the version shown waits
    # for the coordinator like any other from another device.
    conflicted = len(state.sides) > 1 or not state.accepted
    index = held if held is not None else SearchIndex(conn)
    testimony: Testimony | None = None
    if current.tombstone:
        summary: dict[str, Any] = {"id": record_id, "deleted": True}
        lower = upper = None
        index.remove(record_id)
    else:
        known = parsed.get(current.id) if parsed is not None else None
        testimony = (with_ids(known, record_id) if known is not None
                     else read_content(record_id, current.content, current.content_hash))
        summary = summarise(testimony)
        summary["device"] = current.device
        summary["first_device"] = state.owner
        lower, upper = summary.get("interview_date_lower"), summary.get("interview_date_upper")
        index.upsert(record_id, search_fields(current.content))
    conn.execute(
        """INSERT INTO records (id, kind, current_rev, deleted, conflicted, created_at, updated_at, date_lower,
                                date_upper, summary)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET current_rev = excluded.current_rev, deleted = excluded.deleted,
             conflicted = excluded.conflicted, created_at = excluded.created_at, updated_at = excluded.updated_at,
             date_lower = excluded.date_lower, date_upper = excluded.date_upper, summary = excluded.summary""",
        (record_id, KIND_TESTIMONY, state.current, int(current.tombstone), int(conflicted), created,
         current.created_at, lower, upper, canonical(summary).decode("utf-8")),
    )
    entered = tuple((str(r[0]), str(r[4]), parsed[r[0]]) for r in rows if r[0] in parsed) if parsed else ()
    return Change(record_id, state.current, current.tombstone, None if current.tombstone else state.owner, testimony,
                  entered)


PENDING_KEY = "pending:records_by_owner"  # set by schema migration 5: rows derived by time still need recomputing


def recompute_pending(conn: Connection, summarise: Summarise, search_fields: SearchFields) -> None:
    """After an upgrade from a schema that chose current versions by claimed time: recompute every record's derived
    row once under the ownership rule (in its own transaction unless the caller is in one)."""
    if conn.execute("SELECT 1 FROM vault_meta WHERE key = ?", (PENDING_KEY,)).fetchone() is None:
        return

    def run() -> None:
        for (record_id,) in conn.execute("SELECT DISTINCT record_id FROM revisions ORDER BY record_id").fetchall():
            refresh_record(conn, str(record_id), summarise, search_fields)
        conn.execute("DELETE FROM vault_meta WHERE key = ?", (PENDING_KEY,))

    if conn.in_transaction:
        run()
    else:
        with Transaction(conn):
            run()
