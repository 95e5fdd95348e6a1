"""The blocking index's layout: which keys a mention is filed under, and how an oversized block is split.

A mention is filed under its *base keys* (:func:`intake_app.persons.features.blocking_keys`: name keys and the
surname + birth-year keys). Two mentions are compared only when they share a filed key, so a block's pairs grow with
the square of its size; a common name in a large archive (김영수, or 김철수 held by thousands) would make the pairs grow
with the square of the archive. So a block is kept whole only while it holds at most :data:`MAX_BLOCK` mentions.
Beyond that it is split into *sub-blocks*, one per corroborating fact, and each member is filed under every fact it
has (:func:`attributes`):

- ``y<year>``: each birth year within the mention's birth bounds (1950 and ``1950~`` meet, ``195X`` meets every year
  of the 1950s; a birth known only as a span wider than :data:`MAX_BIRTH_SPAN` years is not used; never in an ``sb:``
  block, whose members all have its year: :func:`facts`). Births one or two
  years apart weigh against a pair, so such a pair reaches 0.5 on a name this common only with another fact, under
  which it meets (except, at 0.50-0.51, on a name held by 13-16 mentions: docs/persons.md);
- ``p<place>``: the home place and each act's place (vocabulary code, or the folded words as said);
- ``f<facility>``: each act's facility;
- ``a<year>``: each year of each act's bounds and the year after (dates of an arrest are remembered loosely: two
  acts a year apart meet under the later year, as acts in overlapping years meet under a shared one);
- ``i<interviewee>|<relation>``: the interviewee's pseudonym and relation (the same person reporting twice).

Two members of a split block are compared when they share a name key *and* one of these facts. A member with none of
them is filed under ``-`` and meets only the others without any (a common name alone is weak evidence: the name weight
falls with its frequency, see scoring.py). A sub-block still larger than :data:`MAX_SUB_BLOCK` (a very common name
and a common birth year or place) is split once more by pairs of facts of two different kinds (``y1950`` and
``pKP.ryanggang.hyesan``); a member with no fact of another kind is filed under ``-`` there. A split block stays split
when members leave it (a purge, an edit); new members are filed under its sub-blocks.

Surname and birth-year blocks (``sb:<surname group>:<exact year>:<given-key prefix>``) exist so that given names
spelt beyond the rules still meet. So (issue 30, fifth pass) an ``sb:`` block, whole or split, compares only members
whose given keys under its surname group and prefix are *close* (:func:`intake_app.persons.scoring.given_close`, what
the score rewards as similar) and who share no name key (namesakes are their name blocks' to decide); and it is split
by every fact but birth year (:func:`facts`), since every member has the year its key holds. Before, it compared every
pair sharing it (split: sharing its year, which all do, or a place): at 400,000 synthetic mentions 27 % of the pairs
scored and 25 % of the candidates kept, and the pairs with no name evidence among them were all wrong
(``candidates._close_pairs``).

Namesake sub-blocks (issue 30, third pass): two holders of a common name sharing none of these facts can still score
0.5 on the name, the same sex and a shared victim category when the name is not too common. So a split *name* block
also files its members under ``n<level>:<sex>:<category>`` (:func:`namesakes`) as long as such a pair can reach 0.5:
each member has a *reach* (:func:`reach`: the largest name count at which its known sex and category could lift a
namesake pair to 0.5: 289, 106, 76 or 28), and a block of n mentions files, at level :func:`level_for` (n), only the
members whose reach is at least the level's. The level is lowered (the rows re-filed) as the name's count grows, and
above :data:`MAX_NAMESAKE` there are none: a mention's namesake comparisons stay bounded however large the archive.

Rows of ``person_keys``: an unsplit block's rows hold the base key itself; a split block's ``!KEY#FACT`` (and
``!KEY#n<level>:<sex>:<category>``); a split sub-block's ``!KEY#FACT#FACT``. Name keys and facts never contain
``#`` (facts have it escaped), so the parts are found again by splitting on it. Rows written by the first layout
(``!KEY#<decade>`` and ``!KEY#?``, by birth decade alone) are recognised by their digit or ``?`` and re-filed by
:func:`upgrade_layout`.
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from intake_app import collector
from intake_app.persons.features import blocking_keys
from intake_app.persons.scoring import BASE, NAME_FREQ_SLOPE, RARITY_MAX, W_CATEGORY, W_NAME_EXACT, W_SEX_SAME
from intake_app.records import vocabularies
from intake_app.vault.database import Connection

MAX_BLOCK = 12
MAX_SUB_BLOCK = 48
MAX_BIRTH_SPAN = 12  # 195X spans ten years; wider spans ("1950s or 1960s") corroborate too little to file under
# Birth years 1-2 apart (Korean age counting) weigh against a pair (scoring.W_BIRTH_NEAR): on a name held by more than
# MAX_BLOCK mentions such a pair reaches 0.5 only with another fact, under which it meets (see the docstring's one
# exception). Act years are remembered loosely and weigh nothing alone: an act is filed under each year of its bounds
# and the ACT_SLACK years after, so that two acts at most ACT_SLACK years apart share a row. (Until schema m0020 also
# the ACT_SLACK years before, which made acts twice that far apart meet, and each act three rows instead of two:
# issue 30, ninth pass.)
BIRTH_SLACK = 0
ACT_SLACK = 1
BARE = "-"
# Namesake sub-blocks (issue 30, third pass). Two holders of a name held by n mentions that share no fact above score
# BASE + W_NAME_EXACT - NAME_FREQ_SLOPE x ln(n) + (W_SEX_SAME if both give one sex) + (up to W_CATEGORY x RARITY_MAX
# if both give a shared category), and nothing else of the score can lift them without a shared fact except what is
# listed as given up in docs/persons.md. A member's *reach* is the largest n at which it can still reach 0.5 with a
# namesake: its known sex and category give it the bonuses it could share. Reaches: both known 289, category only
# 106, sex only 76, neither 28.
NAMESAKE = "n"  # the namesake sub-blocks' facts: ``n<level>:<sex>:<category>``
NAMESAKE_SEXES = ("F", "M", "other")  # a member of no known sex (none, "unknown") is filed under each
_BONUS_SEX, _BONUS_CATEGORY = W_SEX_SAME, W_CATEGORY * RARITY_MAX


def reach(bonus: float) -> int:
    """The largest name frequency n at which a namesake pair with this much sex and category agreement can score 0.5:
    BASE + W_NAME_EXACT + bonus - NAME_FREQ_SLOPE x ln(n) >= 0."""
    return int(math.exp((BASE + W_NAME_EXACT + bonus) / NAME_FREQ_SLOPE) + 1e-9)


# Levels of a name block's namesake sub-blocks: level L files the members whose reach is at least NAMESAKE_REACH[L - 1]
# (level 4 every member, level 1 only those giving both a sex and a category); a block of n mentions gets the highest
# level whose reach is at least n, none above MAX_NAMESAKE.
NAMESAKE_REACH = tuple(sorted((reach(_BONUS_SEX + _BONUS_CATEGORY), reach(_BONUS_CATEGORY), reach(_BONUS_SEX),
                               reach(0.0)), reverse=True))
MAX_NAMESAKE = NAMESAKE_REACH[0]
_NAME_KEY_PREFIXES = ("name:", "hangul:", "hanja:", "roman:")
SURNAME_BIRTH = "sb:"  # features.blocking_keys' surname + exact birth year + given-key prefix keys


def _clean(value: str) -> str:
    return value.replace("%", "%25").replace("#", "%23")


def attributes(feat: dict[str, Any]) -> list[str]:
    """The corroborating facts a member of a split block is filed under (see the module docstring), sorted."""
    out: set[str] = set()
    birth = feat.get("by")
    if birth is not None and birth[1] - birth[0] <= MAX_BIRTH_SPAN:
        out.update(f"y{year}" for year in range(birth[0] - BIRTH_SLACK, birth[1] + BIRTH_SLACK + 1))
    if feat.get("home"):
        out.add("p" + _clean(str(feat["home"])))
    for _type, place, when, facility in feat.get("acts", ()):
        if place:
            out.add("p" + _clean(str(place)))
        if facility:
            out.add("f" + _clean(str(facility)))
        if when is not None and when[1] - when[0] <= MAX_BIRTH_SPAN:
            out.update(f"a{year}" for year in range(when[0], when[1] + ACT_SLACK + 1))
    if feat.get("iv") and feat.get("rel"):
        out.add(f"i{_clean(str(feat['iv']))}|{_clean(str(feat['rel']))}")
    return sorted(out)


def facts(key: str, feat: dict[str, Any]) -> list[str]:
    """The facts a member of the split block ``key`` is filed under: :func:`attributes`, except that an ``sb:`` block
    (surname group, exact birth year, given-key prefix) is not split by birth year. Every member of it has that one
    year (``sb:`` keys are made only for an exact year), so its ``y`` sub-block was the whole block again: the split
    compared every pair of it, and its pairs grew with the square of a common surname's share of the archive."""
    return _facts_of(key, attributes(feat))


