"""``intake stats``: counts of victims, persons or testimonies by one or two dimensions, from the fact table.

Counting rule (docs/statistics.md): facts combine within a mention; a unit (a victim mention, a person = the mentions
the registry links, a testimony = its victims plus its own interview facts) counts in a bucket when one of its
mentions that satisfies every ``--where`` has that bucket's value(s). So a person reported by three testimonies counts
once per bucket, a victim in two categories counts in both (``overlapping`` says the shares then add up to more than
1), and ``total`` is the number of units with at least one mention satisfying the filters. ``unknown`` counts the units
of ``total`` in no bucket; ``spans`` counts those of them whose only values were dates spanning buckets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from intake_app import csv_cells
from intake_app.stats import counting, facts
from intake_app.stats import dimensions as dims
from intake_app.vault.database import Connection, Transaction

UNITS = ("victim", "person", "testimony")
SYNC_DUE = "stats_sync_due"  # the vault_meta key the triggers of migration m0015_stats_sql set
Persons = Mapping[str, str]  # linked mention → person key; a mention not in it is a person of its own


class StatsError(ValueError):
    """A bad dimension, unit or filter; the message says which."""


@dataclass(frozen=True)
class StatsResult:
    unit: str
    by: tuple[str, ...]
    total: int
    rows: tuple[dict[str, Any], ...]
    unknown: int
    spans: int
    overlapping: bool
    where: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "by": list(self.by), "total": self.total, "rows": list(self.rows),
                "unknown": self.unknown, "spans": self.spans, "overlapping": self.overlapping,
                "where": [{"dim": d, "value": v} for d, v in self.where]}

    def csv_text(self, min_cell: int | None = None) -> str:
        """The table as CSV: one line per bucket, then the unknown and spanning units; denominators on each line.

        With ``min_cell`` (a file for release, docs/exports.md §8): the cells of :meth:`released_lines`, with a
        ``suppressed`` column set to ``yes`` where the count and share are left empty. Every cell is escaped
        (:mod:`intake_app.csv_cells`)."""
        header = [*self.by, "label_ko", "label_en", "count", "share", "denominator", "unit"]
        if min_cell is None:
            return csv_cells.to_csv(header, [[*k, n, _share(n, self.total), self.total, self.unit]
                                             for k, n in self._lines()], line_end="\n")
        lines, total = self.released_lines(min_cell)
        out = [[*key, "" if n is None else n, "" if n is None else _share(n, self.total),
                "" if total is None else total, self.unit, "yes" if n is None else ""] for key, n in lines]
        return csv_cells.to_csv([*header, "suppressed"], out, line_end="\n")

    def _lines(self) -> list[tuple[list[Any], int]]:
        blank = [""] * len(self.by)
        lines: list[tuple[list[Any], int]] = [
            ([*(row["key"][d] for d in self.by), row["label"]["ko"], row["label"]["en"]], int(row["count"]))
            for row in self.rows]
        lines.append(([*blank, "미상", "unknown"], self.unknown))
        lines.append(([*blank, "구간에 걸침", "spans buckets"], self.spans))
        return lines

    def released_lines(self, min_cell: int) -> tuple[list[tuple[list[Any], int | None]], int | None]:
        """The lines (dimension values, label_ko, label_en; then unknown, spans) with their counts as a file for
        release may show them, and the denominator: a count below ``min_cell`` (and above 0) is suppressed (None);
        when that leaves exactly one suppressed cell, the smallest other non-zero cell is suppressed too, so the
        total cannot give it back; a total below ``min_cell`` suppresses every count and the denominator. The CSV
        and the chart file (:mod:`intake_app.exports.stats_chart`) both show exactly this."""
        lines = self._lines()
        hidden = suppressed_cells([n for _, n in lines[:-1]], min_cell)  # spans is a part of unknown: see below
        if lines[-1][1] and (lines[-1][1] < min_cell or len(lines) - 2 in hidden):
            hidden.add(len(lines) - 1)
        total = None if self.total < min_cell else self.total
        return [(key, None if i in hidden or total is None else n) for i, (key, n) in enumerate(lines)], total


def suppressed_cells(counts: Sequence[int], min_cell: int) -> set[int]:
    """Indexes of the cells to suppress: every count in ``1 .. min_cell - 1``, and when that is exactly one cell, the
    smallest other non-zero count as well (complementary suppression)."""
    hidden = {i for i, n in enumerate(counts) if 0 < n < min_cell}
    if len(hidden) == 1:
        others = sorted((n, i) for i, n in enumerate(counts) if n > 0 and i not in hidden)
        if others:
            hidden.add(others[0][1])
    return hidden


def _share(count: int, total: int) -> float:
    return round(count / total, 3) if total else 0.0


def parse_where(items: Sequence[str]) -> list[tuple[str, str]]:
    out = []
    for item in items:
        dim, sep, value = item.partition("=")
        if not sep or not dim or not value:
            raise StatsError(f"--where needs DIM=VALUE, got {item!r}")
        try:
            dims.parse_dim(dim)
        except ValueError as exc:
            raise StatsError(str(exc)) from None
        out.append((dim, value))
    return out


def run(conn: Connection, by: Sequence[str], unit: str = "victim", where: Sequence[tuple[str, str]] = (),
        persons: Persons | None = None, device_names: dict[str, str] | None = None,
        only: frozenset[str] | None = None) -> StatsResult:
    """Compute one statistics table (brings the fact table up to date first). ``only``: count only these mentions
    (``TID/VID``, the ones released for a purpose) and a testimony's own facts only if one of its mentions is in it."""
    if unit not in UNITS:
        raise StatsError(f"unknown unit {unit!r}; units: {', '.join(UNITS)}")
    if not 1 <= len(by) <= 2 or len(set(by)) != len(by):
        raise StatsError("--by takes one or two different dimensions")
    try:
        specs = [dims.parse_dim(d) for d in by]
    except ValueError as exc:
        raise StatsError(str(exc)) from None
    catch_up(conn)
    if len(specs) == 1 and not where and only is None:
        return _single(conn, specs[0].name, unit, persons or {}, device_names)
    counted = counting.count(conn, [s.name for s in specs], unit, where, persons or {}, only)
    rows = _rows(by, counted.counts, counted.total, device_names)
    return StatsResult(unit, tuple(by), counted.total, tuple(rows), counted.unknown, counted.spans,
                       counted.overlapping, tuple(where))


