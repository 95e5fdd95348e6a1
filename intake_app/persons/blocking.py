"""The blocking index's layout: which keys a mention is filed under, and how an oversized block is split.

A mention is filed under its *base keys* (:func:`intake_app.persons.features.blocking_keys`: name keys and the
surname + birth-year keys). Two mentions are compared only when they share a filed key, so a block's pairs grow with
the square of its size; a common name in a large archive (김영수, or 김철수 held by thousands) would make the pairs grow
with the square of the archive. So a block is kept whole only while it holds at most :data:`MAX_BLOCK` mentions.
Beyond that it is split into *sub-blocks*, one per corroborating fact, and each member is filed under every fact it
has (:func:`attributes`):

- ``y<year>``: each birth year within the mention's birth bounds (1950 and ``1950~`` meet, ``195X`` meets every year
  of the 1950s; a birth known only as a span wider than :data:`MAX_BIRTH_SPAN` years is not used). Births one or two
  years apart weigh against a pair, so such a pair reaches 0.5 on a name this common only with another fact, under
  which it meets (except, at 0.50-0.51, on a name held by 13-16 mentions: docs/persons.md);
- ``p<place>``: the home place and each act's place (vocabulary code, or the folded words as said);
- ``f<facility>``: each act's facility;
- ``a<year>``: each act's year, one year either side (dates of an arrest are remembered loosely);
- ``i<interviewee>|<relation>``: the interviewee's pseudonym and relation (the same person reporting twice).

Two members of a split block are compared when they share a name key *and* one of these facts. A member with none of
them is filed under ``-`` and meets only the others without any (a common name alone is weak evidence: the name weight
falls with its frequency, see scoring.py). A sub-block still larger than :data:`MAX_SUB_BLOCK` (a very common name
and a common birth year or place) is split once more by pairs of facts of two different kinds (``y1950`` and
``pKP.ryanggang.hyesan``); a member with no fact of another kind is filed under ``-`` there. A split block stays split
when members leave it (a purge, an edit); new members are filed under its sub-blocks.

Rows of ``person_keys``: an unsplit block's rows hold the base key itself; a split block's ``!KEY#FACT``; a split
sub-block's ``!KEY#FACT#FACT``. Name keys and facts never contain ``#`` (facts have it escaped), so the parts are
found again by splitting on it. Rows written by the first layout (``!KEY#<decade>`` and ``!KEY#?``, by birth decade
alone) are recognised by their digit or ``?`` and re-filed by :func:`upgrade_layout`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from intake_app.persons.features import blocking_keys
from intake_app.vault.database import Connection

MAX_BLOCK = 12
MAX_SUB_BLOCK = 48
MAX_BIRTH_SPAN = 12  # 195X spans ten years; wider spans ("1950s or 1960s") corroborate too little to file under
# Birth years 1-2 apart (Korean age counting) weigh against a pair (scoring.W_BIRTH_NEAR): on a name held by more than
# MAX_BLOCK mentions such a pair reaches 0.5 only with another fact, under which it meets (see the docstring's one
# exception). Act years are remembered loosely and weigh nothing alone: one year either side.
BIRTH_SLACK = 0
ACT_SLACK = 1
BARE = "-"


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
            out.update(f"a{year}" for year in range(when[0] - ACT_SLACK, when[1] + ACT_SLACK + 1))
    if feat.get("iv") and feat.get("rel"):
        out.add(f"i{_clean(str(feat['iv']))}|{_clean(str(feat['rel']))}")
    return sorted(out)


@dataclass
class SplitState:
    """Which base keys (``keys``) and which sub-blocks ``KEY#FACT`` (``subs``) are split."""

    keys: set[str] = field(default_factory=set)
    subs: set[str] = field(default_factory=set)


def split_state(conn: Connection) -> SplitState:
    state = SplitState()
    for (key,) in conn.execute("SELECT DISTINCT key FROM person_keys WHERE key >= '!' AND key < '\"'"):
        parts = str(key)[1:].split("#")
        state.keys.add(parts[0])
        if len(parts) == 3:
            state.subs.add(f"{parts[0]}#{parts[1]}")
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
        out += _sub_keys(key, attrs, state)
    return out