def _facts_of(key: str, attrs: Sequence[str]) -> list[str]:
    return [g for g in attrs if g[0] != "y"] if key.startswith(SURNAME_BIRTH) else list(attrs)


def level_for(count: int) -> int:
    """The namesake level of a split name block of ``count`` mentions (0: no namesake sub-blocks)."""
    return sum(1 for r in NAMESAKE_REACH if count <= r)


def _member_reach(feat: dict[str, Any]) -> int:
    sex = feat.get("sex")
    return reach((_BONUS_SEX if sex and sex != "unknown" else 0.0) + (_BONUS_CATEGORY if feat.get("cat") else 0.0))


def namesakes(feat: dict[str, Any], level: int) -> list[str]:
    """The namesake facts a member of a split name block at namesake ``level`` is filed under, sorted: none when its
    reach (what its known sex and category allow, see :func:`reach`) is below the level's; else ``n<level>:<sex>:<c>``
    for each of its victim categories (each category of the vocabulary when it gives none) and its sex (each of
    :data:`NAMESAKE_SEXES` when none or ``unknown``). Two holders of a common name meet there when their sex and a
    category agree or are missing on one side: what such a pair scores when they share nothing else (scoring.py
    weighs a missing sex or category as nothing)."""
    if level <= 0 or _member_reach(feat) < NAMESAKE_REACH[level - 1]:
        return []
    sex = feat.get("sex")
    sexes = [_clean(str(sex))] if sex and sex != "unknown" else list(NAMESAKE_SEXES)
    cats = feat.get("cat") or vocabularies.load("victim_categories").codes()
    return sorted({f"{NAMESAKE}{level}:{s}:{_clean(str(c))}" for s in sexes for c in cats})


