"""Candidate pairs of mentions that may be one person, found through SQLite indexes, never by comparing all pairs.

The blocking index lives in the vault (``person_mentions``, ``person_keys``; schema 5) and is brought up to date
incrementally: only testimonies whose current revision changed since the last run are read again. Two mentions are
compared only when they share a filed key of ``person_keys`` (a name key, a surname group and a birth year, or an
``ng:`` key);
a block that would grow with the square of a common name's frequency is split by corroborating facts (birth year,
place, facility, interviewee; :mod:`intake_app.persons.blocking`), so the pairs grow with the mentions, not with
their square. Candidate generation streams: the blocks are read name by name (the blocks of one name's keys, whole
or split, together: :mod:`intake_app.persons.block_order`) from the ``(key, num)`` index, the stored features of
the next blocks' members are read ahead in one pass (:data:`AHEAD` members at a time) and parsed on demand (a bounded
cache holds the latest), each pair is scored once (in the first key the two share, so a pair in several blocks is
neither scored twice nor remembered in a set: :func:`_first`), and only the pairs scoring at least ``min_score`` are
kept, as small tuples; features are read again for the pairs returned. Each pair is scored by
:mod:`intake_app.persons.scoring`.
"""

from __future__ import annotations

import json
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from intake_app import collector
from intake_app.persons import block_order
from intake_app.persons.blocking import (
    SURNAME_BIRTH,
    Filing,
    SplitState,
    attributes,
    file_mentions,
    has_old_layout,
    keys_under,
    split_big_blocks,
    split_state,
)
from intake_app.persons.features import FEATURES_VERSION, blocking_keys, features
from intake_app.persons.mentions import mentions_of_testimony
from intake_app.persons.scoring import Reason, Shares, given_close, score_pair
from intake_app.records import revisions
from intake_app.records.store import read_content
from intake_app.vault.database import Connection, Transaction
from intake_app.vault.vault import Vault

CACHE_SIZE = 8192  # parsed features held at once while pairing (about 4 KB each)
AHEAD = 32768  # mentions whose stored features are read at once, ahead of their blocks (under 1 KB each, unparsed)
_NAME_PREFIXES = ("name:", "hangul:", "hanja:")
_FACT_KINDS = frozenset("ypfai")  # the first letters of blocking.attributes' facts (not "-", no fact, nor "n", namesakes)


@dataclass(frozen=True)
class Candidate:
    """Two mentions that may be one person; ``person_a``/``person_b`` are their PIDs or None when unlinked."""

    score: float
    a: dict[str, Any]
    b: dict[str, Any]
    person_a: str | None
    person_b: str | None
    name_count: int = 1
    shares: Shares | None = None  # the archive's value counts the score was computed with (scoring.rarity)

    @property
    def reasons(self) -> list[Reason]:
        """The reasons for the score, strongest first (worded on demand: at 100k mentions, holding the words of
        every candidate would cost more memory than the mentions themselves)."""
        return score_pair(self.a, self.b, self.name_count, shares=self.shares)[1]


def _index_rows(conn: Connection, feats: Iterable[dict[str, Any]]) -> None:
    file_mentions(conn, feats)


def _split_big_blocks(conn: Connection) -> None:
    split_big_blocks(conn)


def _split_keys(conn: Connection) -> SplitState:
    """Which blocks are split (for callers filing mentions one at a time: reference persons)."""
    return split_state(conn)


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
        if has_old_layout(conn):
            with Transaction(conn):
                split_big_blocks(conn)  # blocks split by an earlier layout are re-split
        return 0
    with Transaction(conn), Filing(conn) as filing:  # the collector paused while testimonies are read and filed
        for record_id, rev_id, deleted in stale:
            conn.execute("DELETE FROM person_keys WHERE num IN (SELECT num FROM person_mentions WHERE record_id = ?)",
                         (record_id,))
            conn.execute("DELETE FROM person_mentions WHERE record_id = ?", (record_id,))
            if not deleted:
                rev = revisions.load(conn, str(rev_id))
                if rev is not None and not rev.tombstone:
                    testimony = read_content(str(record_id), rev.content, rev.content_hash)
                    filing.add(features(m) for m in mentions_of_testimony(str(record_id), testimony))
            conn.execute("INSERT INTO person_indexed (record_id, rev) VALUES (?, ?) ON CONFLICT (record_id)"
                         " DO UPDATE SET rev = excluded.rev", (record_id, rev_id))
        filing.close()
    return len(stale)


