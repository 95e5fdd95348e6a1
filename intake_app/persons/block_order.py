"""The order the pair loop reads the blocking index in: name by name (issue 30, ninth pass).

``candidates._blocks`` reads every block of two or more mentions once. In key order a member was met under its split
Hangul key, its split name key, its whole keys and its birth-year keys, each in its own region of ``person_keys``, and
was read from the vault and parsed again each time: 2.62 times per mention at 400,000 synthetic mentions. Read name by
name (:func:`family`: the blocks of one name's ``name:``, ``ng:``, Hangul and hanja keys, whole or split, together),
1.04 times. Which block scores a pair does not depend on this order (``candidates._first`` tells the first shared key
by comparing keys), only how often members are read.

Each kind of key is read as a range of the ``(key, num)`` index (:func:`ranges`), grouped in SQL; where key order is
not name order the range is sorted by name a part at a time (:func:`part`, :func:`by_name`), and the ranges are merged
by name (:func:`rows_by_name`). Sorting every block by name in SQL held about 95 MB more at 400,000 mentions.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator

from intake_app.consolidation.names import name_readings
from intake_app.persons.blocking import SURNAME_BIRTH
from intake_app.vault.database import Connection


def _base(key: str) -> str:
    """The base key a row key derives from: itself when whole, ``KEY`` of a split block's ``!KEY#…``."""
    return key[1:].split("#", 1)[0] if key[:1] == "!" else key


def family(key: str) -> str:
    """The name a row key's block is about: the surname group and the given key, with ``ng`` read as ``nk``, of a
    ``name:`` or ``ng:`` key and of a Hangul or hanja spelling's first reading, whole or split; an ``sb:`` key's
    surname group and given-key prefix; any other key itself. Called by SQLite: never raises."""
    base = _base(key)
    kind, _, rest = base.partition(":")
    if kind in ("hangul", "hanja"):
        readings = name_readings(rest)
        if not readings:
            return rest  # a surname alone: before the names it begins
        surname, given = readings[0]
    elif kind in ("name", "ng"):
        surname, _, given = rest.partition(":")
    elif kind == "sb" and rest.count(":") >= 2:
        surname, _year, given = rest.rsplit(":", 2)
    else:
        return base
    return f"{surname}:{given.replace('ng', 'nk')}"


# The kinds of base key whose blocks are sorted by name (:func:`family`) a part at a time (:func:`by_name`): in key
# order a Hangul spelling sorts in Hangul order, an ``sb:`` key by its year before its given key's prefix, and a
# ``name:`` key by its given key before ``ng`` is read as ``nk``. An ``ng:`` key is its name already, a ``roman:`` key
# (a given name alone) and any other key is its own name: in key order.
_IN_NAME_ORDER = ("ng:", "roman:")
_SORTED_BY_NAME = ("hangul:", "hanja:", "name:", SURNAME_BIRTH)


def ranges() -> list[tuple[str, str | None, bool]]:
    """The ranges of row keys :func:`rows_by_name` reads, each as (first key, key past the last or None, whether it is
    sorted by name): every kind of base key above, whole and split, and what lies between them, so that every key is
    read once."""
    kinds = sorted((mark + prefix, prefix in _SORTED_BY_NAME) for mark in ("", "!")
                   for prefix in _IN_NAME_ORDER + _SORTED_BY_NAME)
    out: list[tuple[str, str | None, bool]] = []
    start = ""
    for prefix, sort in kinds:
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)  # past every key beginning with the prefix
        out += [(start, prefix, False), (prefix, end, sort)]
        start = end
    return [*out, (start, None, False)]


def part(key: str) -> str:
    """The part of a kind's keys, in key order, within which :func:`by_name` sorts by name: all of one surname for a
    Hangul spelling (its first syllable: a two-syllable surname's first) and an ``sb:`` key (its surname group); a
    ``name:`` key's surname group and the first letter of its given key (reading ``ng`` as ``nk`` leaves it); all
    hanja spellings (they sort by character, not as they are read; they are few)."""
    kind, _, rest = _base(key).partition(":")
    if kind == "hanja":
        return ""
    if kind == "hangul":
        return rest[:1]
    surname, _, given = rest.partition(":")
    return f"{surname}:{given[:1]}" if kind == "name" else surname


# Rows :func:`by_name` holds at most (about 50 MB, estimated at some 390 bytes a row). At 400,000 synthetic mentions
# the largest part is 김's split Hangul blocks, 97,830 rows (37,979 of its split ``sb:`` blocks; 23,811 of
# ``!name:김:h…``).
BY_NAME_HELD = 131072


def by_name(rows: Iterable[tuple[str, str, str]]) -> Iterator[tuple[str, str, str]]:
    """Rows (name, key, members) in key order, sorted by name a part at a time (:func:`part`), each row let go once
    passed on. A part is held whole up to :data:`BY_NAME_HELD` rows; a larger one (a surname of a fifth of a much larger
    archive) is passed on in pieces, each sorted: the merge then takes them out of name order, which costs re-reading
    members, never a pair (the first shared key is told by comparing keys, whatever the order)."""
    held: list[tuple[str, str, str]] = []
    current = None
    for row in rows:
        this = part(row[1])
        if this != current or len(held) >= BY_NAME_HELD:
            held.sort(reverse=True)
            while held:
                yield held.pop()
            current = this
        held.append(row)
    held.sort(reverse=True)
    while held:
        yield held.pop()


_RANGE_SQL = ("SELECT intake_name_family(key), key, group_concat(num) FROM person_keys WHERE key >= ? AND key < ?"
              " GROUP BY key HAVING count(*) > 1 ORDER BY key")
_REST_SQL = ("SELECT intake_name_family(key), key, group_concat(num) FROM person_keys WHERE key >= ?"
             " GROUP BY key HAVING count(*) > 1 ORDER BY key")


def rows_by_name(conn: Connection) -> Iterator[tuple[str, str, str]]:
    """(name, key, members as "n,n,…") of every block of two or more mentions, once each, name by name."""
    conn.create_function("intake_name_family", 1, family, deterministic=True)
    streams: list[Iterable[tuple[str, str, str]]] = []
    for first, end, sort in ranges():
        rows = (conn.execute(_RANGE_SQL, (first, end)) if end is not None
                else conn.execute(_REST_SQL, (first,)))
        streams.append(by_name(rows) if sort else rows)
    return heapq.merge(*streams)
