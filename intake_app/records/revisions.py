"""Revisions and the per-record DAG.

A revision is content-addressed: its id is the SHA-256 of a canonical envelope naming the record, the sorted parent ids,
the device, the time, whether it is a tombstone and the SHA-256 of its content. The same revision reaching HQ through
two bundles is one row; a record's state (heads, current revision, conflict) is a pure function of its set of
revisions, which is what makes the merged HQ state independent of the order bundles arrive in.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from intake_app.search.index import SearchIndex
from intake_app.vault.database import Connection

KIND_TESTIMONY = "testimony"


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


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


def insert_revision(conn: Connection, rev: Revision) -> bool:
    """Store ``rev`` if new; return False when it was already there (an idempotent no-op)."""
    if conn.execute("SELECT 1 FROM revisions WHERE id = ?", (rev.id,)).fetchone():
        return False
    seq = int(conn.execute("SELECT coalesce(max(local_seq), 0) + 1 FROM revisions").fetchone()[0])
    conn.execute(
        "INSERT INTO revisions (id, record_id, parents, device, created_at, content_hash, tombstone, content, local_seq)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (rev.id, rev.record_id, json.dumps(list(rev.parents)), rev.device, rev.created_at, rev.content_hash,
         int(rev.tombstone), rev.content, seq),
    )
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


def pick_current(conn: Connection, head_ids: list[str]) -> str:
    """Among concurrent heads, the one shown until a coordinator decides: latest time, then highest id. Deterministic."""
    rows = conn.execute(
        f"SELECT id FROM revisions WHERE id IN ({','.join('?' * len(head_ids))}) ORDER BY created_at DESC, id DESC",  # noqa: S608
        head_ids,
    ).fetchall()
    return str(rows[0][0])


def refresh_record(conn: Connection, record_id: str, summarise: Any, search_fields: Any) -> None:
    """Recompute a record's derived row (heads, current revision, conflict flag, list summary, search entry) from its
    revisions. Called after every local save and every import, inside the same transaction."""
    head_ids = heads(conn, record_id)
    if not head_ids:
        return
    current_id = pick_current(conn, head_ids)
    current = load(conn, current_id)
    assert current is not None
    conn.execute("DELETE FROM record_heads WHERE record_id = ?", (record_id,))
    conn.executemany("INSERT INTO record_heads (record_id, rev_id) VALUES (?, ?)", [(record_id, h) for h in head_ids])
    created = conn.execute("SELECT min(created_at) FROM revisions WHERE record_id = ?", (record_id,)).fetchone()[0]
    conflicted = len(head_ids) > 1
    index = SearchIndex(conn)
    if current.tombstone:
        summary: dict[str, Any] = {"id": record_id, "deleted": True}
        lower = upper = None
        index.remove(record_id)
    else:
        summary = summarise(current.content)
        summary["device"] = current.device
        summary["first_device"] = conn.execute(
            "SELECT device FROM revisions WHERE record_id = ? ORDER BY created_at, id LIMIT 1", (record_id,)).fetchone()[0]
        lower, upper = summary.get("interview_date_lower"), summary.get("interview_date_upper")
        index.upsert(record_id, search_fields(current.content))
    conn.execute(
        """INSERT INTO records (id, kind, current_rev, deleted, conflicted, created_at, updated_at, date_lower,
                                date_upper, summary)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET current_rev = excluded.current_rev, deleted = excluded.deleted,
             conflicted = excluded.conflicted, created_at = excluded.created_at, updated_at = excluded.updated_at,
             date_lower = excluded.date_lower, date_upper = excluded.date_upper, summary = excluded.summary""",
        (record_id, KIND_TESTIMONY, current_id, int(current.tombstone), int(conflicted), created, current.created_at,
         lower, upper, canonical(summary).decode("utf-8")),
    )