def file_mentions(conn: Connection, feats: Iterable[dict[str, Any]], state: SplitState | None = None) -> None:
    """Insert mentions' features and their key rows (inside the caller's transaction)."""
    state = split_state(conn) if state is None else state
    for feat in feats:
        cur = conn.execute("INSERT INTO person_mentions (mention, record_id, features) VALUES (?, ?, ?)",
                           (feat["m"], feat["t"], json.dumps(feat, ensure_ascii=False, separators=(",", ":"))))
        conn.executemany("INSERT INTO person_keys (key, num) VALUES (?, ?)",
                         [(k, cur.lastrowid) for k in dict.fromkeys(filed_keys(feat, state))])


def _members(conn: Connection, key: str) -> list[tuple[int, dict[str, Any]]]:
    rows = conn.execute("SELECT k.num, m.features FROM person_keys k JOIN person_mentions m ON m.num = k.num"
                        " WHERE k.key = ?", (key,)).fetchall()
    return [(int(n), json.loads(f)) for n, f in rows]


def split_big_blocks(conn: Connection) -> SplitState:
    """Split every block over :data:`MAX_BLOCK` and every sub-block over :data:`MAX_SUB_BLOCK` (inside the caller's
    transaction); returns the new split state."""
    upgrade_layout(conn)
    state = split_state(conn)
    big = [str(r[0]) for r in conn.execute(
        "SELECT key FROM person_keys WHERE key NOT LIKE '!%' GROUP BY key HAVING count(*) > ?", (MAX_BLOCK,))]
    for key in big:
        members = _members(conn, key)
        conn.execute("DELETE FROM person_keys WHERE key = ?", (key,))
        state.keys.add(key)
        conn.executemany("INSERT INTO person_keys (key, num) VALUES (?, ?)",
                         [(k, n) for n, f in members for k in dict.fromkeys(_sub_keys(key, attributes(f), state))])
    subs = [str(r[0]) for r in conn.execute(
        "SELECT key FROM person_keys WHERE key >= '!' AND key < '\"' GROUP BY key HAVING count(*) > ?",
        (MAX_SUB_BLOCK,))]
    for row_key in subs:
        parts = row_key[1:].split("#")
        if len(parts) != 2 or parts[1] == BARE:
            continue  # already split twice, or the members without any fact: kept whole
        members = _members(conn, row_key)
        conn.execute("DELETE FROM person_keys WHERE key = ?", (row_key,))
        sub = row_key[1:]
        state.subs.add(sub)
        fact = parts[1]
        rows = []
        for n, f in members:
            others = [g for g in attributes(f) if g[0] != fact[0]]
            rows += [(f"!{sub}#{g}", n) for g in others] or [(f"!{sub}#{BARE}", n)]
        conn.executemany("INSERT INTO person_keys (key, num) VALUES (?, ?)", rows)
    return state


def upgrade_layout(conn: Connection) -> None:
    """Re-file blocks split by the first layout (birth decade alone: ``!KEY#195``, ``!KEY#?``) as whole blocks;
    :func:`split_big_blocks` then splits them again by the current rules."""
    old = {str(k)[1:].split("#")[0] for (k,) in conn.execute(
        "SELECT DISTINCT key FROM person_keys WHERE key >= '!' AND key < '\"' AND (key GLOB '!*#[0-9]*'"
        " OR key GLOB '!*#[?]')")}
    for key in sorted(old):
        nums = {int(n) for (n,) in conn.execute(
            "SELECT num FROM person_keys WHERE key >= ? AND key < ?", (f"!{key}#", f"!{key}$"))}
        conn.execute("DELETE FROM person_keys WHERE key >= ? AND key < ?", (f"!{key}#", f"!{key}$"))
        conn.executemany("INSERT INTO person_keys (key, num) VALUES (?, ?)", [(key, n) for n in sorted(nums)])
