"""Issue 30 (ninth pass): in the persons blocking index an act's year is filed under the year and the next, no longer
under the year before as well.

A member of a split block is filed (``person_keys``) under ``!KEY#FACT`` for each corroborating fact it has, and under
``!KEY#FACT#FACT`` where that sub-block is split again (``intake_app/persons/blocking.py``). An act's year was a fact
for each year of the act's bounds and one year either side: three rows for an act of one known year, under every
split name key of the mention, and two acts two years apart met. Now the year before is not filed: each year of the
bounds and the year after, so two acts at most a year apart still share a row.

The rows of the new rule are a subset of the old, so this upgrade only deletes: for every mention with an act of known
year, the rows holding an act-year part (``a<year>``, the sub-block's fact or its second fact) whose year is no longer
one of the mention's (:func:`act_years`). The pair phase works out each member's rows from its features
(``blocking.keys_under``) and relies on the stored rows being exactly those. A mention whose stored features cannot be
read keeps its rows; so does the rest of the index.
"""

from __future__ import annotations

import json
import re

from intake_app.vault.database import Connection

MAX_SPAN = 12  # blocking.MAX_BIRTH_SPAN at this version: acts of wider bounds have no act-year facts
_ACT_YEAR = re.compile(r"a[0-9]+")
BATCH = 500


def act_years(raw: object) -> set[int] | None:
    """The act years a mention is filed under by the new rule, from its stored features (``acts``: ``[type, place,
    [first, last] | None, facility]``), or None when the features cannot be read."""
    try:
        feat = json.loads(raw) if isinstance(raw, (str, bytes)) else None
    except ValueError:
        return None
    if not isinstance(feat, dict):
        return None
    out: set[int] = set()
    for act in feat.get("acts") or ():
        when = act[2] if isinstance(act, list) and len(act) == 4 else None
        if (isinstance(when, list) and len(when) == 2 and all(type(y) is int for y in when)
                and when[1] - when[0] <= MAX_SPAN):
            out.update(range(when[0], when[1] + 2))
    return out


def _stale(key: str, years: set[int]) -> bool:
    """Whether a row key holds an act-year part not among ``years``."""
    return any(_ACT_YEAR.fullmatch(part) and int(part[1:]) not in years for part in key[1:].split("#")[1:])


def _delete(conn: Connection, rowids: list[int]) -> None:
    conn.execute("DELETE FROM person_keys WHERE rowid IN (SELECT value FROM json_each(?))", (json.dumps(rowids),))


def upgrade(conn: Connection) -> None:
    doomed: list[int] = []
    # Mentions are read one at a time (the cursor streams), each one's rows through the index by number; the rows
    # found are deleted a batch at a time, so memory stays flat in the size of the index.
    for num, raw in conn.execute("SELECT num, features FROM person_mentions ORDER BY num"):
        years = act_years(raw)
        if not years:  # no act of known year: no act-year rows under either rule (or features unreadable: kept)
            continue
        doomed += [int(rowid) for rowid, key in conn.execute(
            "SELECT rowid, key FROM person_keys WHERE num = ? AND key GLOB '!*#a[0-9]*'", (num,))
            if _stale(str(key), years)]
        if len(doomed) >= BATCH:
            _delete(conn, doomed)
            doomed = []
    if doomed:
        _delete(conn, doomed)
