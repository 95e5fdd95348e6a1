"""A device's bundle sequence at HQ: gaps, forks, chain breaks and rewritten audit logs — derived from the set of
imported bundles, so the answer is the same whatever order they arrived in, and kept incremental.

Rewritten logs: each bundle carries a signed checkpoint (log size, RFC 6962 root) and every leaf hash, checked against
that root at import. A device's distinct checkpoints, sorted by (size, root), must each extend the one before. Only
consecutive checkpoints are compared, and each comparison is made once, when the later of the two arrives (the new
checkpoint against its neighbours in that order) and stored in ``log_checks``: an import costs one or two leaf
comparisons whatever the number of bundles, and ``device_status`` reads stored verdicts (no leaves at all). Every pair
of checkpoints that is consecutive now was consecutive when the later one arrived, so every verdict needed is stored.
"""

from __future__ import annotations

import hmac
from itertools import pairwise
from typing import Any

from crypto import merkle
from intake_app.vault.database import Transaction

Checkpoint = tuple[int, bytes]


def extends(lo: Checkpoint, lo_leaves: bytes, hi: Checkpoint, hi_leaves: bytes) -> bool:
    """Whether the log at checkpoint ``hi`` starts with the log at ``lo`` (``lo`` sorts before ``hi``)."""
    (lo_size, lo_root), (hi_size, _) = lo, hi
    if lo_size == hi_size:
        return hmac.compare_digest(lo_root, hi[1])
    if len(hi_leaves) != 32 * hi_size:
        return True  # imported before leaves were kept per bundle: nothing to compare (its own flag stands)
    if len(lo_leaves) == 32 * lo_size:
        # Both leaf lists were checked against their signed roots: equal leaf prefixes mean equal prefix roots.
        return hmac.compare_digest(hi_leaves[: 32 * lo_size], lo_leaves)
    prefix = [hi_leaves[j : j + 32] for j in range(0, 32 * lo_size, 32)]
    return hmac.compare_digest(merkle.root(prefix), lo_root)


def _leaves(conn: Any, device: str, cp: Checkpoint) -> bytes:
    row = conn.execute("SELECT leaves FROM bundles WHERE device = ? AND log_size = ? AND log_root = ?"
                       " ORDER BY length(leaves) DESC LIMIT 1", (device, cp[0], cp[1])).fetchone()
    return bytes(row[0]) if row else b""


def _store(conn: Any, device: str, lo: Checkpoint, lo_leaves: bytes, hi: Checkpoint, hi_leaves: bytes) -> bool:
    ok = extends(lo, lo_leaves, hi, hi_leaves)
    conn.execute("INSERT OR REPLACE INTO log_checks (device, lo_size, lo_root, hi_size, hi_root, consistent)"
                 " VALUES (?, ?, ?, ?, ?, ?)", (device, lo[0], lo[1], hi[0], hi[1], int(ok)))
    return ok


def record_checkpoint(conn: Any, device: str, size: int, root: bytes, leaves: bytes) -> None:
    """Compare a newly imported bundle's checkpoint with its neighbours among the device's checkpoints (inside the
    import's transaction, after its bundle row was written). O(leaves), independent of the number of bundles."""
    recompute_pending(conn)
    new: Checkpoint = (size, root)
    if conn.execute("SELECT count(*) FROM bundles WHERE device = ? AND log_size = ? AND log_root = ?",
                    (device, size, root)).fetchone()[0] > 1:
        return  # this checkpoint was already here (another bundle with the same log): already compared
    pred = conn.execute("SELECT log_size, log_root FROM bundles WHERE device = ? AND (log_size, log_root) < (?, ?)"
                        " ORDER BY log_size DESC, log_root DESC LIMIT 1", (device, size, root)).fetchone()
    succ = conn.execute("SELECT log_size, log_root FROM bundles WHERE device = ? AND (log_size, log_root) > (?, ?)"
                        " ORDER BY log_size, log_root LIMIT 1", (device, size, root)).fetchone()
    if pred is not None:
        lo = (int(pred[0]), bytes(pred[1]))
        _store(conn, device, lo, _leaves(conn, device, lo), new, leaves)
    if succ is not None:
        hi = (int(succ[0]), bytes(succ[1]))
        _store(conn, device, new, leaves, hi, _leaves(conn, device, hi))