def index_features(conn: Connection, feats: Iterable[dict[str, Any]]) -> None:
    """Fill the blocking index from features directly (the benchmark's synthetic mentions), replacing it."""
    with Transaction(conn):
        conn.execute("DELETE FROM person_keys")
        conn.execute("DELETE FROM person_mentions")
        with Filing(conn) as filing:
            filing.add(feats)
            filing.close()


def _read(conn: Connection, nums: list[int]) -> list[tuple[int, bytes]]:
    """Stored features as UTF-8 bytes (what json.loads takes): about half the memory of Korean text as a string."""
    return [(int(n), bytes(f)) for n, f in conn.execute(
        "SELECT num, CAST(features AS BLOB) FROM person_mentions WHERE num IN (SELECT value FROM json_each(?))",
        (json.dumps(nums),))]


class _Member:
    """One mention's parsed features, its name keys and base keys (for the pair loop), and the row keys it is filed
    under beneath a split base key, worked out when a pair needs them (:meth:`under`)."""

    __slots__ = ("_attrs", "_under", "bases", "feat", "names", "state")

    def __init__(self, feat: dict[str, Any], state: SplitState) -> None:
        self.feat = feat
        self.state = state
        self.names = frozenset(feat["nk"])
        self.bases = frozenset(blocking_keys(feat))
        self._attrs: list[str] | None = None
        self._under: dict[str, frozenset[str]] = {}

    def under(self, base: str) -> frozenset[str]:
        """The row keys this member is filed under beneath ``base``, one of its split base keys
        (:func:`intake_app.persons.blocking.keys_under`)."""
        got = self._under.get(base)
        if got is None:
            if self._attrs is None:
                self._attrs = attributes(self.feat)
            got = self._under[base] = frozenset(keys_under(self.feat, base, self._attrs, self.state))
        return got


class _Members:
    """Members by mention number: read from ``person_mentions`` and parsed on demand, the latest CACHE_SIZE kept; or
    from ``load`` (features already in memory: tests and small tools). :meth:`read_ahead` reads the stored features
    of the next blocks' members in one pass."""

    def __init__(self, conn: Connection, state: SplitState, load: dict[int, dict[str, Any]] | None) -> None:
        self.conn, self.state, self.load = conn, state, load
        self.cache: OrderedDict[int, _Member] = OrderedDict()
        self.ahead: dict[int, bytes] = {}

    def read_ahead(self, nums: Iterable[int]) -> None:
        """Read (not parse) the stored features of ``nums``, those not held parsed, in number order, replacing what
        was read ahead before. A block's members lie anywhere in the table: read block by block, nearly every row
        cost a page of the vault of its own, decrypted for that one row (at 400,000 mentions, 18 µs a row against
        7 µs at 100,000). Read for many blocks at once, in number order, rows share pages and the pages come in
        order. They are held as UTF-8 bytes: about half the memory of Python strings of Korean text."""
        if self.load is None:
            self.ahead = {}
            self.ahead = dict(_read(self.conn, sorted(n for n in set(nums) if n not in self.cache)))

    def _raw(self, nums: list[int]) -> list[tuple[int, Any]]:
        if self.load is not None:
            return [(n, self.load[n]) for n in nums]
        ahead = self.ahead
        rows: list[tuple[int, Any]] = [(n, ahead[n]) for n in nums if n in ahead]
        unread = [n for n in nums if n not in ahead]
        for start in range(0, len(unread), 500):
            rows += _read(self.conn, unread[start:start + 500])
        return rows

    def get(self, nums: list[int]) -> list[tuple[int, _Member]]:
        cache = self.cache
        missing = [n for n in nums if n not in cache]
        if missing:
            for n, raw in self._raw(missing):
                cache[n] = _Member(raw if isinstance(raw, dict) else json.loads(raw), self.state)
        out = []
        for n in nums:
            member = cache.get(n)
            if member is not None:
                cache.move_to_end(n)
                out.append((n, member))
        while len(cache) > CACHE_SIZE:  # the block's members are held by ``out`` meanwhile
            cache.popitem(last=False)
        return out