def _name_key(key: str) -> bool:
    return key.startswith(_NAME_KEY_PREFIXES)


@dataclass
class SplitState:
    """Which base keys (``keys``) and which sub-blocks ``KEY#FACT`` (``subs``) are split, and which split base keys
    have namesake sub-blocks (``namesakes``)."""

    keys: set[str] = field(default_factory=set)
    subs: set[str] = field(default_factory=set)
    namesakes: dict[str, int] = field(default_factory=dict)


def split_state(conn: Connection) -> SplitState:
    """Which blocks are split, read from the ``!`` rows of ``person_keys`` without reading each of them: the split base
    keys by skipping from one to the next (``!KEY#…`` rows all sort before ``!KEY$``), each one's namesake level from
    its first ``!KEY#n…`` row, and the sub-blocks split again from the rows of three parts, which SQLite picks out
    (issue 30, eighth pass: reading every distinct ``!`` row into Python took 6.7 s at 400,000 mentions, 29 times what
    it took at 100,000, as the split rows grew faster than the archive)."""
    state = SplitState()
    after = "!"
    while (row := conn.execute("SELECT key FROM person_keys WHERE key >= ? AND key < '\"' ORDER BY key LIMIT 1",
                               (after,)).fetchone()) is not None:
        base = str(row[0])[1:].split("#", 1)[0]
        state.keys.add(base)
        after = f"!{base}$"  # "$" follows "#": past every row of this base key
        level = conn.execute("SELECT key FROM person_keys WHERE key >= ? AND key < ? ORDER BY key LIMIT 1",
                             (f"!{base}#{NAMESAKE}", f"!{base}#{chr(ord(NAMESAKE) + 1)}")).fetchone()
        if level is not None:
            state.namesakes[base] = int(str(level[0])[len(base) + 3])
    # A third part: "!KEY#FACT#FACT" (facts never hold "#": it is escaped), "KEY#FACT" being what is split again.
    state.subs.update(str(sub) for (sub,) in conn.execute(
        "SELECT DISTINCT substr(key, 2, instr(key, '#') + instr(substr(key, instr(key, '#') + 1), '#') - 2)"
        " FROM person_keys WHERE key >= '!' AND key < '\"' AND key GLOB '!*#*#*'"))
    return state


