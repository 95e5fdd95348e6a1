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

How it is evaluated (``j`` is never stored): for two dimensions, the values of the one with fewer values become
columns (``sum(b.value = ?)``, or a distinct count per value) while the other's fact rows are read in primary-key
order, grouped by value with nothing to sort; above :data:`MAX_COLUMNS` values, a plain ``GROUP BY`` of both. For
victims, ``counted`` is a second pass in mention order (a distinct count that needs no set) and ``spans`` a look-up
per spanning mention; for testimonies, one pass over ``j`` and the spanning rows gives both.

The unit of a mention is its number (victim), its testimony (``tid``), or its person: a temporary table maps each
linked mention to a number shared by its person's mentions; any other mention is a person of its own (its number).
So persons are counted as victims, and then, in a second statement driven by the linked mentions alone (a few
percent), every count, ``counted``, ``total`` and ``spans`` has its linked mentions replaced by their distinct
persons (:func:`_linked_correction`): the fact rows are read once, as for victims. Every temporary table lives in the
connection's ``temp`` schema (``temp_store = MEMORY``: never on disk), is filled by one statement (a JSON array as
one parameter), and is dropped before returning; all of it runs in one read transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from intake_app.stats import dimensions as dims
from intake_app.vault.database import Connection, Transaction

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
    # One read transaction for the temporary tables and the counting: one snapshot, and no statement of the set-up
    # opens a transaction of its own (each would check the vault's header page again).
    with Transaction(conn, join=True, begin="BEGIN"):
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
    """The mention ids as (record, victim) rows, in one statement (a JSON array given as one parameter)."""
    conn.execute("CREATE TABLE temp.stat_q_names (record_id TEXT NOT NULL, victim TEXT NOT NULL)")
    conn.execute("INSERT INTO temp.stat_q_names SELECT value ->> 0, value ->> 1 FROM json_each(?)",
                 (json.dumps([m.partition("/")[::2] for m in mentions], ensure_ascii=False),))


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
    # A mention whose id is a key shares its number with the key's mentions: it is listed too, so every mention of
    # a shared number is in the table.
    pairs = [(mids[m], number[p]) for m, p in persons.items() if m in mids] + [(n, n) for n in number.values() if n > 0]
    conn.execute("INSERT OR IGNORE INTO temp.stat_q_person SELECT value ->> 0, value ->> 1 FROM json_each(?)",
                 (json.dumps(pairs),))
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
    with Transaction(conn, join=True, begin="BEGIN"):  # one snapshot for the values listed and the counting
        inner = _inner_values(conn, names)
        # Persons are counted as victims, then corrected over the linked mentions only (few): every other mention
        # is a person of its own, so its victim count is its person count.
        sql, params = _statement(names, "victim" if unit == "person" else unit, where, only, inner)
        counts: dict[tuple[str, ...], int] = {}
        special = {1: 0, 2: 0, 3: 0}
        for kind, value, *rest in conn.execute(sql, params):
            if kind != 0:
                special[int(kind)] = int(rest[-1])
            elif inner is None:
                counts[(str(value), *(str(v) for v in rest[:-1]))] = int(rest[-1])
            else:
                for other, n in zip(inner[1], rest, strict=True):
                    if n:
                        key = (str(value), other) if inner[0] == 1 else (other, str(value))
                        counts[key] = int(n)
        counted, total, spans = special[1], special[2], special[3]
        if unit == "person" and linked:
            counted, total, spans = _linked_correction(conn, names, where, only, counts, counted, total, spans)
    return Counted(counts, total, total - counted, spans, sum(counts.values()) > counted)


