"""Benchmark ``intake stats`` and the Statistics page on a real SQLCipher vault, at two sizes.

    .venv/bin/python bench/stats.py [--testimonies 100000] [--small 20000] [--seed 15] [--repeat 3]
                                    [--cache DIR] [--rebuild] [--no-page]

The corpus (bench/_stats_corpus.py): an HQ vault whose fact table holds N synthetic testimonies of the statistics
tests' seeded generator, filled as the record store would fill it and kept between runs under ``--cache``
(default bench/out/cache/stats; ``--rebuild`` fills it again and prints the fill time). 2 % of the victim mentions are
linked into persons for the person unit. At each size (``--small``, then ``--testimonies``) it measures, for each
query class and each unit (victim, person, testimony):

- **two dimensions** (``--by organ,era`` …), **filtered** (one dimension and ``--where``), and **two dimensions
  filtered**: ``query.run`` as ``intake stats`` calls it (the staleness check, then the counting in SQL);
- reference, in the same run and interleaved with it: the same counting in the plainest SQL (:func:`reference`:
  one ``GROUP BY`` with ``count(DISTINCT unit)`` over the same dimensions' fact rows joined by mention, the filters as
  ``IN`` sub-queries, then one ``count(DISTINCT unit)`` each for counted, total and spans; persons from a temporary
  table filled from the same links). The run stops if its answer (rows, total, unknown, spans) differs from the
  query's. Also printed, as a floor: the bare ``GROUP BY`` that counts fact rows per value (the first pass's
  reference: no units, spans, unknown or total, so not the same answer);
- target (issue 30): every query ≤ 0.5 s at 100k on a quiet machine, and ≤ 1.5 × its reference.

Each time is the median of ``--repeat`` runs. At the large size it also measures every single-dimension query (the
maintained counts, target ≤ 1 s) and, unless ``--no-page``, the Statistics page's redraw offscreen (target ≤ 1 s).
The load average is printed beside each class: on a shared machine the figures move with it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._report import CACHE, figure, peak_rss_mb

Query = tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]  # unit, by, where
PAIRS = (("organ", "era"), ("category", "decade"), ("country@arrest", "sex"))
FILTERED = ((("category",), (("organ", "MSS"),)), (("year",), (("sex", "F"),)),
            (("country@arrest",), (("sex", "F"), ("sex", "M"), ("era", "kim_jong_il"))))
BOTH = ((("organ", "era"), (("sex", "F"),)), (("category", "age_band"), (("country", "CN"),)))
UNITS = ("victim", "person", "testimony")
CLASSES: dict[str, list[Query]] = {
    "two dimensions": [(u, by, ()) for by in PAIRS for u in UNITS],
    "filtered": [(u, by, where) for by, where in FILTERED for u in UNITS],
    "two dimensions, filtered": [(u, by, where) for by, where in BOTH for u in UNITS],
}
TARGET_S, TARGET_RATIO = 0.5, 1.5


def floor_sql(by: Sequence[str], where: Sequence[tuple[str, str]]) -> tuple[str, list[str]]:
    """The bare GROUP BY (the reference of the first pass, kept as a floor): fact rows per value (pair), filters as IN;
    no units, no spans, no unknown, no total, so not the same answer as the query."""
    wanted: dict[str, list[str]] = {}
    for dim, value in where:
        wanted.setdefault(dim, []).append(value)
    params: list[str] = []
    sql = "SELECT a.value" + (", b.value" if len(by) == 2 else "") + ", count(*) FROM stat_facts a"
    if len(by) == 2:
        sql += " JOIN stat_facts b ON b.mid = a.mid AND b.dim = ?"
        params.append(by[1])
    sql += " WHERE a.dim = ?"
    params.append(by[0])
    for dim, values in wanted.items():
        sql += f" AND +a.mid IN (SELECT mid FROM stat_facts WHERE dim = ? AND value IN ({', '.join('?' * len(values))}))"
        params += [dim, *values]
    return sql + " GROUP BY a.value" + (", b.value" if len(by) == 2 else ""), params


Answer = tuple[dict[tuple[str, ...], int], int, int, int]  # counts, total, unknown, spans


def reference(conn: Any, by: Sequence[str], unit: str, where: Sequence[tuple[str, str]],
              persons: dict[str, str] | None) -> Answer:
    """The same answer as ``query.run`` (docs/statistics.md's counting rule: units, ``~spans`` left out, total,
    unknown, spans) in the plainest SQL: one ``GROUP BY`` with ``count(DISTINCT unit)`` over the fact rows of the
    counted dimensions joined by mention, and one ``count(DISTINCT unit)`` each for counted, total and spans. Filters
    are ``IN`` sub-queries; the unit of a mention is ``mid``, ``tid``, or for persons the link's key (a temporary table
    of linked mentions, filled from the same mapping the query gets; a key that is an unlinked mention's id is that
    mention's person too), else ``mid``."""
    wanted: dict[str, list[str]] = {}
    for dim, value in where:
        wanted.setdefault(dim, [])
        if value not in wanted[dim]:
            wanted[dim].append(value)
    linked = unit == "person" and bool(persons)
    if linked:
        assert persons is not None
        conn.execute("CREATE TEMP TABLE ref_names (record_id TEXT, victim TEXT, person TEXT)")
        own = {key for key in persons.values() if key not in persons}
        conn.executemany("INSERT INTO ref_names VALUES (?, ?, ?)",
                         [(*m.partition("/")[::2], p) for m, p in persons.items()]
                         + [(*k.partition("/")[::2], k) for k in own])
        conn.execute("CREATE TEMP TABLE ref_person (mid INTEGER PRIMARY KEY, person TEXT NOT NULL)")
        conn.execute("INSERT OR IGNORE INTO ref_person SELECT m.mid, n.person FROM ref_names n JOIN stat_testimonies t"
                     " ON t.record_id = n.record_id JOIN stat_mentions m ON m.tid = t.tid AND m.victim = n.victim"
                     " WHERE m.mid > 0")
    try:
        def unit_of(x: str) -> tuple[str, str]:
            if unit == "testimony":
                return "", f"{x}.tid"
            if linked:
                return f" LEFT JOIN ref_person {x}p ON {x}p.mid = {x}.mid", f"coalesce({x}p.person, {x}.mid)"
            return "", f"{x}.mid"

        def passing(x: str) -> tuple[str, list[str]]:
            terms, params = ([] if unit == "testimony" else [f"{x}.mid > 0"]), []  # "+": as the query and the floor
            for dim, values in wanted.items():
                terms.append(f"+{x}.mid IN (SELECT mid FROM stat_facts WHERE dim = ? AND value IN"
                             f" ({', '.join('?' * len(values))}))")
                params += [dim, *values]
            return " AND ".join(terms) or "1", params

        join, u = unit_of("a")
        cond, cond_params = passing("a")
        second = " JOIN stat_facts b ON b.mid = a.mid AND b.dim = ? AND b.value != '~spans'" if len(by) == 2 else ""
        j = f"FROM stat_facts a{second}{join} WHERE a.dim = ? AND a.value != '~spans' AND {cond}"
        j_params = [*by[1:], by[0], *cond_params]
        cols = "a.value" + (", b.value" if len(by) == 2 else "")
        counts = {tuple(str(v) for v in row[:-1]): int(row[-1])
                  for row in conn.execute(f"SELECT {cols}, count(DISTINCT {u}) {j} GROUP BY {cols}", j_params)}
        counted = int(conn.execute(f"SELECT count(DISTINCT {u}) {j}", j_params).fetchone()[0])
        pjoin, pu = unit_of("p")
        pcond, pparams = passing("p")
        total = int(conn.execute(f"SELECT count(DISTINCT {pu}) FROM stat_mentions p{pjoin} WHERE {pcond}",
                                 pparams).fetchone()[0])
        sjoin, su = unit_of("s")
        scond, sparams = passing("s")
        spans = int(conn.execute(
            f"SELECT count(DISTINCT {su}) FROM stat_facts s{sjoin} WHERE s.dim IN ({', '.join('?' * len(by))})"
            f" AND s.value = '~spans' AND {scond} AND {su} NOT IN (SELECT {u} {j})",
            [*by, *sparams, *j_params]).fetchone()[0])
    finally:
        conn.execute("DROP TABLE IF EXISTS ref_names")
        conn.execute("DROP TABLE IF EXISTS ref_person")
    return counts, total, total - counted, spans