def _rows(by: Sequence[str], counts: dict[tuple[str, ...], int], total: int,
          device_names: dict[str, str] | None) -> list[dict[str, Any]]:
    rows = []
    for combo in sorted(counts, key=lambda c: [dims.sort_key(d, v) for d, v in zip(by, c, strict=True)]):
        labels = [dims.label(d, v, device_names) for d, v in zip(by, combo, strict=True)]
        rows.append({"key": dict(zip(by, combo, strict=True)),
                     "label": {lang: " · ".join(lab[lang] for lab in labels) for lang in ("ko", "en")},
                     "count": counts[combo], "share": _share(counts[combo], total)})
    return rows


def _single(conn: Connection, dim: str, unit: str, persons: Persons,
            device_names: dict[str, str] | None) -> StatsResult:
    """One dimension, no filter: read from the maintained counts (``stat_counts``), then corrected for linked persons.

    Persons: every unlinked mention is a person of its own, so the person counts are the victim counts minus, for
    each person of several mentions, what its mentions counted beyond one (computed in Python, over linked
    mentions only, which are few).
    """
    base = "testimony" if unit == "testimony" else "victim"
    found = {str(v): int(n) for v, n in conn.execute(
        "SELECT value, n FROM stat_counts WHERE unit = ? AND dim = ? AND n > 0", (base, dim))}
    counts: dict[tuple[str, ...], int] = {(v,): n for v, n in found.items() if not v.startswith("~")}
    row = conn.execute("SELECT n FROM stat_counts WHERE unit = ? AND dim = '~total' AND value = ''", (base,)).fetchone()
    total = int(row[0]) if row else 0
    counted, spans = found.get("~counted", 0), found.get("~spans", 0)
    overlapping = found.get("~multi", 0) > 0
    if unit == "person" and persons:
        counts, total, counted, spans, multi = _person_correction(conn, dim, persons, counts, total, counted, spans)
        overlapping = overlapping or multi
    rows = _rows([dim], counts, total, device_names)
    return StatsResult(unit, (dim,), total, tuple(rows), total - counted, spans, overlapping)


def _person_correction(conn: Connection, dim: str, persons: Persons, counts: dict[tuple[str, ...], int],
                       total: int, counted: int, spans: int) -> tuple[dict[tuple[str, ...], int], int, int, int, bool]:
    groups: dict[str, list[int]] = defaultdict(list)
    for mention, person in persons.items():
        record_id, _, victim = mention.partition("/")
        row = conn.execute("SELECT m.mid FROM stat_mentions m JOIN stat_testimonies t ON t.tid = m.tid"
                           " WHERE t.record_id = ? AND m.victim = ? AND m.mid > 0", (record_id, victim)).fetchone()
        if row is not None and person != mention:  # a mention of a deleted testimony no longer counts
            groups[person].append(int(row[0]))
    counts = dict(counts)
    multi = False
    for members in groups.values():
        values: dict[int, set[str]] = {m: set() for m in members}
        for m in members:
            values[m] = {str(v) for (v,) in conn.execute("SELECT value FROM stat_facts WHERE mid = ? AND dim = ?",
                                                         (m, dim))}
        known = [vs - {dims.SPANS} for vs in values.values()]
        union = set().union(*known)
        for value in union:  # the person counts once where its mentions counted several times
            counts[(value,)] -= sum(1 for vs in known if value in vs) - 1
        total -= len(members) - 1
        with_value = sum(1 for vs in known if vs)
        counted -= with_value - 1 if with_value else 0
        spanning_alone = sum(1 for m, vs in zip(members, known, strict=True) if not vs and dims.SPANS in values[m])
        spans -= spanning_alone - (1 if spanning_alone and not union else 0)
        multi = multi or len(union) > 1
    return counts, total, counted, spans, multi


def catch_up(conn: Connection) -> None:
    """Bring the fact table up to date (``facts.sync``) if a testimony record was added or changed its current revision
    since the last check: triggers set the ``vault_meta`` flag :data:`SYNC_DUE` on every such change (migration
    ``m0015_stats_sql``), and it is cleared in the same write transaction as the full check, so no change made
    meanwhile can be missed. Without the flag, a query skips the check (a join of every record, and at 100k
    testimonies a page cache emptied of the fact table)."""
    if conn.execute("SELECT 1 FROM vault_meta WHERE key = ?", (SYNC_DUE,)).fetchone() is None:
        return
    with Transaction(conn, join=True):
        facts.sync(conn)
        conn.execute("DELETE FROM vault_meta WHERE key = ?", (SYNC_DUE,))


def device_names(conn: Connection) -> dict[str, str]:
    """Enrolled devices' names by key id, for the ``device`` labels."""
    return {str(k): str(n) for k, n in conn.execute("SELECT key_id, name FROM devices")}