def _blocks(conn: Connection, members: _Members) -> Iterator[tuple[str, list[tuple[int, _Member]]]]:
    """Each block of two or more mentions with its members, name by name (:mod:`intake_app.persons.block_order`: a
    member is read and parsed about once per name it has, not once per kind of key). Blocks are taken AHEAD members at
    a time, and their members' features read ahead in one pass (:meth:`_Members.read_ahead`)."""
    rows = block_order.rows_by_name(conn)
    while True:
        window: list[tuple[str, list[int]]] = []
        wanted: set[int] = set()
        for _name, key, nums in rows:
            block = sorted(map(int, str(nums).split(",")))
            window.append((str(key), block))
            wanted.update(block)
            if len(wanted) >= AHEAD:
                break
        if not window:
            return
        members.read_ahead(wanted)
        for key, block in window:
            yield key, members.get(block)


def _surname_birth(key: str) -> str | None:
    """The ``sb:`` base key of a row key (whole, ``sb:…``, or a split block's, ``!sb:…#…``), else None."""
    if key.startswith(SURNAME_BIRTH):
        return key
    if key.startswith("!" + SURNAME_BIRTH):
        return key[1:].split("#", 1)[0]
    return None


def _sb_parts(base: str) -> tuple[str, str]:
    """The surname group and given-key prefix of an ``sb:<surname group>:<year>:<prefix>`` key."""
    surname, _year, prefix = base.split(":", 1)[1].rsplit(":", 2)
    return surname, prefix


def _givens(member: _Member, surname: str, prefix: str) -> set[str]:
    return {g for s, g in member.feat["rd"] if s == surname and g and g[:2] == prefix}


def _compared_in(a: _Member, b: _Member, key: str) -> bool:
    """Whether two members sharing the row ``key`` are compared in its block: always, except in an ``sb:`` block
    (blocking.py's docstring), where only members with close but unequal given keys under its surname group and
    prefix, and no name key in common, are."""
    base = _surname_birth(key)
    if base is None:
        return True
    if a.names & b.names:
        return False
    surname, prefix = _sb_parts(base)
    given_b = _givens(b, surname, prefix)  # equal keys would be a shared name key: excluded above
    return any(given_close(g, h) for g in _givens(a, surname, prefix) for h in given_b)


def _first(a: _Member, b: _Member, key: str, base: str, common: frozenset[str], fact: str | None) -> bool:
    """Whether ``key``, a row key under the base key ``base`` in which the two are compared (the caller knows), is the
    first (smallest) of the row keys they share in which they are compared, so that each pair is scored once.

    ``common`` holds the base keys the two share (``base`` among them). Every row key derives from one base key and
    holds it, so a shared row key is one of a shared base key's; only the bases whose rows can sort before ``key`` are
    looked at, and the rows under a split one are worked out for these two members alone (:meth:`_Member.under`).
    Working out every row key of every member read was, at 400,000 mentions, a quarter of the pair phase.

    ``fact`` (:func:`_key_fact`) is the fact of a split name block's ``key``: split name blocks are split by the same
    facts, so two members filed under ``!<base>#<fact>…`` share ``!<other>#<fact>`` under another split name key they
    share, unless that sub-block is split again. That, the common case, is told without working out their rows."""
    split = a.state.keys
    for other in common:
        if other == base:
            continue
        if other in split:
            # Its rows are "!<other>#…": all before ``key`` or all after it, since neither base key holds "#".
            if "!" + other + "#" > key:
                continue
            sb = other.startswith(SURNAME_BIRTH)
            told = fact is not None and not sb and f"{other}#{fact}" not in a.state.subs
            if not told and not a.under(other) & b.under(other):
                continue
        elif other > key:
            continue
        else:
            sb = other.startswith(SURNAME_BIRTH)
        if not sb or _compared_in(a, b, other):
            return False
    # Under ``base`` itself the two are compared in every row they share (an ``sb:`` block's rule is the pair's).
    return key[0] != "!" or min(a.under(base) & b.under(base)) == key


def _key_fact(key: str, base: str) -> str | None:
    """The corroborating fact of a row key under a split name key ``base`` (``!<base>#<fact>`` or
    ``!<base>#<fact>#<fact>``), or None: a whole block, an ``sb:`` key, or a row of no fact or of namesakes."""
    if key[0] != "!" or base.startswith(SURNAME_BIRTH):
        return None
    fact = key[len(base) + 2:].split("#", 1)[0]
    return fact if fact[:1] in _FACT_KINDS else None