def _sub_keys(key: str, attrs: list[str], state: SplitState) -> list[str]:
    if not attrs:
        return [f"!{key}#{BARE}"]
    out = []
    for fact in attrs:
        sub = f"{key}#{fact}"
        if sub in state.subs:
            others = [g for g in attrs if g[0] != fact[0]]
            out += [f"!{sub}#{g}" for g in others] or [f"!{sub}#{BARE}"]
        else:
            out.append("!" + sub)
    return out


def keys_under(feat: dict[str, Any], key: str, attrs: list[str], state: SplitState) -> list[str]:
    """The row keys of one mention under its split base key ``key`` (``attrs``: its :func:`attributes`)."""
    out = _sub_keys(key, _facts_of(key, attrs), state)
    if key in state.namesakes:
        out += [f"!{key}#{fact}" for fact in namesakes(feat, state.namesakes[key])]
    return out


def filed_keys(feat: dict[str, Any], state: SplitState) -> list[str]:
    """Every ``person_keys`` row key of one mention, given which blocks are split."""
    out: list[str] = []
    attrs: list[str] | None = None
    for key in blocking_keys(feat):
        if key not in state.keys:
            out.append(key)
            continue
        if attrs is None:
            attrs = attributes(feat)
        out += keys_under(feat, key, attrs, state)
    return out


def _store(conn: Connection, feat: dict[str, Any]) -> int:
    """Insert one mention's features into ``person_mentions``; returns its number."""
    cur = conn.execute("INSERT INTO person_mentions (mention, record_id, features) VALUES (?, ?, ?)",
                       (feat["m"], feat["t"], json.dumps(feat, ensure_ascii=False, separators=(",", ":"))))
    return cast(int, cur.lastrowid)


def file_mentions(conn: Connection, feats: Iterable[dict[str, Any]], state: SplitState | None = None) -> None:
    """Insert mentions' features and their key rows (inside the caller's transaction)."""
    state = split_state(conn) if state is None else state
    for feat in feats:
        num = _store(conn, feat)
        conn.executemany("INSERT INTO person_keys (key, num) VALUES (?, ?)",
                         [(k, num) for k in dict.fromkeys(filed_keys(feat, state))])