def _linked_correction(conn: Connection, names: Sequence[str], where: Sequence[tuple[str, str]], only: bool,
                       counts: dict[tuple[str, ...], int], counted: int, total: int,
                       spans: int) -> tuple[int, int, int]:
    """Turn victim counts into person counts: in each row, and in counted, total and spans, the linked mentions
    (each counted once as a victim) are replaced by their distinct persons. ``counts`` is corrected in place.

    A linked mention is in spans as a victim when it has a spanning value and no combination; its person is in
    spans when one of its mentions is so and none of its mentions has a combination."""
    wanted: dict[str, list[str]] = {}
    for dim, value in where:
        wanted.setdefault(dim, [])
        if value not in wanted[dim]:
            wanted[dim].append(value)
    params: list[str] = []

    def passing(x: str) -> str:
        """Looked up per linked mention in the primary keys (a set of every filtered mention is never built)."""
        terms = [f"{x}.mid > 0"]
        if only:
            terms.append(f"EXISTS (SELECT 1 FROM temp.stat_q_only o WHERE o.mid = {x}.mid)")
        for dim, values in wanted.items():
            terms.append(f"EXISTS (SELECT 1 FROM stat_facts f WHERE f.dim = ? AND f.value IN ({_marks(values)})"
                         f" AND f.mid = {x}.mid)")
            params.extend([dim, *values])
        return " AND ".join(terms)

    def j() -> str:
        """The linked mentions' rows of ``j`` (docs/statistics.md), driven by the linked mentions."""
        params.append(names[0])
        # CROSS JOIN: the linked mentions drive the loop (the planner, knowing nothing of the temporary table, would
        # scan the whole dimension and look each row up in it)
        sql = (f"temp.stat_q_person pu CROSS JOIN stat_facts a ON a.dim = ? AND a.mid = pu.mid"
               f" AND a.value != '{dims.SPANS}'")
        if len(names) == 2:
            params.append(names[1])
            sql += f" CROSS JOIN stat_facts b ON b.dim = ? AND b.mid = a.mid AND b.value != '{dims.SPANS}'"
        return f"{sql} WHERE {passing('a')}"

    columns = "a.value" + (", b.value" if len(names) == 2 else "")
    cells = f"SELECT 0, {columns}, count(*), count(DISTINCT pu.unit) FROM {j()} GROUP BY {columns}"
    inj = f"SELECT DISTINCT pu.mid, pu.unit FROM {j()}"
    params.extend([*names, dims.SPANS])
    sp = (f"SELECT pu.mid, pu.unit FROM temp.stat_q_person pu WHERE EXISTS (SELECT 1 FROM stat_facts s"
          f" WHERE s.dim IN ({_marks(names)}) AND s.value = ? AND s.mid = pu.mid AND {passing('s')})")
    tot = (f"SELECT pu.unit FROM temp.stat_q_person pu CROSS JOIN stat_mentions p ON p.mid = pu.mid"
           f" WHERE {passing('p')}")
    pad = ", NULL" * (len(names) - 1)
    sql = (f"WITH inj AS MATERIALIZED ({inj}), sp AS MATERIALIZED ({sp}), tot AS MATERIALIZED ({tot})"
           f" {cells} UNION ALL SELECT 1{pad}, NULL, (SELECT count(*) FROM inj), (SELECT count(DISTINCT unit) FROM inj)"
           f" UNION ALL SELECT 2{pad}, NULL, (SELECT count(*) FROM tot), (SELECT count(DISTINCT unit) FROM tot)"
           f" UNION ALL SELECT 3{pad}, NULL, (SELECT count(*) FROM sp WHERE mid NOT IN (SELECT mid FROM inj)),"
           f" (SELECT count(DISTINCT unit) FROM sp WHERE unit NOT IN (SELECT unit FROM inj))")
    # the CTEs' parameters come first in the statement: inj, sp, tot, then the cells
    n_cells = len(names) + sum(1 + len(v) for v in wanted.values())
    cells_params, rest = params[:n_cells], params[n_cells:]
    n_inj = n_cells
    inj_params, rest = rest[:n_inj], rest[n_inj:]
    out = {1: (0, 0), 2: (0, 0), 3: (0, 0)}
    for kind, *row in conn.execute(sql, [*inj_params, *rest, *cells_params]):
        mentions, persons = int(row[-2]), int(row[-1])
        if kind == 0:
            key = tuple(str(v) for v in row[:-2])
            counts[key] += persons - mentions
        else:
            out[int(kind)] = (mentions, persons)
    return (counted - out[1][0] + out[1][1], total - out[2][0] + out[2][1], spans - out[3][0] + out[3][1])


MAX_COLUMNS = 64  # above this many values of the smaller dimension, the rows are grouped by a sort instead


def _inner_values(conn: Connection, names: Sequence[str]) -> tuple[int, list[str]] | None:
    """For two dimensions: which one (0 or 1) has fewer values, and its values (``~spans`` left out), so each row of
    the other can count them in columns while the fact rows are read in value order (no sort); None for one
    dimension, or when both have more than :data:`MAX_COLUMNS` values."""
    if len(names) != 2:
        return None
    found = []
    for name in names:  # a skip-scan of the primary key: one seek per value
        found.append([str(v) for (v,) in conn.execute(
            """WITH RECURSIVE v(x) AS (SELECT min(value) FROM stat_facts WHERE dim = ?1
               UNION ALL SELECT (SELECT min(value) FROM stat_facts WHERE dim = ?1 AND value > x) FROM v
               WHERE x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL AND x != ?2""", (name, dims.SPANS))])
    which = 0 if len(found[0]) < len(found[1]) else 1
    return (which, found[which]) if 0 < len(found[which]) <= MAX_COLUMNS else None