def answer(result: Any) -> Answer:
    """``query.run``'s result in the reference's shape."""
    return ({tuple(row["key"][d] for d in result.by): int(row["count"]) for row in result.rows}, result.total,
            result.unknown, result.spans)


def _fetch(conn: Any, sql: str, params: list[str]) -> list[Any]:
    return list(conn.execute(sql, params).fetchall())


def _timed(run: Callable[[], object], times: list[float]) -> None:
    started = time.perf_counter()
    run()
    times.append(time.perf_counter() - started)


def measure_class(conn: Any, name: str, queries: list[Query], persons: dict[str, str], repeat: int,
                  size: int) -> bool:
    from intake_app.stats import query  # noqa: PLC0415 - after the path is set

    load = os.getloadavg()
    print(f"{name} (load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}):")
    results = []
    for unit, by, where in queries:
        sql, params = floor_sql(by, where)
        ours: list[float] = []
        ref: list[float] = []
        floor: list[float] = []
        linked = persons if unit == "person" else None
        got: list[Any] = []
        expected: list[Answer] = []
        for _ in range(repeat):  # interleaved, so a burst of load falls on all three
            _timed(lambda: expected.append(reference(conn, by, unit, where, linked)), ref)  # noqa: B023
            _timed(lambda: got.append(query.run(conn, list(by), unit, list(where), linked)), ours)  # noqa: B023
            _timed(partial(_fetch, conn, sql, params), floor)
        if answer(got[-1]) != expected[-1]:
            raise SystemExit(f"the query and its reference disagree: {unit} by {by} where {where}")
        t, r, f = statistics.median(ours), statistics.median(ref), statistics.median(floor)
        results.append((t, r, unit, by, where))
        shown = ",".join(by) + "".join(f" {d}={v}" for d, v in where)
        print(f"  {unit:<9} {shown:<52} {t * 1000:7.0f} ms   SQL {r * 1000:7.0f} ms   {t / r:5.2f}x"
              f"   (bare GROUP BY {f * 1000:5.0f} ms, {t / f:5.2f}x)")
    worst = max(results, key=lambda x: x[0])
    worst_ratio = max(results, key=lambda x: x[0] / x[1])
    ok = all(t <= TARGET_S and t / r <= TARGET_RATIO for t, r, *_ in results)
    label = f"{name} at {size // 1000}k (load {load[0]:.1f})"
    figure(f"{label}, slowest query ({worst[2]} by {','.join(worst[3])})", worst[0], "s",
           reference="the same counting in plain SQL (GROUP BY, count(DISTINCT unit)), same run, same answer",
           reference_value=worst[1],
           target=f"<= {TARGET_S} s at 100k, <= {TARGET_RATIO}x the SQL", ok=ok if size >= 100_000 else None)
    figure(f"{label}, highest ratio to its SQL ({worst_ratio[2]} by {','.join(worst_ratio[3])})",
           worst_ratio[0] / worst_ratio[1], "x", target=f"<= {TARGET_RATIO}",
           ok=worst_ratio[0] / worst_ratio[1] <= TARGET_RATIO)
    return ok


