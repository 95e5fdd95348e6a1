# ruff: noqa: S608 - the SQL here is assembled from constant fragments and "?" marks; every value is a parameter
"""Two dimensions, filters and released mentions counted in SQL over the fact table (issue 30; rules: docs/statistics.md).

One statement gives the whole table. Its parts, for a *domain* of mentions (victims for the victim and person units,
every mention for the testimony unit; with ``only``, the released ones) and the *passing* mentions among them (having,
for each ``--where`` dimension, one of its values):

- ``j``: one row per (value of the first dimension, value of the second, unit) over the passing mentions, values that
  span buckets left out. A row of the table is a group of ``j``; its count the distinct units in it.
- ``counted``: the distinct units of ``j``. ``unknown`` = ``total`` - ``counted``, and ``overlapping`` holds when the
  rows' counts add up to more than ``counted`` (some unit is in two rows).
- ``total``: the distinct units of the passing mentions (from ``stat_mentions`` without filters, else from the facts of
  the first filter's dimension).
- ``spans``: the distinct units of passing mentions with a ``~spans`` fact in a counted dimension, not in ``j``.

The unit of a mention is its number (victim), its testimony (``tid``), or its person: a temporary table maps each
linked mention to a number shared by its person's mentions; any other mention is a person of its own (its number).
Every temporary table lives in the connection's ``temp`` schema (``temp_store = MEMORY``: never on disk) and is dropped
before returning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from intake_app.stats import dimensions as dims
from intake_app.vault.database import Connection

Persons = Mapping[str, str]


@dataclass(frozen=True)
class Counted:
    counts: dict[tuple[str, ...], int]
    total: int
    unknown: int
    spans: int
    overlapping: bool


# The temporary tables: mention ids given by the caller as (record, victim); each linked mention's person as a number;
# the released mentions (with the testimony's own mention when one of its mentions is named).
_TEMP = ("temp.stat_q_names", "temp.stat_q_person", "temp.stat_q_only")


def count(conn: Connection, names: Sequence[str], unit: str, where: Sequence[tuple[str, str]],
          persons: Persons, only: frozenset[str] | None) -> Counted:
    """The table of ``names`` (one or two fact dimensions) for ``unit``, as the counting rule says."""
    _drop(conn)
    try:
        if unit == "person" and persons:
            _person_units(conn, persons)
        if only is not None:
            _released(conn, only)
        return _count(conn, names, unit, where, unit == "person" and bool(persons), only is not None)
    finally:
        _drop(conn)


def _drop(conn: Connection) -> None:
    for table in _TEMP:
        conn.execute(f"DROP TABLE IF EXISTS {table}")


def _load_names(conn: Connection, mentions: Sequence[str]) -> None:
    conn.execute("CREATE TABLE temp.stat_q_names (record_id TEXT NOT NULL, victim TEXT NOT NULL)")
    conn.executemany("INSERT INTO temp.stat_q_names VALUES (?, ?)", [m.partition("/")[::2] for m in mentions])


def _resolve(conn: Connection) -> dict[str, int]:
    """The victim mentions of ``_NAMES`` that exist in the fact table, with their numbers."""
    rows = conn.execute("""SELECT DISTINCT n.record_id, n.victim, m.mid FROM temp.stat_q_names n
                            JOIN stat_testimonies t ON t.record_id = n.record_id
                            JOIN stat_mentions m ON m.tid = t.tid AND m.victim = n.victim
                            WHERE n.victim != ''""")
    return {f"{r}/{v}": int(mid) for r, v, mid in rows}


def _person_units(conn: Connection, persons: Persons) -> None:
    """Each linked mention's person as a number. Two mentions are one person when their keys are equal, and a
    mention left out of ``persons`` is its own key; so a key that is the id of such a mention takes its number, and
    any other key a number no mention has (persons count victims, whose numbers are positive)."""
    _load_names(conn, [*persons, *set(persons.values())])
    mids = _resolve(conn)
    number: dict[str, int] = {}
    for key in sorted(set(persons.values())):
        own = mids.get(key)
        number[key] = own if own is not None and key not in persons else -1 - len(number)
    conn.execute("CREATE TABLE temp.stat_q_person (mid INTEGER PRIMARY KEY, unit INTEGER NOT NULL)")
    conn.executemany("INSERT INTO temp.stat_q_person VALUES (?, ?)",
                     [(mids[m], number[p]) for m, p in persons.items() if m in mids])
    conn.execute("DROP TABLE temp.stat_q_names")


def _released(conn: Connection, only: frozenset[str]) -> None:
    """The released victim mentions, and the own mention of every testimony named in ``only``."""
    _load_names(conn, sorted(only))
    conn.execute("CREATE TABLE temp.stat_q_only (mid INTEGER PRIMARY KEY)")
    conn.execute("""INSERT OR IGNORE INTO temp.stat_q_only
                     SELECT m.mid FROM temp.stat_q_names n JOIN stat_testimonies t ON t.record_id = n.record_id
                     JOIN stat_mentions m ON m.tid = t.tid AND m.victim = n.victim WHERE n.victim != ''
                     UNION ALL
                     SELECT m.mid FROM stat_testimonies t JOIN stat_mentions m ON m.tid = t.tid AND m.victim = ''
                     WHERE t.record_id IN (SELECT record_id FROM temp.stat_q_names)""")
    conn.execute("DROP TABLE temp.stat_q_names")


def _count(conn: Connection, names: Sequence[str], unit: str, where: Sequence[tuple[str, str]], linked: bool,
           only: bool) -> Counted:
    sql, params = _statement(names, unit, where, linked, only)
    counts: dict[tuple[str, ...], int] = {}
    special = {1: 0, 2: 0, 3: 0}
    for kind, *rest in conn.execute(sql, params):
        n = int(rest[-1])
        if kind == 0:
            counts[tuple(str(v) for v in rest[:-1])] = n
        else:
            special[int(kind)] = n
    counted, total, spans = special[1], special[2], special[3]
    return Counted(counts, total, total - counted, spans, sum(counts.values()) > counted)


def _statement(names: Sequence[str], unit: str, where: Sequence[tuple[str, str]], linked: bool,
               only: bool) -> tuple[str, list[str]]:
    """The one statement: rows (kind 0, the values, the count), then counted (1), total (2) and spans (3)."""
    wanted: dict[str, list[str]] = {}
    for dim, value in where:
        wanted.setdefault(dim, [])
        if value not in wanted[dim]:
            wanted[dim].append(value)
    filters = list(wanted)
    params: list[str] = []

    def passing(x: str, skip: int = 0) -> str:
        """The conditions on mention ``x.mid``: in the unit's domain, released, and having a value of each filter
        (but the first ``skip``, which the caller's scan applies). "+x.mid IN": a set built once, in memory, and
        looked up row by row; never the driver of the scan (the planner would otherwise probe the dimension's rows
        once per filtered mention, slower for any usual filter)."""
        terms = [] if unit == "testimony" else [f"{x}.mid > 0"]
        if only:
            terms.append(f"+{x}.mid IN (SELECT mid FROM temp.stat_q_only)")
        for dim in filters[skip:]:
            terms.append(f"+{x}.mid IN (SELECT mid FROM stat_facts WHERE dim = ? AND value IN ({_marks(wanted[dim])}))")
            params.extend([dim, *wanted[dim]])
        return " AND ".join(terms) or "1"

    def unit_of(x: str) -> tuple[str, str]:
        """The unit of mention ``x``: (a join to add after ``x``, the expression)."""
        if unit == "testimony":
            return "", f"{x}.tid"
        if linked:
            return f" LEFT JOIN temp.stat_q_person {x}u ON {x}u.mid = {x}.mid", f"coalesce({x}u.unit, {x}.mid)"
        return "", f"{x}.mid"

    n = len(names)
    cols, pad = ", ".join(f"v{i}" for i in range(n)), ", ".join("NULL" for _ in range(n))
    # j: (value, value, unit) over the passing mentions, spanning values left out
    join, u = unit_of("f0")
    params.extend(names[1:])
    others = "".join(f" JOIN stat_facts f{i} ON f{i}.dim = ? AND f{i}.mid = f0.mid" for i in range(1, n))
    params.append(names[0])
    known = " AND ".join(f"f{i}.value != '{dims.SPANS}'" for i in range(n))
    j = (f"SELECT {', '.join(f'f{i}.value AS v{i}' for i in range(n))}, {u} AS u FROM stat_facts f0{others}{join}"
         f" WHERE f0.dim = ? AND {known} AND {passing('f0')}")
    # total: the units of the passing mentions, driven by the first filter's facts when there is one
    join, u = unit_of("p")
    if filters:
        params.extend([filters[0], *wanted[filters[0]]])
        total = (f"SELECT count(DISTINCT {u}) FROM stat_facts p{join} WHERE p.dim = ?"
                 f" AND p.value IN ({_marks(wanted[filters[0]])}) AND {passing('p', 1)}")
    else:
        total = f"SELECT count(DISTINCT {u}) FROM stat_mentions p{join} WHERE {passing('p')}"
    # spans: the units of passing mentions with a spanning value in a counted dimension, in no row of j
    join, u = unit_of("s")
    params.extend([*names, dims.SPANS])
    spans = (f"SELECT count(DISTINCT {u}) FROM stat_facts s{join} WHERE s.dim IN ({_marks(names)}) AND s.value = ?"
             f" AND {passing('s')} AND {u} NOT IN (SELECT u FROM j)")
    # For victims, (values, mention) is unique in j (a fact is unique per dimension, value and mention): count(*).
    per_row = "count(*)" if unit == "victim" else "count(DISTINCT u)"
    return (f"WITH j AS MATERIALIZED ({j}) "
            f"SELECT 0, {cols}, {per_row} FROM j GROUP BY {cols} "
            f"UNION ALL SELECT 1, {pad}, count(DISTINCT u) FROM j "
            f"UNION ALL SELECT 2, {pad}, ({total}) "
            f"UNION ALL SELECT 3, {pad}, ({spans})"), params


def _marks(values: Sequence[str]) -> str:
    return ", ".join("?" * len(values))