class _Held:
    """What a split needs of each member of the blocks it re-files: its facts (:func:`attributes`, interned: a few
    thousand distinct strings shared by every member) and the sex and categories its namesake facts depend on.
    Members are read in mention-number order and parsed once per split, however many blocks they are in: a mention of
    a common name sits in several big blocks at once (its ``name:``, ``hangul:``, ``hanja:`` and ``sb:`` keys), and
    reading it once per block, at random places of ``person_mentions``, was what made the split grow faster than the
    archive (issue 30, sixth pass)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.held: dict[int, tuple[tuple[str, ...], Any, Any]] = {}

    def load(self, nums: Iterable[int]) -> None:
        held = self.held
        missing = sorted({n for n in nums if n not in held})
        for start in range(0, len(missing), 500):
            for n, raw in self.conn.execute(
                    "SELECT num, features FROM person_mentions WHERE num IN (SELECT value FROM json_each(?))",
                    (json.dumps(missing[start:start + 500]),)):
                feat = json.loads(raw)
                held[int(n)] = (tuple(sys.intern(g) for g in attributes(feat)), feat.get("sex"), feat.get("cat"))

    def facts(self, key: str, num: int) -> list[str]:
        return _facts_of(key, self.held[num][0])

    def namesakes(self, num: int, level: int) -> list[str]:
        _attrs, sex, cat = self.held[num]
        return namesakes({"sex": sex, "cat": cat}, level)


class Filing:
    """Files many mentions at once (an HQ refresh, the first index of an archive), each directly under the layout
    its blocks have once all of them are in. :meth:`add` stores each mention's features and notes which base keys it
    has; :meth:`close` finds the blocks that are now over :data:`MAX_BLOCK`, re-files the at most :data:`MAX_BLOCK`
    members such a block held before, files the new members block by block, then does what :func:`split_big_blocks`
    does for the rest: blocks re-filed whole by :func:`upgrade_layout`, namesake levels, sub-blocks over
    :data:`MAX_SUB_BLOCK`.

    The rows are those of :func:`file_mentions` followed by :func:`split_big_blocks`. But that order filed every
    member of a block under its base key first, then read the block back, deleted those rows and filed it again under
    the block's facts: at 400,000 synthetic mentions 592,976 rows filed and deleted again, each delete at a random
    place of ``person_keys`` and its ``num`` index, the freed space overwritten (``secure_delete``): the split took
    longer than the filing (issue 30, sixth pass). A block's rows are still filed together, so each block's inserts
    stay in one region of the ``(key, num)`` index. Memory: the new mentions' numbers under each base key they have
    (1.1 million at 400,000 mentions), and the facts of the members of split blocks (:class:`_Held`).

    Used as a context manager (``with Filing(conn) as filing:``, as ``refresh_index`` does), it pauses the cyclic
    garbage collector until the block ends (:func:`intake_app.collector.paused`): what is filed is made and dropped
    mention by mention (testimonies decrypted and parsed, their mentions and features), none of it cyclic, and the
    collector's walks grew faster than the archive: 2 s of 17 at 100,000 synthetic mentions, 14 of 86 at 400,000
    (issue 30, ninth pass). :meth:`close` pauses it in any case."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._paused = contextlib.ExitStack()
        upgrade_layout(conn)  # rows of an earlier layout are re-filed as whole blocks before the state is read
        self.state = split_state(conn)
        # The new mentions under each base key, as chains in flat arrays (a key's last entry in ``last``, each entry's
        # mention number in ``num`` and its key's previous entry in ``prev``): a list or an array per key would be a
        # million objects the garbage collector walks at every full collection, slowing the whole run as it grows.
        self.ids: dict[str, int]
        self.last: array[int]
        self.num: array[int]
        self.prev: array[int]
        self.size: array[int]
        self._empty()

    def __enter__(self) -> Filing:
        self._paused.enter_context(collector.paused())
        return self

    def __exit__(self, *exc: object) -> None:
        self._paused.close()

    def _empty(self) -> None:
        self.ids = {}
        self.last, self.num, self.prev, self.size = array("q"), array("q"), array("q"), array("q")

    def add(self, feats: Iterable[dict[str, Any]]) -> None:
        """Store mentions' features; their key rows are filed by :meth:`close`."""
        ids, last, nums, prev, size = self.ids, self.last, self.num, self.prev, self.size
        for feat in feats:
            num = _store(self.conn, feat)
            for key in dict.fromkeys(blocking_keys(feat)):
                i = ids.get(key)
                if i is None:
                    ids[sys.intern(key)] = i = len(last)
                    last.append(-1)
                    size.append(0)
                size[i] += 1
                prev.append(last[i])
                last[i] = len(nums)
                nums.append(num)

    def _members(self, key: str) -> list[int]:
        out, nums, prev = [], self.num, self.prev
        entry = self.last[self.ids[key]]
        while entry >= 0:
            out.append(nums[entry])
            entry = prev[entry]
        out.reverse()
        return out

    def close(self) -> SplitState:
        """File the key rows of every mention added (inside the caller's transaction); returns the split state (in
        which a name block split here may hold a namesake level none of its members reached: it has no rows)."""
        with collector.paused():  # the facts of every member of a split block held, millions of rows made: no cycles
            return self._close()

    def _close(self) -> SplitState:
        conn, state, ids = self.conn, self.state, self.ids
        whole = sorted(k for k in ids if k not in state.keys)
        before: dict[str, int] = {}
        for start in range(0, len(whole), 500):
            before.update((str(k), int(n)) for k, n in conn.execute(
                "SELECT key, count(*) FROM person_keys WHERE key IN (SELECT value FROM json_each(?)) GROUP BY key",
                (json.dumps(whole[start:start + 500]),)))
        sizes = {k: self.size[ids[k]] + before.get(k, 0) for k in whole}
        big = {k: n for k, n in sizes.items() if n > MAX_BLOCK}
        held = _Held(conn)
        _split_blocks(conn, {k: _nums(conn, k) for k in big if k in before}, held, state, big)
        for key, size in big.items():
            state.keys.add(key)
            if _name_key(key) and (level := level_for(size)):
                state.namesakes[key] = level
        held.load(n for k in ids if k in state.keys for n in self._members(k))
        rows: list[tuple[str, int]] = []
        for key in sorted(ids):
            nums = self._members(key)
            if key not in state.keys:
                rows += [(key, n) for n in nums]
            else:
                level = state.namesakes.get(key, 0)
                for n in nums:
                    rows += [(k, n) for k in dict.fromkeys(_sub_keys(key, held.facts(key, n), state))]
                    rows += [(f"!{key}#{fact}", n) for fact in held.namesakes(n, level)] if level else []
            if len(rows) >= 50_000:
                conn.executemany("INSERT INTO person_keys (key, num) VALUES (?, ?)", rows)
                rows = []
        conn.executemany("INSERT INTO person_keys (key, num) VALUES (?, ?)", rows)
        self._empty()  # a second close files nothing again
        _split_rest(conn, state, held)
        return state