def linked_persons(conn: Any) -> dict[str, str]:
    """2 % of the victim mentions linked to the mention before them (persons of two mentions)."""
    victims = [m for (m,) in conn.execute("SELECT t.record_id || '/' || m.victim FROM stat_mentions m"
                                          " JOIN stat_testimonies t ON t.tid = m.tid WHERE m.victim != ''"
                                          " ORDER BY m.mid")]
    return {m: f"person-{i}" for i, m in enumerate(victims) if i % 50 in (0, 1)}


def single_dimension(conn: Any, persons: dict[str, str]) -> None:
    from intake_app.stats import dimensions, query  # noqa: PLC0415

    times = {}
    for dim in [d.replace("@STAGE", "@arrest") for d in dimensions.DIMENSIONS]:
        started = time.perf_counter()
        query.run(conn, [dim], "victim")
        times[("victim", dim)] = time.perf_counter() - started
    for unit in ("person", "testimony"):
        for dim in ("organ", "year", "category", "age_band", "interviewer"):
            started = time.perf_counter()
            query.run(conn, [dim], unit, (), persons if unit == "person" else None)
            times[(unit, dim)] = time.perf_counter() - started
    worst = max(times, key=lambda k: times[k])
    print(f"single dimension: worst {worst[0]} by {worst[1]} {times[worst] * 1000:.0f} ms, median (victim) "
          f"{statistics.median(t for (u, _), t in times.items() if u == 'victim') * 1000:.0f} ms")
    figure("single-dimension stats query, worst of all dimensions and units", times[worst], "s", target="<= 1 s",
           ok=times[worst] <= 1.0)


