"""The Python counting that ``intake stats`` used before it counted in SQL (issue 30), kept as the tests' reference.

This is the loop over fact rows that ``intake_app.stats.query`` ran for two dimensions and filters until the counting
moved into SQL: mention → unit, the mentions passing every filter, each passing mention's bucket values per dimension,
then the units per combination of values. The property tests check that the SQL gives exactly the same result on
random worlds (tests/stats/test_stats_sql.py). It reads the same fact table, so it checks the counting, not the facts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from intake_app.stats import dimensions as dims
from intake_app.stats.query import Persons, StatsResult, _rows
from intake_app.vault.database import Connection


def python_run(conn: Connection, by: Sequence[str], unit: str = "victim", where: Sequence[tuple[str, str]] = (),
               persons: Persons | None = None, device_names: dict[str, str] | None = None,
               only: frozenset[str] | None = None) -> StatsResult:
    """The statistics table counted in Python over the fact rows (for any number of filters and one or two dims)."""
    unit_of = _units(conn, unit, persons or {}, only)
    passing = _passing(conn, set(unit_of), where)
    values, spanning = _values(conn, list(by), passing)
    buckets: dict[tuple[str, ...], set[Any]] = defaultdict(set)
    for mid in passing:
        combos: list[tuple[str, ...]] = [()]
        for per in values:
            combos = [(*c, v) for c in combos for v in per.get(mid, ())]
        for combo in combos:
            buckets[combo].add(unit_of[mid])
    counted_in: dict[Any, int] = defaultdict(int)
    for members in buckets.values():
        for member in members:
            counted_in[member] += 1
    population = {unit_of[mid] for mid in passing}
    unknown_units = population - set(counted_in)
    spans_units = {unit_of[mid] for mid in spanning} & unknown_units
    total = len(population)
    rows = _rows(by, {combo: len(members) for combo, members in buckets.items()}, total, device_names)
    return StatsResult(unit, tuple(by), total, tuple(rows), len(unknown_units), len(spans_units),
                       any(n > 1 for n in counted_in.values()), tuple(where))


def _units(conn: Connection, unit: str, persons: Persons, only: frozenset[str] | None = None) -> dict[int, Any]:
    """Mention number → the unit it belongs to (the testimony pseudo-mention only for the testimony unit)."""
    unit_of: dict[int, Any] = {}
    rows = conn.execute("SELECT m.mid, m.tid, m.victim, t.record_id FROM stat_mentions m"
                        " JOIN stat_testimonies t ON t.tid = m.tid").fetchall()
    if only is not None:
        records = {m.partition("/")[0] for m in only}
        rows = [r for r in rows if (f"{r[3]}/{r[2]}" in only if r[2] else str(r[3]) in records)]
    for mid, tid, victim, record_id in rows:
        if unit == "testimony":
            unit_of[mid] = tid
        elif victim and unit == "victim":
            unit_of[mid] = mid
        elif victim:
            mention = f"{record_id}/{victim}"
            unit_of[mid] = persons.get(mention, mention)
    return unit_of


def _passing(conn: Connection, mids: set[int], where: Sequence[tuple[str, str]]) -> set[int]:
    """Mentions satisfying every filter: the same dimension twice means either value; different ones must all hold."""
    by_dim: dict[str, set[int]] = defaultdict(set)
    for dim, value in where:
        by_dim[dim].update(int(r[0]) for r in conn.execute(
            "SELECT mid FROM stat_facts WHERE dim = ? AND value = ?", (dim, value)))
    for selected in by_dim.values():
        mids &= selected
    return mids


def _values(conn: Connection, names: Sequence[str], passing: set[int]) -> tuple[list[dict[int, list[str]]], set[int]]:
    """Per dimension, each passing mention's bucket values; and the mentions with a value spanning buckets."""
    values: list[dict[int, list[str]]] = []
    spanning: set[int] = set()
    for name in names:
        per: dict[int, list[str]] = defaultdict(list)
        for value, mid in conn.execute("SELECT value, mid FROM stat_facts WHERE dim = ?", (name,)):
            if mid not in passing:
                continue
            if value == dims.SPANS:
                spanning.add(mid)
            else:
                per[mid].append(value)
        values.append(per)
    return values, spanning