def _nums(conn: Connection, key: str) -> list[int]:
    return [int(n) for (n,) in conn.execute("SELECT num FROM person_keys WHERE key = ? ORDER BY num", (key,))]


def _split_blocks(conn: Connection, blocks: dict[str, list[int]], held: _Held, state: SplitState,
                  sizes: dict[str, int]) -> None:
    """Replace each block's rows (``blocks``: key -> its members) by its sub-blocks' (and, for a name block of
    ``sizes[key]`` mentions, its namesake sub-blocks' at the level that size allows)."""
    held.load(n for nums in blocks.values() for n in nums)
    for key, nums in blocks.items():
        conn.execute("DELETE FROM person_keys WHERE key = ?", (key,))
        state.keys.add(key)
        conn.executemany("INSERT INTO person_keys (key, num) VALUES (?, ?)",
                         [(k, n) for n in nums for k in dict.fromkeys(_sub_keys(key, held.facts(key, n), state))])
        if _name_key(key) and (level := level_for(sizes[key])):
            _file_namesakes(conn, key, level, [(n, held.namesakes(n, level)) for n in nums], state)


def split_big_blocks(conn: Connection) -> SplitState:
    """Split every block over :data:`MAX_BLOCK` and every sub-block over :data:`MAX_SUB_BLOCK` (inside the caller's
    transaction); returns the new split state."""
    upgrade_layout(conn)
    state = split_state(conn)
    _split_rest(conn, state, _Held(conn))
    return state


def _split_rest(conn: Connection, state: SplitState, held: _Held) -> None:
    """Split every whole block over :data:`MAX_BLOCK` (after :class:`Filing`, only blocks re-filed whole by
    :func:`upgrade_layout`), lower the namesake levels of grown names, then split every sub-block over
    :data:`MAX_SUB_BLOCK` once more."""
    big = {str(k): _nums(conn, str(k)) for (k,) in conn.execute(
        "SELECT key FROM person_keys WHERE key NOT LIKE '!%' GROUP BY key HAVING count(*) > ?", (MAX_BLOCK,))}
    _split_blocks(conn, big, held, state, {key: len(nums) for key, nums in big.items()})
    _lower_namesakes(conn, state)
    subs = {}
    for (row_key,) in conn.execute(
            "SELECT key FROM person_keys WHERE key >= '!' AND key < '\"' GROUP BY key HAVING count(*) > ?",
            (MAX_SUB_BLOCK,)):
        parts = str(row_key)[1:].split("#")
        if len(parts) != 2 or parts[1] == BARE or parts[1].startswith(NAMESAKE):
            continue  # already split twice, the members without any fact, or namesakes (bounded): kept whole
        subs[str(row_key)] = _nums(conn, str(row_key))
    held.load(n for nums in subs.values() for n in nums)
    for row_key, nums in subs.items():
        conn.execute("DELETE FROM person_keys WHERE key = ?", (row_key,))
        sub = row_key[1:]
        state.subs.add(sub)
        base, fact = sub.split("#")
        rows = []
        for n in nums:
            others = [g for g in held.facts(base, n) if g[0] != fact[0]]
            rows += [(f"!{sub}#{g}", n) for g in others] or [(f"!{sub}#{BARE}", n)]
        conn.executemany("INSERT INTO person_keys (key, num) VALUES (?, ?)", rows)