def redraw_times(vault: Any, dims: list[str]) -> list[float]:
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415 - Qt only for this part

    from ui.common.db_worker import DbWorker  # noqa: PLC0415
    from ui.common.fonts import install_application_font  # noqa: PLC0415
    from ui.hq.stats_page import StatsPage  # noqa: PLC0415

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    install_application_font(app)
    worker = DbWorker(vault)
    page = StatsPage(worker)
    page.resize(1200, 800)
    page.show()
    done: list[float] = []
    page.refreshed.connect(lambda: done.append(time.perf_counter()))

    def wait(count: int) -> None:
        deadline = time.monotonic() + 120
        while len(done) < count and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.001)

    wait(1)  # the first draw, on show
    times = []
    for dim in dims:
        before = len(done)
        started = time.perf_counter()
        page.set_choice(dim=dim)
        wait(before + 1)
        app.processEvents()  # the repaint of chart and table
        times.append(time.perf_counter() - started)
    worker.shutdown()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--testimonies", type=int, default=100_000, help="the large size (default: %(default)s)")
    parser.add_argument("--small", type=int, default=20_000, help="the smaller size, measured first (0: skip it; "
                        "default: %(default)s)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each query and its reference")
    parser.add_argument("--cache", type=Path, default=CACHE / "stats",
                        help="folder for the vaults kept between runs (default: %(default)s)")
    parser.add_argument("--rebuild", action="store_true", help="fill the vaults again (and print the fill time)")
    parser.add_argument("--no-page", action="store_true", help="skip the Statistics page redraw")
    args = parser.parse_args()
    os.environ.setdefault("INTAKE_KDF_PROFILE", "fast")  # throwaway vaults
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from bench._stats_corpus import cached_vault  # noqa: PLC0415 - imports the product: after --help

    ok = True
    for size in [s for s in (args.small, args.testimonies) if s]:
        vault, fill_s = cached_vault(args.cache, size, args.seed, args.rebuild)
        conn = vault.conn
        victims = conn.execute("SELECT count(*) FROM stat_mentions WHERE mid > 0").fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM stat_facts").fetchone()[0]
        print(f"\n== {size} testimonies: {victims} victims, {rows} fact rows"
              + (f"; filled in {fill_s:.0f} s" if fill_s is not None else " (cached)"))
        if fill_s is not None:
            figure(f"fact table fill per testimony ({size // 1000}k)", fill_s / size * 1000, "ms")
        persons = linked_persons(conn)
        for name, queries in CLASSES.items():
            ok = measure_class(conn, name, queries, persons, args.repeat, size) and ok
        if size == args.testimonies:
            single_dimension(conn, persons)
            if not args.no_page:
                redraws = redraw_times(vault, ["organ", "year", "category", "country", "age_band", "era",
                                               "interviewer"])
                print("page redraw: " + ", ".join(f"{t * 1000:.0f} ms" for t in redraws))
                figure("statistics page redraw (query on the DB worker + chart and table), worst", max(redraws), "s",
                       target="<= 1 s", ok=max(redraws) <= 1.0)
        vault.lock()
    figure("peak RSS", peak_rss_mb(), "MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
