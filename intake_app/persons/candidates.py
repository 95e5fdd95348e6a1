"""Candidate pairs of mentions that may be one person, found through SQLite indexes, never by comparing all pairs.

The blocking index lives in the vault (``person_mentions``, ``person_keys``; schema 5) and is brought up to date
incrementally: only testimonies whose current revision changed since the last run are read again. Pairs come from
one self-join of ``person_keys`` on its ``(key, num)`` index: two mentions are compared only when they share a name
key (or, for given names spelt beyond the rules, a surname group and a birth year). A key held by more than
``MAX_BLOCK`` mentions (a very common name) is split by birth decade before the join, so no block grows
quadratically without bound. Each pair is then scored (:mod:`intake_app.persons.scoring`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from intake_app.persons.features import FEATURES_VERSION, blocking_keys, features
from intake_app.persons.mentions import mentions_of_testimony
from intake_app.persons.scoring import Reason, score_pair
from intake_app.records import revisions
from intake_app.records.store import read_content
from intake_app.vault.database import Connection, Transaction
from intake_app.vault.vault import Vault

MAX_BLOCK = 400


@dataclass(frozen=True)
class Candidate:
    """Two mentions that may be one person; ``person_a``/``person_b`` are their PIDs or None when unlinked."""

    score: float
    a: dict[str, Any]
    b: dict[str, Any]
    person_a: str | None
    person_b: str | None
    name_count: int = 1

    @property
    def reasons(self) -> list[Reason]:
        """The reasons for the score, strongest first (worded on demand: at 100k mentions, holding the words of
        every candidate would cost more memory than the mentions themselves)."""
        return score_pair(self.a, self.b, self.name_count)[1]


def _decade(feat: dict[str, Any]) -> str:
    birth = feat["by"]
    return "?" if birth is None or birth[0] // 10 != birth[1] // 10 else str(birth[0] // 10)


def _split_keys(conn: Connection) -> set[str]:
    """Keys whose block was split by decade (rows ``!key#decade``): new members are filed the same way."""
    rows = conn.execute("SELECT DISTINCT key FROM person_keys WHERE key >= '!' AND key < '\"'")
    return {str(r[0])[1:].rsplit("#", 1)[0] for r in rows}


def _index_rows(conn: Connection, feats: Iterable[dict[str, Any]]) -> None:
    split = _split_keys(conn)
    for feat in feats:
        cur = conn.execute("INSERT INTO person_mentions (mention, record_id, features) VALUES (?, ?, ?)",
                           (feat["m"], feat["t"], json.dumps(feat, ensure_ascii=False, separators=(",", ":"))))
        num = cur.lastrowid
        decade = _decade(feat)
        conn.executemany("INSERT INTO person_keys (key, num) VALUES (?, ?)",
                         [(f"!{k}#{decade}" if k in split else k, num) for k in blocking_keys(feat)])


def _split_big_blocks(conn: Connection) -> None:
    """Re-file the members of oversized blocks under ``!key#decade``; the ``!`` marks a key already split."""
    big = [str(r[0]) for r in conn.execute(
        "SELECT key FROM person_keys WHERE key NOT LIKE '!%' GROUP BY key HAVING count(*) > ?", (MAX_BLOCK,))]
    for key in big:
        rows = conn.execute("SELECT k.num, m.features FROM person_keys k JOIN person_mentions m ON m.num = k.num"
                            " WHERE k.key = ?", (key,)).fetchall()
        conn.execute("DELETE FROM person_keys WHERE key = ?", (key,))
        conn.executemany("INSERT INTO person_keys (key, num) VALUES (?, ?)",
                         [(f"!{key}#{_decade(json.loads(f))}", n) for n, f in rows])


def refresh_index(vault: Vault) -> int:
    """Bring the blocking index up to date with the current revisions; returns how many testimonies were re-read."""
    conn = vault.conn
    # Features computed by an older release of the rules (before hanja was read with its given name: no "v") are
    # re-read: forgetting the testimony's indexed revision makes it stale below.
    conn.execute("DELETE FROM person_indexed WHERE record_id IN (SELECT record_id FROM person_mentions"
                 " WHERE json_extract(features, '$.v') IS NOT ?)", (FEATURES_VERSION,))
    stale = conn.execute(
        """SELECT r.id, r.current_rev, r.deleted FROM records r LEFT JOIN person_indexed i ON i.record_id = r.id
           WHERE r.kind = 'testimony' AND (i.rev IS NULL OR i.rev != r.current_rev)""").fetchall()
    if not stale:
        return 0
    with Transaction(conn):
        for record_id, rev_id, deleted in stale:
            conn.execute("DELETE FROM person_keys WHERE num IN (SELECT num FROM person_mentions WHERE record_id = ?)",
                         (record_id,))
            conn.execute("DELETE FROM person_mentions WHERE record_id = ?", (record_id,))
            if not deleted:
                rev = revisions.load(conn, str(rev_id))
                if rev is not None and not rev.tombstone:
                    testimony = read_content(str(record_id), rev.content)
                    _index_rows(conn, (features(m) for m in mentions_of_testimony(str(record_id), testimony)))
            conn.execute("INSERT INTO person_indexed (record_id, rev) VALUES (?, ?) ON CONFLICT (record_id)"
                         " DO UPDATE SET rev = excluded.rev", (record_id, rev_id))
        _split_big_blocks(conn)
    return len(stale)


def index_features(conn: Connection, feats: Iterable[dict[str, Any]]) -> None:
    """Fill the blocking index from features directly (the benchmark's synthetic mentions), replacing it."""
    with Transaction(conn):
        conn.execute("DELETE FROM person_keys")
        conn.execute("DELETE FROM person_mentions")
        _index_rows(conn, feats)
        _split_big_blocks(conn)


def blocked_pairs(conn: Connection) -> Iterator[tuple[int, int]]:
    """Every pair of mention numbers sharing a blocking key, once each, from the index alone."""
    rows = conn.execute("""SELECT DISTINCT a.num, b.num FROM person_keys a JOIN person_keys b
                           ON b.key = a.key AND b.num > a.num""")
    for x, y in rows:
        yield int(x), int(y)


def _links(conn: Connection) -> dict[str, str]:
    return {str(m): str(p) for m, p in conn.execute("SELECT mention, person FROM person_links")}


def _distinct(conn: Connection) -> set[tuple[str, str]]:
    return {(str(a), str(b)) for a, b in conn.execute("SELECT a, b FROM person_distinct")}


def name_counts(feats: Iterable[dict[str, Any]]) -> Counter[str]:
    """How many mentions carry each full-name key (the frequency that weighs a shared name)."""
    return Counter(k for f in feats for k in f["nk"] if k.startswith(("name:", "hangul:", "hanja:")))


def generate(conn: Connection, *, min_score: float = 0.0, limit: int | None = None,
             links: dict[str, str] | None = None, distinct: set[tuple[str, str]] | None = None,
             load: Callable[[], dict[int, dict[str, Any]]] | None = None) -> list[Candidate]:
    """Scored candidates from the index, best first; one per pair of persons (the best pair of their mentions).

    Pairs already in one person and pairs marked "not the same person" are left out.
    """
    links = _links(conn) if links is None else links
    distinct = _distinct(conn) if distinct is None else distinct
    feats = load() if load is not None else {
        int(n): json.loads(f) for n, f in conn.execute("SELECT num, features FROM person_mentions")}
    counts = name_counts(feats.values())
    best: dict[tuple[str, str], Candidate] = {}
    for x, y in blocked_pairs(conn):
        a, b = feats[x], feats[y]
        if a["m"] > b["m"]:
            a, b = b, a
        pa, pb = links.get(a["m"]), links.get(b["m"])
        if (pa is not None and pa == pb) or (a["m"], b["m"]) in distinct:
            continue
        shared = [counts[k] for k in a["nk"] if k in counts and k in b["nk"]]
        name_count = min(shared) if shared else 1
        score = score_pair(a, b, name_count, explain=False)[0]
        if score < min_score:
            continue
        group = tuple(sorted((pa or a["m"], pb or b["m"])))
        cand = Candidate(score, a, b, pa, pb, name_count)
        held = best.get(group)  # type: ignore[arg-type]
        if held is None or (score, held.a["m"], held.b["m"]) > (held.score, a["m"], b["m"]):
            best[group] = cand  # type: ignore[index]
    ordered = sorted(best.values(), key=lambda c: (-c.score, c.a["m"], c.b["m"]))
    return ordered if limit is None else ordered[:limit]


def candidates(vault: Vault, *, min_score: float = 0.0, limit: int | None = None) -> list[Candidate]:
    """``intake persons candidates``: refresh the index, then :func:`generate`."""
    refresh_index(vault)
    return generate(vault.conn, min_score=min_score, limit=limit)


INDEX_TABLES = ("person_indexed", "person_mentions", "person_keys")


def remove_testimonies(conn: Connection, record_ids: Sequence[str]) -> None:
    """Purge: the blocking index rows of these testimonies (mention features hold names), in the caller's
    transaction."""
    for record_id in record_ids:
        conn.execute("DELETE FROM person_keys WHERE num IN (SELECT num FROM person_mentions WHERE record_id = ?)",
                     (record_id,))
        conn.execute("DELETE FROM person_mentions WHERE record_id = ?", (record_id,))
        conn.execute("DELETE FROM person_indexed WHERE record_id = ?", (record_id,))