def _statement(names: Sequence[str], unit: str, where: Sequence[tuple[str, str]],  # noqa: PLR0915
               only: bool, inner: tuple[int, list[str]] | None) -> tuple[str, list[str]]:
    """The one statement: the rows (kind 0: a value, then the counts of the inner values, or the other value and
    the count), then counted (1), total (2) and spans (3)."""
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

    def unit_of(x: str) -> tuple[str, str, str]:
        """The unit of mention ``x`` (victim or testimony): (a join to add after ``x`` (none), the expression,
        NULL)."""
        return "", f"{x}.tid" if unit == "testimony" else f"{x}.mid", "NULL"

    def combos(x: str, y: str, order: str = "") -> str:
        """The passing mentions' known values: ``x`` rows of the outer dimension, joined to ``y`` rows of the other."""
        join, _, _ = unit_of(x)
        if len(names) == 1:
            params.append(names[0])
            return (f"stat_facts {x}{order}{join} WHERE {x}.dim = ? AND {x}.value != '{dims.SPANS}'"
                    f" AND {passing(x)}")
        outer = 1 - inner[0] if inner is not None else 0
        params.extend([names[1 - outer], names[outer]])
        return (f"stat_facts {x}{order} JOIN stat_facts {y} ON {y}.dim = ? AND {y}.mid = {x}.mid{join}"
                f" WHERE {x}.dim = ? AND {x}.value != '{dims.SPANS}' AND {y}.value != '{dims.SPANS}'"
                f" AND {passing(x)}")

    def fragment(build: Callable[[], str]) -> tuple[str, list[str]]:
        """A part of the statement with its own parameters (the parts are assembled in another order)."""
        saved = list(params)
        params.clear()
        sql = build()
        mine = list(params)
        params[:] = saved
        return sql, mine

    n = len(names)
    _, u, _ = unit_of("a")

    def per(cond: str) -> str:
        """A row's count: its distinct units. Victims: (values, mention) is unique (a fact is unique per dimension,
        value and mention), so a count of rows. Persons: the unlinked mentions (one row each) and the distinct linked
        persons."""
        if unit == "victim":
            return f"sum({cond})" if cond else "count(*)"
        return f"count(DISTINCT CASE WHEN {cond} THEN {u} END)" if cond else f"count(DISTINCT {u})"

    def rows() -> str:
        if inner is not None:
            cells = []
            for value in inner[1]:
                cells.append(per("b.value = ?"))
                params.extend([value] * cells[-1].count("?"))
            return f"SELECT 0, a.value, {', '.join(cells)} FROM {combos('a', 'b')} GROUP BY a.value"
        if n == 2:
            return f"SELECT 0, a.value, b.value, {per('')} FROM {combos('a', 'b')} GROUP BY a.value, b.value"
        return f"SELECT 0, a.value, {per('')} FROM {combos('a', 'b')} GROUP BY a.value"

    def total() -> str:
        """The units of the passing mentions, driven by the first filter's facts when there is one."""
        join, pu, _ = unit_of("p")
        if filters:
            params.extend([filters[0], *wanted[filters[0]]])
            return (f"SELECT count(DISTINCT {pu}) FROM stat_facts p{join} WHERE p.dim = ?"
                    f" AND p.value IN ({_marks(wanted[filters[0]])}) AND {passing('p', 1)}")
        return f"SELECT count(DISTINCT {pu}) FROM stat_mentions p{join} WHERE {passing('p')}"

    def spanning(x: str) -> str:
        """Rows of passing mentions with a spanning value in a counted dimension."""
        params.extend([*names, dims.SPANS])
        return f"stat_facts {x} WHERE {x}.dim IN ({_marks(names)}) AND {x}.value = ? AND {passing(x)}"

    rows_sql, rows_params = fragment(rows)
    width = rows_sql.count(",", 0, rows_sql.index(" FROM ")) - 1  # the columns after kind and the first value
    pad = ", ".join(["NULL"] * width)
    total_sql, total_params = fragment(total)
    if unit == "victim":
        # counted: the mentions with a combination, read in mention order (a count of distinct values that needs
        # no set); spans: the mentions with a spanning value and no combination (looked up for those only)
        counted_sql, counted_params = fragment(
            lambda: f"SELECT count(DISTINCT a.mid) FROM {combos('a', 'b', ' INDEXED BY stat_facts_by_dim_mention')}")
        spans_sql, spans_params = fragment(
            lambda: f"SELECT count(DISTINCT s.mid) FROM {spanning('s')}"
                    f" AND NOT EXISTS (SELECT 1 FROM {combos('a', 'b')} AND a.mid = s.mid)")
        return (f"{rows_sql} UNION ALL SELECT 1, {pad}, ({counted_sql}) UNION ALL SELECT 2, {pad}, ({total_sql})"
                f" UNION ALL SELECT 3, {pad}, ({spans_sql})"), rows_params + counted_params + total_params + spans_params

    # Testimonies: counted = the distinct units with a combination; spans = the distinct units with a
    # combination or a spanning value, less counted (one pass over both).
    def both() -> str:
        join, su, _ = unit_of("s")
        first = f"SELECT {u} AS u, 1 AS c FROM {combos('a', 'b')}"
        spans_rows = spanning("s").replace("stat_facts s WHERE", f"stat_facts s{join} WHERE", 1)
        return (f"SELECT count(DISTINCT u) FILTER (WHERE c) AS counted, count(DISTINCT u) AS everyone"
                f" FROM ({first} UNION ALL SELECT {su}, 0 FROM {spans_rows})")

    both_sql, both_params = fragment(both)
    return (f"WITH x AS MATERIALIZED ({both_sql}) {rows_sql} UNION ALL SELECT 1, {pad}, counted FROM x"
            f" UNION ALL SELECT 2, {pad}, ({total_sql}) UNION ALL SELECT 3, {pad}, everyone - counted FROM x"
            ), both_params + rows_params + total_params

def _marks(values: Sequence[str]) -> str:
    return ", ".join("?" * len(values))