def _close_pairs(key: str, base: str, block: list[tuple[int, _Member]]) -> Iterator[tuple[int, _Member, int, _Member]]:
    """The pairs compared in the ``sb:`` block ``key`` (whole or a sub-block of ``base``): members are grouped by
    given key, so the work is the close keys' members, not every pair of the block."""
    surname, prefix = _sb_parts(base)
    by_given: dict[str, list[int]] = {}
    for i, (_n, member) in enumerate(block):
        for g in _givens(member, surname, prefix):
            by_given.setdefault(g, []).append(i)
    givens = sorted(by_given)
    seen: set[tuple[int, int]] = set()
    for gi, g in enumerate(givens):
        for h in givens[gi + 1:]:
            if not given_close(g, h):
                continue
            for i in by_given[g]:
                for j in by_given[h]:
                    pair = (i, j) if i < j else (j, i)
                    if i == j or pair in seen:
                        continue
                    seen.add(pair)
                    (x, a), (y, b) = block[pair[0]], block[pair[1]]
                    if not a.names & b.names and _first(a, b, key, base, a.bases & b.bases, None):
                        yield x, a, y, b


def _pairs(conn: Connection, members: _Members) -> Iterator[tuple[int, _Member, int, _Member]]:
    """Every pair of mentions compared in a filed key they share, once each: in the first (smallest) such key. Every
    pair sharing a key is compared in it, except in ``sb:`` blocks (:func:`_compared_in`)."""
    for key, block in _blocks(conn, members):
        sb = _surname_birth(key)
        if sb is not None:
            yield from _close_pairs(key, sb, block)
            continue
        whole = key[0] != "!"
        base = key if whole else key[1:].split("#", 1)[0]
        fact = _key_fact(key, base)
        for i, (x, a) in enumerate(block):
            bases = a.bases
            for y, b in block[i + 1:]:
                common = bases & b.bases
                if (whole and len(common) == 1) or _first(a, b, key, base, common, fact):
                    yield x, a, y, b


def blocked_pairs(conn: Connection) -> Iterator[tuple[int, int]]:
    """Every pair of mention numbers sharing a blocking key, once each, from the index alone."""
    for x, _a, y, _b in _pairs(conn, _Members(conn, split_state(conn), None)):
        yield (x, y) if x < y else (y, x)


def _name_key_counts(conn: Connection, state: SplitState | None = None) -> dict[str, int]:
    """How many mentions carry each name key held by two or more (the frequency that weighs a shared name), from
    ``person_counts``: kept by triggers as mentions enter and leave the index (schema m0016), never recounted here."""
    return {str(k): int(n) for k, n in conn.execute(
        "SELECT key, n FROM person_counts WHERE n > 1 AND key >= 'h' AND key < 's'") if str(k).startswith(_NAME_PREFIXES)}


def value_shares(conn: Connection) -> dict[str, int]:
    """The counts of ``person_counts`` that weigh an agreement on a place, facility or victim category, and ``*`` (every
    mention): a few hundred rows, read once per run."""
    return {str(k): int(n) for k, n in conn.execute(
        "SELECT key, n FROM person_counts WHERE key = '*' OR key GLOB 'place:*' OR key GLOB 'facility:*'"
        " OR key GLOB 'cat:*'")}


def _links(conn: Connection) -> dict[str, str]:
    return {str(m): str(p) for m, p in conn.execute("SELECT mention, person FROM person_links")}


def _distinct(conn: Connection) -> set[tuple[str, str]]:
    return {(str(a), str(b)) for a, b in conn.execute("SELECT a, b FROM person_distinct")}


def name_counts(feats: Iterable[dict[str, Any]]) -> Counter[str]:
    """How many mentions carry each full-name key (the frequency that weighs a shared name)."""
    return Counter(k for f in feats for k in f["nk"] if k.startswith(("name:", "hangul:", "hanja:")))


def counted_values(feat: dict[str, Any]) -> set[str]:
    """The keys of ``person_counts`` one mention counts in (what the triggers of schema m0016 compute in SQL): ``*``,
    its name keys, ``born:<year>`` when exact, ``place:`` home and act places, ``facility:`` act facilities, ``cat:``
    victim categories."""
    out = {"*", *feat["nk"]}
    birth = feat.get("by")
    if birth is not None and birth[0] == birth[1]:
        out.add(f"born:{birth[0]}")
    if feat.get("home") is not None:
        out.add(f"place:{feat['home']}")
    for _type, place, _when, facility in feat.get("acts", ()):
        if place is not None:
            out.add(f"place:{place}")
        if facility is not None:
            out.add(f"facility:{facility}")
    out.update(f"cat:{c}" for c in feat.get("cat", ()))
    return out