def _file_namesakes(conn: Connection, key: str, level: int, members: Iterable[tuple[int, list[str]]],
                    state: SplitState) -> None:
    """File a split name block's members under their namesake ``facts`` (:func:`namesakes` at ``level``)."""
    rows = [(f"!{key}#{fact}", n) for n, facts in members for fact in facts]
    if rows:  # a block none of whose members reaches the level has no namesake sub-blocks, now or later
        state.namesakes[key] = level
        conn.executemany("INSERT INTO person_keys (key, num) VALUES (?, ?)", rows)


def _lower_namesakes(conn: Connection, state: SplitState) -> None:
    """Re-file the namesake sub-blocks of every name whose count (``person_counts``) grew past its level's reach at
    the level its count now allows (none above :data:`MAX_NAMESAKE`). A level is never raised again when the count
    falls (a purge): the block keeps the level it has."""
    if not state.namesakes:
        return
    lower = [(str(k), level_for(int(n))) for k, n in conn.execute(
        "SELECT key, n FROM person_counts WHERE n > ?", (NAMESAKE_REACH[-1],)) if str(k) in state.namesakes]
    for key, level in lower:
        if level >= state.namesakes[key]:
            continue
        conn.execute("DELETE FROM person_keys WHERE key >= ? AND key < ?", (f"!{key}#{NAMESAKE}", f"!{key}#o"))
        del state.namesakes[key]
        if level:
            nums = sorted({int(n) for (n,) in conn.execute(
                "SELECT num FROM person_keys WHERE key >= ? AND key < ?", (f"!{key}#", f"!{key}$"))})
            held = _Held(conn)
            held.load(nums)
            _file_namesakes(conn, key, level, [(n, held.namesakes(n, level)) for n in nums if n in held.held], state)


# Rows of earlier layouts: blocks split by birth decade alone (``!KEY#195``, ``!KEY#?``: the first layout), and
# ``sb:`` blocks split by their own birth year (``!sb:…#y1950``, ``!sb:…#p…#y1950``: before issue 30's fifth pass).
_OLD_LAYOUTS = (
    "SELECT DISTINCT key FROM person_keys WHERE key >= '!' AND key < '\"' AND (key GLOB '!*#[0-9]*'"
    " OR key GLOB '!*#[?]')",
    "SELECT DISTINCT key FROM person_keys WHERE key >= '!sb:' AND key < '!sb;' AND key GLOB '!sb:*#y*'",
)


def has_old_layout(conn: Connection) -> bool:
    """Whether :func:`upgrade_layout` has rows to re-file."""
    return any(conn.execute(query).fetchone() is not None for query in _OLD_LAYOUTS)


def upgrade_layout(conn: Connection) -> None:
    """Re-file blocks split by an earlier layout (see ``_OLD_LAYOUTS``) as whole blocks; :func:`split_big_blocks`
    then splits them again by the current rules."""
    old = {str(k)[1:].split("#")[0] for query in _OLD_LAYOUTS for (k,) in conn.execute(query)}
    for key in sorted(old):
        nums = {int(n) for (n,) in conn.execute(
            "SELECT num FROM person_keys WHERE key >= ? AND key < ?", (f"!{key}#", f"!{key}$"))}
        conn.execute("DELETE FROM person_keys WHERE key >= ? AND key < ?", (f"!{key}#", f"!{key}$"))
        conn.executemany("INSERT INTO person_keys (key, num) VALUES (?, ?)", [(key, n) for n in sorted(nums)])