def log_forks(conn: Any, device: str) -> list[int]:
    """Numbers of the device's bundles whose checkpoint does not extend the one before it, or is not extended by the
    one after it (in (size, root) order): the log was rewritten, e.g. a laptop restored from a backup."""
    rows = conn.execute("SELECT seq, log_size, log_root, log_fork FROM bundles WHERE device = ?", (device,)).fetchall()
    forked = {int(r[0]) for r in rows if r[3]}  # flagged by an import made before leaves were kept per bundle
    checkpoints = sorted({(int(r[1]), bytes(r[2])) for r in rows})
    verdicts = {(int(a), bytes(b), int(c), bytes(d)): bool(v) for a, b, c, d, v in conn.execute(
        "SELECT lo_size, lo_root, hi_size, hi_root, consistent FROM log_checks WHERE device = ?", (device,))}
    bad: set[Checkpoint] = set()
    for lo, hi in pairwise(checkpoints):
        ok = verdicts.get((*lo, *hi))
        if ok is None:  # not stored (cannot happen after schema 5's migration; kept for safety)
            ok = extends(lo, _leaves(conn, device, lo), hi, _leaves(conn, device, hi))
        if not ok:
            bad.update((lo, hi))
    forked.update(int(r[0]) for r in rows if (int(r[1]), bytes(r[2])) in bad)
    return sorted(forked)


def device_status(conn: Any, device: str) -> dict[str, Any]:
    """Sequence bookkeeping of one device, derived from the set of imported bundles (so independent of their order)."""
    recompute_pending(conn)
    rows = conn.execute("SELECT seq, manifest_sha256, previous_manifest_sha256, imported_at FROM bundles"
                        " WHERE device = ? ORDER BY seq, manifest_sha256", (device,)).fetchall()
    by_seq: dict[int, list[tuple[str, str | None]]] = {}
    for seq, sha, prev, _ in rows:
        by_seq.setdefault(int(seq), []).append((str(sha), prev))
    last = max(by_seq) if by_seq else 0
    gaps = [s for s in range(1, last) if s not in by_seq]
    forks = [s for s, items in by_seq.items() if len(items) > 1]
    chain_breaks = []
    for s, items in by_seq.items():
        before = {sha for sha, _ in by_seq.get(s - 1, [])}
        if before and any(prev not in before for _, prev in items):
            chain_breaks.append(s)
    return {
        "last_seq": last,
        "bundles": len(rows),
        "gaps": gaps,
        "forks": forks,
        "chain_breaks": sorted(chain_breaks),
        "log_forks": log_forks(conn, device),
        "last_seen": max((str(r[3]) for r in rows), default=None),
    }


# The problems of a device's bundle sequence, once: (key of device_status, sentence for a coordinator, short flag).
SEQUENCE_PROBLEMS: tuple[tuple[str, str, str], ...] = (
    ("gaps", "missing bundles from this device: ", "missing "),
    ("forks", "FORK: bundles with the same number but different content: ", "FORK at "),
    ("chain_breaks", "bundles that do not follow the one before: ", "chain broken at "),
    ("log_forks", "the device's audit log was rewritten (restored laptop?) in bundles ", "log rewritten in "),
)


def describe_status(status: dict[str, Any]) -> list[str]:
    """What needs a coordinator's eye in a device's bundle sequence, one plain sentence per problem."""
    return [sentence + ", ".join(map(str, status[key])) for key, sentence, _ in SEQUENCE_PROBLEMS if status[key]]


def status_flags(status: dict[str, Any]) -> list[str]:
    """The same problems as :func:`describe_status`, each as a short flag for a one-line device listing."""
    return [flag + ",".join(map(str, status[key])) for key, _, flag in SEQUENCE_PROBLEMS if status[key]]


PENDING_KEY = "pending:log_checks"  # set by schema migration 5: bundles imported before it have no stored verdicts


def recompute_pending(conn: Any) -> None:
    """Once after the upgrade to schema 5: store the verdicts for the bundles imported before it."""
    if conn.execute("SELECT 1 FROM vault_meta WHERE key = ?", (PENDING_KEY,)).fetchone() is None:
        return
    if conn.in_transaction:
        recompute_all(conn)
    else:
        with Transaction(conn):
            recompute_all(conn)


def recompute_all(conn: Any) -> None:
    """Store the verdict of every consecutive pair of checkpoints of every device, then clear the pending mark."""
    devices = [str(r[0]) for r in conn.execute("SELECT DISTINCT device FROM bundles ORDER BY device")]
    for device in devices:
        checkpoints = sorted({(int(a), bytes(b)) for a, b in conn.execute(
            "SELECT log_size, log_root FROM bundles WHERE device = ?", (device,))})
        for lo, hi in pairwise(checkpoints):
            _store(conn, device, lo, _leaves(conn, device, lo), hi, _leaves(conn, device, hi))
    conn.execute("DELETE FROM vault_meta WHERE key = ?", (PENDING_KEY,))