def value_counts(feats: Iterable[dict[str, Any]]) -> Counter[str]:
    """``person_counts`` computed from features in memory (the benchmark's all-pairs reference, tests)."""
    return Counter(k for f in feats for k in counted_values(f))


Scored = tuple[float, str, str, int, int, int, str | None, str | None]
"""A kept pair: (score, mention a, mention b, number a, number b, name count, person a, person b), a < b."""


class Kept:
    """The pairs kept by :func:`scored_pairs`, best first, held compactly: at 400k mentions a million pairs can score
    0.5 or more, and a tuple of Python objects per pair would cost more memory than the rest of the run. Unlinked pairs
    (almost all) are columns of machine numbers; each is one pair of persons already, since every pair is scored
    once. Pairs touching a linked person are grouped (the best pair per two persons) in a small dict."""

    def __init__(self, mentions: dict[int, str]) -> None:
        self.mentions = mentions  # number -> mention id, for every mention of a kept pair
        self.scores, self.xs, self.ys, self.counts = array("d"), array("q"), array("q"), array("q")
        self.linked: dict[tuple[str, str], Scored] = {}
        self.order = array("q")
        self._linked: list[Scored] = []
        self.shares: Shares | None = None  # the value counts the pairs were scored with

    def add(self, score: float, x: int, y: int, count: int) -> None:
        self.scores.append(score)
        self.xs.append(x)
        self.ys.append(y)
        self.counts.append(count)

    def finish(self) -> None:
        """Sort, best first, then by mention ids; the linked pairs after the others of their score."""
        names, scores, xs, ys = self.mentions, self.scores, self.xs, self.ys
        # By score first (a score has two decimals: a hundred values at most), then each score's pairs by mention
        # ids: a key tuple per pair for all pairs at once would be the run's peak of memory.
        by_score: dict[float, array[int]] = {}
        for i, score in enumerate(scores):
            by_score.setdefault(score, array("q")).append(i)
        self.order = array("q")
        for score in sorted(by_score, reverse=True):
            same = by_score.pop(score)
            self.order.extend(sorted(same, key=lambda i: (names[xs[i]], names[ys[i]])))
        self._linked = sorted(self.linked.values(), key=lambda c: (-c[0], c[1], c[2]))

    def __len__(self) -> int:
        return len(self.scores) + len(self.linked)

    def __iter__(self) -> Iterator[Scored]:
        names, linked, j = self.mentions, self._linked, 0
        for i in self.order:
            score, x, y = self.scores[i], self.xs[i], self.ys[i]
            while j < len(linked) and (-linked[j][0], linked[j][1], linked[j][2]) < (-score, names[x], names[y]):
                yield linked[j]
                j += 1
            yield (score, names[x], names[y], x, y, self.counts[i], None, None)
        yield from linked[j:]


def scored_pairs(conn: Connection, *, min_score: float = 0.0, links: dict[str, str] | None = None,
                 distinct: set[tuple[str, str]] | None = None,
                 load: Callable[[], dict[int, dict[str, Any]]] | None = None,
                 stats: dict[str, int] | None = None) -> Kept:
    """Every pair scoring at least ``min_score``, best first; one per pair of persons (the best pair of their
    mentions). Pairs already in one person and pairs marked "not the same person" are left out. ``stats`` (if given)
    receives ``scored``, the number of pairs scored."""
    links = _links(conn) if links is None else links
    distinct = _distinct(conn) if distinct is None else distinct
    state = split_state(conn)
    counts = _name_key_counts(conn, state)
    shares = value_shares(conn)
    kept = Kept({})
    kept.shares = shares
    names = kept.mentions
    scored = 0
    with collector.paused():  # millions of features, reasons and pairs made and dropped, none cyclic
        for num_a, ma, num_b, mb in _pairs(conn, _Members(conn, state, load() if load is not None else None)):
            a, b, x, y = ma.feat, mb.feat, num_a, num_b
            if a["m"] > b["m"]:
                a, b, x, y = b, a, y, x
            pa, pb = links.get(a["m"]), links.get(b["m"])
            if (pa is not None and pa == pb) or (a["m"], b["m"]) in distinct:
                continue
            shared = [counts[k] for k in ma.names & mb.names if k in counts]
            name_count = min(shared) if shared else 1
            score = score_pair(a, b, name_count, explain=False, shares=shares)[0]
            scored += 1
            if score < min_score:
                continue
            names.setdefault(x, a["m"])
            names.setdefault(y, b["m"])
            if pa is None and pb is None:
                kept.add(score, x, y, name_count)
                continue
            ga, gb = pa or a["m"], pb or b["m"]
            group = (ga, gb) if ga <= gb else (gb, ga)
            held = kept.linked.get(group)
            if held is None or (score, held[1], held[2]) > (held[0], a["m"], b["m"]):
                kept.linked[group] = (score, a["m"], b["m"], x, y, name_count, pa, pb)
        kept.finish()
    if stats is not None:
        stats["scored"] = scored
    return kept


