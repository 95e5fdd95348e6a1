"""The derived, indexed fact table behind ``intake stats`` (schema: migration m0005, design: docs/statistics.md).

``stat_testimonies`` remembers which revision of each testimony the facts were built from; ``stat_mentions`` numbers
the mentions (victims, and the testimony itself for interview facts); ``stat_facts`` holds (dim, value, mention) rows
clustered by (dim, value); ``perp_entries`` holds each perpetrator entry and named facility of the testimony, for the
perpetrator registry (same life cycle). :func:`refresh` rebuilds one record inside the caller's transaction (the
record store and the importer call it next to the search index); :func:`sync` catches up every record whose current
revision changed by any other path (conflict resolution, a vault from before the table existed), so a query never
reads stale facts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from intake_app.perpetrators import entries as perp_entries
from intake_app.records.derived import Change
from intake_app.records.interchange_model import Testimony
from intake_app.records.stored import read_content
from intake_app.stats import dimensions as dims
from intake_app.vault.database import Connection, Transaction

Progress = Callable[[int, int], None]


def _stale(conn: Connection) -> list[tuple[str, str, int, str | None]]:
    rows = conn.execute(
        """SELECT r.id, r.current_rev, r.deleted, json_extract(r.summary, '$.first_device') FROM records r
           LEFT JOIN stat_testimonies s ON s.record_id = r.id
           WHERE r.kind = 'testimony' AND (s.rev IS NULL OR s.rev != r.current_rev)""").fetchall()
    return [(str(r[0]), str(r[1]), int(r[2]), None if r[3] is None else str(r[3])) for r in rows]


Row = tuple[str, str, int, int]  # dim, value, mid, tid


def _contributions(rows: list[Row], victims: int, testimony: bool) -> dict[tuple[str, str, str], int]:
    """What one testimony adds to ``stat_counts``: per unit and dimension, its units per value and the specials."""
    out: dict[tuple[str, str, str], int] = defaultdict(int)
    per_victim: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    whole: dict[str, set[str]] = defaultdict(set)
    for dim, value, mid, _ in rows:
        if mid > 0:
            per_victim[mid][dim].add(value)
        whole[dim].add(value)
    groups = [("victim", values) for values in per_victim.values()]
    if testimony:
        groups.append(("testimony", whole))
    for unit, by_dim in groups:
        for dim, values in by_dim.items():
            known = values - {dims.SPANS}
            for value in known:
                out[(unit, dim, value)] += 1
            if known:
                out[(unit, dim, "~counted")] += 1
            if len(known) > 1:
                out[(unit, dim, "~multi")] += 1
            if not known:
                out[(unit, dim, "~spans")] += 1
    out[("victim", "~total", "")] += victims
    out[("testimony", "~total", "")] += int(testimony)
    return out


def _apply(conn: Connection, delta: dict[tuple[str, str, str], int], sign: int) -> None:
    conn.executemany("INSERT INTO stat_counts (unit, dim, value, n) VALUES (?, ?, ?, ?) ON CONFLICT (unit, dim, value)"
                     " DO UPDATE SET n = n + excluded.n", [(u, d, v, sign * n) for (u, d, v), n in delta.items() if n])


Delta = dict[tuple[str, str, str], int]


class _Held:
    """Rows of several testimonies held back and written with one ``executemany`` per table (an import's batch)
    instead of three per testimony. :func:`_clear` writes them before it reads or deletes anything, so each table
    receives the same statements in the same order as one testimony at a time: the same rows, row ids included."""

    def __init__(self) -> None:
        self.mentions: list[tuple[int, int, str]] = []
        self.facts: list[Row] = []
        self.perps: list[tuple[str, int, str, str | None, str | None, str]] = []

    def write(self, conn: Connection) -> None:
        if self.mentions:
            conn.executemany("INSERT INTO stat_mentions (mid, tid, victim) VALUES (?, ?, ?)", self.mentions)
        if self.facts:
            conn.executemany("INSERT INTO stat_facts (dim, value, mid, tid) VALUES (?, ?, ?, ?)", self.facts)
        if self.perps:
            conn.executemany("INSERT INTO perp_entries (entry, tid, kind, unit, facility, data) VALUES (?, ?, ?, ?, ?,"
                             " ?)", self.perps)
        self.mentions, self.facts, self.perps = [], [], []


def _clear(conn: Connection, record_id: str, delta: Delta | None = None, held: _Held | None = None) -> int | None:
    row = conn.execute("SELECT tid FROM stat_testimonies WHERE record_id = ?", (record_id,)).fetchone()
    if row is None:
        return None
    if held is not None:
        held.write(conn)  # the rows held so far go in before this testimony's are read and deleted
    tid = int(row[0])
    old = [(str(d), str(v), int(m), int(t)) for d, v, m, t in
           conn.execute("SELECT dim, value, mid, tid FROM stat_facts WHERE tid = ?", (tid,))]
    victims = int(conn.execute("SELECT count(*) FROM stat_mentions WHERE tid = ? AND mid > 0", (tid,)).fetchone()[0])
    present = conn.execute("SELECT 1 FROM stat_mentions WHERE mid = ?", (-tid,)).fetchone() is not None
    _add(conn, delta, _contributions(old, victims, present), -1)
    conn.execute("DELETE FROM stat_facts WHERE tid = ?", (tid,))
    conn.execute("DELETE FROM stat_mentions WHERE tid = ?", (tid,))
    conn.execute("DELETE FROM perp_entries WHERE tid = ?", (tid,))
    return tid


def _add(conn: Connection, delta: Delta | None, contributions: Delta, sign: int) -> None:
    """Apply ``contributions`` to ``stat_counts`` now, or add them to ``delta`` (a batch applies its sum once)."""
    if delta is None:
        _apply(conn, contributions, sign)
        return
    for key, n in contributions.items():
        delta[key] = delta.get(key, 0) + sign * n


def _next_mid(conn: Connection) -> int:
    """The number the next victim mention gets: on from the largest in use (testimonies' own mentions are negative)."""
    return int(conn.execute("SELECT max(1, coalesce(max(mid), 0) + 1) FROM stat_mentions").fetchone()[0])


def store_facts(conn: Connection, record_id: str, rev: str, testimony: Testimony | None, device: str | None,
                delta: Delta | None = None, mids: list[int] | None = None, held: _Held | None = None) -> None:
    """Replace the facts of one record with those of ``testimony`` (None: deleted, so no facts). With ``delta`` the
    change to ``stat_counts`` is added there for the caller to apply (:func:`apply_changes`); with ``mids`` (a
    one-item list holding :func:`_next_mid`, kept up to date here) victims are numbered without asking again; with
    ``held`` the new mentions, facts and perpetrator entries are added there for the caller to write."""
    assert held is None or mids is not None  # held mentions are numbered from ``mids``, not from the table
    tid = _clear(conn, record_id, delta, held)
    if tid is None:
        tid = int(conn.execute("INSERT INTO stat_testimonies (record_id, rev) VALUES (?, ?) RETURNING tid",
                               (record_id, rev)).fetchone()[0])
    else:
        conn.execute("UPDATE stat_testimonies SET rev = ? WHERE tid = ?", (rev, tid))
    if testimony is None:
        return
    shared = dims.testimony_facts(testimony, device)
    rows: list[Row] = []
    # The testimony's own mention is numbered -tid (victims get positive numbers): see the migration.
    rows.extend((dim, value, -tid, tid) for dim, value in set(shared))
    first = 0
    if testimony.victims:
        # Victims are numbered on from the largest number in use, in their order (one query for all of them).
        first = _next_mid(conn) if mids is None else mids[0]
        if mids is not None:
            mids[0] += len(testimony.victims)
    out = _Held() if held is None else held
    out.mentions += [(-tid, tid, ""), *((first + index, tid, dims.victim_key(victim, index))
                                        for index, victim in enumerate(testimony.victims))]
    for index, victim in enumerate(testimony.victims):
        rows.extend((dim, value, first + index, tid) for dim, value in {*dims.victim_facts(victim), *shared})
    out.facts += rows
    _add(conn, delta, _contributions(rows, len(testimony.victims), True), 1)
    out.perps += [(e.entry, tid, e.kind, e.unit, e.facility, e.data) for e in
                  perp_entries.entries_of(testimony, record_id)]
    if held is None:
        out.write(conn)


def refresh(conn: Connection, record_id: str) -> None:
    """Rebuild one record's facts from its current revision; call inside the transaction that changed it."""
    row = conn.execute("SELECT current_rev, deleted, json_extract(summary, '$.first_device') FROM records"
                       " WHERE id = ? AND kind = 'testimony'", (record_id,)).fetchone()
    if row is None:
        return
    _rebuild(conn, record_id, str(row[0]), int(row[1]), None if row[2] is None else str(row[2]))


def apply_change(conn: Connection, change: Change) -> None:
    """Replace one record's facts with those of the change a save or an import published: its testimony was
    validated where it entered (or loaded with its integrity check), so nothing is read back here."""
    store_facts(conn, change.record_id, change.revision, None if change.deleted else change.testimony, change.owner)


def apply_changes(conn: Connection, changes: Sequence[Change]) -> None:
    """:func:`apply_change` for many records (an import): each record's rows are replaced, and the counts' changes
    are summed and written once instead of once per record (the same rows, fewer statements)."""
    delta: Delta = {}
    mids = [_next_mid(conn)]  # the rows below are this transaction's: victims are numbered on from here
    held = _Held()
    for change in changes:
        store_facts(conn, change.record_id, change.revision, None if change.deleted else change.testimony,
                    change.owner, delta, mids, held)
    held.write(conn)
    _apply(conn, delta, 1)


def _rebuild(conn: Connection, record_id: str, rev: str, deleted: int, device: str | None) -> None:
    testimony = None
    if not deleted:
        content = conn.execute("SELECT content, tombstone, content_hash FROM revisions WHERE id = ?",
                               (rev,)).fetchone()
        if content is not None and not content[1]:
            # Stored revisions were validated when they were saved or imported, and are read back with their
            # integrity check (SHA-256 against the stored content hash; a mismatch raises). Revisions written before
            # entity ids are read with the derived ids, exactly as the record store does.
            testimony = read_content(record_id, bytes(content[0]), str(content[2]))
    store_facts(conn, record_id, rev, testimony, device)


def sync(conn: Connection, progress: Progress | None = None) -> int:
    """Bring the fact table up to date with every record's current revision; return how many were rebuilt."""
    stale = _stale(conn)
    if not stale:
        return 0
    with Transaction(conn, join=True):
        for done, (record_id, rev, deleted, device) in enumerate(stale, 1):
            _rebuild(conn, record_id, rev, deleted, device)
            if progress is not None and done % 500 == 0:
                progress(done, len(stale))
    return len(stale)


TABLES = ("stat_testimonies", "stat_mentions", "stat_facts", "stat_counts", "perp_entries")


def remove_testimonies(conn: Connection, record_ids: Sequence[str]) -> None:
    """Purge: every fact, mention, count contribution and perpetrator entry of these testimonies, and the counts
    that fall to zero (a count row names a value: a place, a unit), in the caller's transaction."""
    for record_id in record_ids:
        _clear(conn, record_id)
        conn.execute("DELETE FROM stat_testimonies WHERE record_id = ?", (record_id,))
    conn.execute("DELETE FROM stat_counts WHERE n = 0")