def _features_of(conn: Connection, nums: Iterable[int]) -> dict[int, dict[str, Any]]:
    wanted = sorted(set(nums))
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start:start + 500]
        out.update((int(n), json.loads(f)) for n, f in _read(conn, part))
    return out


def generate(conn: Connection, *, min_score: float = 0.0, limit: int | None = None,
             links: dict[str, str] | None = None, distinct: set[tuple[str, str]] | None = None,
             load: Callable[[], dict[int, dict[str, Any]]] | None = None) -> list[Candidate]:
    """Scored candidates from the index, best first (:func:`scored_pairs`), with the features of both sides."""
    loaded = load() if load is not None else None
    ordered = scored_pairs(conn, min_score=min_score, links=links, distinct=distinct,
                           load=None if loaded is None else (lambda: loaded))
    kept = list(ordered) if limit is None else list(islice(ordered, limit))
    feats = loaded if loaded is not None else _features_of(conn, (n for c in kept for n in (c[3], c[4])))
    return [Candidate(score, feats[x], feats[y], pa, pb, count, ordered.shares)
            for score, _ma, _mb, x, y, count, pa, pb in kept]


def candidates(vault: Vault, *, min_score: float = 0.0, limit: int | None = None) -> list[Candidate]:
    """``intake persons candidates``: refresh the index, then :func:`generate`."""
    refresh_index(vault)
    return generate(vault.conn, min_score=min_score, limit=limit)


STREAM_CHUNK = 256  # candidates whose features are read at once by :func:`iter_candidates`


def iter_candidates(vault: Vault, *, min_score: float = 0.0, limit: int | None = None) -> Iterator[Candidate]:
    """:func:`candidates`, one at a time: the kept pairs are ranked as columns of numbers (:class:`Kept`), and the
    features of only :data:`STREAM_CHUNK` pairs at a time are read, so memory stays flat however many pairs are
    returned (1.2 million at 400k mentions would not fit as :class:`Candidate` objects with their features)."""
    refresh_index(vault)
    kept = scored_pairs(vault.conn, min_score=min_score)
    ordered = iter(kept)
    rows = ordered if limit is None else islice(ordered, limit)
    while chunk := list(islice(rows, STREAM_CHUNK)):
        feats = _features_of(vault.conn, (n for c in chunk for n in (c[3], c[4])))
        for score, _ma, _mb, x, y, count, pa, pb in chunk:
            yield Candidate(score, feats[x], feats[y], pa, pb, count, kept.shares)


# person_counts is kept by triggers on person_mentions (a key's row goes when its count reaches 0), so removing a
# testimony's mentions removes what they counted; it is listed so that a purge knows the table is cleaned.
INDEX_TABLES = ("person_indexed", "person_mentions", "person_keys", "person_counts")


def remove_testimonies(conn: Connection, record_ids: Sequence[str]) -> None:
    """Purge: the blocking index rows of these testimonies (mention features hold names), in the caller's
    transaction."""
    for record_id in record_ids:
        conn.execute("DELETE FROM person_keys WHERE num IN (SELECT num FROM person_mentions WHERE record_id = ?)",
                     (record_id,))
        conn.execute("DELETE FROM person_mentions WHERE record_id = ?", (record_id,))
        conn.execute("DELETE FROM person_indexed WHERE record_id = ?", (record_id,))
